// Command linkstream links the people, organisations and places named in
// text to their Wikipedia entities: from the command line (link, eval,
// bench), over Kafka (run, tail), over HTTP (serve), or all in-process
// (demo).
//
// This package reads flags and environment and nothing else: every
// sub-command is a thin shell over the library packages.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one sub-command: run receives the arguments after its name.
type command struct {
	summary string
	run     func(ctx context.Context, args []string) error
}

// commands is the table of sub-commands; a two-word command ("kb build") is
// keyed by both words.
var commands = map[string]command{
	"kb build":    {"build a knowledge base from Wikipedia dumps", runKBBuild},
	"kb lookup":   {"print the candidates of a surface form", runKBLookup},
	"link":        {"link documents from a file or stdin to Wikipedia entities", runLink},
	"eval":        {"score the linker against gold benchmarks", runEval},
	"bench":       {"measure the linker's throughput and print a table", runBench},
	"bench serve": {"measure serve over loopback HTTP: latency and requests/s per client count, KB swaps under load", runBenchServe},
	"demo":        {"link a dozen news texts through an in-process Kafka, end to end", runDemo},
	"run":         {"link a Kafka topic into another, as a consumer group member", runRun},
	"serve":       {"link over HTTP (/v1/link, Spotlight's /rest/annotate) with a page at /", runServe},
	"tail":        {"print an output topic's linked documents", runTail},
	"train":       {"fit the score weights and NIL threshold on the development sets", runTrain},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := dispatch(ctx, os.Args[1:])
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "linkstream:", err)
		os.Exit(1)
	}
}

func dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage()
		return nil
	}
	if len(args) >= 2 {
		if c, ok := commands[args[0]+" "+args[1]]; ok {
			return c.run(ctx, args[2:])
		}
	}
	if c, ok := commands[args[0]]; ok {
		return c.run(ctx, args[1:])
	}
	usage()
	return fmt.Errorf("unknown command %q", strings.Join(args[:min(2, len(args))], " "))
}

func usage() {
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	fmt.Fprintln(os.Stderr, "usage: linkstream COMMAND [flags]   (linkstream COMMAND -h for its flags)")
	fmt.Fprintln(os.Stderr)
	for _, name := range names {
		fmt.Fprintf(os.Stderr, "  %-12s %s\n", name, commands[name].summary)
	}
}

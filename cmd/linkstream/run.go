package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/linkstream/linkstream/consumer"
	"github.com/linkstream/linkstream/link"
)

// runRun is `linkstream run`: one member of the linking consumer group.
func runRun(ctx context.Context, args []string) error {
	fs := newFlagSet("run", "--brokers HOST:PORT --input-topic T --output-topic T --group G [flags]")
	var lf linkerFlags
	lf.register(fs)
	var sf swapFlags
	sf.register(fs)
	host, _ := os.Hostname()
	var (
		brokers     = fs.String("brokers", "127.0.0.1:19092", "comma-separated seed brokers")
		input       = fs.String("input-topic", "", "topic of input documents (JSON, or Avro in the Confluent wire format with --registry)")
		output      = fs.String("output-topic", "", "topic of linked documents (Avro, schemas/linked_document.avsc)")
		dlq         = fs.String("dlq-topic", "", "dead-letter topic (default INPUT.dlq)")
		group       = fs.String("group", "linkstream", "consumer group")
		instance    = fs.String("instance-id", host, "this instance's name, unique in the group and stable across restarts (names the transactional id)")
		delivery    = fs.String("delivery", "exactly-once", "exactly-once (transactions; read the output read_committed) or at-least-once")
		registry    = fs.String("registry", "", "Schema Registry URL(s), comma-separated: decode Avro input, register the output schema, write the wire format")
		kbVersion   = fs.String("kb-version", "", "KB version written into output records (default: from the content hash of the KB that linked each record)")
		modelID     = fs.String("model-id", "", "model id written into output records (default: the cross-encoder's)")
		startAtEnd  = fs.Bool("start-at-end", false, "a new group starts at the end of the input topic instead of the beginning")
		createTops  = fs.Bool("create-topics", true, "create missing topics at start-up: the input with the broker's default partitions, output and dead-letter topics with the input's")
		maxInFlight = fs.Int("max-in-flight", consumer.DefaultMaxInFlight, "most documents per cycle (transaction); fetching pauses while a full cycle is in flight")
		cycleTarget = fs.Duration("cycle-target", consumer.DefaultCycleTarget, "cycle duration to aim at: documents per cycle adapt to the linking rate (at most half --txn-timeout)")
		concurrency = fs.Int("concurrency", consumer.DefaultConcurrency, "Linker calls in flight across all partitions")
		maxDocBytes = fs.Int("max-doc-bytes", consumer.DefaultMaxDocumentBytes, "larger record values go to the dead-letter topic")
		dlqMaxValue = fs.Int("dlq-max-value-bytes", consumer.DefaultDeadLetterMaxValue, "larger original values are left out of dead letters (size and sha256 in headers); 0 keeps all")
		attempts    = fs.Int("max-attempts", consumer.DefaultMaxAttempts, "Linker attempts per document on transient errors")
		backoff     = fs.Duration("retry-backoff", consumer.DefaultRetryBackoff, "first retry backoff (doubles, with jitter)")
		maxBackoff  = fs.Duration("max-retry-backoff", consumer.DefaultMaxRetryBackoff, "longest retry backoff")
		linkTimeout = fs.Duration("link-timeout", consumer.DefaultLinkTimeout, "bound on one Linker call")
		shutdown    = fs.Duration("shutdown-timeout", consumer.DefaultShutdownTimeout, "on SIGINT/SIGTERM: finish or abort the cycle, commit and leave the group within this")
		session     = fs.Duration("session-timeout", consumer.DefaultSessionTimeout, "group session timeout")
		txnTimeout  = fs.Duration("txn-timeout", consumer.DefaultTransactionTimeout, "transaction timeout (exactly-once)")
		httpAddr    = fs.String("http-addr", "127.0.0.1:9464", "address of /metrics, /healthz and /readyz (empty: off)")
		logLevel    = fs.String("log-level", "info", "debug, info, warn or error")
		pprofOn     = fs.Bool("pprof", false, "also serve Go's /debug/pprof/ profiles on --http-addr")
	)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *input == "" || *output == "" {
		fs.Usage()
		return errors.New("run: --input-topic and --output-topic are required")
	}
	var eos bool
	switch *delivery {
	case "exactly-once":
		eos = true
	case "at-least-once":
	default:
		return fmt.Errorf("run: --delivery %q: want exactly-once or at-least-once", *delivery)
	}
	log, err := newLogger(*logLevel)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}

	tracer, stopTracing, err := setupTracing(ctx, "linkstream")
	if err != nil {
		return err
	}
	defer func() {
		c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = stopTracing(c)
	}()

	sw, closeModel, err := lf.openSwapper(ctx, sf, log)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	defer closeModel()
	defer sw.Close()
	// Given versions are written as given; by default each record names
	// the KB generation that linked it (the Swapper is a VersionedLinker).
	var linker link.Linker = sw
	if *kbVersion != "" || *modelID != "" {
		current, model := sw.Versions()
		*kbVersion, *modelID = cmp.Or(*kbVersion, current), cmp.Or(*modelID, model)
		linker = link.Func(sw.Link)
	}

	opts := []consumer.Opt{
		consumer.Brokers(splitList(*brokers)...),
		consumer.Topics(*input, *output, *dlq),
		consumer.Group(*group),
		consumer.InstanceID(*instance),
		consumer.ExactlyOnce(eos),
		consumer.StartAtEnd(*startAtEnd),
		consumer.CreateTopics(*createTops),
		consumer.Versions(*kbVersion, *modelID),
		consumer.MaxInFlight(*maxInFlight),
		consumer.CycleTarget(*cycleTarget),
		consumer.Concurrency(*concurrency),
		consumer.MaxDocumentBytes(*maxDocBytes),
		consumer.DeadLetterMaxValue(*dlqMaxValue),
		consumer.Retries(*attempts, *backoff, *maxBackoff),
		consumer.LinkTimeout(*linkTimeout),
		consumer.ShutdownTimeout(*shutdown),
		consumer.SessionTimeout(*session),
		consumer.TransactionTimeout(*txnTimeout),
		consumer.Tracing(tracer),
		consumer.Profiling(*pprofOn),
		consumer.Logger(log),
		consumer.Collectors(sw.Collector()),
	}
	if *registry != "" {
		reg, err := sr.NewClient(sr.URLs(splitList(*registry)...))
		if err != nil {
			return fmt.Errorf("run: --registry: %w", err)
		}
		opts = append(opts, consumer.Registry(reg))
	}
	svc, err := consumer.New(ctx, linker, opts...)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	if *httpAddr != "" {
		ln, err := net.Listen("tcp", *httpAddr)
		if err != nil {
			return fmt.Errorf("run: --http-addr: %w", err)
		}
		srv := &http.Server{Handler: svc.Handler(), ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
		log.Info("serving /metrics /healthz /readyz", "addr", ln.Addr().String())
	}
	stopWatch := watchKB(ctx, sw)
	defer stopWatch()
	current, model := sw.Versions()
	log.Info("linkstream run", "brokers", *brokers, "input", *input, "output", *output, "group", *group,
		"instance", *instance, "delivery", *delivery, "kb", cmp.Or(*kbVersion, current), "model", cmp.Or(*modelID, model))
	return svc.Run(ctx)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

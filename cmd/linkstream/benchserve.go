package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/linkstream/linkstream/bench"
	"github.com/linkstream/linkstream/hotswap"
	"github.com/linkstream/linkstream/server"
)

// runBenchServe is `linkstream bench serve`: it serves the Linker over
// loopback HTTP in this process, as `serve` does, and measures it with
// bounded loads of single-document requests; then, with --swaps, it swaps
// the KB back and forth under load and counts failed requests.
func runBenchServe(ctx context.Context, args []string) error {
	fs := newFlagSet("bench serve", "--kb KBDIR [--model DIR] [--clients 1,8,64] [--duration 15s] [--swaps 10 --swap-to KBDIR2]")
	var lf linkerFlags
	lf.register(fs)
	var (
		dataset     = fs.String("dataset", "msnbc", "documents to send (a dataset name or path, as for eval)")
		dataDir     = fs.String("data", defaultDataDir, "shared data folder that dataset names resolve in")
		clientList  = fs.String("clients", "1,8,64", "concurrent clients of each load, comma-separated; each has one request in flight")
		duration    = fs.Duration("duration", 15*time.Second, "length of each load")
		maxRequests = fs.Int64("max-requests", 100000, "bound on the requests of each load")
		swaps       = fs.Int("swaps", 0, "KB swaps to make under load after the loads (0: none)")
		swapTo      = fs.String("swap-to", "", "second KB to swap to and back from (default: reopen --kb)")
		swapEvery   = fs.Duration("swap-every", time.Second, "time between swaps")
		swapClients = fs.Int("swap-clients", 8, "concurrent clients during the swaps")
		verify      = fs.Bool("kb-verify", true, "verify each KB's content hash when opening it, as serve does")
	)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var clients []int
	for _, c := range splitList(*clientList) {
		n, err := strconv.Atoi(c)
		if err != nil || n < 1 {
			return fmt.Errorf("bench serve: --clients %q: want positive integers", *clientList)
		}
		clients = append(clients, n)
	}
	_, docs, err := benchDocuments(*dataDir, *dataset)
	if err != nil {
		return err
	}
	// The KB is served through a current link that the swaps move.
	root, err := os.MkdirTemp("", "linkstream-bench-serve-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	targets := []string{lf.kbDir, cmp.Or(*swapTo, lf.kbDir)}
	if err := hotswap.Publish(root, targets[0]); err != nil {
		return err
	}
	lf.kbDir = root
	sw, closeModel, err := lf.openSwapper(ctx, swapFlags{verify: *verify}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer closeModel()
	defer sw.Close()
	srv, err := server.New(sw, server.MaxConcurrent(slices.Max(append(clients, *swapClients))+8))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	url := "http://" + ln.Addr().String()
	kbVersion, modelID := sw.Versions()
	fmt.Fprintf(os.Stderr, "bench serve: %s, %d documents of %s, KB %s, model %s, mode %s\n", url, len(docs), *dataset, kbVersion, modelID, lf.mode)

	var rows []bench.Row
	for _, c := range clients {
		before := sw.Stats()
		r, err := bench.Load{URL: url, Docs: docs, Clients: c, Duration: *duration, MaxRequests: *maxRequests}.Run(ctx)
		if err != nil {
			return err
		}
		after := sw.Stats()
		batches, pairs := after.Batches.Batches-before.Batches.Batches, after.Batches.Pairs-before.Batches.Pairs
		rows = append(rows, bench.Row{What: fmt.Sprintf("%d client(s), one document a request", c), Value: fmt.Sprintf("%.1f", r.PerSec()), Unit: "requests/s",
			Note: fmt.Sprintf("p50 %s, p99 %s; %d requests, %d failed; cross-encoder %.2f pairs/batch (%d batches), %.1f mentions/doc cross-encoded",
				ms(r.P50), ms(r.P99), r.Requests, r.Failures, ratio(pairs, batches), batches,
				ratio(after.CrossEncoded-before.CrossEncoded, after.Documents-before.Documents))})
		if r.Failures > 0 {
			fmt.Fprintf(os.Stderr, "bench serve: first failure: %s\n", r.FirstFailure)
		}
	}
	if *swaps > 0 {
		row, err := swapUnderLoad(ctx, sw, root, targets, bench.Load{URL: url, Docs: docs, Clients: *swapClients, Duration: time.Hour, MaxRequests: 1 << 40}, *swaps, *swapEvery)
		if err != nil {
			return err
		}
		rows = append(rows, row)
	}
	return bench.Print(os.Stdout, rows)
}

// swapUnderLoad runs the load while it swaps the KB n times, moving the
// current link between the targets.
func swapUnderLoad(ctx context.Context, sw *hotswap.Swapper, root string, targets []string, load bench.Load, n int, every time.Duration) (bench.Row, error) {
	stop := make(chan struct{})
	load.Until = stop
	type ran struct {
		r   bench.LoadResult
		err error
	}
	done := make(chan ran, 1)
	go func() {
		r, err := load.Run(ctx)
		done <- ran{r, err}
	}()
	var switches, drains []time.Duration
	var swapErr error
	// pause paces the swaps: each KB serves the load for a while.
	pause := func() {
		select {
		case <-time.After(every):
		case <-ctx.Done():
		}
	}
	for i := 1; i <= n && swapErr == nil && ctx.Err() == nil; i++ {
		pause()
		if swapErr = hotswap.Publish(root, targets[i%2]); swapErr == nil {
			var s hotswap.Swap
			if s, swapErr = sw.Reload(ctx); swapErr == nil {
				switches, drains = append(switches, s.Switch), append(drains, s.Drain)
			}
		}
	}
	pause() // the last KB serves the load too
	close(stop)
	res := <-done
	if err := errors.Join(swapErr, res.err); err != nil {
		return bench.Row{}, err
	}
	if res.r.Failures > 0 {
		fmt.Fprintf(os.Stderr, "bench serve: first failure during the swaps: %s\n", res.r.FirstFailure)
	}
	if len(switches) == 0 {
		return bench.Row{}, ctx.Err()
	}
	slices.Sort(switches)
	var versions []string
	for v, c := range res.r.Versions {
		versions = append(versions, fmt.Sprintf("%s: %d", v, c))
	}
	slices.Sort(versions)
	return bench.Row{What: fmt.Sprintf("%d KB swaps under %d clients", len(switches), load.Clients), Value: strconv.FormatInt(res.r.Failures, 10), Unit: "failed requests",
		Note: fmt.Sprintf("%d requests, p99 %s; switch (open, verify, warm) median %s, max %s; drain max %s; answers by KB %s",
			res.r.Requests, ms(res.r.P99), ms(switches[len(switches)/2]), ms(switches[len(switches)-1]), ms(slices.Max(drains)), strings.Join(versions, ", "))}, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

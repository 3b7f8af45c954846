package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/linkstream/linkstream/server"
)

// runServe is `linkstream serve`: the Linker over HTTP, with the page at /.
func runServe(ctx context.Context, args []string) error {
	fs := newFlagSet("serve", "--kb KBDIR [--model DIR] [--addr 127.0.0.1:PORT] [flags]")
	var lf linkerFlags
	lf.register(fs)
	var sf swapFlags
	sf.register(fs)
	var (
		addr       = fs.String("addr", "127.0.0.1:9470", "listen address; loopback unless you mean to expose it (there is no authentication)")
		maxBody    = fs.Int64("max-body-bytes", 16<<20, "largest request body (an NDJSON batch included): 413 beyond")
		maxDoc     = fs.Int("max-doc-bytes", 1<<20, "largest document text: 413 beyond")
		maxBatch   = fs.Int("max-batch-docs", 1000, "most documents in one NDJSON request")
		batchPar   = fs.Int("batch-parallelism", 16, "documents of one NDJSON request linked at once")
		timeout    = fs.Duration("request-timeout", 30*time.Second, "bound on one request, body and linking, batch included: 408/504 beyond")
		concurrent = fs.Int("max-concurrent", 128, "linking requests in flight; more get 429 at once")
		shutdown   = fs.Duration("shutdown-timeout", 20*time.Second, "on SIGINT/SIGTERM: stop being ready, finish the requests in flight within this")
		logLevel   = fs.String("log-level", "info", "debug, info, warn or error")
	)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := newLogger(*logLevel)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	sw, closeModel, err := lf.openSwapper(ctx, sf, log)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer closeModel()
	defer sw.Close()
	srv, err := server.New(sw,
		server.MaxBodyBytes(*maxBody), server.MaxDocumentBytes(*maxDoc), server.MaxBatchDocuments(*maxBatch),
		server.BatchParallelism(*batchPar), server.RequestTimeout(*timeout), server.MaxConcurrent(*concurrent),
		server.Logger(log), server.Collectors(sw.Collector()))
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: --addr: %w", err)
	}
	if ip, err := tcpIP(ln.Addr()); err == nil && !ip.IsLoopback() {
		log.Warn("listening beyond loopback: anyone who reaches this address can use the server", "addr", ln.Addr().String())
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 2 * time.Minute}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	stopWatch := watchKB(ctx, sw)
	defer stopWatch()
	kbVersion, modelID := sw.Versions()
	log.Info("linkstream serve", "addr", "http://"+ln.Addr().String()+"/", "kb", kbVersion, "model", modelID)
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	srv.Drain()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), *shutdown)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	return nil
}

func tcpIP(a net.Addr) (net.IP, error) {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return nil, fmt.Errorf("not a TCP address: %v", a)
	}
	return tcp.IP, nil
}

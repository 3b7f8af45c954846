package server

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Opt configures a Server.
type Opt interface{ apply(*cfg) }

type optFunc func(*cfg)

func (f optFunc) apply(c *cfg) { f(c) }

type cfg struct {
	maxBody       int64
	maxDoc        int
	maxBatch      int
	batchParallel int
	timeout       time.Duration
	maxConcurrent int
	log           *slog.Logger
	collectors    []prometheus.Collector
}

func defaultCfg() cfg {
	return cfg{
		maxBody:       16 << 20,
		maxDoc:        1 << 20,
		maxBatch:      1000,
		batchParallel: 16,
		timeout:       30 * time.Second,
		maxConcurrent: 128,
		log:           slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

func (c *cfg) validate() error {
	var errs []error
	if c.maxBody < 1 || c.maxDoc < 1 || c.maxBatch < 1 || c.batchParallel < 1 || c.maxConcurrent < 1 || c.timeout <= 0 {
		errs = append(errs, errors.New("body, document and batch limits, batch parallelism, concurrency and timeout must be positive"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("server: %w", err)
	}
	return nil
}

// MaxBodyBytes bounds a request body (default 16 MiB): an NDJSON batch
// stops with a body-too-large line there, a single request gets 413.
func MaxBodyBytes(n int64) Opt { return optFunc(func(c *cfg) { c.maxBody = n }) }

// MaxDocumentBytes bounds one document's text (default 1 MiB; the Linker's
// own limit, pipeline.MaxDocumentBytes, also answers 413): 413 for a single
// document, an error line in a batch.
func MaxDocumentBytes(n int) Opt { return optFunc(func(c *cfg) { c.maxDoc = n }) }

// MaxBatchDocuments bounds the documents of one NDJSON request (default
// 1000); the rest of the body is not read and a batch-too-large line ends
// the response.
func MaxBatchDocuments(n int) Opt { return optFunc(func(c *cfg) { c.maxBatch = n }) }

// BatchParallelism sets how many documents of one NDJSON request link at
// once (default 16): enough to fill cross-encoder batches, few enough that
// one batch does not crowd out the single-document requests.
func BatchParallelism(n int) Opt { return optFunc(func(c *cfg) { c.batchParallel = n }) }

// RequestTimeout bounds a whole linking request, batch included (default
// 30s): 504 for a single document, a timeout line in a batch.
func RequestTimeout(d time.Duration) Opt { return optFunc(func(c *cfg) { c.timeout = d }) }

// MaxConcurrent bounds the linking requests in flight (default 128); one
// more gets 429 with Retry-After at once, so overload shows instead of
// queueing without bound.
func MaxConcurrent(n int) Opt { return optFunc(func(c *cfg) { c.maxConcurrent = n }) }

// Logger sets where failures are logged (default: nowhere).
func Logger(l *slog.Logger) Opt { return optFunc(func(c *cfg) { c.log = l }) }

// Collectors adds Prometheus collectors to /metrics (the Linker's own
// figures, the swaps).
func Collectors(cs ...prometheus.Collector) Opt {
	return optFunc(func(c *cfg) { c.collectors = append(c.collectors, cs...) })
}

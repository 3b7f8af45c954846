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

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/linkstream/linkstream/consumer"
	"github.com/linkstream/linkstream/pipeline"
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
		maxInFlight = fs.Int("max-in-flight", 1024, "most documents per cycle (transaction); fetching pauses while a full cycle is in flight")
		cycleTarget = fs.Duration("cycle-target", 5*time.Second, "cycle duration to aim at: documents per cycle adapt to the linking rate (at most half --txn-timeout)")
		concurrency = fs.Int("concurrency", 256, "Linker calls in flight across all partitions")
		maxDocBytes = fs.Int("max-doc-bytes", 1<<20, "larger record values go to the dead-letter topic")
		dlqMaxValue = fs.Int("dlq-max-value-bytes", 900<<10, "larger original values are left out of dead letters (size and sha256 in headers); 0 keeps all")
		attempts    = fs.Int("max-attempts", 5, "Linker attempts per document on transient errors")
		backoff     = fs.Duration("retry-backoff", 100*time.Millisecond, "first retry backoff (doubles, with jitter)")
		maxBackoff  = fs.Duration("max-retry-backoff", 5*time.Second, "longest retry backoff")
		linkTimeout = fs.Duration("link-timeout", 30*time.Second, "bound on one Linker call")
		shutdown    = fs.Duration("shutdown-timeout", 20*time.Second, "on SIGINT/SIGTERM: finish or abort the cycle, commit and leave the group within this")
		session     = fs.Duration("session-timeout", 15*time.Second, "group session timeout")
		txnTimeout  = fs.Duration("txn-timeout", 40*time.Second, "transaction timeout (exactly-once)")
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

	tracing, stopTracing, err := consumer.SetupTracing(ctx, "linkstream")
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
	var linker consumer.Linker = sw
	if *kbVersion != "" || *modelID != "" {
		current, model := sw.Versions()
		*kbVersion, *modelID = cmp.Or(*kbVersion, current), cmp.Or(*modelID, model)
		linker = consumer.LinkerFunc(sw.Link)
	}

	opts := []consumer.Opt{
		consumer.Brokers(splitList(*brokers)...),
		consumer.Topics(*input, *output, *dlq),
		consumer.Group(*group),
		consumer.InstanceID(*instance),
		consumer.ExactlyOnce(eos),
		consumer.StartAtEnd(*startAtEnd),
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
		consumer.Tracing(tracing),
		consumer.Profiling(*pprofOn),
		consumer.Logger(log),
		// The pipeline's invalid-input errors will fail the same way again.
		consumer.PermanentIf(func(err error) bool {
			return errors.Is(err, pipeline.ErrInvalidText) || errors.Is(err, pipeline.ErrTooLarge)
		}),
		consumer.Collectors(linkerCollector{sw}, sw.Collector()),
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

// linkerCollector exports the Linker's own figures on /metrics: batches,
// cache, NIL rate, and the corpus statistics' top outliers.
type linkerCollector struct{ l linkerStats }

// linkerStats is what linkerCollector reads: a *pipeline.Linker, or a
// *hotswap.Swapper's current one.
type linkerStats interface {
	Stats() pipeline.Stats
	Outliers(n int) []pipeline.Outlier
}

var (
	descLinkerDocs     = prometheus.NewDesc("linkstream_linker_documents_total", "Documents the Linker linked.", nil, nil)
	descLinkerMentions = prometheus.NewDesc("linkstream_linker_mentions_total", "Mentions spotted.", nil, nil)
	descLinkerLinks    = prometheus.NewDesc("linkstream_linker_links_total", "Mentions linked.", nil, nil)
	descLinkerNIL      = prometheus.NewDesc("linkstream_linker_nil_total", "Mentions judged NIL (NIL rate = nil / mentions).", nil, nil)
	descLinkerCE       = prometheus.NewDesc("linkstream_linker_cross_encoded_total", "Mentions the cross-encoder decided.", nil, nil)
	descCacheHits      = prometheus.NewDesc("linkstream_candidate_cache_hits_total", "Candidate cache hits.", nil, nil)
	descCacheMisses    = prometheus.NewDesc("linkstream_candidate_cache_misses_total", "Candidate cache misses.", nil, nil)
	descCacheRatio     = prometheus.NewDesc("linkstream_candidate_cache_hit_ratio", "Candidate cache hit ratio.", nil, nil)
	descBatches        = prometheus.NewDesc("linkstream_inference_batches_total", "Cross-encoder batches run.", nil, nil)
	descBatchSize      = prometheus.NewDesc("linkstream_inference_batch_size_mean", "Mean pairs per cross-encoder batch.", nil, nil)
	descBatchWait      = prometheus.NewDesc("linkstream_inference_batch_wait_seconds_mean", "Mean time a pair waited for its batch.", nil, nil)
	descBatchRun       = prometheus.NewDesc("linkstream_inference_batch_run_seconds_mean", "Mean model time per batch.", nil, nil)
	descOutlier        = prometheus.NewDesc("linkstream_corpus_outlier_ratio", "Top entities linked beyond what their prominence predicts: (links+1)/(expected+1).", []string{"title"}, nil)
)

func (c linkerCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descLinkerDocs, descLinkerMentions, descLinkerLinks, descLinkerNIL, descLinkerCE,
		descCacheHits, descCacheMisses, descCacheRatio, descBatches, descBatchSize, descBatchWait, descBatchRun, descOutlier} {
		ch <- d
	}
}

func (c linkerCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.l.Stats()
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter(descLinkerDocs, float64(st.Documents))
	counter(descLinkerMentions, float64(st.Mentions))
	counter(descLinkerLinks, float64(st.Links))
	counter(descLinkerNIL, float64(st.NIL))
	counter(descLinkerCE, float64(st.CrossEncoded))
	counter(descCacheHits, float64(st.Cache.Hits))
	counter(descCacheMisses, float64(st.Cache.Misses))
	gauge(descCacheRatio, st.Cache.HitRatio)
	counter(descBatches, float64(st.Batches.Batches))
	gauge(descBatchSize, st.Batches.MeanBatch)
	gauge(descBatchWait, st.Batches.MeanWait.Seconds())
	gauge(descBatchRun, st.Batches.MeanRun.Seconds())
	for _, o := range c.l.Outliers(10) {
		ch <- prometheus.MustNewConstMetric(descOutlier, prometheus.GaugeValue, o.Ratio, o.Title)
	}
}

package consumer

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
	"go.opentelemetry.io/otel/trace"
)

// Opt configures a Service.
type Opt interface{ apply(*cfg) }

type optFunc func(*cfg)

func (f optFunc) apply(c *cfg) { f(c) }

type cfg struct {
	seeds        []string
	inputTopic   string
	outputTopic  string
	dlqTopic     string
	group        string
	instanceID   string
	exactlyOnce  bool
	startAtEnd   bool
	createTopics bool
	kbVersion    string
	modelID      string
	registry     *sr.Client
	maxInFlight  int
	cycleTarget  time.Duration
	concurrency  int
	maxDocBytes  int
	dlqMaxValue  int
	maxAttempts  int
	retryBackoff time.Duration
	maxBackoff   time.Duration
	linkTimeout  time.Duration
	shutdown     time.Duration
	session      time.Duration
	txnTimeout   time.Duration
	collectors   []prometheus.Collector
	tracer       trace.TracerProvider
	profiling    bool
	logger       *slog.Logger
	kgoOpts      []kgo.Opt
}

func defaultCfg() cfg {
	return cfg{
		exactlyOnce:  true,
		createTopics: true,
		kbVersion:    "unknown",
		modelID:      "none",
		maxInFlight:  DefaultMaxInFlight,
		cycleTarget:  DefaultCycleTarget,
		concurrency:  DefaultConcurrency,
		maxDocBytes:  DefaultMaxDocumentBytes,
		dlqMaxValue:  DefaultDeadLetterMaxValue,
		maxAttempts:  DefaultMaxAttempts,
		retryBackoff: DefaultRetryBackoff,
		maxBackoff:   DefaultMaxRetryBackoff,
		linkTimeout:  DefaultLinkTimeout,
		shutdown:     DefaultShutdownTimeout,
		session:      DefaultSessionTimeout,
		txnTimeout:   DefaultTransactionTimeout,
		logger:       slog.Default(),
	}
}

func (c *cfg) validate() error {
	var errs []error
	if len(c.seeds) == 0 {
		errs = append(errs, errors.New("no seed brokers"))
	}
	if c.inputTopic == "" || c.outputTopic == "" || c.group == "" {
		errs = append(errs, errors.New("input topic, output topic and group are required"))
	}
	if c.dlqTopic == "" {
		c.dlqTopic = c.inputTopic + ".dlq"
	}
	if c.inputTopic != "" && (c.inputTopic == c.outputTopic || c.inputTopic == c.dlqTopic) {
		errs = append(errs, fmt.Errorf("input topic %q is also an output", c.inputTopic))
	}
	if c.instanceID == "" {
		errs = append(errs, errors.New("instance id is required (it names the transactional id, which must be stable across restarts and unique per instance)"))
	}
	if c.maxInFlight < 1 || c.concurrency < 1 || c.maxAttempts < 1 || c.maxDocBytes < 1 {
		errs = append(errs, errors.New("max in-flight, concurrency, max attempts and max document bytes must be positive"))
	}
	if c.cycleTarget <= 0 || (c.exactlyOnce && c.cycleTarget > c.txnTimeout/2) {
		errs = append(errs, fmt.Errorf("cycle target %v must be positive and at most half the transaction timeout %v", c.cycleTarget, c.txnTimeout))
	}
	if c.exactlyOnce && c.txnTimeout < c.linkTimeout {
		errs = append(errs, fmt.Errorf("transaction timeout %v is shorter than the link timeout %v: a slow cycle would be fenced", c.txnTimeout, c.linkTimeout))
	}
	if len(errs) > 0 {
		return fmt.Errorf("consumer: %w", errors.Join(errs...))
	}
	return nil
}

// TransactionalID is the transactional id an instance uses: group plus
// instance id, so that a restarted instance fences its own unfinished
// transaction at once instead of leaving it open until it times out.
func (c *cfg) transactionalID() string { return c.group + "." + c.instanceID }

// Brokers sets the seed brokers (host:port). Required.
func Brokers(seeds ...string) Opt { return optFunc(func(c *cfg) { c.seeds = seeds }) }

// Topics sets the input, output and dead-letter topics. input and output
// are required; dlq defaults to input + ".dlq". Missing topics are created
// at start-up (see CreateTopics).
func Topics(input, output, dlq string) Opt {
	return optFunc(func(c *cfg) { c.inputTopic, c.outputTopic, c.dlqTopic = input, output, dlq })
}

// Group sets the consumer group. Required.
func Group(g string) Opt { return optFunc(func(c *cfg) { c.group = g }) }

// InstanceID names this instance within the group; the transactional id is
// group + "." + instance, and it is the static group membership id
// (group.instance.id), so an instance restarted after a crash takes its
// partitions back at once instead of after the session timeout; a
// deliberate stop leaves the group. Required. Give every instance a
// different one and keep it across restarts (a pod name in a StatefulSet,
// a host name).
func InstanceID(id string) Opt { return optFunc(func(c *cfg) { c.instanceID = id }) }

// ExactlyOnce chooses the delivery guarantee. true (the default): outputs,
// dead letters and input offsets commit in one transaction (read the output
// with read_committed). false: at-least-once, an idempotent producer and
// offsets committed after every output is acknowledged; a crash can repeat
// outputs of the last cycle, but there is no transaction latency.
func ExactlyOnce(on bool) Opt { return optFunc(func(c *cfg) { c.exactlyOnce = on }) }

// CreateTopics creates missing topics when a session starts: the input
// with the broker's default partition count, the output and dead-letter
// topics with the input's (so output partitions line up with input
// partitions), all with the broker's default replication factor. Default
// on. Off, a missing topic is logged and cycles producing to it abort
// until it exists; on, a broker that refuses makes Run return a
// *TopicError. Turn it off where topics are provisioned with their own
// settings (replication, retention) and the service has no CREATE
// permission.
func CreateTopics(on bool) Opt { return optFunc(func(c *cfg) { c.createTopics = on }) }

// StartAtEnd makes a group with no committed offsets start at the end of
// the input topic instead of the beginning (the default).
func StartAtEnd(on bool) Opt { return optFunc(func(c *cfg) { c.startAtEnd = on }) }

// Versions sets the KB version and model id written into every output
// record. Defaults: "unknown" and "none".
func Versions(kbVersion, modelID string) Opt {
	return optFunc(func(c *cfg) { c.kbVersion, c.modelID = kbVersion, modelID })
}

// Registry sets the Schema Registry client. With it, Avro input in the
// Confluent wire format is decoded with the writer schema from the
// registry, and the output schema is registered under "<output>-value" and
// written in the wire format. Without it (the default), Avro input is
// dead-lettered (reason no-registry) and output is plain Avro.
func Registry(cl *sr.Client) Opt { return optFunc(func(c *cfg) { c.registry = cl }) }

// MaxInFlight bounds the documents of one cycle (polled, not yet
// committed); fetching pauses while a full cycle is in flight. Default
// 1024. Larger cycles amortise the transaction commit (a few ms) over more
// documents; smaller ones lower latency and memory.
func MaxInFlight(n int) Opt { return optFunc(func(c *cfg) { c.maxInFlight = n }) }

// CycleTarget is the duration a cycle aims at. The number of documents
// polled per cycle adapts to the measured linking rate so that a cycle
// takes about this long (never more than MaxInFlight documents, growing at
// most twofold per cycle from 32): a slow Linker (a cross-encoder on CPU)
// gets small cycles that finish well inside the transaction timeout, a fast
// one gets full cycles that amortise the commit. Default 5s; at most half
// the transaction timeout.
func CycleTarget(d time.Duration) Opt { return optFunc(func(c *cfg) { c.cycleTarget = d }) }

// Concurrency bounds the Linker calls running at once across all lanes.
// Default 256: enough to keep a micro-batcher's batches full.
func Concurrency(n int) Opt { return optFunc(func(c *cfg) { c.concurrency = n }) }

// MaxDocumentBytes is the largest record value accepted; larger ones are
// dead-lettered (reason too-large). Default 1 MiB, the pipeline's own
// text limit (link.DefaultMaxDocumentBytes).
func MaxDocumentBytes(n int) Opt { return optFunc(func(c *cfg) { c.maxDocBytes = n }) }

// DeadLetterMaxValue is the largest original value copied into a dead
// letter; a larger one is left out and its size and sha256 are recorded in
// headers instead. Default 900 KiB, under Kafka's default 1 MB record
// limit, so a dead letter never fails to produce. 0 copies every value.
func DeadLetterMaxValue(n int) Opt { return optFunc(func(c *cfg) { c.dlqMaxValue = n }) }

// Retries sets the transient-failure policy: at most attempts Linker calls
// per document, sleeping backoff, doubling up to maxBackoff, with jitter.
// Default 5 attempts, 100ms, 5s.
func Retries(attempts int, backoff, maxBackoff time.Duration) Opt {
	return optFunc(func(c *cfg) { c.maxAttempts, c.retryBackoff, c.maxBackoff = attempts, backoff, maxBackoff })
}

// LinkTimeout bounds one Linker call. Default 30s.
func LinkTimeout(d time.Duration) Opt { return optFunc(func(c *cfg) { c.linkTimeout = d }) }

// ShutdownTimeout bounds a clean stop after the Run context is cancelled:
// two thirds of it to finish the cycle in flight (then it is aborted), the
// rest to end the transaction and leave the group. Default 20s.
func ShutdownTimeout(d time.Duration) Opt { return optFunc(func(c *cfg) { c.shutdown = d }) }

// SessionTimeout is the group session timeout: how long a dead instance
// keeps its partitions. Default 15s.
func SessionTimeout(d time.Duration) Opt { return optFunc(func(c *cfg) { c.session = d }) }

// TransactionTimeout is how long the broker lets a transaction stay open
// before aborting it. Default 30s; must exceed the slowest cycle.
func TransactionTimeout(d time.Duration) Opt { return optFunc(func(c *cfg) { c.txnTimeout = d }) }

// Collectors registers extra Prometheus collectors (the Linker's batch,
// cache and NIL figures) on the service's /metrics registry.
func Collectors(cs ...prometheus.Collector) Opt {
	return optFunc(func(c *cfg) { c.collectors = append(c.collectors, cs...) })
}

// Tracing turns on franz-go's kotel produce/consume spans with W3C trace
// context in record headers, and a processing span per document, on tp.
// Default nil: off. The package touches no process-wide OpenTelemetry
// state; cmd/linkstream builds tp from the OTEL_* environment.
func Tracing(tp trace.TracerProvider) Opt { return optFunc(func(c *cfg) { c.tracer = tp }) }

// Profiling serves Go's pprof profiles under /debug/pprof/ on Handler.
// Default off: profiles reveal internals and cost CPU while taken.
func Profiling(on bool) Opt { return optFunc(func(c *cfg) { c.profiling = on }) }

// Logger sets the logger. Default slog.Default().
func Logger(l *slog.Logger) Opt { return optFunc(func(c *cfg) { c.logger = l }) }

// ClientOpts appends raw franz-go options (TLS, SASL, or a kfake cluster's
// dialer in tests and the demo). They are applied last.
func ClientOpts(opts ...kgo.Opt) Opt {
	return optFunc(func(c *cfg) { c.kgoOpts = append(c.kgoOpts, opts...) })
}

package consumer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/plugin/kotel"
	"go.opentelemetry.io/otel/propagation"

	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/producer"
)

// Service is one member of the linking consumer group. Build it with New,
// run it with Run; one Service runs one Run at a time.
type Service struct {
	cfg     cfg
	linker  link.Linker
	log     *slog.Logger
	m       *metrics
	dec     *decoders // nil without a registry
	enc     *producer.Encoder
	ktracer *kotel.Tracer // nil without tracing
	hooks   []kgo.Hook
	sem     chan struct{}
	// assigned is the input partitions this instance owns (its lag series).
	assigned *assignment
	dlqLog   *logLimiter
	// heldLog paces guardHanging's lines: a stall repeats every check.
	heldLog *logLimiter
	// txnMu is held from a cycle's begin to its end, so that guardHanging
	// runs between transactions.
	txnMu sync.Mutex

	ready atomic.Bool
	fatal atomic.Pointer[error]
}

// New validates the configuration and, with a registry, registers the
// output schema.
func New(ctx context.Context, linker link.Linker, opts ...Opt) (*Service, error) {
	c := defaultCfg()
	for _, o := range opts {
		o.apply(&c)
	}
	if linker == nil {
		return nil, errors.New("consumer: nil Linker")
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	m, err := newMetrics(c.collectors)
	if err != nil {
		return nil, fmt.Errorf("consumer: metrics: %w", err)
	}
	s := &Service{cfg: c, linker: linker, log: c.logger, m: m, sem: make(chan struct{}, c.concurrency),
		assigned: newAssignment(), dlqLog: newLogLimiter(dlqLogBurst, dlqLogEvery),
		heldLog: newLogLimiter(1, time.Minute)}
	if c.registry != nil {
		s.dec = &decoders{reg: c.registry}
	}
	if s.enc, err = producer.NewEncoder(ctx, c.registry, producer.SubjectFor(c.outputTopic)); err != nil {
		return nil, fmt.Errorf("consumer: %w", err)
	}
	if c.tracer != nil {
		s.ktracer = kotel.NewTracer(
			kotel.TracerProvider(c.tracer),
			kotel.TracerPropagator(propagation.TraceContext{}),
			kotel.ConsumerGroup(c.group),
		)
		s.hooks = kotel.NewKotel(kotel.WithTracer(s.ktracer)).Hooks()
	}
	return s, nil
}

// Run consumes until ctx is cancelled, then finishes or aborts the cycle in
// flight, commits, leaves the group and returns nil, all within the
// shutdown timeout. A session that fails (the broker gone past the client's
// retries, a fenced producer) is closed and rebuilt with backoff; Run
// returns an error only for a failure rebuilding cannot mend (a
// *TopicError, invalid client options, refused credentials or ACLs: see
// unrecoverable), after which /healthz answers 503.
func (s *Service) Run(ctx context.Context) error {
	backoff := time.Second
	for {
		err := s.runSession(ctx)
		s.ready.Store(false)
		if ctx.Err() != nil {
			return nil
		}
		if err == nil {
			continue
		}
		if te := (*TopicError)(nil); errors.As(err, &te) || unrecoverable(err) {
			s.fatal.Store(&err)
			s.log.Error("consumer stopped: rebuilding the session cannot mend this", "err", err, "hint", s.hint(err))
			return err
		}
		s.log.Error("consumer session failed; rebuilding it", "err", err, "backoff", backoff, "hint", s.hint(err))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

func (s *Service) runSession(ctx context.Context) error {
	if err := s.ensureTopics(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	sess, err := s.newSession()
	if err != nil {
		return err
	}
	s.m.assigned.Set(0)
	defer s.closeSession(ctx, sess)
	size := newCycleSizer(s.cfg.maxInFlight, s.cfg.cycleTarget)
	if s.cfg.exactlyOnce {
		// Initialise the producer id now, before joining work: with our
		// stable transactional id this aborts a crashed predecessor's open
		// transaction at once. Left to the first produce, it would come too
		// late: the partitions that transaction holds cannot be fetched
		// (their offsets are unstable) until it times out.
		pctx, cancel := context.WithTimeout(ctx, s.cfg.txnTimeout)
		_, _, err := sess.client().ProducerID(pctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("consumer: init producer id %q: %w", s.cfg.transactionalID(), err)
		}
	} else {
		pctx, cancel := context.WithTimeout(ctx, s.cfg.session)
		err := sess.client().Ping(pctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("consumer: no broker answers: %w", err)
		}
	}
	// Ready: a broker answered and this instance can take partitions
	// (it may get none when the group has more members than partitions).
	s.ready.Store(true)
	defer s.ready.Store(false)
	// The session's watchers: the lag, and (exactly-once) hanging
	// transactions that hold the group's offsets.
	watchCtx, stopWatching := context.WithCancel(ctx)
	var watchers sync.WaitGroup
	watchers.Go(func() { s.watchLag(watchCtx, sess.client()) })
	if s.cfg.exactlyOnce {
		watchers.Go(func() { s.guardHanging(watchCtx, sess.client()) })
	}
	defer func() {
		stopWatching()
		watchers.Wait()
		// The next session's assignment starts empty.
		s.m.dropLag(s.cfg.inputTopic, s.assigned.clear())
	}()
	for {
		if ctx.Err() != nil {
			return nil
		}
		t0 := time.Now()
		n := size.n
		s.m.cycleTarget.Set(float64(n))
		fs := s.pollFair(ctx, sess, n, size)
		if ctx.Err() != nil {
			// Polled but never begun: nothing to commit or abort; the
			// records are read again by whoever owns the partitions next.
			return nil
		}
		if errors.Is(fs.Err0(), kgo.ErrClientClosed) {
			return fmt.Errorf("consumer: client closed")
		}
		fs.EachError(func(topic string, p int32, err error) {
			if !errors.Is(err, context.Canceled) {
				s.log.Warn("fetch error", "topic", topic, "partition", p, "err", err)
			}
		})
		if fs.NumRecords() == 0 {
			continue
		}
		s.ready.Store(true)
		s.m.addPhase(phasePoll, time.Since(t0))
		if err := s.cycle(ctx, sess, fs, n, size); err != nil {
			return err
		}
	}
}

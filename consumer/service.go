package consumer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/plugin/kotel"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/linkstream/linkstream/pipeline"
	"github.com/linkstream/linkstream/producer"
	"github.com/linkstream/linkstream/schemas"
)

// Service is one member of the linking consumer group. Build it with New,
// run it with Run; one Service runs one Run at a time.
type Service struct {
	cfg     cfg
	linker  Linker
	log     *slog.Logger
	m       *metrics
	dec     *decoders // nil without a registry
	enc     *producer.Encoder
	ktracer *kotel.Tracer // nil without tracing
	hooks   []kgo.Hook
	sem     chan struct{}

	ready atomic.Bool
	fatal atomic.Pointer[error]
}

// New validates the configuration and, with a registry, registers the
// output schema.
func New(ctx context.Context, linker Linker, opts ...Opt) (*Service, error) {
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
	s := &Service{cfg: c, linker: linker, log: c.logger, m: m, sem: make(chan struct{}, c.concurrency)}
	if c.registry != nil {
		s.dec = &decoders{reg: c.registry}
	}
	if s.enc, err = producer.NewEncoder(ctx, c.registry, producer.SubjectFor(c.outputTopic)); err != nil {
		return nil, fmt.Errorf("consumer: %w", err)
	}
	if c.tracing {
		s.ktracer = kotel.NewTracer(
			kotel.TracerProvider(otel.GetTracerProvider()),
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
// returns an error only for a failure it cannot retry.
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
		s.log.Error("consumer session failed; rebuilding it", "err", err, "backoff", backoff, "hint", s.hint(err))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

// session is what a cycle needs from Kafka, in either delivery mode.
type session interface {
	client() *kgo.Client
	poll(ctx context.Context, n int) kgo.Fetches
	begin() error
	end(ctx context.Context, commit bool) (committed bool, err error)
	close()
}

type eosSession struct{ s *kgo.GroupTransactSession }

func (e eosSession) client() *kgo.Client                         { return e.s.Client() }
func (e eosSession) poll(ctx context.Context, n int) kgo.Fetches { return e.s.PollRecords(ctx, n) }
func (e eosSession) begin() error                                { return e.s.Begin() }
func (e eosSession) close()                                      { e.s.Close() }
func (e eosSession) end(ctx context.Context, commit bool) (bool, error) {
	return e.s.End(ctx, kgo.TransactionEndTry(commit))
}

// alosSession is at-least-once: rebalances wait for the cycle
// (BlockRebalanceOnPoll), offsets are committed after the flush.
type alosSession struct{ cl *kgo.Client }

func (a alosSession) client() *kgo.Client                         { return a.cl }
func (a alosSession) poll(ctx context.Context, n int) kgo.Fetches { return a.cl.PollRecords(ctx, n) }
func (a alosSession) begin() error                                { return nil }
func (a alosSession) close()                                      { a.cl.CloseAllowingRebalance() }
func (a alosSession) end(ctx context.Context, commit bool) (bool, error) {
	defer a.cl.AllowRebalance()
	if commit {
		err := a.cl.CommitUncommittedOffsets(ctx)
		if err == nil {
			return true, nil
		}
		// Fall through to rewind: the outputs stay (at-least-once) and
		// the records are read again.
		a.rewind()
		return false, err
	}
	a.rewind()
	return false, nil
}

// rewind moves the fetch positions back to the committed offsets so that
// an unfinished cycle is polled again.
func (a alosSession) rewind() {
	if c := a.cl.CommittedOffsets(); len(c) > 0 {
		a.cl.SetOffsets(c)
	}
}

func (s *Service) newSession() (session, error) {
	c := &s.cfg
	start := kgo.NewOffset().AtStart()
	if c.startAtEnd {
		start = kgo.NewOffset().AtEnd()
	}
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.seeds...),
		kgo.ConsumerGroup(c.group),
		kgo.ConsumeTopics(c.inputTopic),
		kgo.Balancers(kgo.CooperativeStickyBalancer()),
		kgo.ConsumeResetOffset(start),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.DisableAutoCommit(),
		kgo.SessionTimeout(c.session),
		kgo.OnPartitionsAssigned(s.onAssigned),
		kgo.OnPartitionsRevoked(s.onRevoked),
		kgo.OnPartitionsLost(s.onRevoked),
		kgo.ClientID("linkstream-" + c.instanceID),
		// A short linger batches a cycle's outputs into few produce
		// requests. Measured on the real broker (BENCHMARKS.md, "Kafka service"),
		// linger 0 (one tiny transactional request per document) made
		// the end-of-cycle flush the bottleneck: p50 latency ~50 ms
		// against ~8 ms with 3 ms.
		kgo.ProducerLinger(3 * time.Millisecond),
	}
	if len(s.hooks) > 0 {
		opts = append(opts, kgo.WithHooks(s.hooks...))
	}
	if c.exactlyOnce {
		opts = append(opts, kgo.TransactionalID(c.transactionalID()), kgo.TransactionTimeout(c.txnTimeout))
		opts = append(opts, c.kgoOpts...)
		sess, err := kgo.NewGroupTransactSession(opts...)
		if err != nil {
			return nil, fmt.Errorf("consumer: transact session: %w", err)
		}
		return eosSession{sess}, nil
	}
	opts = append(opts, kgo.BlockRebalanceOnPoll())
	opts = append(opts, c.kgoOpts...)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("consumer: client: %w", err)
	}
	return alosSession{cl}, nil
}

func (s *Service) onAssigned(_ context.Context, _ *kgo.Client, m map[string][]int32) {
	n := len(m[s.cfg.inputTopic])
	s.m.assigned.Add(float64(n))
	if n > 0 {
		s.log.Info("partitions assigned", "topic", s.cfg.inputTopic, "partitions", m[s.cfg.inputTopic])
	}
}

func (s *Service) onRevoked(_ context.Context, _ *kgo.Client, m map[string][]int32) {
	ps := m[s.cfg.inputTopic]
	s.m.assigned.Sub(float64(len(ps)))
	s.m.dropLag(s.cfg.inputTopic, ps)
	if len(ps) > 0 {
		s.log.Info("partitions revoked", "topic", s.cfg.inputTopic, "partitions", ps)
	}
}

func (s *Service) runSession(ctx context.Context) error {
	sess, err := s.newSession()
	if err != nil {
		return err
	}
	s.m.assigned.Set(0)
	defer s.closeSession(sess)
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
	s.checkTopics(ctx, sess.client())
	// Ready: a broker answered and this instance can take partitions
	// (it may get none when the group has more members than partitions).
	s.ready.Store(true)
	defer s.ready.Store(false)
	for {
		if ctx.Err() != nil {
			return nil
		}
		t0 := time.Now()
		n := size.n
		s.m.cycleTarget.Set(float64(n))
		fs := sess.poll(ctx, n)
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

// hint explains the failures whose cause is a configuration mistake.
func (s *Service) hint(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, kerr.ProducerFenced), errors.Is(err, kerr.InvalidProducerEpoch):
		return fmt.Sprintf("the transaction was fenced: either another running instance uses the same instance id (transactional id %q), or a cycle outlived the transaction timeout %v (lower the cycle target or raise the timeout)",
			s.cfg.transactionalID(), s.cfg.txnTimeout)
	case errors.Is(err, kerr.UnknownTopicOrPartition):
		return "a topic does not exist: the service creates none"
	case errors.Is(err, kerr.MessageTooLarge), errors.Is(err, kerr.RecordListTooLarge):
		return "a record exceeds the topic's max.message.bytes: lower the dead-letter value cap or raise the topic limit"
	}
	return ""
}

// checkTopics warns about missing topics: the service creates none, and
// producing to a missing output or dead-letter topic fails every cycle
// (unless the broker auto-creates topics).
func (s *Service) checkTopics(ctx context.Context, cl *kgo.Client) {
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	want := []string{s.cfg.inputTopic, s.cfg.outputTopic, s.cfg.dlqTopic}
	details, err := kadm.NewClient(cl).ListTopics(tctx, want...)
	if err != nil {
		s.log.Warn("cannot list topics", "err", err)
		return
	}
	for _, t := range want {
		if d, ok := details[t]; !ok || d.Err != nil {
			s.log.Warn("topic does not exist (or is not visible); create it, or cycles producing to it abort until it appears", "topic", t)
		}
	}
}

// closeSession leaves the group within what is left of the shutdown
// budget; a client that hangs on close is abandoned.
func (s *Service) closeSession(sess session) {
	done := make(chan struct{})
	go func() {
		sess.close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(s.cfg.shutdown / 3):
		s.log.Warn("kafka client did not close in time; abandoning it")
	}
}

// cycleSizer adapts the documents per cycle to the measured processing
// rate so that a cycle lasts about target.
type cycleSizer struct {
	n, max int
	rate   float64 // documents/s, smoothed
	target time.Duration
}

func newCycleSizer(max int, target time.Duration) *cycleSizer {
	return &cycleSizer{n: min(max, 32), max: max, target: target}
}

// observe records that docs documents took d to process (end excluded).
func (z *cycleSizer) observe(docs int, d time.Duration) {
	if docs == 0 || d <= 0 {
		return
	}
	r := float64(docs) / d.Seconds()
	if z.rate == 0 {
		z.rate = r
	} else {
		z.rate = 0.7*z.rate + 0.3*r
	}
	want := int(math.Round(z.rate * z.target.Seconds()))
	z.n = max(1, min(want, z.max, 2*z.n))
}

// cycleState collects what the lanes of one cycle did.
type cycleState struct {
	mu        sync.Mutex
	err       error // first reason the cycle must abort
	linked    int
	dead      map[producer.Reason]int
	remaining atomic.Int64
}

func (st *cycleState) fail(err error) {
	st.mu.Lock()
	if st.err == nil {
		st.err = err
	}
	st.mu.Unlock()
}

func (st *cycleState) failed() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.err
}

// outcome is what processing one record produced: a record to produce
// (output or dead letter), or an error that aborts the cycle.
type outcome struct {
	rec    *kgo.Record
	reason producer.Reason // "" for an output record
	err    error
}

// cycle links the polled records and commits or aborts them as one unit.
func (s *Service) cycle(ctx context.Context, sess session, fs kgo.Fetches, limit int, size *cycleSizer) error {
	cl := sess.client()
	n := fs.NumRecords()
	st := &cycleState{dead: map[producer.Reason]int{}}
	st.remaining.Store(int64(n))
	s.m.inflight.Set(float64(n))
	s.m.cycleDocs.Observe(float64(n))

	// Backpressure: a full cycle stops background fetching until most of
	// it is done, so at most MaxInFlight documents plus one fetch are held.
	var paused atomic.Bool
	if n >= limit {
		cl.PauseFetchTopics(s.cfg.inputTopic)
		paused.Store(true)
		s.m.paused.Set(1)
	}
	resume := func() {
		if paused.CompareAndSwap(true, false) {
			cl.ResumeFetchTopics(s.cfg.inputTopic)
			s.m.paused.Set(0)
		}
	}
	defer resume()

	// On shutdown the cycle gets two thirds of the budget to finish.
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	stopDrain := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(s.cfg.shutdown*2/3, cancelWork)
		context.AfterFunc(workCtx, func() { t.Stop() })
	})
	defer stopDrain()

	if err := sess.begin(); err != nil {
		return fmt.Errorf("consumer: begin transaction: %w", err)
	}
	promise := func(r *kgo.Record, err error) {
		if err != nil {
			st.fail(fmt.Errorf("produce to %s: %w", r.Topic, err))
		}
	}
	low := int64(limit / 4)
	started := time.Now()
	var wg sync.WaitGroup
	fs.EachPartition(func(p kgo.FetchTopicPartition) {
		if len(p.Records) == 0 {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.lane(workCtx, cl, p.Records, st, promise, func() {
				if st.remaining.Add(-1) <= low {
					resume()
				}
			})
		}()
	})
	wg.Wait()
	s.m.inflight.Set(0)
	size.observe(n, time.Since(started))

	// End: flush, then commit only if every record was processed and
	// every produce acknowledged.
	t0 := time.Now()
	endCtx, cancelEnd := s.endContext(ctx)
	defer cancelEnd()
	flushErr := cl.Flush(endCtx)
	t1 := time.Now()
	s.m.addPhase(phaseFlush, t1.Sub(t0))
	cause := st.failed()
	if cause == nil {
		cause = flushErr
	}
	if cause == nil && workCtx.Err() != nil {
		cause = workCtx.Err()
	}
	committed, err := sess.end(endCtx, cause == nil)
	s.m.addPhase(phaseCommit, time.Since(t1))
	s.m.endSeconds.Observe(time.Since(t0).Seconds())
	if committed {
		s.m.cycles.WithLabelValues("committed").Inc()
		s.m.docs.WithLabelValues("linked").Add(float64(st.linked))
		for r, k := range st.dead {
			s.m.docs.WithLabelValues("dead_letter").Add(float64(k))
			s.m.deadLetters.WithLabelValues(string(r)).Add(float64(k))
		}
		fs.EachPartition(func(p kgo.FetchTopicPartition) {
			if len(p.Records) > 0 {
				end := p.HighWatermark
				if p.LastStableOffset > 0 {
					end = p.LastStableOffset
				}
				s.m.setLag(p.Topic, p.Partition, end-p.Records[len(p.Records)-1].Offset-1)
			}
		})
	} else {
		s.m.cycles.WithLabelValues("aborted").Inc()
		s.log.Warn("cycle aborted; its records will be processed again", "documents", n, "cause", cause, "err", err,
			"hint", s.hint(errors.Join(cause, err)))
	}
	if err != nil {
		return fmt.Errorf("consumer: end cycle: %w", err)
	}
	return nil
}

// endContext bounds ending a cycle: by the transaction timeout normally,
// by what is left of the shutdown budget once ctx is cancelled.
func (s *Service) endContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx.Err() != nil {
		return context.WithTimeout(context.WithoutCancel(ctx), s.cfg.shutdown/3)
	}
	return context.WithTimeout(context.WithoutCancel(ctx), s.cfg.txnTimeout)
}

// lane processes one partition's records of a cycle: concurrently through
// the shared Linker (bounded by the Concurrency semaphore), but produced
// strictly in offset order.
func (s *Service) lane(ctx context.Context, cl *kgo.Client, recs []*kgo.Record, st *cycleState,
	promise func(*kgo.Record, error), done func()) {
	slots := make([]chan outcome, len(recs))
	for i := range slots {
		slots[i] = make(chan outcome, 1)
	}
	go func() {
		for i, r := range recs {
			select {
			case s.sem <- struct{}{}:
			case <-ctx.Done():
				slots[i] <- outcome{err: ctx.Err()}
				continue
			}
			go func() {
				defer func() { <-s.sem }()
				slots[i] <- s.process(ctx, r)
			}()
		}
	}()
	for i := range recs {
		o := <-slots[i]
		done()
		if o.err != nil {
			st.fail(o.err)
			continue
		}
		if st.failed() != nil {
			continue // the cycle aborts: producing more is wasted work
		}
		st.mu.Lock()
		if o.reason == "" {
			st.linked++
		} else {
			st.dead[o.reason]++
		}
		st.mu.Unlock()
		cl.Produce(ctx, o.rec, promise)
	}
}

// process decodes, links and encodes one record.
func (s *Service) process(ctx context.Context, r *kgo.Record) outcome {
	start := time.Now()
	var span trace.Span = trace.SpanFromContext(ctx)
	if s.ktracer != nil {
		_, span = s.ktracer.WithProcessSpan(r)
		defer span.End()
		// The span's parent is the record's receive span; cancellation
		// still comes from the cycle.
		ctx = trace.ContextWithSpan(ctx, span)
	}
	o := s.processDoc(ctx, r, start)
	if o.err == nil {
		if o.reason == "" {
			span.SetAttributes(attribute.String("linkstream.outcome", "linked"))
		} else {
			span.SetAttributes(attribute.String("linkstream.outcome", "dead_letter"),
				attribute.String("linkstream.dead_letter.reason", string(o.reason)))
			span.SetStatus(codes.Error, string(o.reason))
		}
		o.rec.Context = ctx
	}
	return o
}

func (s *Service) processDoc(ctx context.Context, r *kgo.Record, start time.Time) outcome {
	doc, err := s.decodeRetrying(ctx, r)
	s.m.addPhase(phaseDecode, time.Since(start))
	var de *decodeError
	switch {
	case errors.As(err, &de):
		return s.deadLetter(r, de.reason, de.err, 0)
	case err != nil:
		return outcome{err: err}
	}
	trace.SpanFromContext(ctx).SetAttributes(attribute.String("linkstream.document.id", doc.ID))

	t1 := time.Now()
	res, ver, attempts, err := s.link(ctx, doc)
	s.m.addPhase(phaseLink, time.Since(t1))
	if err != nil {
		if ctx.Err() != nil {
			return outcome{err: ctx.Err()}
		}
		reason := producer.ReasonRetries
		if s.permanent(err) {
			reason = producer.ReasonPermanent
		}
		return s.deadLetter(r, reason, err, attempts)
	}

	t2 := time.Now()
	if res.ID == "" {
		res.ID = doc.ID
	}
	ld := schemas.NewLinkedDocument(res,
		schemas.Source{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset},
		ver.kb, ver.model, time.Now())
	val, err := s.enc.Encode(&ld)
	s.m.addPhase(phaseEncode, time.Since(t2))
	if err != nil {
		return s.deadLetter(r, producer.ReasonEncode, err, attempts)
	}
	s.m.docSeconds.Observe(time.Since(start).Seconds())
	return outcome{rec: &kgo.Record{Topic: s.cfg.outputTopic, Key: []byte(doc.ID), Value: val}}
}

func (s *Service) deadLetter(r *kgo.Record, reason producer.Reason, cause error, attempts int) outcome {
	s.log.Debug("dead letter", "topic", r.Topic, "partition", r.Partition, "offset", r.Offset, "reason", reason, "err", cause)
	return outcome{rec: producer.DeadLetter(r, s.cfg.dlqTopic, reason, cause, attempts, s.cfg.dlqMaxValue), reason: reason}
}

func (s *Service) permanent(err error) bool {
	return errors.Is(err, ErrPermanent) || (s.cfg.permanentIf != nil && s.cfg.permanentIf(err))
}

// decodeRetrying decodes r, retrying transient registry failures; when
// they outlast the retry budget the error aborts the cycle (the registry
// is down: dead-lettering good records would be wrong).
func (s *Service) decodeRetrying(ctx context.Context, r *kgo.Record) (pipeline.Document, error) {
	for attempt := 1; ; attempt++ {
		doc, err := s.decode(ctx, r)
		var de *decodeError
		if err == nil || errors.As(err, &de) || attempt >= s.cfg.maxAttempts || ctx.Err() != nil {
			return doc, err
		}
		if !s.sleep(ctx, attempt) {
			return doc, ctx.Err()
		}
	}
}

// link calls the Linker with the retry policy, returning what linked the
// document and how many attempts it made.
func (s *Service) link(ctx context.Context, doc pipeline.Document) (pipeline.Result, versions, int, error) {
	for attempt := 1; ; attempt++ {
		lctx, cancel := context.WithTimeout(ctx, s.cfg.linkTimeout)
		res, ver, err := s.linkOnce(lctx, doc)
		cancel()
		if err == nil {
			return res, ver, attempt, nil
		}
		if ctx.Err() != nil || s.permanent(err) || attempt >= s.cfg.maxAttempts {
			return res, ver, attempt, err
		}
		s.m.retries.Inc()
		if !s.sleep(ctx, attempt) {
			return res, ver, attempt, ctx.Err()
		}
	}
}

// sleep waits the backoff of attempt (exponential, full jitter on the
// upper half) unless ctx ends first.
func (s *Service) sleep(ctx context.Context, attempt int) bool {
	d := s.cfg.retryBackoff << min(attempt-1, 20)
	if d > s.cfg.maxBackoff || d <= 0 {
		d = s.cfg.maxBackoff
	}
	d = d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

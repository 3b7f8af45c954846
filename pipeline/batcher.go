package pipeline

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/linkstream/linkstream/models"
)

// ErrBatcherClosed is returned by Score after the Linker was closed.
var ErrBatcherClosed = errors.New("pipeline: cross-encoder batcher closed")

// runFunc runs one batch of encoded pairs through the model and returns one
// logit per pair, in order. models.CrossEncoder.Run is the real one.
type runFunc func(ctx context.Context, batch []models.Encoded) ([]float32, error)

// batcher is the one micro-batcher that every concurrent Link call shares.
// Pairs wait in length buckets (so a batch pads little) until a bucket holds
// maxBatch pairs or its oldest pair has waited maxWait; then one of the
// workers runs it. At most maxPending pairs wait: Score blocks beyond that,
// which pushes back on the callers (and, through them, on Kafka fetching).
type batcher struct {
	run        runFunc
	maxBatch   int
	maxWait    time.Duration
	maxPending int
	bounds     []int // upper token-length bound of each bucket, ascending

	in      chan *pairItem
	work    chan []*pairItem
	closing chan struct{}
	wg      sync.WaitGroup

	stats batchStats
}

type pairItem struct {
	enc      models.Encoded
	enqueued time.Time
	span     trace.SpanContext
	job      *pairJob
	idx      int
}

// pairJob is one Score call: its pairs complete independently, in whatever
// batches they land, and the caller waits for the last one.
type pairJob struct {
	logits    []float32
	remaining atomic.Int32
	errOnce   sync.Once
	err       error
	done      chan struct{}
}

func (j *pairJob) finish(idx int, logit float32, err error) {
	if err != nil {
		j.errOnce.Do(func() { j.err = err })
	} else {
		j.logits[idx] = logit
	}
	if j.remaining.Add(-1) == 0 {
		close(j.done)
	}
}

func newBatcher(run runFunc, maxBatch int, maxWait time.Duration, maxPending, workers int, bounds []int) *batcher {
	b := &batcher{
		run:        run,
		maxBatch:   maxBatch,
		maxWait:    maxWait,
		maxPending: maxPending,
		bounds:     bounds,
		in:         make(chan *pairItem),
		work:       make(chan []*pairItem),
		closing:    make(chan struct{}),
	}
	b.wg.Add(1 + workers)
	go b.dispatch()
	for range workers {
		go b.worker()
	}
	return b
}

// Score submits pairs and waits for their logits. Pairs from concurrent
// calls share batches.
func (b *batcher) Score(ctx context.Context, encs []models.Encoded) ([]float32, error) {
	if len(encs) == 0 {
		return nil, nil
	}
	job := &pairJob{logits: make([]float32, len(encs)), done: make(chan struct{})}
	job.remaining.Store(int32(len(encs)))
	span := trace.SpanContextFromContext(ctx)
	now := time.Now()
	for i, enc := range encs {
		item := &pairItem{enc: enc, enqueued: now, span: span, job: job, idx: i}
		select {
		case b.in <- item:
		case <-ctx.Done():
			// Pairs already queued still run; nobody reads their logits.
			return nil, ctx.Err()
		case <-b.closing:
			return nil, ErrBatcherClosed
		}
	}
	select {
	case <-job.done:
		return job.logits, job.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close stops accepting pairs, runs what is queued, and waits for the workers.
func (b *batcher) Close() {
	close(b.closing)
	b.wg.Wait()
}

func (b *batcher) bucketOf(n int) int {
	for i, bound := range b.bounds {
		if n <= bound {
			return i
		}
	}
	return len(b.bounds) - 1
}

// dispatch owns the buckets. It offers a batch to the workers only when one
// is ready, and reads new pairs only while fewer than maxPending wait.
func (b *batcher) dispatch() {
	defer b.wg.Done()
	defer close(b.work)
	buckets := make([][]*pairItem, len(b.bounds))
	pending := 0
	// Since Go 1.23 a Reset timer never delivers a stale tick, so the loop
	// re-arms it without draining.
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	closing := b.closing
	for {
		now := time.Now()
		ready, nextDeadline := -1, time.Time{}
		for i, q := range buckets {
			if len(q) == 0 {
				continue
			}
			deadline := q[0].enqueued.Add(b.maxWait)
			if len(q) >= b.maxBatch || !now.Before(deadline) || closing == nil {
				if ready < 0 || q[0].enqueued.Before(buckets[ready][0].enqueued) {
					ready = i
				}
			} else if nextDeadline.IsZero() || deadline.Before(nextDeadline) {
				nextDeadline = deadline
			}
		}
		if closing == nil && pending == 0 {
			return
		}
		var workC chan []*pairItem
		var batch []*pairItem
		if ready >= 0 {
			batch = buckets[ready][:min(b.maxBatch, len(buckets[ready]))]
			workC = b.work
		}
		var inC chan *pairItem
		if pending < b.maxPending && closing != nil {
			inC = b.in
		}
		var timerC <-chan time.Time
		if !nextDeadline.IsZero() && ready < 0 {
			timer.Reset(time.Until(nextDeadline))
			timerC = timer.C
		}
		select {
		case item := <-inC:
			i := b.bucketOf(item.enc.Len())
			buckets[i] = append(buckets[i], item)
			pending++
		case workC <- batch:
			rest := buckets[ready][len(batch):]
			buckets[ready] = append(buckets[ready][:0:0], rest...)
			pending -= len(batch)
		case <-timerC:
		case <-closing:
			closing = nil
		}
	}
}

func (b *batcher) worker() {
	defer b.wg.Done()
	encs := make([]models.Encoded, 0, b.maxBatch)
	for batch := range b.work {
		encs = encs[:0]
		maxLen := 0
		for _, item := range batch {
			encs = append(encs, item.enc)
			maxLen = max(maxLen, item.enc.Len())
		}
		start := time.Now()
		ctx, span := startBatchSpan(batch)
		logits, err := b.run(ctx, encs)
		span.End()
		b.stats.record(batch, start, time.Since(start), maxLen)
		if err == nil && len(logits) != len(batch) {
			err = errors.New("pipeline: cross-encoder returned a wrong number of logits")
		}
		for i, item := range batch {
			var logit float32
			if err == nil {
				logit = logits[i]
			}
			item.job.finish(item.idx, logit, err)
		}
	}
}

package consumer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/linkstream/linkstream/producer"
)

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

// errRebalanced is why a cycle aborted when nothing failed.
var errRebalanced = errors.New("the group rebalanced during the cycle (partitions moved between instances)")

// cycle links the polled records and commits or aborts them as one unit.
func (s *Service) cycle(ctx context.Context, sess session, fs kgo.Fetches, limit int, size *cycleSizer) error {
	cl := sess.client()
	n := fs.NumRecords()
	st := &cycleState{dead: map[producer.Reason]int{}}
	st.remaining.Store(int64(n))
	s.m.inflight.Set(float64(n))
	s.m.cycleDocs.Observe(float64(n))

	gate := s.pauseIfFull(cl, n, limit)
	defer gate.resume()
	workCtx, cancelWork := s.workContext(ctx)
	defer cancelWork()

	s.txnMu.Lock()
	defer s.txnMu.Unlock()
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
	for _, recs := range byPartition(fs) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.lane(workCtx, cl, recs, st, promise, func() {
				if st.remaining.Add(-1) <= low {
					gate.resume()
				}
			})
		}()
	}
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
		s.assigned.changed() // the lag moved
		s.m.docs.WithLabelValues("linked").Add(float64(st.linked))
		for r, k := range st.dead {
			s.m.docs.WithLabelValues("dead_letter").Add(float64(k))
			s.m.deadLetters.WithLabelValues(string(r)).Add(float64(k))
		}
	} else {
		// A cycle that asked to commit and got an error back may have
		// committed all the same (the answer lost with its broker): the
		// rebuilt session starts from the group's committed offsets,
		// which carry the coordinator's decision.
		result, msg := "aborted", "cycle aborted; its records will be processed again"
		if cause == nil && err != nil {
			result, msg = "unconfirmed", "cycle's commit unconfirmed; the rebuilt session resumes from the group's committed offsets, which say whether it committed"
		}
		s.m.cycles.WithLabelValues(result).Inc()
		why := errors.Join(cause, err)
		if why == nil {
			// The transaction session aborts by itself when the group
			// rebalanced during the cycle: nothing failed.
			why = errRebalanced
		}
		args := []any{"documents", n, "err", why}
		if h := s.hint(why); h != "" {
			args = append(args, "hint", h)
		}
		s.log.Warn(msg, args...)
	}
	if err != nil {
		return fmt.Errorf("consumer: end cycle: %w", err)
	}
	return nil
}

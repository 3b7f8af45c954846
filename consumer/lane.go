package consumer

import (
	"context"

	"github.com/twmb/franz-go/pkg/kgo"
)

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

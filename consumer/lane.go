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

// byPartition gathers a cycle's records into one list per partition, in
// offset order: a cycle polled in several takes (see pollFair) holds a
// partition's records in several pieces, and two lanes for one partition
// would produce its outputs out of order.
func byPartition(fs kgo.Fetches) [][]*kgo.Record {
	type tp struct {
		topic     string
		partition int32
	}
	at := map[tp]int{}
	var lanes [][]*kgo.Record
	fs.EachPartition(func(p kgo.FetchTopicPartition) {
		if len(p.Records) == 0 {
			return
		}
		k := tp{p.Topic, p.Partition}
		i, ok := at[k]
		if !ok {
			i = len(lanes)
			at[k] = i
			lanes = append(lanes, nil)
		}
		lanes[i] = append(lanes[i], p.Records...)
	})
	return lanes
}

package pipeline

import (
	"sync/atomic"
	"time"
)

// BatchStats describes the micro-batcher's work since the Linker started.
type BatchStats struct {
	Batches int64
	Pairs   int64
	// MeanBatch is Pairs / Batches.
	MeanBatch float64
	// MeanWait is how long a pair waited in its bucket before its batch ran.
	MeanWait time.Duration
	// MeanRun is the model's time per batch.
	MeanRun time.Duration
	// PaddingWaste is the share of the model's token slots that were padding.
	PaddingWaste float64
	// Slots is the token positions the model computed: pairs × their
	// batch's padded length, summed over batches.
	Slots int64
}

type batchStats struct {
	batches, pairs      atomic.Int64
	waitNanos, runNanos atomic.Int64
	tokens, slots       atomic.Int64
}

func (s *batchStats) record(batch []*pairItem, start time.Time, run time.Duration, maxLen int) {
	var wait time.Duration
	var tokens int
	for _, item := range batch {
		wait += start.Sub(item.enqueued)
		tokens += item.enc.Len()
	}
	s.batches.Add(1)
	s.pairs.Add(int64(len(batch)))
	s.waitNanos.Add(int64(wait))
	s.runNanos.Add(int64(run))
	s.tokens.Add(int64(tokens))
	s.slots.Add(int64(maxLen * len(batch)))
}

func (s *batchStats) snapshot() BatchStats {
	out := BatchStats{Batches: s.batches.Load(), Pairs: s.pairs.Load()}
	if out.Batches > 0 {
		out.MeanBatch = float64(out.Pairs) / float64(out.Batches)
		out.MeanRun = time.Duration(s.runNanos.Load() / out.Batches)
	}
	if out.Pairs > 0 {
		out.MeanWait = time.Duration(s.waitNanos.Load() / out.Pairs)
	}
	if out.Slots = s.slots.Load(); out.Slots > 0 {
		out.PaddingWaste = 1 - float64(s.tokens.Load())/float64(out.Slots)
	}
	return out
}

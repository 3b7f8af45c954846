package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/linkstream/linkstream/models"
)

// The batcher's tests drive it with a model stand-in whose logit is a pure
// function of the pair (its first id), so any mix-up of pairs between
// callers or batches shows, and whose timing the test controls.

func encoded(id int64, length int) models.Encoded {
	ids := make([]int64, length)
	ids[0] = id
	return models.Encoded{IDs: ids, TypeIDs: make([]int64, length)}
}

type recordingModel struct {
	mu      sync.Mutex
	batches [][]int // lengths of the pairs in each batch
	delay   time.Duration
	fail    error
}

func (m *recordingModel) run(_ context.Context, batch []models.Encoded) ([]float32, error) {
	time.Sleep(m.delay)
	lens := make([]int, len(batch))
	out := make([]float32, len(batch))
	for i, e := range batch {
		lens[i] = e.Len()
		out[i] = float32(e.IDs[0]) * 0.5
	}
	m.mu.Lock()
	m.batches = append(m.batches, lens)
	m.mu.Unlock()
	return out, m.fail
}

func TestBatcherSharesBatchesAcrossCallers(t *testing.T) {
	m := &recordingModel{delay: 2 * time.Millisecond}
	b := newBatcher(m.run, 32, 50*time.Millisecond, 1024, 1, []int{32, 64, 96, 128})
	defer b.Close()
	var wg sync.WaitGroup
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			encs := make([]models.Encoded, 4)
			for i := range encs {
				encs[i] = encoded(int64(100*c+i), 20)
			}
			logits, err := b.Score(context.Background(), encs)
			if err != nil {
				t.Error(err)
				return
			}
			for i, l := range logits {
				if l != float32(100*c+i)*0.5 {
					t.Errorf("caller %d pair %d got logit %v: pairs were mixed up", c, i, l)
				}
			}
		}()
	}
	wg.Wait()
	st := b.stats.snapshot()
	if st.Pairs != 32 || st.Batches > 2 {
		t.Fatalf("8 callers × 4 pairs ran as %d pairs in %d batches; want 32 pairs in 1 or 2 batches (%v)", st.Pairs, st.Batches, m.batches)
	}
}

func TestBatcherBucketsByLength(t *testing.T) {
	m := &recordingModel{}
	b := newBatcher(m.run, 32, 20*time.Millisecond, 1024, 1, []int{32, 64, 96, 128})
	encs := []models.Encoded{encoded(1, 10), encoded(2, 120), encoded(3, 12), encoded(4, 110), encoded(5, 60)}
	if _, err := b.Score(context.Background(), encs); err != nil {
		t.Fatal(err)
	}
	b.Close()
	for _, batch := range m.batches {
		lo, hi := batch[0], batch[0]
		for _, n := range batch {
			lo, hi = min(lo, n), max(hi, n)
		}
		if b.bucketOf(lo) != b.bucketOf(hi) {
			t.Fatalf("batch mixes lengths %v across buckets", batch)
		}
	}
	if len(m.batches) != 3 {
		t.Fatalf("batches %v: want 3 (short, middle, long)", m.batches)
	}
}

func TestBatcherWaitsAtMostMaxWait(t *testing.T) {
	m := &recordingModel{}
	b := newBatcher(m.run, 32, 10*time.Millisecond, 1024, 1, []int{128})
	defer b.Close()
	start := time.Now()
	if _, err := b.Score(context.Background(), []models.Encoded{encoded(1, 8)}); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < 10*time.Millisecond || took > 500*time.Millisecond {
		t.Fatalf("a lone pair took %v: want about the 10ms max wait", took)
	}
}

func TestBatcherPushesBackAndHonoursCancellation(t *testing.T) {
	release := make(chan struct{})
	var started atomic.Int32
	run := func(_ context.Context, batch []models.Encoded) ([]float32, error) {
		started.Add(1)
		<-release
		return make([]float32, len(batch)), nil
	}
	b := newBatcher(run, 2, time.Millisecond, 4, 1, []int{128})
	// The worker holds one batch of 2; then 4 pairs may wait; more block.
	go b.Score(context.Background(), []models.Encoded{encoded(1, 8), encoded(2, 8)})
	for started.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	encs := make([]models.Encoded, 8)
	for i := range encs {
		encs[i] = encoded(int64(i), 8)
	}
	if _, err := b.Score(ctx, encs); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Score beyond the queue bound returned %v, want to block until the deadline", err)
	}
	close(release)
	b.Close()
	if _, err := b.Score(context.Background(), encs[:1]); !errors.Is(err, ErrBatcherClosed) {
		t.Fatalf("Score after Close: %v, want ErrBatcherClosed", err)
	}
}

func TestBatcherReportsModelErrors(t *testing.T) {
	boom := errors.New("boom")
	m := &recordingModel{fail: boom}
	b := newBatcher(m.run, 4, time.Millisecond, 64, 1, []int{128})
	defer b.Close()
	if _, err := b.Score(context.Background(), []models.Encoded{encoded(1, 8), encoded(2, 8)}); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the model's error", err)
	}
}

func TestLengthBuckets(t *testing.T) {
	for _, tc := range []struct {
		maxLen, n int
		want      []int
	}{
		{128, 4, []int{32, 64, 96, 128}},
		{128, 8, []int{16, 32, 48, 64, 80, 96, 112, 128}},
		{100, 8, []int{12, 24, 36, 48, 60, 72, 84, 100}},
		{6, 8, []int{1, 2, 3, 4, 5, 6}},
	} {
		got := lengthBuckets(tc.maxLen, tc.n)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("lengthBuckets(%d, %d) = %v, want %v", tc.maxLen, tc.n, got, tc.want)
		}
	}
}

// DeviceBatching is what --cuda selects: larger batches and finer buckets
// than the CPU defaults, still valid, and Batching given after it keeps
// its buckets.
func TestDeviceBatching(t *testing.T) {
	c := defaultCfg()
	c.mode = Never // validate wants a model otherwise
	DeviceBatching().apply(&c)
	cpu := defaultCfg()
	if c.maxBatch <= cpu.maxBatch || c.buckets <= cpu.buckets || c.maxPending < c.maxBatch {
		t.Errorf("device batching %d pairs, %d buckets, queue %d; CPU %d pairs, %d buckets",
			c.maxBatch, c.buckets, c.maxPending, cpu.maxBatch, cpu.buckets)
	}
	if err := c.validate(); err != nil {
		t.Errorf("device batching invalid: %v", err)
	}
	Batching(64, time.Millisecond, 512).apply(&c)
	if c.maxBatch != 64 || c.buckets != 8 {
		t.Errorf("Batching after DeviceBatching: %d pairs, %d buckets; want 64, 8", c.maxBatch, c.buckets)
	}
}

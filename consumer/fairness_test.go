package consumer

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/linkstream/linkstream/producer"
)

// produceToPartitions writes counts[p] documents to partition p of topic.
func produceToPartitions(ctx context.Context, t *testing.T, seeds []string, topic string, counts []int) int {
	t.Helper()
	cl := newClient(t, seeds, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	enc, _ := producer.NewDocumentEncoder(ctx, nil, "")
	var recs []*kgo.Record
	for p, n := range counts {
		for _, d := range makeDocs(fmt.Sprintf("p%d", p), n) {
			r, err := enc.Record(topic, d)
			if err != nil {
				t.Fatal(err)
			}
			r.Partition = int32(p)
			recs = append(recs, r)
		}
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	return len(recs)
}

// TestIntegrationFairLanes: a skewed backlog (partition 0 holds ten times
// what each other partition holds) is drained with every partition making
// progress from the start: no partition waits for another to drain. It
// measures per-partition latency from the service's start
// (BENCHMARKS.md, "Operations").
func TestIntegrationFairLanes(t *testing.T) {
	seeds := realBrokers(t)
	in, out, dlq := topics(t, seeds, 6)
	drainSkewed(t, seeds, in, out, dlq)
}

// TestFairLanes is TestIntegrationFairLanes on kfake.
func TestFairLanes(t *testing.T) {
	drainSkewed(t, newFake(t, 6), "in", "out", "in.dlq")
}

// drainSkewed drains a skewed backlog on 6 partitions and checks that
// every partition makes progress from the start.
func drainSkewed(t *testing.T, seeds []string, in, out, dlq string) {
	ctx := context.Background()
	counts := []int{3000, 300, 300, 300, 300, 300}
	total := produceToPartitions(ctx, t, seeds, in, counts)

	var mu sync.Mutex
	lat := make([][]time.Duration, len(counts)) // by input partition, in arrival order
	var got int
	done := make(chan struct{})
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rcl := newClient(t, seeds, kgo.ConsumeTopics(out), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.FetchMaxWait(10*time.Millisecond))
	dec := producer.NewOutputDecoder(nil)
	var t0 time.Time
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for rctx.Err() == nil {
			fs := rcl.PollFetches(rctx)
			now := time.Now()
			mu.Lock()
			fs.EachRecord(func(r *kgo.Record) {
				d, err := dec.Decode(rctx, r.Value)
				if err != nil {
					return // counted as missing below
				}
				p := d.Source.Partition
				lat[p] = append(lat[p], now.Sub(t0))
				if got++; got == total {
					close(done)
				}
			})
			mu.Unlock()
		}
	}()
	mu.Lock()
	t0 = time.Now()
	mu.Unlock()
	// 8 concurrent calls of 10 ms: about 800 documents/s, some 6 s.
	startService(t, &capsLinker{delay: 10 * time.Millisecond}, Brokers(seeds...), Topics(in, out, dlq),
		Group(in+".g"), InstanceID("a"), Concurrency(8))
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("%d of %d outputs in 2 minutes", got, total)
	}
	cancel()
	<-readerDone

	// All outputs in arrival order, to say how far the drain was when a
	// partition's first output came.
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	var b strings.Builder
	fmt.Fprintf(&b, "\n| partition | documents | first output s | p50 s | p99 s | last s | outputs of all partitions before its first |\n|---|---|---|---|---|---|---|\n")
	for p, l := range lat {
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
		before := sort.Search(len(all), func(i int) bool { return all[i] >= l[0] })
		q := func(f float64) float64 { return l[int(f*float64(len(l)-1))].Seconds() }
		fmt.Fprintf(&b, "| %d | %d | %.2f | %.2f | %.2f | %.2f | %d |\n", p, len(l), l[0].Seconds(), q(0.5), q(0.99), l[len(l)-1].Seconds(), before)
		// Fair: a partition's first output comes before a tenth of the
		// backlog is drained, and the small partitions finish before
		// the big one.
		if before > total/10 {
			t.Errorf("partition %d: first output after %d of %d outputs: it waited for other partitions", p, before, total)
		}
		if p > 0 && q(0.99) >= lat[0][int(0.99*float64(len(lat[0])-1))].Seconds() {
			t.Errorf("partition %d (%d documents): p99 %.2fs not below the big partition's", p, len(l), q(0.99))
		}
	}
	t.Log(b.String())
}

// TestByPartition: a cycle polled in several takes gets one lane per
// partition, its pieces joined in offset order.
func TestByPartition(t *testing.T) {
	rec := func(p int32, off int64) *kgo.Record { return &kgo.Record{Topic: "in", Partition: p, Offset: off} }
	take := func(ps ...kgo.FetchPartition) kgo.Fetch {
		return kgo.Fetch{Topics: []kgo.FetchTopic{{Topic: "in", Partitions: ps}}}
	}
	fs := kgo.Fetches{
		take(kgo.FetchPartition{Partition: 0, Records: []*kgo.Record{rec(0, 5), rec(0, 6)}}),
		take(kgo.FetchPartition{Partition: 1, Records: []*kgo.Record{rec(1, 9)}}, kgo.FetchPartition{Partition: 0, Records: []*kgo.Record{rec(0, 7)}}),
		take(kgo.FetchPartition{Partition: 2}),
	}
	var got []string
	for _, lane := range byPartition(fs) {
		var offs []string
		for _, r := range lane {
			offs = append(offs, fmt.Sprintf("%d@%d", r.Partition, r.Offset))
		}
		got = append(got, strings.Join(offs, ","))
	}
	if fmt.Sprint(got) != "[0@5,0@6,0@7 1@9]" {
		t.Fatalf("lanes %v, want [0@5,0@6,0@7 1@9]", got)
	}
}

package consumer

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/linkstream/linkstream/pipeline"
	"github.com/linkstream/linkstream/producer"
)

// TestBenchEndToEnd measures the Kafka side on the real broker (see
// BENCHMARKS-kafka.md): documents/s and produce→linked latency at an
// offered load, the drain rate of a backlog, for 1 and 2 instances, and
// where the service's time goes. It runs only with LINKSTREAM_BENCH=1:
//
//	LINKSTREAM_BENCH=1 LINKSTREAM_KAFKA_BROKERS=$(scripts/kafka.sh status) \
//	  go test -run TestBenchEndToEnd -v -timeout 20m ./consumer/
//
// LINKSTREAM_BENCH_RATE (docs/s offered, default 2000),
// LINKSTREAM_BENCH_SECONDS (default 20), LINKSTREAM_BENCH_BACKLOG (default
// 20000), LINKSTREAM_BENCH_DELIVERY (exactly-once or at-least-once).
// The linker is the cheap test linker, so the figures are the cost of
// everything except linking.
func TestBenchEndToEnd(t *testing.T) {
	if os.Getenv("LINKSTREAM_BENCH") == "" {
		t.Skip("set LINKSTREAM_BENCH=1 to run the end-to-end benchmark")
	}
	seeds := realBrokers(t)
	rate := envInt("LINKSTREAM_BENCH_RATE", 2000)
	secs := envInt("LINKSTREAM_BENCH_SECONDS", 20)
	backlog := envInt("LINKSTREAM_BENCH_BACKLOG", 20000)
	eos := os.Getenv("LINKSTREAM_BENCH_DELIVERY") != "at-least-once"
	fmt.Printf("| instances | mode | offered docs/s | achieved docs/s | p50 ms | p99 ms | backlog drain docs/s | µs/doc decode | link | encode | flush | commit | ms/cycle flush | commit | docs/cycle |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, n := range []int{1, 2} {
		t.Run(fmt.Sprintf("instances=%d", n), func(t *testing.T) {
			benchRun(t, seeds, n, rate, secs, backlog, eos)
		})
	}
}

func envInt(k string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(k)); err == nil && v > 0 {
		return v
	}
	return def
}

func benchRun(t *testing.T, seeds []string, instances, rate, secs, backlog int, eos bool) {
	ctx := context.Background()
	in, out, dlq := topics(t, seeds, 6)
	cl := newClient(t, seeds, kgo.ProducerLinger(time.Millisecond))
	enc, _ := producer.NewDocumentEncoder(ctx, nil, "")

	// Phase 1: a backlog, drained from cold by the instances.
	docs := makeDocs("backlog", backlog)
	produceDocs(ctx, t, cl, in, enc, docs)
	var svcs []*Service
	opts := []Opt{Brokers(seeds...), Topics(in, out, dlq), Group(in + ".g"), ExactlyOnce(eos)}
	t0 := time.Now()
	for i := 0; i < instances; i++ {
		svc, _ := startService(t, &capsLinker{}, append(opts, InstanceID(strconv.Itoa(i)))...)
		svcs = append(svcs, svc)
	}

	// The latency reader follows the output from the start.
	var mu sync.Mutex
	sent := map[string]time.Time{}
	var lat []time.Duration
	var got, gotBacklog int
	var backlogDone, lastRecv time.Time
	rctx, rcancel := context.WithCancel(ctx)
	defer rcancel()
	rcl := newClient(t, seeds, kgo.ConsumeTopics(out), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.FetchMaxWait(50*time.Millisecond))
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for rctx.Err() == nil {
			fs := rcl.PollFetches(rctx)
			now := time.Now()
			mu.Lock()
			fs.EachRecord(func(r *kgo.Record) {
				id := string(r.Key)
				if strings.HasPrefix(id, "backlog-") {
					gotBacklog++
					if gotBacklog == backlog {
						backlogDone = now
					}
					return
				}
				if s, ok := sent[id]; ok {
					lat = append(lat, now.Sub(s))
					got++
					lastRecv = now
				}
			})
			mu.Unlock()
		}
	}()
	waitFor(t, 5*time.Minute, func() bool { mu.Lock(); defer mu.Unlock(); return !backlogDone.IsZero() })
	drain := float64(backlog) / backlogDone.Sub(t0).Seconds()
	before := phaseSnapshot(t, svcs)

	// Phase 2: a steady offered load, paced every 10ms.
	total := rate * secs
	perTick := max(1, rate/100)
	start := time.Now()
	tick := time.NewTicker(10 * time.Millisecond)
	for i := 0; i < total; {
		<-tick.C
		batch := make([]pipeline.Document, 0, perTick)
		for j := 0; j < perTick && i < total; j, i = j+1, i+1 {
			batch = append(batch, newsDoc("load", i))
		}
		now := time.Now()
		mu.Lock()
		for _, d := range batch {
			sent[d.ID] = now
		}
		mu.Unlock()
		for _, d := range batch {
			r, _ := enc.Record(in, d)
			cl.Produce(ctx, r, func(_ *kgo.Record, err error) {
				if err != nil {
					t.Errorf("produce: %v", err)
				}
			})
		}
	}
	tick.Stop()
	waitFor(t, 2*time.Minute, func() bool { mu.Lock(); defer mu.Unlock(); return got >= total })
	rcancel()
	<-readerDone
	after := phaseSnapshot(t, svcs)

	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	achieved := float64(got) / lastRecv.Sub(start).Seconds()
	d := map[string]float64{}
	for k, v := range after {
		d[k] = v - before[k]
	}
	perDoc := func(phase string) float64 { return d[phase] / float64(total) * 1e6 }
	mode := "exactly-once"
	if !eos {
		mode = "at-least-once"
	}
	cycles := max(1, d["cycles"])
	fmt.Printf("| %d | %s | %d | %.0f | %.1f | %.1f | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |\n",
		instances, mode, rate, achieved, pct(0.50), pct(0.99), drain,
		perDoc(phaseDecode), perDoc(phaseLink), perDoc(phaseEncode), perDoc(phaseFlush), perDoc(phaseCommit),
		d[phaseFlush]/cycles*1000, d[phaseCommit]/cycles*1000, float64(total)/cycles)
}

func waitFor(t *testing.T, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not done in %v", timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// phaseSnapshot sums the phase counters and committed cycles of services.
func phaseSnapshot(t *testing.T, svcs []*Service) map[string]float64 {
	m := map[string]float64{}
	for _, s := range svcs {
		mfs, err := s.Registry().Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			switch mf.GetName() {
			case "linkstream_phase_seconds_total":
				for _, x := range mf.GetMetric() {
					m[x.GetLabel()[0].GetValue()] += x.GetCounter().GetValue()
				}
			case "linkstream_cycles_total":
				for _, x := range mf.GetMetric() {
					if x.GetLabel()[0].GetValue() == "committed" {
						m["cycles"] += x.GetCounter().GetValue()
					}
				}
			}
		}
	}
	return m
}

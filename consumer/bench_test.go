package consumer

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/producer"
)

// TestBenchEndToEnd measures the Kafka side on the real broker (see
// BENCHMARKS.md, "Kafka service"). Each instance is a separate process (this test
// binary re-executed, running consumer.Service with the cheap test
// linker), so its CPU time is its own. It runs only with LINKSTREAM_BENCH=1:
//
//	LINKSTREAM_BENCH=1 LINKSTREAM_KAFKA_BROKERS=$(scripts/kafka.sh status) \
//	  go test -run TestBenchEndToEnd -v -timeout 20m ./consumer/
//
// Phase 1 drains a backlog (LINKSTREAM_BENCH_BACKLOG documents, default
// 100000) from cold: the saturation rate and CPU per document. Phase 2
// offers LINKSTREAM_BENCH_RATE documents/s (default 2000) for
// LINKSTREAM_BENCH_SECONDS (default 20) and measures produce→linked latency
// at a read_committed reader. LINKSTREAM_BENCH_DELIVERY=at-least-once
// switches mode; LINKSTREAM_BENCH_INSTANCES (default "1,2");
// LINKSTREAM_BENCH_PARTITIONS (default 6) sizes the input topic.
// LINKSTREAM_BENCH_LINK_DELAY (e.g. 5ms) and LINKSTREAM_BENCH_CONCURRENCY
// (e.g. 8) make the test linker latency-bound (it sleeps, as a linker
// waiting on an accelerator would), to show scaling by partitions when
// the instances are not starved of CPU.
func TestBenchEndToEnd(t *testing.T) {
	if os.Getenv("LINKSTREAM_BENCH") == "" {
		t.Skip("set LINKSTREAM_BENCH=1 to run the end-to-end benchmark")
	}
	seeds := realBrokers(t)
	rate := envInt("LINKSTREAM_BENCH_RATE", 2000)
	secs := envInt("LINKSTREAM_BENCH_SECONDS", 20)
	backlog := envInt("LINKSTREAM_BENCH_BACKLOG", 100000)
	mode := "exactly-once"
	if os.Getenv("LINKSTREAM_BENCH_DELIVERY") == "at-least-once" {
		mode = "at-least-once"
	}
	counts := os.Getenv("LINKSTREAM_BENCH_INSTANCES")
	if counts == "" {
		counts = "1,2"
	}
	var rows []string
	for _, c := range strings.Split(counts, ",") {
		n, _ := strconv.Atoi(c)
		t.Run(fmt.Sprintf("instances=%d", n), func(t *testing.T) {
			rows = append(rows, benchRun(t, seeds, n, rate, secs, backlog, mode))
		})
	}
	fmt.Printf("\n| instances | delivery | backlog drain docs/s | CPU µs/doc (drain) | offered docs/s | achieved docs/s | p50 ms | p99 ms | CPU µs/doc (offered) |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Println(r)
	}
}

func envInt(k string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(k)); err == nil && v > 0 {
		return v
	}
	return def
}

// stopChildren SIGTERMs the instances and returns their summed CPU time.
func stopChildren(t *testing.T, cs []*exec.Cmd) time.Duration {
	var cpu time.Duration
	for _, c := range cs {
		c.Process.Signal(syscall.SIGTERM)
	}
	for _, c := range cs {
		if err := c.Wait(); err != nil {
			t.Errorf("instance exit: %v", err)
		}
		cpu += c.ProcessState.UserTime() + c.ProcessState.SystemTime()
	}
	return cpu
}

func benchRun(t *testing.T, seeds []string, instances, rate, secs, backlog int, mode string) string {
	ctx := context.Background()
	in, out, dlq := topics(t, seeds, int32(envInt("LINKSTREAM_BENCH_PARTITIONS", 6)))
	group := in + ".g"
	cl := newClient(t, seeds, kgo.ProducerLinger(time.Millisecond))
	enc, _ := producer.NewDocumentEncoder(ctx, nil, "")
	start := func() []*exec.Cmd {
		var cs []*exec.Cmd
		for i := 0; i < instances; i++ {
			cs = append(cs, startChild(t, seeds, in, out, dlq, group, strconv.Itoa(i),
				"LSTEST_DELIVERY="+mode, "LSTEST_MAX_IN_FLIGHT=1024",
				"LSTEST_LINK_DELAY="+os.Getenv("LINKSTREAM_BENCH_LINK_DELAY"),
				"LSTEST_CONCURRENCY="+os.Getenv("LINKSTREAM_BENCH_CONCURRENCY")))
		}
		return cs
	}

	// The reader follows the output from the start, read_committed.
	var mu sync.Mutex
	sent := map[string]time.Time{}
	var lat []time.Duration
	var gotLoad, gotBacklog int
	var backlogDone, lastRecv time.Time
	rctx, rcancel := context.WithCancel(ctx)
	defer rcancel()
	rcl := newClient(t, seeds, kgo.ConsumeTopics(out), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.FetchMaxWait(10*time.Millisecond))
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		seen := map[string]bool{}
		for rctx.Err() == nil {
			fs := rcl.PollFetches(rctx)
			now := time.Now()
			mu.Lock()
			fs.EachRecord(func(r *kgo.Record) {
				id := string(r.Key)
				if seen[id] {
					return // at-least-once may repeat; count each document once
				}
				seen[id] = true
				if strings.HasPrefix(id, "backlog-") {
					if gotBacklog++; gotBacklog == backlog {
						backlogDone = now
					}
				} else if s, ok := sent[id]; ok {
					lat = append(lat, now.Sub(s))
					gotLoad++
					lastRecv = now
				}
			})
			mu.Unlock()
		}
	}()

	// Phase 1: drain a backlog from cold.
	produceDocs(ctx, t, cl, in, enc, makeDocs("backlog", backlog))
	t0 := time.Now()
	cs := start()
	waitFor(t, 5*time.Minute, func() bool { mu.Lock(); defer mu.Unlock(); return !backlogDone.IsZero() })
	drainRate := float64(backlog) / backlogDone.Sub(t0).Seconds()
	drainCPU := stopChildren(t, cs)

	// Phase 2: a steady offered load, paced every 10ms.
	cs = start()
	time.Sleep(3 * time.Second) // let the group settle before the clock starts
	total := rate * secs
	perTick := max(1, rate/100)
	loadStart := time.Now()
	tick := time.NewTicker(10 * time.Millisecond)
	for i := 0; i < total; {
		<-tick.C
		batch := make([]link.Document, 0, perTick)
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
	waitFor(t, 2*time.Minute, func() bool { mu.Lock(); defer mu.Unlock(); return gotLoad >= total })
	loadCPU := stopChildren(t, cs)
	rcancel()
	<-readerDone

	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	achieved := float64(gotLoad) / lastRecv.Sub(loadStart).Seconds()
	row := fmt.Sprintf("| %d | %s | %.0f | %.0f | %d | %.0f | %.1f | %.1f | %.0f |", instances, mode,
		drainRate, float64(drainCPU.Microseconds())/float64(backlog),
		rate, achieved, pct(0.50), pct(0.99), float64(loadCPU.Microseconds())/float64(total))
	t.Log(row)
	return row
}

func waitFor(t *testing.T, timeout time.Duration, cond func() bool) {
	t.Helper()
	if !waitUntil(timeout, cond) {
		t.Fatalf("not done in %v", timeout)
	}
}

// waitUntil polls cond every 10ms until it holds (true) or timeout passes
// (false), for states that have no event to wait on (a metric's value).
func waitUntil(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

package consumer

import (
	"context"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/linkstream/linkstream/producer"
)

// outputWatch follows a read_committed output topic and counts its
// records, so that a test can wait for "a new committed output" as an
// event instead of sleeping.
type outputWatch struct {
	mu      sync.Mutex
	n       int
	latest  time.Time     // the newest ProcessedAt seen
	changed chan struct{} // closed and replaced on every new record
}

func watchOutputs(t *testing.T, seeds []string, topic string) *outputWatch {
	t.Helper()
	w := &outputWatch{changed: make(chan struct{})}
	cl := newClient(t, seeds, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.FetchMaxWait(10*time.Millisecond))
	dec := producer.NewOutputDecoder(nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			fs := cl.PollFetches(ctx)
			if fs.NumRecords() == 0 {
				continue
			}
			w.mu.Lock()
			fs.EachRecord(func(r *kgo.Record) {
				w.n++
				if d, err := dec.Decode(ctx, r.Value); err == nil && d.ProcessedAt.After(w.latest) {
					w.latest = d.ProcessedAt
				}
			})
			close(w.changed)
			w.changed = make(chan struct{})
			w.mu.Unlock()
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return w
}

// waitAbove waits until more than n records were seen.
func (w *outputWatch) waitAbove(t *testing.T, n int, timeout time.Duration) {
	t.Helper()
	w.waitFor(t, timeout, func() bool { return w.n > n })
}

// waitProcessedAfter waits for an output processed after t0, and returns
// when it arrived: an output of the dead instance's last transaction,
// committed by the broker after the kill, does not count.
func (w *outputWatch) waitProcessedAfter(t *testing.T, t0 time.Time, timeout time.Duration) time.Time {
	t.Helper()
	w.waitFor(t, timeout, func() bool { return w.latest.After(t0) })
	return time.Now()
}

// waitFor waits until cond, called with w.mu held, holds.
func (w *outputWatch) waitFor(t *testing.T, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		w.mu.Lock()
		ok, changed := cond(), w.changed
		w.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("outputs not there within %v", timeout)
		}
	}
}

// TestIntegrationRestartRejoins: an instance killed with SIGKILL and
// restarted with the same instance id gets its partitions back at once
// (static group membership), not after the session timeout of the dead
// member. It measures restart to first committed output (BENCHMARKS.md,
// "Operations").
func TestIntegrationRestartRejoins(t *testing.T) {
	seeds := realBrokers(t)
	ctx := context.Background()
	in, out, dlq := topics(t, seeds, 6)
	group := in + ".g"
	const session = 15 * time.Second // the default: what an operator runs
	env := "LSTEST_SESSION_TIMEOUT=" + session.String()
	w := watchOutputs(t, seeds, out)
	cl := newClient(t, seeds)
	stopFeed := make(chan struct{})
	fed := make(chan struct{})
	go func() {
		defer close(fed)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i += 5 {
			select {
			case <-stopFeed:
				return
			case <-tick.C:
			}
			if err := writeDocs(ctx, cl, in, nil, makeDocsFrom("restart", i, 5)); err != nil {
				t.Errorf("feed: %v", err) // not Fatal: this is not the test's goroutine
				return
			}
		}
	}()
	defer func() { close(stopFeed); <-fed }()

	a := startChild(t, seeds, in, out, dlq, group, "a", env)
	w.waitAbove(t, 100, 60*time.Second)
	if err := a.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	a.Wait()
	t0 := time.Now()
	startChild(t, seeds, in, out, dlq, group, "a", env)
	first := w.waitProcessedAfter(t, t0, 3*session)
	d := first.Sub(t0)
	t.Logf("restart to first committed output: %v (session timeout %v)", d.Round(10*time.Millisecond), session)
	if d > session/2 {
		t.Errorf("restart to first committed output took %v: the restarted instance waited for the dead member's session (%v) to expire", d, session)
	}
}

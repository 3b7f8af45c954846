package consumer

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/linkstream/linkstream/link"
)

// lagSample is what /metrics says about lag at one moment.
type lagSample struct {
	partitions int     // input partitions with a lag series
	sum        float64 // their sum
	group      float64 // the group total; -1 when absent
}

func sampleLag(t *testing.T, svc *Service) lagSample {
	t.Helper()
	mfs, err := svc.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	s := lagSample{group: -1}
	for _, mf := range mfs {
		switch mf.GetName() {
		case "linkstream_consumer_lag":
			for _, m := range mf.GetMetric() {
				s.partitions++
				s.sum += m.GetGauge().GetValue()
			}
		case "linkstream_consumer_group_lag":
			if len(mf.GetMetric()) == 1 {
				s.group = mf.GetMetric()[0].GetGauge().GetValue()
			}
		}
	}
	return s
}

// TestIntegrationLagBacklog: a 600-document backlog on 6 partitions,
// drained by a slow linker; /metrics is sampled each second from the
// start. Every partition has a lag series from the first sample, and the
// sum (and the group total) stays within what the read_committed output
// says is left (BENCHMARKS.md, "Operations").
func TestIntegrationLagBacklog(t *testing.T) {
	seeds := realBrokers(t)
	ctx := context.Background()
	in, out, dlq := topics(t, seeds, 6)
	const backlog = 600
	produceDocs(ctx, t, newClient(t, seeds), in, nil, makeDocs("lag", backlog))
	w := watchOutputs(t, seeds, out)
	// 4 concurrent calls of 40 ms: about 100 documents/s, 6 s of backlog.
	svc, _ := startService(t, &capsLinker{delay: 40 * time.Millisecond}, Brokers(seeds...), Topics(in, out, dlq),
		Group(in+".g"), InstanceID("a"), Concurrency(4), CycleTarget(500*time.Millisecond))
	type row struct {
		at   time.Duration
		lag  lagSample
		left int
	}
	var rows []row
	t0 := time.Now()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for len(rows) < 30 {
		<-tick.C
		l := sampleLag(t, svc)
		w.mu.Lock()
		left := backlog - w.n
		w.mu.Unlock()
		rows = append(rows, row{time.Since(t0).Round(100 * time.Millisecond), l, left})
		if left == 0 && l.sum == 0 && len(rows) > 2 {
			break
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n| t s | partitions with a lag series | Σ partition lag | group lag | left (backlog − committed outputs) |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %.0f | %d | %.0f | %.0f | %d |\n", r.at.Seconds(), r.lag.partitions, r.lag.sum, r.lag.group, r.left)
	}
	t.Log(b.String())
	// The lag was polled at most about a second before a sample, and the
	// reader sees a commit well within a second after it: so a sample
	// lies between what was left one sample later and two samples
	// earlier.
	for i, r := range rows {
		if r.lag.partitions != 6 || r.lag.group != r.lag.sum {
			t.Errorf("t=%v: %d partitions with lag, Σ %.0f, group %.0f: want all 6 and the group total equal to the sum",
				r.at, r.lag.partitions, r.lag.sum, r.lag.group)
		}
		hi, lo := backlog, 0
		if i >= 2 {
			hi = rows[i-2].left
		}
		if i+1 < len(rows) {
			lo = rows[i+1].left
		}
		if int(r.lag.sum) > hi || int(r.lag.sum) < lo {
			t.Errorf("t=%v: Σ lag %.0f outside [%d, %d], what was left around then", r.at, r.lag.sum, lo, hi)
		}
	}
	if last := rows[len(rows)-1]; last.left != 0 || last.lag.sum != 0 {
		t.Errorf("backlog not drained to zero lag in %v: %+v", last.at, last)
	}
}

// gatedLinker links like capsLinker once open is closed, and blocks until
// then: the lag must be right while nothing is processed.
type gatedLinker struct {
	open chan struct{}
	capsLinker
}

func (l *gatedLinker) Link(ctx context.Context, doc link.Document) (link.Result, error) {
	select {
	case <-l.open:
	case <-ctx.Done():
		return link.Result{}, ctx.Err()
	}
	return l.capsLinker.Link(ctx, doc)
}

// TestLagFromBroker: before a single document is processed, both members
// of a group show the lag of each partition they own, the sums add up to
// the backlog, and both show the whole group's total; once the backlog
// is drained, every figure is zero.
func TestLagFromBroker(t *testing.T) {
	ctx := context.Background()
	seeds := newFake(t, 6)
	produceDocs(ctx, t, newClient(t, seeds), "in", nil, makeDocs("lag", 600))
	l := &gatedLinker{open: make(chan struct{})}
	a, _ := startService(t, l, Brokers(seeds...), InstanceID("a"))
	b, _ := startService(t, l, Brokers(seeds...), InstanceID("b"))
	var la, lb lagSample
	settled := func(total float64) func() bool {
		return func() bool {
			la, lb = sampleLag(t, a), sampleLag(t, b)
			return la.partitions == 3 && lb.partitions == 3 && la.sum+lb.sum == total && la.group == total && lb.group == total
		}
	}
	if !waitUntil(10*time.Second, settled(600)) {
		t.Fatalf("with nothing processed: a %+v, b %+v; want 3 partitions each, sums adding up to 600, group 600", la, lb)
	}
	close(l.open)
	readOutputs(ctx, t, seeds, "out", 600, 30*time.Second, nil)
	if !waitUntil(10*time.Second, settled(0)) {
		t.Fatalf("drained: a %+v, b %+v; want 3 partitions each at lag 0", la, lb)
	}
}

package consumer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// logBuffer is a log destination that tests read while services write.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

// lines returns the log lines that contain substr.
func (l *logBuffer) lines(substr string) []string {
	var out []string
	for _, line := range strings.Split(l.String(), "\n") {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return out
}

func TestLogLimiter(t *testing.T) {
	l := newLogLimiter(3, time.Second)
	t0 := time.Unix(1000, 0)
	for i := 0; i < 3; i++ {
		if ok, skipped := l.allow(t0); !ok || skipped != 0 {
			t.Fatalf("line %d of the burst: allowed %v, skipped %d", i, ok, skipped)
		}
	}
	for i := 0; i < 5; i++ {
		if ok, _ := l.allow(t0.Add(100 * time.Millisecond)); ok {
			t.Fatalf("line %d past the burst allowed", i)
		}
	}
	if ok, skipped := l.allow(t0.Add(1100 * time.Millisecond)); !ok || skipped != 5 {
		t.Fatalf("a second later: allowed %v, skipped %d; want true, 5", ok, skipped)
	}
	if ok, _ := l.allow(t0.Add(1200 * time.Millisecond)); ok {
		t.Fatal("the refilled token was spent twice")
	}
}

// TestDeadLetterLogLines: a burst of poison records leaves a log line per
// dead letter up to the burst, each saying where the record was and why,
// and then says how many it left out; nothing in the log reads <nil>.
func TestDeadLetterLogLines(t *testing.T) {
	ctx := context.Background()
	seeds := newFake(t, 1)
	cl := newClient(t, seeds)
	const poison = 40
	for i := 0; i < poison; i++ {
		r := &kgo.Record{Topic: "in", Key: []byte(fmt.Sprint("p", i)), Value: []byte(`{"id":"p","text":`)}
		if err := cl.ProduceSync(ctx, r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	docs := makeDocs("after", 20)
	produceDocs(ctx, t, cl, "in", nil, docs)
	var log logBuffer
	startService(t, &capsLinker{}, Brokers(seeds...), InstanceID("a"), Logger(log.logger()))
	readOutputs(ctx, t, seeds, "out", len(docs), 30*time.Second, nil)
	lines := log.lines("record sent to the dead-letter topic")
	if len(lines) < dlqLogBurst || len(lines) >= poison {
		t.Fatalf("%d dead-letter log lines for %d dead letters; want the burst of %d and not all:\n%s",
			len(lines), poison, dlqLogBurst, strings.Join(lines, "\n"))
	}
	seen := map[int]bool{}
	for _, line := range lines {
		for _, want := range []string{"topic=in", "partition=0", "reason=bad-json", "dlq_topic=in.dlq", `err="unexpected end of JSON input"`} {
			if !strings.Contains(line, want) {
				t.Errorf("dead-letter line lacks %q: %s", want, line)
			}
		}
		var off int
		if i := strings.Index(line, " offset="); i < 0 {
			t.Errorf("dead-letter line without an offset: %s", line)
		} else if _, err := fmt.Sscanf(line[i:], " offset=%d", &off); err != nil || off < 0 || off >= poison || seen[off] {
			t.Errorf("dead-letter line with offset %d (%v), poison records are at 0..%d, each once: %s", off, err, poison-1, line)
		}
		seen[off] = true
	}
	if strings.Contains(log.String(), "<nil>") {
		t.Errorf("the log prints <nil>:\n%s", strings.Join(log.lines("<nil>"), "\n"))
	}
}

// rebalancedSession is a session whose transaction the group aborted (a
// rebalance during the cycle): end reports no commit and no error.
type rebalancedSession struct{ cl *kgo.Client }

func (r rebalancedSession) client() *kgo.Client { return r.cl }
func (r rebalancedSession) poll(ctx context.Context, n int) kgo.Fetches {
	return r.cl.PollRecords(ctx, n)
}
func (r rebalancedSession) take(int) kgo.Fetches                    { return nil }
func (r rebalancedSession) begin() error                            { return nil }
func (r rebalancedSession) close()                                  {}
func (r rebalancedSession) end(context.Context, bool) (bool, error) { return false, nil }

// oneDocCycle runs one cycle of one document through the session sess
// makes of a client, and returns the service, its log and the cycle's
// error.
func oneDocCycle(t *testing.T, sess func(*kgo.Client) session) (*Service, *logBuffer, error) {
	t.Helper()
	seeds := newFake(t, 1)
	log := &logBuffer{}
	svc, err := New(context.Background(), &capsLinker{}, Brokers(seeds...), Topics("in", "out", ""), Group("g"),
		InstanceID("a"), Logger(log.logger()))
	if err != nil {
		t.Fatal(err)
	}
	recs := []*kgo.Record{{Topic: "in", Partition: 0, Offset: 0, Value: []byte(`{"id":"x","text":"Paris"}`)}}
	fs := kgo.Fetches{{Topics: []kgo.FetchTopic{{Topic: "in", Partitions: []kgo.FetchPartition{{Partition: 0, Records: recs}}}}}}
	return svc, log, svc.cycle(context.Background(), sess(newClient(t, seeds)), fs, 10, newCycleSizer(10, time.Second))
}

// TestAbortWarningSaysWhy: a cycle aborted with no error (the rebalance
// case) says why, instead of err=<nil>.
func TestAbortWarningSaysWhy(t *testing.T) {
	_, log, err := oneDocCycle(t, func(cl *kgo.Client) session { return rebalancedSession{cl} })
	if err != nil {
		t.Fatal(err)
	}
	lines := log.lines("cycle aborted")
	if len(lines) != 1 || !strings.Contains(lines[0], "rebalanced") || strings.Contains(lines[0], "<nil>") {
		t.Fatalf("abort warning %q: want one line saying the group rebalanced, no <nil>", lines)
	}
}

// unansweredSession commits nothing and answers the commit with an error,
// as when the broker stops while it ends the transaction.
type unansweredSession struct{ rebalancedSession }

func (u unansweredSession) end(context.Context, bool) (bool, error) {
	return false, errors.New("unable to dial: connection refused")
}

// TestUnconfirmedCommitSaysSo: a cycle whose commit was asked and failed
// is not called aborted (it may have committed): its warning and metric
// say unconfirmed, and the cycle's error rebuilds the session.
func TestUnconfirmedCommitSaysSo(t *testing.T) {
	svc, log, err := oneDocCycle(t, func(cl *kgo.Client) session { return unansweredSession{rebalancedSession{cl}} })
	if err == nil {
		t.Fatal("a cycle whose end failed returned no error")
	}
	if lines := log.lines("commit unconfirmed"); len(lines) != 1 || len(log.lines("cycle aborted")) != 0 {
		t.Errorf("log %q: want one unconfirmed commit and no abort", log.String())
	}
	mfs, _ := svc.Registry().Gather()
	for _, mf := range mfs {
		if mf.GetName() == "linkstream_cycles_total" {
			for _, m := range mf.GetMetric() {
				if v := m.GetLabel()[0].GetValue(); v != "unconfirmed" {
					t.Errorf("cycle counted %s", v)
				}
			}
		}
	}
}

package consumer

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// partitionCounts lists topics and returns each one's partition count
// (absent: the topic does not exist).
func partitionCounts(t *testing.T, seeds []string, topics ...string) map[string]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	details, err := kadm.NewClient(newClient(t, seeds)).ListTopics(ctx, topics...)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, d := range details {
		if d.Err == nil {
			n[d.Topic] = len(d.Partitions)
		}
	}
	return n
}

// TestCreatesMissingTopics: with only the input there, the output and
// dead-letter topics are created with the input's partition count, and
// documents and dead letters flow through them; with nothing there, the
// input is created with the broker's default count.
func TestCreatesMissingTopics(t *testing.T) {
	ctx := context.Background()
	seeds := fakeCluster(t, kfake.SeedTopics(5, "in"), kfake.DefaultNumPartitions(7)).ListenAddrs()
	docs := makeDocs("create", 50)
	produceDocs(ctx, t, newClient(t, seeds), "in", nil, docs)
	poison := &kgo.Record{Topic: "in", Key: []byte("poison"), Value: []byte(`{"id":"p","text":`)}
	if err := newClient(t, seeds).ProduceSync(ctx, poison).FirstErr(); err != nil {
		t.Fatal(err)
	}
	startService(t, &capsLinker{}, Brokers(seeds...), InstanceID("a"))
	outs := readOutputs(ctx, t, seeds, "out", len(docs), 30*time.Second, nil)
	checkExactlyOnce(t, outs, docMap(docs))
	if got := partitionCounts(t, seeds, "in", "out", "in.dlq"); got["out"] != 5 || got["in.dlq"] != 5 {
		t.Fatalf("partitions %v: want out and in.dlq with the input's 5", got)
	}
	if dl := readTopic(ctx, t, seeds, "in.dlq", 20*time.Second, func(r []*kgo.Record) bool { return len(r) >= 1 }); len(dl) != 1 {
		t.Fatalf("%d dead letters, want 1", len(dl))
	}

	svc, _ := startService(t, &capsLinker{}, Brokers(seeds...), InstanceID("b"), Topics("fresh", "fresh.out", ""), Group("g2"))
	waitFor(t, 20*time.Second, func() bool { return svc.ready.Load() })
	if got := partitionCounts(t, seeds, "fresh", "fresh.out", "fresh.dlq"); got["fresh"] != 7 || got["fresh.out"] != 7 || got["fresh.dlq"] != 7 {
		t.Fatalf("partitions %v: want all three with the broker default 7", got)
	}
}

// TestCreateTopicsOff: with creation off a missing topic stays missing
// (the service only warns).
func TestCreateTopicsOff(t *testing.T) {
	seeds := fakeCluster(t, kfake.SeedTopics(2, "in", "out")).ListenAddrs()
	svc, _ := startService(t, &capsLinker{}, Brokers(seeds...), InstanceID("a"), CreateTopics(false))
	waitFor(t, 20*time.Second, func() bool { return svc.ready.Load() })
	if got := partitionCounts(t, seeds, "in.dlq"); len(got) != 0 {
		t.Fatalf("the dead-letter topic was created with creation off: %v", got)
	}
}

// TestCreateTopicRefused: a broker that refuses to create a missing topic
// (here: no CREATE permission) stops Run with a *TopicError that names
// the topic and the way out, instead of retrying forever.
func TestCreateTopicRefused(t *testing.T) {
	c := fakeCluster(t, kfake.SeedTopics(3, "in", "out"))
	c.ControlKey(kmsg.CreateTopics.Int16(), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		req := r.(*kmsg.CreateTopicsRequest)
		resp := req.ResponseKind().(*kmsg.CreateTopicsResponse)
		for _, rt := range req.Topics {
			st := kmsg.NewCreateTopicsResponseTopic()
			st.Topic = rt.Topic
			st.ErrorCode = kerr.TopicAuthorizationFailed.Code
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
	svc, err := New(context.Background(), &capsLinker{}, Brokers(c.ListenAddrs()...), Topics("in", "out", ""),
		Group("g"), InstanceID("a"), Logger(testLogger(t)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = svc.Run(ctx)
	var te *TopicError
	if !errors.As(err, &te) || te.Topic != "in.dlq" || te.Partitions != 3 || !errors.Is(err, kerr.TopicAuthorizationFailed) {
		t.Fatalf("Run returned %v; want a *TopicError for in.dlq (3 partitions) wrapping TOPIC_AUTHORIZATION_FAILED", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "create-topics=false") || !strings.Contains(msg, "CREATE") {
		t.Errorf("error %q does not say how to get out", msg)
	}
}

// TestIntegrationCreatesTopics: on the real broker, only the input exists
// (4 partitions); the service creates the output and dead-letter topics
// with 4 partitions each and links into them.
func TestIntegrationCreatesTopics(t *testing.T) {
	seeds := realBrokers(t)
	ctx := context.Background()
	in, out, dlq := topics(t, seeds, 4)
	adm := kadm.NewClient(newClient(t, seeds))
	if _, err := adm.DeleteTopics(ctx, out, dlq); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, func() bool { return len(partitionCounts(t, seeds, out, dlq)) == 0 })
	docs := makeDocs("created", 200)
	produceDocs(ctx, t, newClient(t, seeds), in, nil, docs)
	startService(t, &capsLinker{}, Brokers(seeds...), Topics(in, out, dlq), Group(in+".g"), InstanceID("a"))
	outs := readOutputs(ctx, t, seeds, out, len(docs), 60*time.Second, nil)
	checkExactlyOnce(t, outs, docMap(docs))
	if got := partitionCounts(t, seeds, out, dlq); got[out] != 4 || got[dlq] != 4 {
		t.Fatalf("partitions %v: want the input's 4 for both", got)
	}
}

package consumer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/producer"
	"github.com/linkstream/linkstream/schemas"
)

// Integration tests against a real Apache Kafka broker. scripts/test.sh
// starts one with scripts/kafka.sh and sets LINKSTREAM_KAFKA_BROKERS; by
// hand:
//
//	scripts/kafka.sh up && LINKSTREAM_KAFKA_BROKERS=$(scripts/kafka.sh status) go test ./consumer/
const brokersEnv = "LINKSTREAM_KAFKA_BROKERS"

func realBrokers(t *testing.T) []string {
	t.Helper()
	b := os.Getenv(brokersEnv)
	if b == "" {
		t.Skipf("%s is not set: no real Kafka broker to test against (scripts/kafka.sh up starts one; make test does it all)", brokersEnv)
	}
	return strings.Split(b, ",")
}

// topics creates fresh input, output and dead-letter topics named after
// the test, so reruns against the same broker never see old records.
func topics(t *testing.T, seeds []string, partitions int32) (in, out, dlq string) {
	t.Helper()
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '-'
	}, strings.ToLower(t.Name()))
	base := fmt.Sprintf("%s-%d", name, time.Now().UnixNano())
	in, out, dlq = base+".in", base+".out", base+".dlq"
	adm := kadm.NewClient(newClient(t, seeds))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Topic-level limit, so the 10 MB poison test works on brokers with
	// default limits too.
	big := "16777216"
	cfg := map[string]*string{"max.message.bytes": &big}
	for _, tp := range []struct {
		name string
		n    int32
	}{{in, partitions}, {out, 3}, {dlq, 1}} {
		resp, err := adm.CreateTopic(ctx, tp.n, 1, cfg, tp.name)
		if err == nil {
			err = resp.Err
		}
		if err != nil {
			t.Fatalf("create topic %s: %v", tp.name, err)
		}
	}
	// Delete them afterwards: a broker full of old test topics restarts
	// slowly (the restart test waits for it).
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if _, err := adm.DeleteTopics(ctx, in, out, dlq); err != nil {
			t.Logf("delete test topics: %v", err)
		}
	})
	return in, out, dlq
}

// TestMain doubles as the child process of the SIGKILL test: with
// LINKSTREAM_TEST_CHILD set, this binary runs one consumer instance (the
// same consumer.Service that `linkstream run` runs, with the test linker)
// until SIGTERM or SIGKILL.
func TestMain(m *testing.M) {
	if os.Getenv("LINKSTREAM_TEST_CHILD") != "" {
		os.Exit(childMain())
	}
	os.Exit(m.Run())
}

func childMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := func(k string) string { return os.Getenv("LSTEST_" + k) }
	inflight := 256
	if n, err := strconv.Atoi(env("MAX_IN_FLIGHT")); err == nil {
		inflight = n
	}
	delay, _ := time.ParseDuration(env("LINK_DELAY"))
	concurrency := 256
	if n, err := strconv.Atoi(env("CONCURRENCY")); err == nil {
		concurrency = n
	}
	session := 6 * time.Second
	if d, err := time.ParseDuration(env("SESSION_TIMEOUT")); err == nil {
		session = d
	}
	svc, err := New(ctx, &capsLinker{delay: delay}, Concurrency(concurrency),
		Brokers(strings.Split(env("BROKERS"), ",")...), Topics(env("IN"), env("OUT"), env("DLQ")),
		Group(env("GROUP")), InstanceID(env("INSTANCE")), SessionTimeout(session),
		TransactionTimeout(30*time.Second), MaxInFlight(inflight), ExactlyOnce(env("DELIVERY") != "at-least-once"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	if err := svc.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	return 0
}

// startChild starts one consumer instance as a separate process.
func startChild(t *testing.T, seeds []string, in, out, dlq, group, instance string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LINKSTREAM_TEST_CHILD=1",
		"LSTEST_BROKERS="+strings.Join(seeds, ","), "LSTEST_IN="+in, "LSTEST_OUT="+out, "LSTEST_DLQ="+dlq,
		"LSTEST_GROUP="+group, "LSTEST_INSTANCE="+instance)
	cmd.Env = append(cmd.Env, env...)
	if os.Getenv("LINKSTREAM_TEST_VERBOSE") != "" {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd
}

// countOutputs counts committed output records so far (non-blocking-ish:
// one short read).
func countOutputs(t *testing.T, seeds []string, topic string) int {
	adm := kadm.NewClient(newClient(t, seeds, kgo.FetchIsolationLevel(kgo.ReadCommitted())))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ends, err := adm.ListEndOffsets(ctx, topic)
	if err != nil {
		return 0
	}
	n := 0
	ends.Each(func(o kadm.ListedOffset) { n += int(o.Offset) })
	return n // includes transaction markers: an upper bound, fine for pacing
}

// TestIntegrationTwoInstances: (a) two instances on a 6-partition topic,
// 10,000 documents: each exactly once in the read_committed output.
func TestIntegrationTwoInstances(t *testing.T) {
	seeds := realBrokers(t)
	ctx := context.Background()
	in, out, dlq := topics(t, seeds, 6)
	docs := makeDocs("two", 10000)
	opts := []Opt{Brokers(seeds...), Topics(in, out, dlq), Group(in + ".g"), MaxInFlight(512)}
	startService(t, &capsLinker{}, append(opts, InstanceID("a"))...)
	startService(t, &capsLinker{}, append(opts, InstanceID("b"))...)
	t0 := time.Now()
	produceDocs(ctx, t, newClient(t, seeds), in, nil, docs)
	outs := readOutputs(ctx, t, seeds, out, len(docs), 90*time.Second, nil)
	t.Logf("%d documents linked by two instances in %v", len(outs), time.Since(t0).Round(time.Millisecond))
	checkExactlyOnce(t, outs, docMap(docs))
}

// TestIntegrationSIGKILL: (b) one of two instances (separate processes) is
// SIGKILLed mid-stream and restarted: still exactly once.
func TestIntegrationSIGKILL(t *testing.T) {
	seeds := realBrokers(t)
	ctx := context.Background()
	in, out, dlq := topics(t, seeds, 6)
	group := in + ".g"
	docs := makeDocs("kill", 10000)
	a := startChild(t, seeds, in, out, dlq, group, "a")
	b := startChild(t, seeds, in, out, dlq, group, "b")
	cl := newClient(t, seeds)
	produced := make(chan struct{})
	go func() {
		defer close(produced)
		for i := 0; i < len(docs); i += 500 {
			if err := writeDocs(ctx, cl, in, nil, docs[i:min(i+500, len(docs))]); err != nil {
				t.Errorf("feed: %v", err) // not Fatal: this is not the test's goroutine
				return
			}
			time.Sleep(100 * time.Millisecond) // pacing the feed, not waiting for an event
		}
	}()
	deadline := time.Now().Add(60 * time.Second)
	for countOutputs(t, seeds, out) < 3000 {
		if time.Now().After(deadline) {
			t.Fatal("instances produced under 3000 outputs in 60s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := b.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	b.Wait()
	t.Logf("SIGKILLed instance b at ~%d outputs", countOutputs(t, seeds, out))
	time.Sleep(time.Second)
	b2 := startChild(t, seeds, in, out, dlq, group, "b")
	<-produced
	outs := readOutputs(ctx, t, seeds, out, len(docs), 120*time.Second, nil)
	checkExactlyOnce(t, outs, docMap(docs))

	// SIGTERM: both instances commit, leave the group and exit 0 within
	// the shutdown timeout (20s by default).
	for name, c := range map[string]*exec.Cmd{"a": a, "b": b2} {
		t0 := time.Now()
		if err := c.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := c.Wait(); err != nil {
			t.Errorf("instance %s after SIGTERM: %v", name, err)
		}
		if d := time.Since(t0); d > 20*time.Second {
			t.Errorf("instance %s took %v to stop", name, d)
		}
	}
}

// TestIntegrationPoison: (c) bad JSON, bad Avro, an unknown schema id, a
// 10 MB text and invalid UTF-8 land in the dead-letter topic; the rest
// flows.
func TestIntegrationPoison(t *testing.T) {
	seeds := realBrokers(t)
	ctx := context.Background()
	in, out, dlq := topics(t, seeds, 3)
	reg, _ := newFakeRegistry(t)
	cl := newClient(t, seeds)
	avroEnc, err := producer.NewDocumentEncoder(ctx, reg, in+"-value")
	if err != nil {
		t.Fatal(err)
	}
	jsonDocs, avroDocs := makeDocs("json", 300), makeDocs("avro", 300)
	produceDocs(ctx, t, cl, in, nil, jsonDocs[:150])
	produceDocs(ctx, t, cl, in, avroEnc, avroDocs[:150])

	huge := []byte(`{"id":"huge","text":"` + strings.Repeat("Giant text ", 1<<20) + `"}`) // ~11 MB
	wire, _ := schemas.EncodeDocument(link.Document{ID: "x", Text: "Good Avro"})
	poison := map[string]struct {
		value  []byte
		reason producer.Reason
	}{
		"bad-json":       {[]byte(`{"id":"b1","text":"unterminated`), producer.ReasonBadJSON},
		"bad-avro":       {schemas.AppendWire(nil, 1, wire[:3]), producer.ReasonBadAvro},
		"unknown-schema": {schemas.AppendWire(nil, 4242, wire), producer.ReasonUnknownSchema},
		"10mb":           {huge, producer.ReasonTooLarge},
		"invalid-utf8":   {[]byte("{\"id\":\"u\",\"text\":\"Caf\xe9 in Paris\"}"), producer.ReasonInvalidUTF8},
	}
	for key, p := range poison {
		r := &kgo.Record{Topic: in, Key: []byte(key), Value: p.value}
		if err := cl.ProduceSync(ctx, r).FirstErr(); err != nil {
			t.Fatalf("produce %s: %v", key, err)
		}
	}
	produceDocs(ctx, t, cl, in, nil, jsonDocs[150:])
	produceDocs(ctx, t, cl, in, avroEnc, avroDocs[150:])

	startService(t, &capsLinker{}, Brokers(seeds...), Topics(in, out, dlq), Group(in+".g"), InstanceID("a"), Registry(reg))
	all := append(append([]link.Document{}, jsonDocs...), avroDocs...)
	outs := readOutputs(ctx, t, seeds, out, len(all), 60*time.Second, producer.NewOutputDecoder(reg))
	checkExactlyOnce(t, outs, docMap(all))

	dls := readTopic(ctx, t, seeds, dlq, 30*time.Second, func(r []*kgo.Record) bool { return len(r) >= len(poison) })
	if len(dls) != len(poison) {
		t.Fatalf("%d dead letters, want %d", len(dls), len(poison))
	}
	for _, r := range dls {
		p := poison[string(r.Key)]
		if got, _ := producer.Header(r, producer.HeaderReason); got != string(p.reason) {
			t.Errorf("%s: reason %q, want %q", r.Key, got, p.reason)
		}
		if string(r.Key) == "10mb" {
			size, _ := producer.Header(r, producer.HeaderValueOmitted)
			sum, _ := producer.Header(r, producer.HeaderValueSHA256)
			want := sha256.Sum256(huge)
			if size != strconv.Itoa(len(huge)) || sum != hex.EncodeToString(want[:]) || len(r.Value) != 0 {
				t.Errorf("10 MB dead letter: size header %q sum %q value %d bytes", size, sum, len(r.Value))
			}
		} else if string(r.Value) != string(p.value) {
			t.Errorf("%s: dead letter value is not the original", r.Key)
		}
	}
}

// TestIntegrationBrokerRestart: (d) the broker crashes (SIGKILL) and
// restarts mid-stream; processing resumes with nothing lost and nothing
// duplicated. It needs the broker scripts/kafka.sh manages, to restart it.
//
// A restart that lands while a cycle commits can leave a hanging
// transaction on the group's __consumer_offsets partition (hanging.go);
// then the session's rejoin waits on UNSTABLE_OFFSET_COMMIT until
// guardHanging ends it, about the transaction timeout and its grace after
// the partitions were assigned, well inside the wait below. Before the
// guard, outputs stopped for good in 4 of 8 runs of make test.
func TestIntegrationBrokerRestart(t *testing.T) {
	seeds := realBrokers(t)
	script, _ := filepath.Abs("../scripts/kafka.sh")
	st, err := exec.Command(script, "status").Output()
	if err != nil || strings.TrimSpace(string(st)) != strings.Join(seeds, ",") {
		t.Skipf("the broker at %v is not one scripts/kafka.sh manages (status %q, %v): cannot restart it", seeds, st, err)
	}
	ctx := context.Background()
	in, out, dlq := topics(t, seeds, 6)
	docs := makeDocs("restart", 6000)
	svc, _ := startService(t, &capsLinker{delay: time.Millisecond}, Brokers(seeds...), Topics(in, out, dlq), Group(in+".g"),
		InstanceID("a"), MaxInFlight(256))
	cl := newClient(t, seeds, kgo.RecordDeliveryTimeout(2*time.Minute))
	produceDocs(ctx, t, cl, in, nil, docs[:3000])
	deadline := time.Now().Add(60 * time.Second)
	for countOutputs(t, seeds, out) < 1000 {
		if time.Now().After(deadline) {
			t.Fatal("under 1000 outputs in 60s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t0 := time.Now()
	cmd := exec.Command(script, "restart", "--kill")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("kafka.sh restart: %v", err)
	}
	t.Logf("broker restarted in %v", time.Since(t0).Round(time.Millisecond))
	produceDocs(ctx, t, cl, in, nil, docs[3000:])
	outs := readOutputs(ctx, t, seeds, out, len(docs), 120*time.Second, nil)
	t.Logf("hanging transactions ended: %v (-1: by more than one kind of marker)", metricValue(t, svc, "linkstream_hanging_transactions_ended_total"))
	checkExactlyOnce(t, outs, docMap(docs))
}

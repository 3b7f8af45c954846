package consumer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/producer"
	"github.com/linkstream/linkstream/schemas"
)

func newFake(t *testing.T, inputPartitions int32) []string {
	t.Helper()
	return fakeCluster(t, kfake.SeedTopics(inputPartitions, "in"), kfake.SeedTopics(3, "out"), kfake.SeedTopics(1, "in.dlq")).ListenAddrs()
}

// fakeCluster is a one-broker kfake cluster, closed when the test ends.
func fakeCluster(t *testing.T, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func newClient(t testing.TB, seeds []string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(seeds...), kgo.ProducerBatchMaxBytes(16 << 20)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// startService runs a Service until the test ends (or stop is called),
// returning its stop function, which waits for Run to return.
func startService(t testing.TB, l link.Linker, opts ...Opt) (*Service, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	svc, err := New(ctx, l, append([]Opt{Topics("in", "out", ""), Group("g"), Logger(testLogger(t)),
		SessionTimeout(6 * time.Second), Retries(5, 5*time.Millisecond, 20*time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	var stopped bool
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			return fmt.Errorf("Run did not return 30s after cancel")
		}
	}
	t.Cleanup(func() { stop() })
	return svc, stop
}

func docMap(docs []link.Document) map[string]link.Document {
	m := make(map[string]link.Document, len(docs))
	for _, d := range docs {
		m[d.ID] = d
	}
	return m
}

func makeDocs(prefix string, n int) []link.Document { return makeDocsFrom(prefix, 0, n) }

// makeDocsFrom makes documents from, from+1, ..., from+n-1.
func makeDocsFrom(prefix string, from, n int) []link.Document {
	docs := make([]link.Document, n)
	for i := range docs {
		docs[i] = newsDoc(prefix, from+i)
	}
	return docs
}

func TestCapsLinker(t *testing.T) {
	res := capsLink(link.Document{ID: "x", Text: "Émile met NATO in Köln, not paris."})
	var got []string
	for _, l := range res.Links {
		got = append(got, fmt.Sprintf("%s@%d-%d", l.Mention, l.Start, l.End))
	}
	if strings.Join(got, " ") != "Émile@0-5 Köln@18-22" || len(res.NIL) != 1 || res.NIL[0].Mention != "NATO" {
		t.Fatalf("links %v nil %+v", got, res.NIL)
	}
}

// TestExactlyOncePoisonAndOrder: on kfake, every good document is linked
// exactly once in read_committed output, in input order per partition, and
// every poison record is dead-lettered with its original key, value and
// headers plus the reason.
func TestExactlyOncePoisonAndOrder(t *testing.T) {
	ctx := context.Background()
	seeds := newFake(t, 6)
	cl := newClient(t, seeds)
	docs := makeDocs("ok", 600)
	flaky := link.Document{ID: "flaky", Text: "FLAKY Berlin works on the third try"}
	docs = append(docs, flaky)
	produceDocs(ctx, t, cl, "in", nil, docs)

	poison := map[string]struct {
		value  []byte
		reason producer.Reason
	}{
		"bad-json":   {[]byte(`{"id": "p1", "text": `), producer.ReasonBadJSON},
		"not-json":   {[]byte(`plain words`), producer.ReasonBadJSON},
		"empty":      {[]byte(`{"id":"p2","text":"   "}`), producer.ReasonEmpty},
		"utf8":       {[]byte("{\"id\":\"p3\",\"text\":\"bad \xff\xfe bytes\"}"), producer.ReasonInvalidUTF8},
		"too-large":  {[]byte(`{"id":"p4","text":"` + strings.Repeat("Word ", 1000) + `"}`), producer.ReasonTooLarge},
		"avro-no-sr": {schemas.AppendWire(nil, 1, []byte{2, 'a'}), producer.ReasonNoRegistry},
		"permanent":  {[]byte(`{"id":"p5","text":"PERMANENT Rome"}`), producer.ReasonPermanent},
		"down":       {[]byte(`{"id":"p6","text":"ALWAYSDOWN Oslo"}`), producer.ReasonRetries},
		"no-id":      {[]byte(`{"text":"Lisbon"}`), producer.ReasonMissingID},
	}
	for key, p := range poison {
		r := &kgo.Record{Topic: "in", Value: p.value, Headers: []kgo.RecordHeader{{Key: "origin", Value: []byte("test-" + key)}}}
		if key != "no-id" {
			r.Key = []byte(key)
		}
		if err := cl.ProduceSync(ctx, r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	// A document without an id takes its record key.
	keyed := &kgo.Record{Topic: "in", Key: []byte("from-key"), Value: []byte(`{"text":"Vienna and Prague"}`)}
	if err := cl.ProduceSync(ctx, keyed).FirstErr(); err != nil {
		t.Fatal(err)
	}
	docs = append(docs, link.Document{ID: "from-key", Text: "Vienna and Prague"})

	svc, stop := startService(t, &capsLinker{}, Brokers(seeds...), InstanceID("a"), MaxInFlight(100), MaxDocumentBytes(4000))
	outs := readOutputs(ctx, t, seeds, "out", len(docs), 30*time.Second, nil)
	checkExactlyOnce(t, outs, docMap(docs))
	for _, o := range outs {
		if o.doc.KBVersion != "unknown" || o.doc.ModelID != "none" || o.doc.Source.Topic != "in" || o.doc.ProcessedAt.IsZero() {
			t.Fatalf("output metadata: %+v", o.doc)
		}
	}

	dlq := readTopic(ctx, t, seeds, "in.dlq", 20*time.Second, func(r []*kgo.Record) bool { return len(r) >= len(poison) })
	if len(dlq) != len(poison) {
		t.Fatalf("%d dead letters, want %d", len(dlq), len(poison))
	}
	for _, r := range dlq {
		origin, _ := producer.Header(r, "origin")
		key := strings.TrimPrefix(origin, "test-")
		p, ok := poison[key]
		if !ok {
			t.Fatalf("dead letter with unknown origin %q", origin)
		}
		if reason, _ := producer.Header(r, producer.HeaderReason); reason != string(p.reason) {
			msg, _ := producer.Header(r, producer.HeaderError)
			t.Errorf("%s: reason %q (%s), want %q", key, reason, msg, p.reason)
		}
		if !bytes.Equal(r.Value, p.value) {
			t.Errorf("%s: dead letter value differs from the original", key)
		}
		if key != "no-id" && string(r.Key) != key {
			t.Errorf("%s: dead letter key %q", key, r.Key)
		}
		if src, _ := producer.Header(r, producer.HeaderSourceTopic); src != "in" {
			t.Errorf("%s: source topic header %q", key, src)
		}
	}

	// Metrics and health while running.
	srv := httptest.NewServer(svc.Handler())
	defer srv.Close()
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %v %v", path, resp, err)
		}
		resp.Body.Close()
	}
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		fmt.Sprintf(`linkstream_documents_total{outcome="linked"} %d`, len(docs)),
		`linkstream_dead_letters_total{reason="bad-json"} 2`,
		`linkstream_link_retries_total`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// Everything, dead letters included, is committed: no lag anywhere.
	if !waitUntil(5*time.Second, func() bool { l := sampleLag(t, svc); return l.partitions == 6 && l.sum == 0 && l.group == 0 }) {
		t.Errorf("lag after everything committed: %+v", sampleLag(t, svc))
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// TestAvroThroughRegistry: Avro input in the wire format decodes with the
// writer schema from the registry; an unknown schema id and a corrupt body
// are dead-lettered; the output is wire-format Avro under the registered
// output schema.
func TestAvroThroughRegistry(t *testing.T) {
	ctx := context.Background()
	seeds := newFake(t, 3)
	reg, fake := newFakeRegistry(t)
	cl := newClient(t, seeds)
	enc, err := producer.NewDocumentEncoder(ctx, reg, "in-value")
	if err != nil {
		t.Fatal(err)
	}
	pub := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	docs := makeDocs("avro", 200)
	docs[0].PublishedAt, docs[0].Title = &pub, "A title"
	produceDocs(ctx, t, cl, "in", enc, docs)
	bad := []*kgo.Record{
		{Topic: "in", Key: []byte("unknown"), Value: schemas.AppendWire(nil, 999, []byte{2, 'x', 2, 'y'})},
		{Topic: "in", Key: []byte("corrupt"), Value: schemas.AppendWire(nil, 1, []byte{0xff, 0xff, 0xff})},
	}
	if err := cl.ProduceSync(ctx, bad...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	startService(t, &capsLinker{}, Brokers(seeds...), InstanceID("a"), Registry(reg))
	dec := producer.NewOutputDecoder(reg)
	outs := readOutputs(ctx, t, seeds, "out", len(docs), 30*time.Second, dec)
	checkExactlyOnce(t, outs, docMap(docs))
	id, _, err := schemas.SplitWire(outs[0].rec.Value)
	if err != nil || id < 2 || id > len(fake.schemas) || fake.schemas[id-1] != schemas.LinkedDocumentAVSC {
		t.Fatalf("output not in wire format with the registered output schema: id %d err %v", id, err)
	}
	dlq := readTopic(ctx, t, seeds, "in.dlq", 20*time.Second, func(r []*kgo.Record) bool { return len(r) >= 2 })
	want := map[string]string{"unknown": string(producer.ReasonUnknownSchema), "corrupt": string(producer.ReasonBadAvro)}
	for _, r := range dlq {
		if got, _ := producer.Header(r, producer.HeaderReason); got != want[string(r.Key)] {
			t.Errorf("%s: reason %q, want %q", r.Key, got, want[string(r.Key)])
		}
		delete(want, string(r.Key))
	}
	if len(want) > 0 {
		t.Fatalf("missing dead letters: %v", want)
	}
}

// TestRebalanceAndShutdown: a second instance joins mid-stream, the first
// leaves mid-stream with a cycle in flight (slow linker), a third finishes:
// still exactly once.
func TestRebalanceAndShutdown(t *testing.T) {
	ctx := context.Background()
	seeds := newFake(t, 6)
	cl := newClient(t, seeds)
	docs := makeDocs("rb", 1500)
	produceDocs(ctx, t, cl, "in", nil, docs[:500])
	slow := &capsLinker{delay: 2 * time.Millisecond}
	_, stopA := startService(t, slow, Brokers(seeds...), InstanceID("a"), MaxInFlight(64), ShutdownTimeout(6*time.Second))
	time.Sleep(300 * time.Millisecond)
	_, stopB := startService(t, slow, Brokers(seeds...), InstanceID("b"), MaxInFlight(64))
	produceDocs(ctx, t, cl, "in", nil, docs[500:1000])
	time.Sleep(300 * time.Millisecond)
	t0 := time.Now()
	if err := stopA(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d > 6*time.Second {
		t.Fatalf("shutdown took %v, budget 6s", d)
	}
	produceDocs(ctx, t, cl, "in", nil, docs[1000:])
	_, stopC := startService(t, slow, Brokers(seeds...), InstanceID("c"), MaxInFlight(64))
	outs := readOutputs(ctx, t, seeds, "out", len(docs), 60*time.Second, nil)
	checkExactlyOnce(t, outs, docMap(docs))
	stopB()
	stopC()
}

// TestAtLeastOnce: the at-least-once mode delivers everything (here,
// without failures, exactly once) with no transactions.
func TestAtLeastOnce(t *testing.T) {
	ctx := context.Background()
	seeds := newFake(t, 3)
	cl := newClient(t, seeds)
	docs := makeDocs("alo", 400)
	produceDocs(ctx, t, cl, "in", nil, docs)
	_, stop := startService(t, &capsLinker{}, Brokers(seeds...), InstanceID("a"), ExactlyOnce(false), MaxInFlight(50))
	outs := readOutputs(ctx, t, seeds, "out", len(docs), 30*time.Second, nil)
	checkExactlyOnce(t, outs, docMap(docs))
	// Leaving the group must not wait on the rebalance this mode blocks.
	t0 := time.Now()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d > 3*time.Second {
		t.Fatalf("at-least-once shutdown took %v", d)
	}
}

func TestConfigValidation(t *testing.T) {
	ctx := context.Background()
	l := &capsLinker{}
	cases := map[string][]Opt{
		"no brokers":   {Topics("in", "out", ""), Group("g"), InstanceID("a")},
		"no instance":  {Brokers("x:1"), Topics("in", "out", ""), Group("g")},
		"loop":         {Brokers("x:1"), Topics("in", "in", ""), Group("g"), InstanceID("a")},
		"bad inflight": {Brokers("x:1"), Topics("in", "out", ""), Group("g"), InstanceID("a"), MaxInFlight(0)},
		"short txn":    {Brokers("x:1"), Topics("in", "out", ""), Group("g"), InstanceID("a"), TransactionTimeout(time.Second)},
	}
	for name, opts := range cases {
		if _, err := New(ctx, l, opts...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := New(ctx, l, Brokers("x:1"), Topics("in", "out", ""), Group("g"), InstanceID("a")); err != nil {
		t.Fatal(err)
	}
}

func TestCycleSizer(t *testing.T) {
	z := newCycleSizer(1024, 5*time.Second)
	if z.n != 32 {
		t.Fatalf("start %d", z.n)
	}
	z.observe(32, 10*time.Millisecond) // fast: grows, at most twofold
	if z.n != 64 {
		t.Fatalf("after a fast cycle: %d, want 64", z.n)
	}
	for i := 0; i < 10; i++ {
		z.observe(z.n, 10*time.Millisecond)
	}
	if z.n != 1024 {
		t.Fatalf("fast linker: %d, want the cap 1024", z.n)
	}
	slow := newCycleSizer(1024, 5*time.Second)
	for i := 0; i < 20; i++ { // 0.4 documents/s, like a cross-encoder on a busy CPU
		slow.observe(slow.n, time.Duration(float64(slow.n)/0.4*float64(time.Second)))
	}
	if slow.n != 2 {
		t.Fatalf("slow linker: %d documents per cycle, want 2 (5s at 0.4 docs/s)", slow.n)
	}
}

// TestSlowLinkerCyclesStayShort: with a slow linker the cycles shrink to
// the target, so no transaction outlives its timeout and nothing aborts.
func TestSlowLinkerCyclesStayShort(t *testing.T) {
	ctx := context.Background()
	seeds := newFake(t, 2)
	cl := newClient(t, seeds)
	docs := makeDocs("slow", 60)
	produceDocs(ctx, t, cl, "in", nil, docs)
	svc, _ := startService(t, &capsLinker{delay: 100 * time.Millisecond}, Brokers(seeds...), InstanceID("a"),
		Concurrency(2), CycleTarget(400*time.Millisecond))
	outs := readOutputs(ctx, t, seeds, "out", len(docs), 30*time.Second, nil)
	checkExactlyOnce(t, outs, docMap(docs))
	snap := map[string]float64{}
	mfs, _ := svc.Registry().Gather()
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			switch mf.GetName() {
			case "linkstream_cycles_total":
				snap[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
			case "linkstream_cycle_limit_documents":
				snap["limit"] = m.GetGauge().GetValue()
			}
		}
	}
	// 2 concurrent calls of 100ms: 20 docs/s, 8 per 400ms cycle.
	if snap["aborted"] != 0 || snap["limit"] < 2 || snap["limit"] > 16 {
		t.Fatalf("cycles %v: want none aborted and a limit near 8", snap)
	}
}

// TestShutdownAbortsStuckCycle: when the cycle in flight cannot finish in
// the shutdown budget (a linker stuck for 30s), Run aborts it and returns
// in time; the next instance links those documents exactly once.
func TestShutdownAbortsStuckCycle(t *testing.T) {
	ctx := context.Background()
	seeds := newFake(t, 2)
	cl := newClient(t, seeds)
	docs := makeDocs("stuck", 20)
	produceDocs(ctx, t, cl, "in", nil, docs)
	stuck := &capsLinker{delay: 30 * time.Second}
	svc, stop := startService(t, stuck, Brokers(seeds...), InstanceID("a"), ShutdownTimeout(3*time.Second))
	waitFor(t, 10*time.Second, func() bool { return svc.ready.Load() })
	time.Sleep(500 * time.Millisecond) // let the first cycle start
	t0 := time.Now()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d > 4*time.Second {
		t.Fatalf("shutdown took %v with a 3s budget", d)
	}
	startService(t, &capsLinker{}, Brokers(seeds...), InstanceID("a"))
	outs := readOutputs(ctx, t, seeds, "out", len(docs), 30*time.Second, nil)
	checkExactlyOnce(t, outs, docMap(docs))
}

func TestHints(t *testing.T) {
	s, err := New(context.Background(), &capsLinker{}, Brokers("x:1"), Topics("in", "out", ""), Group("g"), InstanceID("a"))
	if err != nil {
		t.Fatal(err)
	}
	fenced := fmt.Errorf("produce to out: %w", kerr.InvalidProducerEpoch)
	if h := s.hint(fenced); !strings.Contains(h, `"g.a"`) || !strings.Contains(h, "instance id") {
		t.Errorf("fenced hint %q", h)
	}
	if h := s.hint(fmt.Errorf("join: %w", kerr.FencedInstanceID)); !strings.Contains(h, `"a"`) || !strings.Contains(h, "instance id") {
		t.Errorf("fenced instance hint %q", h)
	}
	if h := s.hint(fmt.Errorf("x: %w", kerr.UnknownTopicOrPartition)); !strings.Contains(h, "topic") {
		t.Errorf("topic hint %q", h)
	}
	if h := s.hint(errors.New("other")); h != "" {
		t.Errorf("hint for an unrelated error: %q", h)
	}
}

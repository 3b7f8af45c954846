package consumer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/producer"
	"github.com/linkstream/linkstream/schemas"
)

// capsLinker is a cheap but real Linker for these tests (NOT the product's
// linker): every capitalised word of two or more letters is a mention
// linked to the Wikipedia title of the same spelling; words in all capitals
// are NIL. Texts containing PERMANENT fail permanently, FLAKY fail twice
// transiently and then link, ALWAYSDOWN fail transiently forever.
type capsLinker struct {
	delay time.Duration
	calls sync.Map // doc id -> *atomic.Int32
	links atomic.Int64
}

var errTestTransient = errors.New("test linker: transient failure")

func (l *capsLinker) Link(ctx context.Context, doc link.Document) (link.Result, error) {
	if l.delay > 0 {
		select {
		case <-time.After(l.delay):
		case <-ctx.Done():
			return link.Result{}, ctx.Err()
		}
	}
	c, _ := l.calls.LoadOrStore(doc.ID, new(atomic.Int32))
	n := c.(*atomic.Int32).Add(1)
	switch {
	case strings.Contains(doc.Text, "PERMANENT"):
		return link.Result{}, link.Permanent(errors.New("test linker: refuses this document"))
	case strings.Contains(doc.Text, "ALWAYSDOWN"):
		return link.Result{}, errTestTransient
	case strings.Contains(doc.Text, "FLAKY") && n <= 2:
		return link.Result{}, errTestTransient
	}
	l.links.Add(1)
	return capsLink(doc), nil
}

// capsLink is the deterministic heart of capsLinker.
func capsLink(doc link.Document) link.Result {
	res := link.Result{ID: doc.ID, Links: []link.Link{}, NIL: []link.NilMention{}}
	runes := []rune(doc.Text)
	for i := 0; i < len(runes); {
		if !unicode.IsLetter(runes[i]) {
			i++
			continue
		}
		j := i
		for j < len(runes) && unicode.IsLetter(runes[j]) {
			j++
		}
		w := string(runes[i:j])
		if j-i >= 2 && unicode.IsUpper(runes[i]) {
			if strings.ToUpper(w) == w {
				res.NIL = append(res.NIL, link.NilMention{Start: i, End: j, Mention: w, Type: "MISC"})
			} else {
				res.Links = append(res.Links, link.Link{Start: i, End: j, Mention: w, Title: w,
					URL: "https://en.wikipedia.org/wiki/" + w, Type: "MISC", Score: 1, Method: link.MethodPrior})
			}
		}
		i = j
	}
	return res
}

func testLogger(t testing.TB) *slog.Logger {
	if os.Getenv("LINKSTREAM_TEST_VERBOSE") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

var newsWords = []string{"Angela Merkel", "Paris", "the Bundestag", "Apple", "Tim Cook", "Cupertino", "NATO", "Kyiv", "Émile Zola", "München"}

// newsDoc makes document i: a short text with a few capitalised words.
func newsDoc(prefix string, i int) link.Document {
	a, b := newsWords[i%len(newsWords)], newsWords[(i*7+3)%len(newsWords)]
	return link.Document{ID: fmt.Sprintf("%s-%06d", prefix, i),
		Text: fmt.Sprintf("Report %d: %s met %s on a rainy day.", i, a, b)}
}

// produceDocs writes docs to topic as JSON (enc nil) or with enc, keyed by
// id, and stamps each record's creation time for latency measurements.
func produceDocs(ctx context.Context, t testing.TB, cl *kgo.Client, topic string, enc *producer.DocumentEncoder, docs []link.Document) {
	t.Helper()
	if err := writeDocs(ctx, cl, topic, enc, docs); err != nil {
		t.Fatal(err)
	}
}

// writeDocs is produceDocs for goroutines, which must not call t.Fatal:
// it returns the first error.
func writeDocs(ctx context.Context, cl *kgo.Client, topic string, enc *producer.DocumentEncoder, docs []link.Document) error {
	if enc == nil {
		enc, _ = producer.NewDocumentEncoder(ctx, nil, "")
	}
	var firstErr atomic.Pointer[error]
	var wg sync.WaitGroup
	for _, d := range docs {
		r, err := enc.Record(topic, d)
		if err != nil {
			wg.Wait()
			return err
		}
		wg.Add(1)
		cl.Produce(ctx, r, func(_ *kgo.Record, err error) {
			if err != nil {
				firstErr.CompareAndSwap(nil, &err)
			}
			wg.Done()
		})
	}
	wg.Wait()
	if e := firstErr.Load(); e != nil {
		return fmt.Errorf("produce: %w", *e)
	}
	return nil
}

// output is one linked document read back from the output topic.
type output struct {
	rec *kgo.Record
	doc schemas.LinkedDocument
}

// readTopic reads topic with read_committed from the start until stop says
// enough or timeout passes, and returns every record.
func readTopic(ctx context.Context, t testing.TB, seeds []string, topic string, timeout time.Duration, stop func([]*kgo.Record) bool, extra ...kgo.Opt) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(seeds...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted())}, extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var recs []*kgo.Record
	for !stop(recs) {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			break
		}
		fs.EachError(func(tp string, p int32, err error) { t.Logf("read %s[%d]: %v", tp, p, err) })
		recs = append(recs, fs.Records()...)
	}
	return recs
}

// readOutputs reads and decodes the output topic until it holds at least
// want distinct keys (or timeout).
func readOutputs(ctx context.Context, t testing.TB, seeds []string, topic string, want int, timeout time.Duration, dec *producer.OutputDecoder) []output {
	t.Helper()
	if dec == nil {
		dec = producer.NewOutputDecoder(nil)
	}
	// stop on distinct keys (document ids): a duplicate must not make a
	// document still on its way look missing
	keys, seen := map[string]struct{}{}, 0
	recs := readTopic(ctx, t, seeds, topic, timeout, func(r []*kgo.Record) bool {
		for _, rec := range r[seen:] {
			keys[string(rec.Key)] = struct{}{}
		}
		seen = len(r)
		return len(keys) >= want
	})
	outs := make([]output, 0, len(recs))
	for _, r := range recs {
		d, err := dec.Decode(ctx, r.Value)
		if err != nil {
			t.Fatalf("output %s[%d]@%d does not decode: %v", r.Topic, r.Partition, r.Offset, err)
		}
		outs = append(outs, output{r, d})
	}
	return outs
}

// checkExactlyOnce asserts every wanted id appears exactly once, nothing
// else appears, every output's links are what the linker gives for the
// document, and per output partition the outputs of one input partition
// are in input offset order.
func checkExactlyOnce(t testing.TB, outs []output, docs map[string]link.Document) {
	t.Helper()
	seen := map[string]int{}
	for _, o := range outs {
		seen[o.doc.ID]++
		if string(o.rec.Key) != o.doc.ID {
			t.Errorf("output key %q for document %q", o.rec.Key, o.doc.ID)
		}
	}
	var missing, dup, extra []string
	for id := range docs {
		switch seen[id] {
		case 0:
			missing = append(missing, id)
		case 1:
		default:
			dup = append(dup, id+"×"+strconv.Itoa(seen[id]))
		}
	}
	for id := range seen {
		if _, ok := docs[id]; !ok {
			extra = append(extra, id)
		}
	}
	if len(missing)+len(dup)+len(extra) > 0 {
		t.Fatalf("not exactly once: %d outputs for %d documents; %d missing %v, %d duplicated %v, %d unexpected %v",
			len(outs), len(docs), len(missing), head(missing), len(dup), head(dup), len(extra), head(extra))
	}
	type key struct {
		out int32
		src string
		sp  int32
	}
	last := map[key]int64{}
	for _, o := range outs {
		want := capsLink(docs[o.doc.ID])
		got := o.doc.Result
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("document %s: output %+v, linker gave %+v", o.doc.ID, got, want)
		}
		k := key{o.rec.Partition, o.doc.Source.Topic, o.doc.Source.Partition}
		if prev, ok := last[k]; ok && o.doc.Source.Offset <= prev {
			t.Fatalf("output partition %d: input %s[%d] offset %d after %d: not in input order",
				k.out, k.src, k.sp, o.doc.Source.Offset, prev)
		}
		last[k] = o.doc.Source.Offset
	}
}

func head(s []string) []string { return s[:min(len(s), 5)] }

// fakeRegistry is a test stand-in for a Schema Registry's REST API (only
// the calls Linkstream makes: register a schema, get a schema by id). It
// is not a registry and does no compatibility checks.
type fakeRegistry struct {
	mu      sync.Mutex
	schemas []string
}

func newFakeRegistry(t testing.TB) (*sr.Client, *fakeRegistry) {
	f := &fakeRegistry{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cl, err := sr.NewClient(sr.URLs(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	return cl, f
}

func (f *fakeRegistry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	switch {
	case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/subjects/") && strings.HasSuffix(r.URL.Path, "/versions"):
		var s struct {
			Schema string `json:"schema"`
		}
		if err := json.NewDecoder(r.Body).Decode(&s); err != nil || s.Schema == "" {
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprint(w, `{"error_code":42201,"message":"invalid schema"}`)
			return
		}
		for i, x := range f.schemas {
			if x == s.Schema {
				fmt.Fprintf(w, `{"id":%d}`, i+1)
				return
			}
		}
		f.schemas = append(f.schemas, s.Schema)
		fmt.Fprintf(w, `{"id":%d}`, len(f.schemas))
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/schemas/ids/"):
		id, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/schemas/ids/"))
		if err != nil || id < 1 || id > len(f.schemas) {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error_code":40403,"message":"Schema not found"}`)
			return
		}
		b, _ := json.Marshal(map[string]string{"schema": f.schemas[id-1]})
		w.Write(b)
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error_code":404,"message":"not found"}`)
	}
}

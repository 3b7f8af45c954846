// Package python tests read_output.py, the non-Go client of the output
// that README.md shows: Python's confluent-kafka reads the output topic
// and fastavro decodes the records, and both agree with the Go decoder.
//
// The venv comes from scripts/pyclient.sh (`make pyclient`, part of
// `make test`); without it, or without a broker, the tests skip and say so.
package python

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/linkstream/linkstream/consumer"
	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/models"
	"github.com/linkstream/linkstream/pipeline"
	"github.com/linkstream/linkstream/producer"
	"github.com/linkstream/linkstream/schemas"
)

// pyDoc is read_output.py's JSON for one document.
type pyDoc struct {
	ID     string `json:"id"`
	Source struct {
		Topic     string `json:"topic"`
		Partition int32  `json:"partition"`
		Offset    int64  `json:"offset"`
	} `json:"source"`
	Links []struct {
		Start, End          int
		Mention, Title, URL string
		QID                 *string // null in Avro when the Go side has ""
		Type, Method        string
		Score, Ambiguity    float64
	} `json:"links"`
	NIL []struct {
		Start, End int
		Mention    string
		Type       *string
	} `json:"nil"`
	KBVersion   string `json:"kb_version"`
	ModelID     string `json:"model_id"`
	ProcessedAt int64  `json:"processed_at"`
}

func python(t *testing.T) string {
	t.Helper()
	out, err := exec.Command(filepath.Join("..", "..", "scripts", "pyclient.sh"), "path").Output()
	if err != nil {
		t.Skip("no Python client venv: run make pyclient (scripts/pyclient.sh installs confluent-kafka and fastavro into the cache)")
	}
	return strings.TrimSpace(string(out))
}

// equal compares the Python view of a document with the Go one.
func equal(t *testing.T, py pyDoc, want schemas.LinkedDocument) {
	t.Helper()
	if py.ID != want.ID || py.Source.Topic != want.Source.Topic || py.Source.Partition != want.Source.Partition ||
		py.Source.Offset != want.Source.Offset || py.KBVersion != want.KBVersion || py.ModelID != want.ModelID ||
		py.ProcessedAt != want.ProcessedAt.UnixMilli() || len(py.Links) != len(want.Links) || len(py.NIL) != len(want.NIL) {
		t.Fatalf("Python decoded %+v\nGo has %+v", py, want)
	}
	for i, l := range want.Links {
		p := py.Links[i]
		if p.Start != l.Start || p.End != l.End || p.Mention != l.Mention || p.Title != l.Title || p.URL != l.URL ||
			deref(p.QID) != l.QID || p.Type != l.Type || p.Method != string(l.Method) ||
			math.Abs(p.Score-l.Score) > 0 || math.Abs(p.Ambiguity-l.Ambiguity) > 0 {
			t.Errorf("link %d: Python %+v, Go %+v", i, p, l)
		}
	}
	for i, n := range want.NIL {
		p := py.NIL[i]
		if p.Start != n.Start || p.End != n.End || p.Mention != n.Mention || deref(p.Type) != n.Type {
			t.Errorf("NIL %d: Python %+v, Go %+v", i, p, n)
		}
	}
}

// deref maps Avro's null to "", as the Go types hold an absent string.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestDecodeValue: the values the service writes, plain and in the wire
// format, decode in Python to what Go encoded; fastavro.reader, which the
// issue saw users reach for first, refuses them.
func TestDecodeValue(t *testing.T) {
	py := python(t)
	doc := schemas.LinkedDocument{
		Result: link.Result{
			ID: "doc-ü-1",
			Links: []link.Link{{Start: 0, End: 15, Mention: "Albert Einstein", Title: "Albert Einstein",
				URL: "https://en.wikipedia.org/wiki/Albert_Einstein", QID: "Q937", Type: "PER", Score: 0.93, Ambiguity: 0.125, Method: link.MethodCrossEncoder},
				{Start: 20, End: 26, Mention: "Zürich", Title: "Zürich", URL: "https://en.wikipedia.org/wiki/Z%C3%BCrich", Type: "LOC", Score: 0.5, Method: link.MethodPrior}},
			NIL: []link.NilMention{{Start: 30, End: 35, Mention: "Smith", Type: "PER"}, {Start: 40, End: 43, Mention: "ACM"}},
		},
		Source:      schemas.Source{Topic: "news", Partition: 7, Offset: 1 << 40},
		KBVersion:   "sha256:0123456789ab",
		ModelID:     "ms-marco-MiniLM-L-12-v2-fp32",
		ProcessedAt: time.UnixMilli(1764581234567).UTC(),
	}
	plain, err := doc.AppendAvro(nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, v := range map[string][]byte{"plain": plain, "wire": schemas.AppendWire(nil, 42, plain)} {
		f := filepath.Join(dir, name+".bin")
		if err := os.WriteFile(f, v, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(py, "read_output.py", "--decode", f).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: read_output.py --decode: %v\n%s", name, err, out)
		}
		var got pyDoc
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%s: %v: %s", name, err, out)
		}
		equal(t, got, doc)
	}
	// The trap the README warns of: the datum is not an Avro container file.
	f := filepath.Join(dir, "plain.bin")
	probe := `import sys, fastavro
try:
    list(fastavro.reader(open(sys.argv[1], "rb")))
except Exception as e:
    print("refused:", type(e).__name__, e)
else:
    print("read")`
	out, err := exec.Command(py, "-c", probe, f).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "refused:") {
		t.Errorf("fastavro.reader on a schemaless datum: %v %s; the README says it does not read it", err, out)
	}
}

// TestReadServiceOutput: the real service (consumer + pipeline, the KB of
// the gensim excerpt, the cheap linker) links documents on the real broker;
// read_output.py consumes the output topic read_committed and decodes every
// record as the Go decoder does.
func TestReadServiceOutput(t *testing.T) {
	py := python(t)
	seeds := os.Getenv("LINKSTREAM_KAFKA_BROKERS")
	if seeds == "" {
		t.Skip("LINKSTREAM_KAFKA_BROKERS is not set: no real Kafka broker (make test starts one)")
	}
	brokers := strings.Split(seeds, ",")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	linker := excerptLinker(ctx, t)

	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	base := fmt.Sprintf("pyclient-%d", time.Now().UnixNano())
	in, out, dlq := base+".in", base+".out", base+".dlq"
	for _, tp := range []struct {
		name string
		n    int32
	}{{in, 2}, {out, 2}, {dlq, 1}} {
		resp, err := adm.CreateTopic(ctx, tp.n, 1, nil, tp.name)
		if err == nil {
			err = resp.Err
		}
		if err != nil {
			t.Fatalf("create topic %s: %v", tp.name, err)
		}
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, _ = adm.DeleteTopics(ctx, in, out, dlq)
	})

	texts := []string{
		"Albert Einstein's letters on relativity will be auctioned next month.",
		"Angola and Algeria signed an oil agreement at a summit in Albania.",
		"Historians compared Abraham Lincoln with Alexander the Great.",
	}
	for i, text := range texts {
		v, _ := json.Marshal(link.Document{ID: fmt.Sprintf("py-%d", i), Text: text, Lang: "en"})
		if err := cl.ProduceSync(ctx, &kgo.Record{Topic: in, Key: []byte(fmt.Sprint(i)), Value: v}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}

	svc, err := consumer.New(ctx, linker, consumer.Brokers(brokers...), consumer.Topics(in, out, dlq),
		consumer.Group(base), consumer.InstanceID(base+"-0"), consumer.ExactlyOnce(true),
		consumer.Versions("test-kb", "none"), consumer.Logger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- svc.Run(runCtx) }()
	defer func() {
		stop()
		if err := <-done; err != nil && ctx.Err() == nil {
			t.Errorf("service: %v", err)
		}
	}()

	cmd := exec.CommandContext(ctx, py, "read_output.py", "--brokers", seeds, "--topic", out,
		"--group", base+"-reader", "--count", fmt.Sprint(len(texts)), "--timeout", "120")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pyDocs := map[string]pyDoc{}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		var d pyDoc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("read_output.py printed %q: %v", sc.Text(), err)
		}
		pyDocs[d.ID] = d
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("read_output.py: %v\n%s", err, stderr.String())
	}

	// The Go decoder's view of the same records.
	rd, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(out),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	dec := producer.NewOutputDecoder(nil)
	goDocs := map[string]schemas.LinkedDocument{}
	for len(goDocs) < len(texts) && ctx.Err() == nil {
		for _, r := range rd.PollFetches(ctx).Records() {
			d, err := dec.Decode(ctx, r.Value)
			if err != nil {
				t.Fatal(err)
			}
			goDocs[d.ID] = d
		}
	}
	if len(pyDocs) != len(texts) || len(goDocs) != len(texts) {
		t.Fatalf("Python read %d documents, Go %d, want %d", len(pyDocs), len(goDocs), len(texts))
	}
	linked := 0
	for id, g := range goDocs {
		equal(t, pyDocs[id], g)
		linked += len(g.Links)
	}
	if linked == 0 {
		t.Errorf("no links in %d documents: the comparison compared empty records", len(texts))
	}
	t.Logf("Python read %d documents (%d links) identical to the Go decoder's", len(pyDocs), linked)

	// The README's snippet, verbatim but for the broker and topic names.
	snippet := readmeSnippet(t)
	snippet = strings.ReplaceAll(snippet, `"127.0.0.1:19092"`, fmt.Sprintf("%q", seeds))
	snippet = strings.ReplaceAll(snippet, `"news-linked"`, fmt.Sprintf("%q", out))
	snippet = strings.ReplaceAll(snippet, `"my-reader"`, fmt.Sprintf("%q", base+"-readme"))
	want := map[string]bool{}
	for id, g := range goDocs {
		for _, l := range g.Links {
			want[fmt.Sprintf("%s %s -> %s", id, l.Mention, l.URL)] = true
		}
	}
	sctx, scancel := context.WithTimeout(ctx, 90*time.Second)
	defer scancel()
	run := exec.CommandContext(sctx, py, "-c", snippet)
	run.Dir = filepath.Join("..", "..") // it opens schemas/linked_document.avsc
	runOut, err := run.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var runErr strings.Builder
	run.Stderr = &runErr
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	// The snippet loops for ever: stop it once every link was printed.
	lines := bufio.NewScanner(runOut)
	for len(want) > 0 && lines.Scan() {
		delete(want, lines.Text())
	}
	_ = run.Process.Kill()
	_ = run.Wait()
	if len(want) > 0 {
		t.Errorf("the README snippet did not print %v\n%s", want, runErr.String())
	}
}

// readmeSnippet is the README's first Python code block.
func readmeSnippet(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "```python\n")
	if i < 0 {
		t.Fatal("README.md has no ```python block")
	}
	s = s[i+len("```python\n"):]
	j := strings.Index(s, "```")
	if j < 0 {
		t.Fatal("README.md's python block does not end")
	}
	return s[:j]
}

// gensimDump is the Wikipedia excerpt `make deps` caches (models/manifest.json,
// sources.gensim): the KB these tests build.
func gensimDump(t *testing.T) string {
	t.Helper()
	p, err := models.SourceFile(models.CacheDir(os.Getenv), "gensim", "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2")
	if err != nil {
		t.Fatalf("the gensim dump excerpt: %v", err)
	}
	return p
}

// excerptLinker is a cheap Linker (no model) over a KB built from the
// cached Wikipedia excerpt, closed when the test ends.
func excerptLinker(ctx context.Context, t *testing.T) *pipeline.Linker {
	t.Helper()
	kbDir := filepath.Join(t.TempDir(), "kb")
	if _, err := kb.Build(ctx, kbDir, kb.Dump(gensimDump(t))); err != nil {
		t.Fatal(err)
	}
	k, err := kb.Open(kbDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	linker, err := pipeline.New(k, pipeline.CrossEncoderMode(pipeline.Never))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(linker.Close)
	return linker
}

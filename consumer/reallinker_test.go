// The product's Linker links the native inference stack through cgo; the
// rest of this package's tests build without it (CGO_ENABLED=0).

//go:build cgo

package consumer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/models"
	"github.com/linkstream/linkstream/pipeline"
)

// TestIntegrationRealLinker runs the product's Linker with the real
// cross-encoder (mode always, so the model scores every ambiguous mention)
// through the real broker, on a KB built from a real Wikipedia dump
// excerpt. It is small on purpose: the other integration tests prove
// delivery with the cheap linker; this one proves the real pieces fit.
func TestIntegrationRealLinker(t *testing.T) {
	seeds := realBrokers(t)
	dump, _ := filepath.Abs("../../shared/data/kb/dbpedia-minidump/enwiki-minidump.xml.bz2")
	if _, err := os.Stat(dump); err != nil {
		t.Skipf("no real dump excerpt at %s (../shared/data is absent outside this workplace): %v", dump, err)
	}
	paths, err := models.Default(models.CacheDir(os.Getenv))
	if err != nil {
		t.Skipf("no cross-encoder: %v (make deps fetches it)", err)
	}
	ctx := context.Background()
	kbDir := filepath.Join(t.TempDir(), "kb")
	if _, err := kb.Build(ctx, kbDir, kb.Dump(dump)); err != nil {
		t.Fatalf("build KB: %v", err)
	}
	k, err := kb.Open(kbDir)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if err := models.InitRuntime(paths.ORTLibrary); err != nil {
		t.Fatal(err)
	}
	enc, err := models.NewCrossEncoder(paths.ModelDir)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	linker, err := pipeline.New(k, pipeline.CrossEncoder(enc), pipeline.CrossEncoderMode(pipeline.Always))
	if err != nil {
		t.Fatal(err)
	}
	defer linker.Close()

	in, out, dlq := topics(t, seeds, 3)
	texts := []string{
		"Angela Merkel spoke in Berlin about the budget.",
		"IBM and Samsung announced a joint research centre.",
		"IKEA opened a new store near Berlin.",
		"Chancellor Merkel met the chief executive of IBM.",
		"Ships crossed the Atlantic Ocean in winter.",
		"Arthur Schopenhauer was read widely in Berlin.",
	}
	var docs []link.Document
	for i, text := range texts {
		docs = append(docs, link.Document{ID: "real-" + string(rune('a'+i)), Text: text})
	}
	produceDocs(ctx, t, newClient(t, seeds), in, nil, docs)
	startService(t, linker, Brokers(seeds...), Topics(in, out, dlq), Group(in+".g"), InstanceID("a"),
		Versions("test-minidump", enc.ModelID()), Concurrency(8))
	outs := readOutputs(ctx, t, seeds, out, len(docs), 3*time.Minute, nil)
	if len(outs) != len(docs) {
		t.Fatalf("%d outputs for %d documents", len(outs), len(docs))
	}
	seen := map[string]bool{}
	titles := map[string]bool{}
	for _, o := range outs {
		if seen[o.doc.ID] {
			t.Fatalf("document %s twice", o.doc.ID)
		}
		seen[o.doc.ID] = true
		if o.doc.ModelID != enc.ModelID() || o.doc.KBVersion != "test-minidump" {
			t.Fatalf("output metadata %q %q", o.doc.KBVersion, o.doc.ModelID)
		}
		for _, l := range o.doc.Links {
			titles[l.Title] = true
			if !strings.HasPrefix(l.URL, "https://en.wikipedia.org/wiki/") {
				t.Errorf("link %+v: URL", l)
			}
		}
	}
	for _, want := range []string{"Berlin", "IBM"} {
		if !titles[want] {
			t.Errorf("no link to %q among %v", want, titles)
		}
	}
	t.Logf("linked titles: %v", titles)
}

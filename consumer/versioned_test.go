package consumer

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/linkstream/linkstream/link"
)

// versionedLinker links like capsLinker and names a KB version that
// changes after every 50 documents, as a swapped KB would.
type versionedLinker struct {
	capsLinker
	n atomic.Int64
}

func (l *versionedLinker) LinkVersioned(ctx context.Context, doc link.Document) (link.Result, string, string, error) {
	res, err := l.Link(ctx, doc)
	gen := (l.n.Add(1) - 1) / 50
	return res, "kb-" + string(rune('a'+gen)), "model-x", err
}

// TestVersionedLinkerNamesTheKBOfEachRecord: the record says which KB
// linked it, not the Versions option, when the Linker knows better.
func TestVersionedLinkerNamesTheKBOfEachRecord(t *testing.T) {
	ctx := context.Background()
	seeds := newFake(t, 2)
	docs := makeDocs("v", 120)
	produceDocs(ctx, t, newClient(t, seeds), "in", nil, docs)
	_, stop := startService(t, &versionedLinker{}, Brokers(seeds...), InstanceID("v"), Versions("static", "static"))
	outs := readOutputs(ctx, t, seeds, "out", len(docs), 30*time.Second, nil)
	checkExactlyOnce(t, outs, docMap(docs))
	seen := map[string]int{}
	for _, o := range outs {
		if o.doc.ModelID != "model-x" {
			t.Fatalf("model id %q, want the Linker's", o.doc.ModelID)
		}
		seen[o.doc.KBVersion]++
	}
	if seen["kb-a"] != 50 || seen["kb-b"] != 50 || seen["kb-c"] != 20 || seen["static"] != 0 {
		t.Fatalf("KB versions of the records: %v", seen)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

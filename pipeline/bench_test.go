package pipeline

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/linkstream/linkstream/eval"
	"github.com/linkstream/linkstream/internal/kbtest"
	"github.com/linkstream/linkstream/link"
)

// newsDocs are the MSNBC benchmark's news articles: real text of real
// length for the throughput benchmarks.
func newsDocs(b *testing.B) []link.Document {
	b.Helper()
	ds, err := eval.Open(filepath.Join(kbtest.Need(b, "eval/wned/msnbc")))
	if err != nil {
		b.Fatal(err)
	}
	docs := make([]link.Document, len(ds.Docs))
	for i, d := range ds.Docs {
		docs[i] = link.Document{ID: d.ID, Text: d.Text}
	}
	return docs
}

// BenchmarkLinkCheap is the cheap path (no cross-encoder) on one goroutine,
// reported as mentions/s on the evaluation KB.
func BenchmarkLinkCheap(b *testing.B) {
	docs := newsDocs(b)
	l := cheapLinker(b, kbtest.All(b))
	ctx := context.Background()
	mentions := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := l.Link(ctx, docs[i%len(docs)])
		if err != nil {
			b.Fatal(err)
		}
		mentions += len(res.Links) + len(res.NIL)
	}
	b.ReportMetric(float64(mentions)/b.Elapsed().Seconds(), "mentions/s")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

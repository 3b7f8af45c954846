package pipeline

import (
	"context"
	"math"
	"os"
	"sync"
	"testing"

	"github.com/linkstream/linkstream/internal/kbtest"
	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/models"
)

var sharedEncoder = sync.OnceValues(func() (*models.CrossEncoder, error) {
	p, err := models.Default(models.CacheDir(os.Getenv))
	if err != nil {
		return nil, err
	}
	if err := models.InitRuntime(p.ORTLibrary); err != nil {
		return nil, err
	}
	return models.NewCrossEncoder(p.ModelDir)
})

// realEncoder is the default cross-encoder that `make deps` fetched; its
// absence fails the test with the file and the make target to run.
func realEncoder(t testing.TB) *models.CrossEncoder {
	t.Helper()
	enc, err := sharedEncoder()
	if err != nil {
		t.Fatal(err)
	}
	return enc
}

func modelLinker(t testing.TB, k *kb.KB, mode Mode, opts ...Option) *Linker {
	t.Helper()
	l, err := New(k, append([]Option{CrossEncoder(realEncoder(t)), CrossEncoderMode(mode), WithFit(HandSetFit)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}

// On a surface with two readings, the cross-encoder takes the one the
// sentence is about, whichever the prior prefers.
func TestCrossEncoderReadsTheContext(t *testing.T) {
	// "Sisu" is, in the evaluation KB, both a Finnish concept and a Finnish
	// truck maker, each with a DBpedia abstract as its description.
	k := kbtest.All(t)
	l := modelLinker(t, k, Always)
	cases := []struct{ text, mention, want string }{
		{"The army ordered two hundred heavy trucks from Sisu, whose factory in Karis builds off-road lorries and military vehicles.", "Sisu", "Sisu Auto"},
		{"Finnish athletes credit Sisu, the national ideal of stoic determination, grit and resilience in hardship, for the win.", "Sisu", "Sisu"},
	}
	for _, c := range cases {
		if described := describedCandidates(k, c.mention); len(described) < 2 || !contains(described, c.want) {
			t.Fatalf("precondition: %q should be one of several described candidates of %q; described: %v", c.want, c.mention, described)
		}
		res, ex, err := l.Explain(context.Background(), link.Document{ID: "ce", Text: c.text})
		if err != nil {
			t.Fatal(err)
		}
		var got *link.Link
		for i := range res.Links {
			if res.Links[i].Mention == c.mention && got == nil {
				got = &res.Links[i]
			}
		}
		if got == nil || got.Title != c.want || got.Method != link.MethodCrossEncoder {
			t.Errorf("%q in %q: got %+v, want %q by the cross-encoder\nexplanation: %+v", c.mention, c.text, got, c.want, ex)
		}
		// The model alone, not the cheap features, must rank the right reading first.
		for _, e := range ex {
			if e.Mention != c.mention {
				continue
			}
			best, bestLogit := "", math.Inf(-1)
			for _, cs := range e.Candidates {
				if cs.CrossEncoder != nil && *cs.CrossEncoder > bestLogit {
					best, bestLogit = cs.Title, *cs.CrossEncoder
				}
			}
			if best != c.want {
				t.Errorf("%q in %q: the model's own best is %q, want %q", c.mention, c.text, best, c.want)
			}
		}
	}
}

// Pairs of concurrent Link calls meet in the same batches.
func TestConcurrentLinksShareBatches(t *testing.T) {
	l := modelLinker(t, kbtest.Gensim(t), Always)
	text := "Paris and Athens, the Greek cities of myth, and Alabama in the United States."
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := l.Link(context.Background(), link.Document{Text: text}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	st := l.Stats()
	if st.CrossEncoded == 0 || st.Batches.Pairs == 0 {
		t.Fatalf("the cross-encoder never ran: %+v", st)
	}
	perDoc := float64(st.Batches.Pairs) / 8
	if st.Batches.MeanBatch <= perDoc {
		t.Fatalf("mean batch %.1f is no larger than one document's %.1f pairs: calls did not share batches", st.Batches.MeanBatch, perDoc)
	}
}

func describedCandidates(k *kb.KB, surface string) []string {
	var out []string
	for _, c := range k.Lookup(surface) {
		if e := k.Entity(c.Entity); e.Description != "" && !e.NameOnly {
			out = append(out, e.Title)
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

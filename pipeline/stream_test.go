package pipeline

import (
	"context"
	"testing"

	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/link"
)

// With a stream memory, the Bulls of the document before make the next
// document's lone "Jordan" the basketball player; without it, or once the
// Bulls' document has left the memory or been forgotten, Jordan is the
// country again.
func TestStreamMemoryCarriesTheStoryToTheNextDocument(t *testing.T) {
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", jordanAliases)), kb.Summaries(writeTemp(t, "summaries.jsonl", jordanSummaries)))
	const bulls, jordan, weather = "The Chicago Bulls won again.", "Jordan scored forty.", "The roads were quiet."
	first := func(l *Linker, text string) string {
		for _, lk := range linkText(t, l, text).Links {
			if lk.Start == 0 {
				return lk.Title
			}
		}
		return ""
	}
	weights := WithWeights(Weights{Prior: 1, Coherence: 8})

	off := cheapLinker(t, k, weights, NILThreshold(0))
	first(off, bulls)
	if got := first(off, jordan); got != "Jordan" {
		t.Errorf("without stream memory: Jordan → %q, want the country", got)
	}

	on := cheapLinker(t, k, weights, NILThreshold(0), StreamMemory(2))
	first(on, bulls)
	if got := first(on, jordan); got != "Michael Jordan" {
		t.Errorf("after the Bulls' document: Jordan → %q, want Michael Jordan", got)
	}
	// two more documents push the Bulls out of a memory of two
	first(on, weather)
	first(on, weather)
	if got := first(on, jordan); got != "Jordan" {
		t.Errorf("with the Bulls forgotten: Jordan → %q, want the country", got)
	}

	first(on, bulls)
	on.ResetStream()
	if got := first(on, jordan); got != "Jordan" {
		t.Errorf("after ResetStream: Jordan → %q, want the country", got)
	}

	// Michael Jordan linked before does not vouch for Michael Jordan: the
	// stream lends a story's other entities, never the candidate's own.
	self := cheapLinker(t, k, weights, NILThreshold(0), StreamMemory(8))
	if got := first(self, "Michael Jordan scored forty."); got != "Michael Jordan" {
		t.Fatalf("Michael Jordan → %q", got)
	}
	if got := first(self, jordan); got != "Jordan" {
		t.Errorf("after Michael Jordan alone: Jordan → %q, want the country (an entity must not vouch for itself)", got)
	}
}

// The stream's profile is what its documents put in and nothing more:
// after every document has left, no term and no entity is left.
func TestStreamMemoryForgetsWhatLeaves(t *testing.T) {
	a := candidate{entity: 1, vec: termVector{terms: []uint32{1, 2}, weights: []float32{1, 1}, norm: 1.4142135}}
	b := candidate{entity: 2, vec: termVector{terms: []uint32{2, 3}, weights: []float32{1, 1}, norm: 1.4142135}}
	s := newStreamMemory(2)
	s.remember([]streamEntity{{a, 0.9}})
	s.remember([]streamEntity{{b, 0.7}, {a, 0.6}})
	if c := s.cosine(&b, nil); c <= 0 {
		t.Errorf("b against a remembered a: %.3f, want > 0", c)
	}
	s.remember(nil)
	s.remember(nil)
	if len(s.pr.terms) != 0 || len(s.pr.weight) != 0 || s.pr.norm2 > 1e-9 {
		t.Errorf("after every document left: %d terms, %d entities, norm² %.3g; want none", len(s.pr.terms), len(s.pr.weight), s.pr.norm2)
	}
}

func TestStreamMemoryMustNotBeNegative(t *testing.T) {
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", jordanAliases)))
	if _, err := New(k, StreamMemory(-1), CrossEncoderMode(Never)); err == nil {
		t.Error("StreamMemory(-1) was accepted")
	}
	if _, err := New(nil, CrossEncoderMode(Never)); err == nil {
		t.Error("New without a KB was accepted")
	}
}

// Documents linked at once share the memory safely (go test -race) and
// each is remembered once.
func TestStreamMemoryUnderConcurrentDocuments(t *testing.T) {
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", jordanAliases)), kb.Summaries(writeTemp(t, "summaries.jsonl", jordanSummaries)))
	l := cheapLinker(t, k, WithWeights(Weights{Prior: 1, Coherence: 8}), NILThreshold(0), StreamMemory(64))
	const workers, docs = 4, 8
	done := make(chan struct{})
	for range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for range docs {
				if _, err := l.Link(context.Background(), link.Document{ID: "d", Text: "The Chicago Bulls won. Jordan scored forty near Amman."}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	for range workers {
		<-done
	}
	remembered := 0
	for _, d := range l.stream.ring {
		if d != nil {
			remembered++
		}
	}
	if remembered != workers*docs {
		t.Errorf("%d documents remembered, want %d", remembered, workers*docs)
	}
}

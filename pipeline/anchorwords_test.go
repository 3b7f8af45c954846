package pipeline

import (
	"strings"
	"sync"
	"testing"

	"github.com/linkstream/linkstream/kb"
)

// An entity the KB knows only by the strings naming it is read through
// their words: by the context similarity and by the cross-encoder.
func TestAnchorWordsReachContextAndPassage(t *testing.T) {
	dict := "AFP\tApple_Filing_Protocol\t0.9\nfile server AFP\tApple_Filing_Protocol\t1.0\n" +
		"A.F.P.\tAgence_France-Presse\t0.8\nAFP news agency\tAgence_France-Presse\t1.0\nnews agency of France\tAgence_France-Presse\t1.0\n"
	words := "news\t5.6\nagency\t4.9\nfile\t5.1\nserver\t4.7\nfrance\t4.9\nreported\t5.0\n"
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)), kb.WordFrequencies(writeTemp(t, "words.tsv", words)))
	var mu sync.Mutex
	passages := map[string]string{}
	rr := &fakeReranker{score: func(pairs []Pair) []float32 {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range pairs {
			passages[passageTitle(p.Passage)] = p.Passage
		}
		return make([]float32, len(pairs))
	}}
	l, err := New(k, WithReranker(rr), CrossEncoderMode(Always), WithFit(HandSetFit))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	_, ex := explain(t, l, "A news agency, AFP, reported the attack.")
	context := map[string]float64{}
	for _, e := range ex {
		if e.Mention == "AFP" {
			for _, c := range e.Candidates {
				context[c.Title] = c.AnchorContext
			}
		}
	}
	if context["Agence France-Presse"] <= context["Apple Filing Protocol"] {
		t.Errorf("anchor-word context similarity %v: want the news agency, whose links say \"news agency\", above the protocol", context)
	}
	if p := passages["Agence France-Presse"]; !strings.Contains(p, "news") || !strings.Contains(p, "agency") {
		t.Errorf("passage of the news agency %q: want its anchor words", p)
	}
	if p := passages["Apple Filing Protocol"]; !strings.Contains(p, "server") || strings.Contains(p, "news") {
		t.Errorf("passage of the protocol %q: want its own anchor words only", p)
	}
}

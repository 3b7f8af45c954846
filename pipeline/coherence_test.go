package pipeline

import (
	"testing"

	"github.com/linkstream/linkstream/kb"
)

// "Jordan" is the country by its prior; next to the Chicago Bulls it is the
// basketball player, whose description names them.
const jordanAliases = `Jordan	Jordan	0.6
JORDAN	Michael_Jordan	0.5
Michael Jordan	Michael_Jordan	0.99
Chicago Bulls	Chicago_Bulls	0.95
Amman	Amman	0.9
`

const jordanSummaries = `{"title": "Jordan", "extract": "Jordan is a country in Western Asia, on the East Bank of the Jordan River; its capital is Amman.", "description": "Country in Western Asia"}
{"title": "Michael Jordan", "extract": "Michael Jordan is an American former professional basketball player who played fifteen seasons in the NBA, most with the Chicago Bulls.", "description": "American basketball player"}
{"title": "Chicago Bulls", "extract": "The Chicago Bulls are an American professional basketball team based in Chicago that competes in the NBA.", "description": "Basketball team in Chicago"}
{"title": "Amman", "extract": "Amman is the capital and largest city of Jordan.", "description": "Capital of Jordan"}
`

func TestCoherenceFollowsTheDocumentsOtherLinks(t *testing.T) {
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", jordanAliases)), kb.Summaries(writeTemp(t, "summaries.jsonl", jordanSummaries)))
	// Context is off so that only the document's other links can tell the
	// senses apart; the filler keeps "Chicago Bulls" out of any window.
	filler := " The weather stayed mild all week and the roads were quiet." + repeat(" Nothing else happened on the quiet roads that week.", 8)
	basketball := "Jordan scored forty." + filler + " The Chicago Bulls won."
	travel := "Jordan welcomed visitors." + filler + " Amman was busy."
	alone := "Jordan welcomed visitors." + filler + " Jordan was busy."
	for _, tc := range []struct {
		name      string
		coherence float64
		text      string
		want      string
	}{
		{"prior alone", 0, basketball, "Jordan"},
		{"with the Bulls", 8, basketball, "Michael Jordan"},
		{"with Amman", 8, travel, "Jordan"},
		// A name repeated must not support itself.
		{"alone", 8, alone, "Jordan"},
	} {
		l := cheapLinker(t, k, WithWeights(Weights{Prior: 1, Coherence: tc.coherence}), NILThreshold(0))
		got := ""
		for _, lk := range linkText(t, l, tc.text).Links {
			if lk.Start == 0 {
				got = lk.Title
			}
		}
		if got != tc.want {
			t.Errorf("%s: the first Jordan → %q, want %q", tc.name, got, tc.want)
		}
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

func TestProfileExcludesTheCandidatesOwnEntity(t *testing.T) {
	a := &candidate{entity: 1, vec: termVector{terms: []uint32{1, 2}, weights: []float32{1, 1}, norm: 1.4142135}}
	b := &candidate{entity: 2, vec: termVector{terms: []uint32{2, 3}, weights: []float32{1, 1}, norm: 1.4142135}}
	p := profile{terms: map[uint32]float64{}, weight: map[kb.EntityID]float64{}}
	p.add(a, 1)
	p.weight[1] = 1
	if c := p.cosineWithout(a, nil); c != 0 {
		t.Errorf("a profile of a alone gives a coherence %.3f, want 0", c)
	}
	p.add(b, 1)
	p.weight[2] = 1
	// a against b alone: cos = 1/2 (one shared term of two each).
	if c := p.cosineWithout(a, nil); c < 0.499 || c > 0.501 {
		t.Errorf("a against b: %.4f, want 0.5", c)
	}
	if c := p.cosineWithout(a, []uint32{2}); c != 0 {
		t.Errorf("a against b, their shared term skipped: %.4f, want 0", c)
	}
}

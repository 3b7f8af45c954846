package pipeline

import (
	"testing"

	"github.com/linkstream/linkstream/kb"
)

const earlierAliases = `Miami Heat	Miami_Heat	0.95
Heat	Heat_(film)	0.5
Boston	Boston	0.9
Bakersfield, California	Bakersfield,_California	0.9
Bakersfield	Bakersfield,_California	0.8
California	California	0.9
Pacific Sunwear of California, Inc.	PacSun	0.9
`

func earlierKB(t *testing.T) *kb.KB {
	return buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", earlierAliases)))
}

// "Heat" after "Miami Heat": the KB's candidates of "Heat" do not hold the
// team; the earlier, longer name lends it, and its weight decides.
func TestShortFormBorrowsTheEarlierLongerName(t *testing.T) {
	k := earlierKB(t)
	text := "The Miami Heat beat Boston on Sunday. Afterwards the Heat flew home."
	for _, tc := range []struct {
		weight float64
		want   string
	}{{0, "Heat (film)"}, {10, "Miami Heat"}} {
		l := cheapLinker(t, k, WithWeights(Weights{Prior: 1, EarlierName: tc.weight}), NILThreshold(0))
		got := titles(linkText(t, l, text))["Heat"]
		if got != tc.want {
			t.Errorf("earlier-name weight %v: Heat → %q, want %q", tc.weight, got, tc.want)
		}
	}
	// Only an earlier name lends: "Heat" first, "Miami Heat" after.
	l := cheapLinker(t, k, WithWeights(Weights{Prior: 1, EarlierName: 10}), NILThreshold(0))
	res := linkText(t, l, "The Heat was unbearable. The Miami Heat stayed inside.")
	if got := titles(res)["Heat"]; got != "Heat (film)" {
		t.Errorf("Heat before Miami Heat → %q, want the KB's own candidate", got)
	}
}

// A city and its state are two mentions, a company's legal suffix after a
// comma is part of its name, and so is the dot of "Inc.".
func TestCommaSplitsPlaceAndRegionNotCompanySuffix(t *testing.T) {
	l := cheapLinker(t, earlierKB(t), NILThreshold(0))
	got := titles(linkText(t, l, "He drove to Bakersfield, California, to see Pacific Sunwear of California, Inc. stores."))
	want := map[string]string{"Bakersfield": "Bakersfield, California", "California": "California", "Pacific Sunwear of California, Inc.": "PacSun"}
	for m, w := range want {
		if got[m] != w {
			t.Errorf("%q → %q, want %q (all: %v)", m, got[m], w, got)
		}
	}
}

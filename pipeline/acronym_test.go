package pipeline

import (
	"testing"

	"github.com/linkstream/linkstream/kb"
)

func TestAcronymLettersAndInitials(t *testing.T) {
	for _, tc := range []struct {
		mention, name string
		want          bool
	}{
		{"AFP", "Agence France-Presse", true},
		{"S.D.", "South Dakota", true},
		{"FEMA", "Federal Emergency Management Agency", true},
		{"BofA", "Bank of America", false}, // not all capitals
		{"AP", "Associated Press", true},
		{"NYT", "The New York Times", true}, // a small word in capitals is still small
		{"US", "United states", false},      // a word without a capital gives no initial
		{"AP", "Linksys WRT54G series", false},
		{"AP", "Norwegian Labour Party", false},
		{"SD", "Secure Digital card", false}, // a word too many
		{"SDC", "South Dakota", false},       // a letter too many
		{"A", "Austria", false},              // one capital is not an acronym
		{"Apple", "Apple Inc.", false},
	} {
		letters := acronymLetters(tc.mention)
		if got := letters != "" && isInitialsOf(letters, tc.name); got != tc.want {
			t.Errorf("%q (letters %q) as the initials of %q: %v, want %v", tc.mention, letters, tc.name, got, tc.want)
		}
	}
}

// "AP" is a router by its dictionary prior; the acronym feature, and the
// fit's weight for it, make it the news agency whose initials it is.
func TestAcronymFeaturePicksTheNameItAbbreviates(t *testing.T) {
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", "AP\tLinksys_WRT54G_series\t0.6\nAp\tAssociated_Press\t0.3\n")))
	for _, tc := range []struct {
		acronym float64
		want    string
	}{{0, "Linksys WRT54G series"}, {4, "Associated Press"}} {
		l := cheapLinker(t, k, WithWeights(Weights{Prior: 1, Acronym: tc.acronym}), NILThreshold(0))
		res := linkText(t, l, "The AP reported it first.")
		if len(res.Links) != 1 || res.Links[0].Title != tc.want {
			t.Errorf("acronym weight %v: %+v, want one link to %s", tc.acronym, res.Links, tc.want)
		}
	}
}

// A mention spelt as the KB keeps a spelling apart takes that spelling's
// candidates: "ABC" is the network, "Abc", the name of the key, the band.
func TestMentionTakesItsSpellingsCandidates(t *testing.T) {
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", "ABC\tAmerican_Broadcasting_Company\t0.78\nAbc\tABC_(band)\t0.79\n")))
	l := cheapLinker(t, k, WithWeights(Weights{Prior: 1}), NILThreshold(0))
	res := linkText(t, l, "Reporters of ABC met the singer of Abc in London.")
	want := []string{"American Broadcasting Company", "ABC (band)"}
	if len(res.Links) != 2 || res.Links[0].Title != want[0] || res.Links[1].Title != want[1] {
		t.Errorf("links %+v, want %v", res.Links, want)
	}
}

// The normalised key drops an ampersand, so "Johnson & Johnson" and
// "Johnson Johnson" share one; the span written with "&" takes the
// candidates of its own spelling.
func TestAmpersandNameTakesItsSpellingsCandidates(t *testing.T) {
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab",
		"Johnson & Johnson\tJohnson_&_Johnson\t1.0\nJohnson Johnson\tJohnson_Johnson_(series)\t1.0\njohnson johnson\tJohnson_Johnson_(series)\t1.0\n")))
	l := cheapLinker(t, k, WithWeights(Weights{Prior: 1}), NILThreshold(0))
	res := linkText(t, l, "Shares of Johnson & Johnson rose. Johnson Johnson is on television.")
	want := []string{"Johnson & Johnson", "Johnson Johnson (series)"}
	if len(res.Links) != 2 || res.Links[0].Title != want[0] || res.Links[1].Title != want[1] {
		t.Errorf("links %+v, want %v", res.Links, want)
	}
}

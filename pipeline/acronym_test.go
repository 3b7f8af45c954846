package pipeline

import (
	"context"
	"testing"

	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/link"
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

// The type features are the KB's type of each candidate.
func TestTypeFeaturesAreTheCandidatesTypes(t *testing.T) {
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", jordanAliases)), kb.Summaries(writeTemp(t, "summaries.jsonl", jordanSummaries)))
	l := cheapLinker(t, k)
	_, exps, err := l.Explain(context.Background(), link.Document{ID: "t", Text: "Jordan met the Chicago Bulls in Amman."})
	if err != nil {
		t.Fatal(err)
	}
	typed := map[Feature]string{FeaturePerson: "PER", FeatureOrganisation: "ORG", FeaturePlace: "LOC"}
	seen := map[string]bool{}
	for _, ex := range exps {
		for _, c := range ex.Candidates {
			ent, ok := k.EntityByTitle(c.Title)
			if !ok {
				t.Fatalf("candidate %q is not in the KB", c.Title)
			}
			typ := k.Entity(ent).Type.String()
			seen[typ] = true
			for f, name := range typed {
				if want := typ == name; (c.Features[f] == 1) != want {
					t.Errorf("%s (%s): %s = %v", c.Title, typ, FeatureNames[f], c.Features[f])
				}
			}
		}
	}
	if !seen["PER"] || !seen["LOC"] {
		t.Errorf("the fixture no longer types a person and a place: %v", seen)
	}
}

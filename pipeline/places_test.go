package pipeline

import (
	"context"
	"testing"

	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/link"
)

// placesKB knows "Phoenix" as a band, the bird and the city, and "Congress"
// as a legislature and a small town; "New York" as the city and, by name
// only, the state.
func placesKB(t *testing.T) *kb.KB {
	t.Helper()
	dict := "Phoenix\tPhoenix_(band)\t0.5\nphoenix\tPhoenix_(mythology)\t0.9\nPhoenix, Arizona\tPhoenix,_Arizona\t1.0\n" +
		"Phoenix, AZ\tPhoenix,_Arizona\t1.0\nPhoenix in Arizona\tPhoenix,_Arizona\t1.0\n" +
		"Congress\tUnited_States_Congress\t0.9\nCongress, Arizona\tCongress,_Arizona\t1.0\n" +
		"New York\tNew_York\t0.7\nnew york\tNew_York_City\t0.3\nNew York City\tNew_York_City\t1.0\nNYC\tNew_York_City\t1.0\n"
	sums := summariesJSON(
		[3]string{"Phoenix, Arizona", "City in Arizona, United States", "Geography"},
		[3]string{"Congress, Arizona", "Town in Arizona, United States", "Geography"},
		[3]string{"New York City", "City in New York, United States", "Geography"},
		[3]string{"Phoenix (band)", "French rock band", "Music"},
		[3]string{"Phoenix (mythology)", "Immortal bird of Greek myths", "Philosophy and religion"},
	)
	return buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)), kb.Summaries(writeTemp(t, "summaries.json", sums)))
}

// A name right after "in" or "near" is its place's, where the KB has a
// place of the name at all often; after other words, or where the place
// is a rare sense, the name keeps its candidates, and a candidate the KB
// knows only by name is kept.
func TestNameAfterInIsAPlace(t *testing.T) {
	k := placesKB(t)
	l := cheapLinker(t, k, NILThreshold(0))
	for text, want := range map[string]map[string]string{
		"The tour begins Friday in Phoenix and ends in May.": {"Phoenix": "Phoenix, Arizona"},
		"The tour begins Friday near Phoenix.":               {"Phoenix": "Phoenix, Arizona"},
		"He voted in Congress on Friday.":                    {"Congress": "United States Congress"},
		// a candidate the KB knows by name only may be a place
		"Voters in New York chose a governor.": {"New York": "New York"},
	} {
		wantLinks(t, text, titles(linkText(t, l, text)), want)
	}
	// the candidates left are the places and what the KB knows by name
	// only: the bird, described, and the band, typed, are gone
	_, ex, err := l.LinkWith(context.Background(), link.Document{ID: "d", Text: "The tour begins in Phoenix."}, WithExplanations(true))
	if err != nil || len(ex) != 1 {
		t.Fatalf("explanations %v, err %v: want one", ex, err)
	}
	for _, c := range ex[0].Candidates {
		if c.Title != "Phoenix, Arizona" {
			t.Errorf("in Phoenix: candidate %q left beside the city", c.Title)
		}
	}
	for _, band := range []string{"Fans of Phoenix cheered the band.", "They asked what the tour ends in: Phoenix, the band, said Paris."} {
		if got := titles(linkText(t, l, band))["Phoenix"]; got == "Phoenix, Arizona" {
			t.Errorf("%q: Phoenix linked to the city", band)
		}
	}
}

// A place's name capitalised inside a sentence is a name even where the
// place holds less than half of its prior: the common word's sense is the
// lower-case one. Opening a sentence, the word stays a common word.
func TestPlaceCapitalisedInsideASentenceIsAName(t *testing.T) {
	dict := "Phoenix\tPhoenix,_Arizona\t0.4\nphoenix\tPhoenix_(mythology)\t0.3\nPhoenix, Arizona\tPhoenix,_Arizona\t1.0\n" +
		"Phoenix Suns\tPhoenix_Suns\t1.0\nPhoenix lander\tPhoenix_(spacecraft)\t1.0\nPhoenix band\tPhoenix_(band)\t1.0\n"
	sums := summariesJSON(
		[3]string{"Phoenix, Arizona", "City in Arizona, United States", "Geography"},
		[3]string{"Phoenix (mythology)", "Immortal bird of Greek myths", "Philosophy and religion"},
	)
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)), kb.Summaries(writeTemp(t, "summaries.json", sums)))
	l := cheapLinker(t, k, NILThreshold(0))
	wantLinks(t, "The flight went from Denver to Phoenix on Friday.", titles(linkText(t, l, "The flight went from Denver to Phoenix on Friday.")),
		map[string]string{"Phoenix": "Phoenix, Arizona"})
	if got, ok := titles(linkText(t, l, "Phoenix rising is an old image."))["Phoenix"]; ok {
		t.Errorf("a sentence's first word linked to %q", got)
	}
}

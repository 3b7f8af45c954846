package pipeline

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/linkstream/linkstream/kb"
)

// The KB knows companies by their names, news writes them with their legal
// forms.
const designatorAliases = `Union Carbide	Union_Carbide	0.95
Hambros Bank	Hambros_Bank	0.9
Apple	Apple_Inc.	0.8
Georgia Power	Georgia_Power	0.9
Steven Rosenberg	Steven_Rosenberg	0.9
Kidder, Peabody	Kidder,_Peabody_&_Co.	0.9
Corporation	Corporation	0.8
`

func designatorKB(t *testing.T) *kb.KB {
	t.Helper()
	return buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", designatorAliases)))
}

func TestSpottedNamesTakeInTheirDesignators(t *testing.T) {
	l := cheapLinker(t, designatorKB(t))
	text := "Shares of Union Carbide Corp rose after Hambros Bank Ltd. said Apple Inc. would buy them."
	// a designator is part of the name before it: no "Corp" of its own
	wantLinks(t, text, titles(linkText(t, l, text)), map[string]string{"Union Carbide Corp": "Union Carbide", "Hambros Bank Ltd.": "Hambros Bank",
		"Apple Inc.": "Apple Inc."})
}

// A name of two words or more and its legal form, both KB strings, is
// looked up as the name (the whole's string is the rarer anchor); a
// one-word name keeps its legal form, which says which "Time" it is, and
// a legal form spelled out stays the name's.
func TestNameWithItsLegalFormIsLookedUpAsTheName(t *testing.T) {
	dict := "Exxon Mobil\tExxonMobil\t0.9\nExxon Mobil Corp\tExxon\t0.8\nTime\tTime_(magazine)\t0.6\nTime Inc\tTime_Inc.\t0.9\n" +
		"Roundabout Theatre\tRoundabout_Theatre_(London)\t0.9\nRoundabout Theatre Company\tRoundabout_Theatre_Company\t0.9\n"
	l := cheapLinker(t, buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict))))
	text := "Exxon Mobil Corp. rose, Time Inc. fell, and the Roundabout Theatre Company sold out."
	want := map[string]string{"Exxon Mobil Corp.": "ExxonMobil", "Time Inc.": "Time Inc.", "Roundabout Theatre Company": "Roundabout Theatre Company"}
	wantLinks(t, text, titles(linkText(t, l, text)), want)
	wantChosen(t, l, text, want) // the same on the spans given

}

// A legal form after a name makes it a company's: the name's places are
// no sense of it, and a name with no other sense is no link; its persons
// stay, as a firm named after its founder is typed a person ("Merrill
// Lynch", by its title's shape).
func TestLegalFormDropsPlaces(t *testing.T) {
	// "Merrill" opens five persons' inverted names: "Merrill Lynch" is a
	// person by its shape
	dict := givenNamesDict("Merrill") + "Albany\tAlbany,_New_York\t0.9\nALBANY\tAlbany_International\t0.1\nMerrill Lynch\tMerrill_Lynch\t0.9\n" +
		"First Bank\tFirst_Bank\t0.9\nBrighton\tBrighton\t0.9\n"
	sums := summariesJSON([3]string{"Albany, New York", "Capital city of New York, United States", "Geography"},
		[3]string{"Brighton", "Town in East Sussex, England", "Geography"})
	l := cheapLinker(t, buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)), kb.Summaries(writeTemp(t, "summaries.json", sums))), NILThreshold(0))
	text := "He works at Albany Corp. in the city of Albany, and Merrill Lynch Inc. bought it from Brighton Corp. of Brighton."
	wantLinks(t, text, titles(linkText(t, l, text)), map[string]string{"Albany Corp.": "Albany International", "Albany": "Albany, New York",
		"Merrill Lynch Inc.": "Merrill Lynch", "Brighton": "Brighton"})
	// a span given with its legal form keeps the name's senses that are
	// no place, and all of them where it has no other; one without keeps
	// its places
	wantChosen(t, l, "Merrill Lynch Inc. bought Albany Corp.", map[string]string{"Merrill Lynch Inc.": "Merrill Lynch", "Albany Corp.": "Albany International"})
	wantChosen(t, l, "First Bank hired staff in Albany.", map[string]string{"Albany": "Albany, New York"})
}

func TestGoldSpansAreLookedUpWithoutDesignatorsAndTitles(t *testing.T) {
	l := cheapLinker(t, designatorKB(t))
	// "Apple Corp": a one-word name before its designator, which the
	// leading-name fallback of unknown spans does not take
	text := "Georgia Power Co Inc hired Dr. Steven Rosenberg and Kidder, Peabody and Co for the Union Carbide Corp deal with Apple Corp."
	want := map[string]string{"Georgia Power Co Inc": "Georgia Power", "Dr. Steven Rosenberg": "Steven Rosenberg",
		"Kidder, Peabody and Co": "Kidder, Peabody & Co.", "Union Carbide Corp": "Union Carbide", "Apple Corp": "Apple Inc."}
	wantChosen(t, l, text, want)
}

func spanOf(t *testing.T, text, mention string) Span {
	t.Helper()
	i := strings.Index(text, mention)
	if i < 0 {
		t.Fatalf("%q not in %q", mention, text)
	}
	start := utf8.RuneCountInString(text[:i])
	return Span{Start: start, End: start + utf8.RuneCountInString(mention)}
}

func TestNameEnd(t *testing.T) {
	for text, want := range map[string]string{
		"Georgia Power Co Inc":   "Georgia Power",
		"Kidder, Peabody and Co": "Kidder, Peabody",
		"Procter & Gamble Co.":   "Procter & Gamble",
		"Hambros Bank Ltd":       "Hambros Bank",
		"Bank of America":        "Bank of America",
		"Co":                     "Co", // a designator alone is no name
		"Sun Microsystems\nInc":  "Sun Microsystems\nInc",
		"Johnson and Johnson":    "Johnson and Johnson",
		"Deutsche Bank AG":       "Deutsche Bank",
		"Marks and Spencer":      "Marks and Spencer", // "and" joins only "Co"
	} {
		toks := tokenize(text, nil)
		end := nameEnd(text, toks, 0, len(toks))
		if got := text[:toks[end-1].end]; got != want {
			t.Errorf("nameEnd(%q) = %q, want %q", text, got, want)
		}
	}
}

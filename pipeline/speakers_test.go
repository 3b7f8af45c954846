package pipeline

import (
	"testing"

	"github.com/linkstream/linkstream/kb"
)

// A name the KB knows by name only is a person's where the story quotes
// its last word next to a verb of speech: the surname follows it. Not
// where no verb stands a space from the surname, nor where the name opens
// with a common word (a company speaks too).
func TestQuotedSurnameFollowsTheName(t *testing.T) {
	dict := "Mal Moore\tMal_Moore\t1.0\nMoore\tMoore's_law\t0.6\nHome Depot\tThe_Home_Depot\t1.0\nHome\tHome\t0.5\n"
	sums := summariesJSON([3]string{"Moore's law", "Observation on the number of transistors", "Technology"})
	words := "home\t6.0\nmoore\t4.2\nmal\t3.1\n"
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)), kb.Summaries(writeTemp(t, "summaries.json", sums)),
		kb.WordFrequencies(writeTemp(t, "words.tsv", words)))
	l := cheapLinker(t, k, NILThreshold(0))
	for _, text := range []string{
		`Mal Moore hired a coach. "It was crucial," said Moore, who played here.`,
		`Mal Moore hired a coach. Moore said it was crucial.`,
	} {
		if got := titles(linkText(t, l, text))["Moore"]; got != "Mal Moore" {
			t.Errorf("%q: Moore linked to %q, want Mal Moore", text, got)
		}
	}
	for _, text := range []string{
		`Mal Moore hired a coach. Critics of Moore doubt it.`,
		`Mal Moore hired a coach. Critics of Moore, said a source, doubt it.`,
	} {
		if got := titles(linkText(t, l, text))["Moore"]; got == "Mal Moore" {
			t.Errorf("%q: Moore follows Mal Moore with no quote of him", text)
		}
	}
	const company = `Home Depot hired a chief. Depot said it was pleased.`
	if got := titles(linkText(t, l, company))["Depot"]; got != "" {
		t.Errorf("%q: Depot linked to %q, want a company's word left alone", company, got)
	}
}

// A person's role beside a name the KB knows by name only says it is a
// person's too, and the surname that follows keeps the name's particle
// ("al-Rubaie" is the span, not "Rubaie").
func TestRoleBesideTheNameMakesItAPerson(t *testing.T) {
	// the surname alone is a string of the KB or none
	for _, dict := range []string{"Mowaffak al-Rubaie\tMowaffak_al-Rubaie\t1.0\nRubaie\tRubai\t0.6\n", "Mowaffak al-Rubaie\tMowaffak_al-Rubaie\t1.0\n"} {
		testRoleBesideTheName(t, dict)
	}
}

func testRoleBesideTheName(t *testing.T, dict string) {
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)))
	l := cheapLinker(t, k, NILThreshold(0))
	for _, text := range []string{
		`The arrests were confirmed by security adviser Mowaffak al-Rubaie. A judge accused al-Rubaie of the leak.`,
		`Mowaffak al-Rubaie, the security adviser, confirmed the arrests. A judge accused al-Rubaie of the leak.`,
	} {
		res := linkText(t, l, text)
		var found bool
		for _, m := range res.Links {
			if m.Start > 60 && m.Title == "Mowaffak al-Rubaie" {
				found = true
				if m.Mention != "al-Rubaie" {
					t.Errorf("%q: the surname's span is %q, want al-Rubaie", text, m.Mention)
				}
			}
		}
		if !found {
			t.Errorf("%q: the surname does not follow the name: %v", text, titles(res))
		}
	}
	const noRole = `The arrests were confirmed by Mowaffak al-Rubaie. A judge accused al-Rubaie of the leak.`
	for _, m := range linkText(t, l, noRole).Links {
		if m.Start > 50 && m.Title == "Mowaffak al-Rubaie" {
			t.Errorf("%q: %q follows the name with no role beside it", noRole, m.Mention)
		}
	}
}

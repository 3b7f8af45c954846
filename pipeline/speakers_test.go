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

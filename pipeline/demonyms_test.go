package pipeline

import (
	"testing"

	"github.com/linkstream/linkstream/kb"
)

// A demonym before a noun is its country; after a word that calls for a
// language, before a language's noun, or alone, it keeps its candidates
// (the language first); a word without a language among its candidates is
// left alone.
func TestDemonymBeforeANounIsTheCountry(t *testing.T) {
	dict := "German\tGerman_language\t0.6\ngerman\tGermany\t0.4\nGerman state\tGermany\t1.0\nGermany\tGermany\t0.9\nGerman people\tGermans\t1.0\n" +
		"Texan\tTexas\t0.5\nTexans\tHouston_Texans\t1.0\nSwiss\tSwiss_German_language\t0.6\nSWISS\tSwitzerland\t0.4\n"
	sums := summariesJSON([3]string{"Germany", "Country in Central Europe", "Geography"}, [3]string{"Texas", "State of the United States", "Geography"},
		[3]string{"German language", "West Germanic language", "Language"}, [3]string{"Switzerland", "Country in Europe", "Geography"})
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)), kb.Summaries(writeTemp(t, "summaries.json", sums)))
	l := cheapLinker(t, k, NILThreshold(0))
	wantTitles(t, l, "EU REJECTS GERMAN PLAN ON BEEF\nIt met German officials.", map[string]string{"GERMAN": "Germany", "German": "Germany"})
	// another word's language is none of the word's: the rule stays out
	// and the prior decides
	wantTitles(t, l, "A Swiss official met the press.", map[string]string{"Swiss": "Swiss German language"})
	for text, want := range map[string]string{
		"A German official met the press.":        "Germany",
		"He speaks German at home.":               "German language",
		"The German language is hard.":            "German language",
		"The menu was in German, then Dutch.":     "German language",
		"It was written in German by him.":        "German language",
		"Asked which, he said German, then left.": "German language",
	} {
		wantTitles(t, l, text, map[string]string{"German": want})
	}
}

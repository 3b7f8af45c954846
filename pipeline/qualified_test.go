package pipeline

import (
	"context"
	"testing"

	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/link"
)

// An institution named by its kind is the one of the place the story names.
func TestInstitutionsOfTheDocumentsPlace(t *testing.T) {
	dict := "Supreme Court\tSupreme_Court_of_the_United_States\t0.9\nFlorida\tFlorida\t0.9\nFlorida's high court\tSupreme_Court_of_Florida\t1.0\n" +
		"legislature\tLegislature\t0.9\nTallahassee lawmakers\tFlorida_Legislature\t1.0\nPresident\tPresident_of_the_United_States\t0.8\n"
	sums := `{"Florida": {"title": "Florida", "extract": "Florida is a state in the southeastern United States.", "description": "U.S. state", "topic": "Geography"}}`
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)), kb.Summaries(writeTemp(t, "sums.json", sums)))
	l := cheapLinker(t, k, WithWeights(Weights{Prior: 1, Qualified: 10}))

	text := "Lawyers in Florida asked the Supreme Court and the legislature to act; the Florida Supreme Court agreed."
	want := map[string]string{"Florida": "Florida", "Supreme Court": "Supreme Court of Florida", "legislature": "Florida Legislature",
		"Florida Supreme Court": "Supreme Court of Florida"}
	for m, title := range chosen(t, l, text, "Florida", "Supreme Court", "legislature", "Florida Supreme Court") {
		if title != want[m] {
			t.Errorf("%q chose %q, want %q", m, title, want[m])
		}
	}
	// a place written right before the institution, as a name or an
	// adjective (whose first sense need not be the place), makes the
	// qualified title certain though the story links no place
	dict2 := dict + "Egyptian\tAncient_Egypt\t0.6\negyptian\tEgypt\t0.4\nPresident of Egypt\tPresident_of_Egypt\t1.0\n"
	sums2 := `{"Egypt": {"title": "Egypt", "extract": "Egypt is a country in North Africa.", "description": "Country in North Africa", "topic": "Geography"}}`
	k2 := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict2.tab", dict2)), kb.Summaries(writeTemp(t, "sums2.json", sums)), kb.Summaries(writeTemp(t, "sums3.json", sums2)))
	l2 := cheapLinker(t, k2, WithWeights(Weights{Prior: 1, Qualified: 10}))
	wantChosen(t, l2, "Lawyers asked the Florida Supreme Court to act.", map[string]string{"Supreme Court": "Supreme Court of Florida"})
	wantChosen(t, l2, "He met Egyptian President Hosni Mubarak.", map[string]string{"President": "President of Egypt"})
	// a line break is no space inside a name: a heading's last word does
	// not qualify the institution that opens the next line
	wantChosen(t, l2, "Notes on Egyptian\n\nPresident Bush spoke.", map[string]string{"President": "President of the United States"})
	// no place named, nothing to qualify with
	if got := chosen(t, l, "The Supreme Court ruled.", "Supreme Court")["Supreme Court"]; got != "Supreme Court of the United States" {
		t.Errorf("Supreme Court without a place chose %q, want the KB's own candidate", got)
	}
}

// chosen links the given mentions of text as gold spans: mention → title.
func chosen(t *testing.T, l *Linker, text string, mentions ...string) map[string]string {
	t.Helper()
	var spans []Span
	for _, m := range mentions {
		spans = append(spans, spanOf(t, text, m))
	}
	ex, err := l.LinkSpans(context.Background(), link.Document{ID: "t", Text: text}, spans)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range ex {
		got[e.Mention] = e.Chosen
	}
	return got
}

// wantChosen links want's mentions of text as gold spans and checks each
// gets its title ("" for NIL).
func wantChosen(t *testing.T, l *Linker, text string, want map[string]string) {
	t.Helper()
	var mentions []string
	for m := range want {
		mentions = append(mentions, m)
	}
	got := chosen(t, l, text, mentions...)
	for m, title := range want {
		if got[m] != title {
			t.Errorf("gold span %q chose %q, want %q", m, got[m], title)
		}
	}
}

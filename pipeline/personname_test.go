package pipeline

import (
	"context"
	"slices"
	"testing"

	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/link"
)

// A person that is not a mention's first sense and shares no word with it
// is no candidate ("Republicans" is not Ronald Reagan, though both begin
// with "re"); a person named by a word's stem is ("Freudian" of Freud),
// and so are one an acronym stands for and a first sense ("Dubya").
func TestPersonsAreNamedByTheirNames(t *testing.T) {
	dict := "Republicans\tRepublican_Party_(United_States)\t0.75\nREPUBLICANS\tRonald_Reagan\t0.9\nReagan, Ronald\tRonald_Reagan\t1.0\n" +
		"Dubya\tGeorge_W._Bush\t0.9\nDUBYA\tDubya_(song)\t0.9\nBush, George W.\tGeorge_W._Bush\t1.0\n" +
		"Freudian\tFreudian_slip\t0.6\nFREUDIAN\tSigmund_Freud\t0.9\nFreud, Sigmund\tSigmund_Freud\t1.0\n" +
		"JFK\tJFK_(film)\t0.6\nJfk\tJohn_F._Kennedy\t0.9\nKennedy, John F.\tJohn_F._Kennedy\t1.0\n"
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)))
	l := cheapLinker(t, k, NILThreshold(0))
	for text, want := range map[string]struct {
		mention string
		person  string
		kept    bool
	}{
		"Republicans met in the hall.":    {"Republicans", "Ronald Reagan", false},
		"Dubya met them in the hall.":     {"Dubya", "George W. Bush", true}, // a nickname, the first sense
		"A Freudian reading of the book.": {"Freudian", "Sigmund Freud", true},
		"They flew out of JFK on Friday.": {"JFK", "John F. Kennedy", true},
	} {
		_, ex, err := l.LinkWith(context.Background(), link.Document{ID: "d", Text: text}, WithExplanations(true))
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(ex, func(e Explanation) bool { return e.Mention == want.mention })
		if i < 0 {
			t.Fatalf("%q: no mention %q in %+v", text, want.mention, ex)
		}
		has := slices.ContainsFunc(ex[i].Candidates, func(c CandidateScore) bool { return c.Title == want.person })
		if has != want.kept {
			t.Errorf("%q: %s among the candidates of %q: %v, want %v", text, want.person, want.mention, has, want.kept)
		}
	}
}

func TestSameStem(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"marx", "marxist", true}, {"aristotle", "aristotelian", true}, {"freud", "freudian", true},
		{"republicans", "reagan", false}, {"washington", "washburn", false}, {"bush", "bush", true}, {"kim", "kim", true},
	} {
		if got := sameStem(c.a, c.b); got != c.want {
			t.Errorf("sameStem(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// Every nameless person goes, wherever it stands among the candidates,
// and the candidates before it stay.
func TestPersonsByNameKeepsTheOthers(t *testing.T) {
	text := "Republicans met."
	e := &surfaceEntry{cands: []candidate{
		{title: "Republican Party", titleNorm: "republican party", typ: "ORG"},
		{title: "Republicans (film)", titleNorm: "republicans film", typ: "MISC"},
		{title: "Ronald Reagan", titleNorm: "ronald reagan", typ: "PER"},
		{title: "Republicans (band)", titleNorm: "republicans band", typ: "ORG"},
	}}
	mentions := []mention{{start: 0, end: len("Republicans"), norm: "republicans", entry: e}}
	personsByName(text, mentions)
	var got []string
	for _, c := range mentions[0].entry.cands {
		got = append(got, c.title)
	}
	if want := []string{"Republican Party", "Republicans (film)", "Republicans (band)"}; !slices.Equal(got, want) {
		t.Errorf("candidates %v, want %v", got, want)
	}
	if e.cands[2].title != "Ronald Reagan" || e.cands[3].title != "Republicans (band)" {
		t.Errorf("the shared entry was changed: %v", e.cands)
	}
}

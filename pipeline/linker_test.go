package pipeline

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/linkstream/linkstream/internal/kbtest"
	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/link"
)

// cheapLinker is a Linker in mode never with the hand-set scorer, which
// the tests' small KBs were written for (the embedded fit is fitted to the
// Wikipedia-scale KB).
func cheapLinker(t testing.TB, k *kb.KB, opts ...Option) *Linker {
	t.Helper()
	l, err := New(k, append([]Option{CrossEncoderMode(Never), WithFit(HandSetFit)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}

func linkText(t testing.TB, l *Linker, text string) link.Result {
	t.Helper()
	res, err := l.Link(context.Background(), link.Document{ID: "t", Text: text})
	if err != nil {
		t.Fatalf("Link(%q): %v", text, err)
	}
	checkOffsets(t, text, res)
	return res
}

// checkOffsets holds every span to the contract: code-point offsets whose
// slice of the text is the mention.
func checkOffsets(t testing.TB, text string, res link.Result) {
	t.Helper()
	runes := []rune(text)
	check := func(start, end int, mention string) {
		if start < 0 || end > len(runes) || start >= end || string(runes[start:end]) != mention {
			t.Fatalf("span [%d,%d) %q does not match the text", start, end, mention)
		}
	}
	for _, l := range res.Links {
		check(l.Start, l.End, l.Mention)
	}
	for _, n := range res.NIL {
		check(n.Start, n.End, n.Mention)
	}
}

func titles(res link.Result) map[string]string {
	m := map[string]string{}
	for _, l := range res.Links {
		m[l.Mention] = l.Title
	}
	return m
}

func TestLinkMerkelIBMBerlin(t *testing.T) {
	l := cheapLinker(t, kbtest.Mini(t))
	res := linkText(t, l, "Angela Merkel met IBM executives in Berlin.")
	got := titles(res)
	for mention, title := range map[string]string{"Angela Merkel": "Angela Merkel", "IBM": "IBM", "Berlin": "Berlin"} {
		if got[mention] != title {
			t.Errorf("%q linked to %q, want %q (all links: %+v)", mention, got[mention], title, res.Links)
		}
	}
	for _, lk := range res.Links {
		if lk.URL != WikipediaURL(lk.Title) || lk.Type == "" || lk.Score <= 0 || lk.Score > 1 {
			t.Errorf("incomplete link %+v", lk)
		}
	}
}

func TestShortFormFollowsFullName(t *testing.T) {
	k := kbtest.Gensim(t)
	first, last, title := personForShortForm(t, k)
	text := first + " " + last + " arrived on Monday. Reporters asked " + last + " about the trip."
	res := linkText(t, cheapLinker(t, k), text)
	var short *link.Link
	for i := range res.Links {
		if res.Links[i].Mention == last {
			short = &res.Links[i]
		}
	}
	if short == nil || short.Title != title || short.Method != link.MethodContext {
		t.Fatalf("%q should follow %q to %q by context; links: %+v", last, first+" "+last, title, res.Links)
	}
}

// personForShortForm finds a person named by two words whose full name the
// KB resolves to them. It prefers one whose surname alone means someone or
// something else to the KB (or nothing): then only the document can tell.
func personForShortForm(t *testing.T, k *kb.KB) (first, last, title string) {
	for _, strict := range []bool{true, false} {
		for id := kb.EntityID(0); int(id) < k.Len(); id++ {
			e := k.Entity(id)
			words := strings.Fields(e.Title)
			if e.Type != kb.PER || len(words) != 2 {
				continue
			}
			if cands := k.Lookup(e.Title); len(cands) == 0 || k.Entity(cands[0].Entity).Title != e.Title {
				continue
			}
			short := k.Lookup(words[1])
			if strict && len(short) > 0 && k.Entity(short[0].Entity).Title == e.Title {
				continue
			}
			return words[0], words[1], e.Title
		}
	}
	t.Fatal("the gensim KB has no person named by two words")
	return
}

func TestCommonWordsOpeningSentencesAreNotLinked(t *testing.T) {
	k := kbtest.Gensim(t)
	// "State" and "City" are surfaces of this KB, linked in a tiny share of
	// their occurrences: capitalised at a sentence start they are words.
	for _, w := range []string{"State", "City"} {
		info, ok := k.Surface(w)
		if !ok || info.Occurrences == 0 {
			t.Fatalf("precondition: %q should be a counted surface of the gensim KB", w)
		}
	}
	res := linkText(t, cheapLinker(t, k), "State officials met on Tuesday. City workers were on strike.")
	if len(res.Links) != 0 {
		t.Fatalf("common words linked: %+v", res.Links)
	}
}

func TestLinkOffsetsAreCodePoints(t *testing.T) {
	l := cheapLinker(t, kbtest.Gensim(t))
	text := "Für die Zürcher Zeitung schrieb «Einstein» über Abraham Lincoln — 東京 — and Aristotle."
	res := linkText(t, l, text)
	if titles(res)["Abraham Lincoln"] != "Abraham Lincoln" {
		t.Fatalf("Abraham Lincoln not linked after non-ASCII text: %+v", res.Links)
	}
}

func TestLinkEdgeCases(t *testing.T) {
	l := cheapLinker(t, kbtest.Gensim(t))
	ctx := context.Background()
	for _, text := range []string{"", "   \n\t", "the quick brown fox jumps over the lazy dog", "1234 5678 %%% ---"} {
		res, err := l.Link(ctx, link.Document{ID: "e", Text: text})
		if err != nil || len(res.Links) != 0 || res.Links == nil || res.NIL == nil || res.ID != "e" {
			t.Errorf("Link(%q) = %+v, %v: want an empty, non-nil result", text, res, err)
		}
	}
	if _, err := l.Link(ctx, link.Document{Text: "Abraham Lincoln \xff\xfe"}); !errors.Is(err, ErrInvalidText) {
		t.Errorf("invalid UTF-8: err = %v, want ErrInvalidText", err)
	}
	if _, err := l.Link(ctx, link.Document{Text: strings.Repeat("a", link.DefaultMaxDocumentBytes+1)}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversize: err = %v, want ErrTooLarge", err)
	}
	para := "Abraham Lincoln and Albert Einstein visited Athens, Greece, and Alabama. "
	big := strings.Repeat(para, (1<<20)/len(para))
	res := linkText(t, l, big)
	if want := strings.Count(big, "Abraham Lincoln"); len(res.Links) < want {
		t.Errorf("1 MB document: %d links, want at least %d", len(res.Links), want)
	}
}

func TestLinkIsSafeForConcurrentUse(t *testing.T) {
	l := cheapLinker(t, kbtest.Gensim(t))
	texts := []string{
		"Abraham Lincoln was born in Kentucky and later lived in Illinois.",
		"Albert Einstein taught physics; Einstein later moved to the United States.",
		"Aristotle studied in Athens under Plato.",
		"Alabama and Georgia border Florida.",
	}
	want := make([]link.Result, len(texts))
	for i, text := range texts {
		want[i] = linkText(t, l, text)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < 20; r++ {
				i := (g + r) % len(texts)
				got, err := l.Link(context.Background(), link.Document{ID: "t", Text: texts[i]})
				if err != nil || len(got.Links) != len(want[i].Links) {
					t.Errorf("concurrent Link(%q) = %d links, %v; sequential gave %d", texts[i], len(got.Links), err, len(want[i].Links))
					return
				}
				for j := range got.Links {
					if got.Links[j] != want[i].Links[j] {
						t.Errorf("concurrent link %+v != sequential %+v", got.Links[j], want[i].Links[j])
					}
				}
			}
		}()
	}
	wg.Wait()
}

func TestOutliersReportOverLinkedEntities(t *testing.T) {
	k := kbtest.Gensim(t)
	l := cheapLinker(t, k)
	// Lincoln has one inlink in this KB, Aristotle nine: linking Lincoln
	// ten times as often is far beyond what prominence predicts.
	for i := range 30 {
		linkText(t, l, "Then Abraham Lincoln spoke.")
		if i%10 == 0 {
			linkText(t, l, "Then Aristotle spoke.")
		}
	}
	out := l.Outliers(5)
	if len(out) == 0 || out[0].Title != "Abraham Lincoln" || out[0].Ratio <= 1 {
		t.Fatalf("outliers %+v: want Abraham Lincoln first, over-linked", out)
	}
	for _, o := range out[1:] {
		if o.Z > out[0].Z {
			t.Fatalf("outliers not sorted by evidence: %+v", out)
		}
	}
}

func FuzzLink(f *testing.F) {
	for _, s := range []string{"Abraham Lincoln met Aristotle in Athens.", "", "Ünïcödé Lincoln", "A. B. C. Lincoln. Lincoln", "\xff Lincoln",
		"Athens 2 Sparta 1. The coach said the team won the match, a great game this season; Athens's shares fell. Athens 3",
		"ATHENS BEAT SPARTA , ALGERIA CHEER\nATHENS 1996-12-06\nSen. Abraham Lincoln of Alabama, D-Ala., said Greek ships in Athens Corp. sailed. \"Go Inc.\" In Athens, Aristotle van der Lincoln, a spokesman, said so.",
		"&QL; By A. LINCOLN &UR; U.S. ships &amp; 75 U.S. towns &#8212; Ian Lincoln, an adviser, said ``You Can'' to Athens in 1967 &Athens"} {
		f.Add(s)
	}
	k := kbtest.Gensim(f)
	l := cheapLinker(f, k)
	f.Fuzz(func(t *testing.T, text string) {
		res, err := l.Link(context.Background(), link.Document{ID: "f", Text: text})
		if err != nil {
			if !errors.Is(err, ErrInvalidText) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		checkOffsets(t, text, res)
	})
}

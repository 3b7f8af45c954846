package selflink

import (
	"testing"

	"github.com/linkstream/linkstream/kb/wikitext"
)

func TestConvertPlacesAnchorsInOrder(t *testing.T) {
	src := "'''Zürich''' is a city in [[Switzerland]]. The [[Limmat|river]] flows through " +
		"Zürich; a river, the [[Sihl]], joins it. [[Switzerland|Swiss]] [[bank]]s are there."
	p := wikitext.Parse(src)
	var st Stats
	d := Convert("Zürich", &p, &st)
	if st.Links != 5 || st.Placed != 5 || st.Unplaced != 0 {
		t.Fatalf("stats %+v, links %+v, text %q", st, p.Links, p.Text)
	}
	rs := []rune(d.Text)
	want := []struct{ mention, title string }{
		{"Switzerland", "Switzerland"}, {"river", "Limmat"}, {"Sihl", "Sihl"}, {"Swiss", "Switzerland"}, {"banks", "Bank"},
	}
	for i, g := range d.Gold {
		if got := string(rs[g.Start:g.End]); got != want[i].mention || g.Mention != got || g.Title != want[i].title {
			t.Errorf("gold %d = %+v reads %q, want %+v", i, g, got, want[i])
		}
	}
	// "river" must be the linked one (before "Zürich;"), not the later
	// unlinked "a river": the code-point start is after "Zürich" (6 code
	// points, 7 bytes), so a byte offset would be off by one.
	if g := d.Gold[1]; string(rs[g.Start-4:g.Start]) != "The " {
		t.Errorf("river placed at %d: %q", g.Start, string(rs[g.Start-4:g.End]))
	}
}

func TestInTestIsStableAndBalanced(t *testing.T) {
	if InTest("Abraham Lincoln", DefaultSalt) != InTest("abraham_Lincoln", DefaultSalt) {
		t.Error("the split must not depend on first-letter case or underscores")
	}
	n := 0
	for i := 0; i < 2000; i++ {
		if InTest(string(rune('A'+i%26))+string(rune('a'+i/26%26))+string(rune('a'+i/676)), DefaultSalt) {
			n++
		}
	}
	if n < 900 || n > 1100 {
		t.Errorf("%d of 2000 in test, want about half", n)
	}
}

func TestSkip(t *testing.T) {
	for src, want := range map[string]string{
		"#REDIRECT [[Foo]]": "redirect",
		"'''Mercury''' may refer to: {{disambiguation}} [[Mercury (planet)]]": "disambiguation",
		"Plain text without links.": "no links",
		"A [[link]].":               "",
	} {
		p := wikitext.Parse(src)
		if got := Skip(&p); got != want {
			t.Errorf("Skip(%q) = %q, want %q", src, got, want)
		}
	}
}

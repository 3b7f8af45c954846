package selflink

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linkstream/linkstream/kb/dump"
	"github.com/linkstream/linkstream/kb/wikitext"
)

func TestHoldoutTextKeepsNoLinks(t *testing.T) {
	src := "{{Infobox city|country=[[Switzerland]]}}\n'''Zürich''' is on the [[Limmat|river Limmat]] in [[Switzerland]]." +
		" [[File:Z.jpg|thumb|The [[Grossmünster]]]]\n\n== History ==\nFounded by [[Romans]].\n[[Category:Cities in Switzerland]]\n"
	got := HoldoutText(src)
	p := wikitext.Parse(got)
	if len(p.Links) != 0 {
		t.Errorf("links survived: %+v in %q", p.Links, got)
	}
	for _, want := range []string{"Infobox city|country=Switzerland", "on the river Limmat in Switzerland", "[[Category:Cities in Switzerland]]", "[[File:Z.jpg"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "Romans") || strings.Contains(got, "History") {
		t.Errorf("body past the lead kept: %q", got)
	}
	if len(p.Categories) != 1 {
		t.Errorf("categories %v", p.Categories)
	}
}

func TestDumpWriterRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d.xml")
	var buf bytes.Buffer
	w := NewDumpWriter(&buf)
	w.Page("AT&T <Corp>", 1, "", "'''AT&T''' is a [[company]] & more.")
	w.Page("ATT", 2, "AT&T <Corp>", "#REDIRECT [[AT&T <Corp>]]")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var pages []*dump.Page
	err := dump.ReadFile(context.Background(), path, dump.Options{Workers: 1}, func(p *dump.Page) error {
		pages = append(pages, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 || pages[0].Title != "AT&T <Corp>" || pages[0].Text != "'''AT&T''' is a [[company]] & more." || pages[1].Redirect != "AT&T <Corp>" {
		t.Errorf("pages = %+v %+v", pages[0], pages[len(pages)-1])
	}
}

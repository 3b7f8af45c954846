package selflink

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/linkstream/linkstream/kb/dump"
	"github.com/linkstream/linkstream/kb/wikitext"
)

// On the real gensim excerpt: every placed gold span reads its anchor from
// the plain text, almost every link is placed, and the split is near half.
func TestRealDumpGold(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "data", "kb", "gensim-enwiki",
		"enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("shared data absent (%s)", path)
	}
	var mu sync.Mutex
	var st Stats
	articles, test := 0, 0
	err := dump.ReadFile(context.Background(), path, dump.Options{}, func(pg *dump.Page) error {
		if pg.NS != 0 || pg.Redirect != "" {
			return nil
		}
		p := wikitext.Parse(pg.Text)
		if Skip(&p) != "" {
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		articles++
		if InTest(pg.Title, DefaultSalt) {
			test++
		}
		d := Convert(pg.Title, &p, &st)
		rs := []rune(d.Text)
		for _, g := range d.Gold {
			if string(rs[g.Start:g.End]) != g.Mention {
				t.Errorf("%s: gold %+v reads %q", d.ID, g, string(rs[g.Start:g.End]))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d articles, %d test; %+v", articles, test, st)
	if articles < 90 || st.Placed < st.Links*99/100 {
		t.Errorf("%d articles, %+v", articles, st)
	}
	if test < articles*35/100 || test > articles*65/100 {
		t.Errorf("split %d of %d in test", test, articles)
	}
}

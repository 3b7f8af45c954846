// Package kbtest gives tests knowledge bases built from the real Wikipedia
// data in ../shared/data beside the repository: each KB is built once per
// test binary into a temporary directory, and a test that asks for data
// that is absent is skipped with a message saying where it should be.
package kbtest

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/linkstream/linkstream/kb"
)

// Real inputs, relative to the shared data folder.
const (
	GensimDump   = "kb/gensim-enwiki/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
	TableDump    = "kb/gensim-enwiki/enwiki-table-markup.xml.bz2"
	MiniDump     = "kb/dbpedia-minidump/enwiki-minidump.xml.bz2"
	WikidataDump = "kb/dbpedia-minidump/wikidatawiki-minidump.xml.bz2"
	WikitextDir  = "kb/wtf-wikipedia/wikitext"
	DBpediaDir   = "kb/dbpedia-2015-10-sample"
)

// DataDir is the shared data folder: ../shared/data beside the repository
// root (the directory holding go.mod).
func DataDir() string {
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "data")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return filepath.Join("..", "shared", "data")
		}
		dir = parent
	}
}

// Need returns the path of a shared data file, or skips the test.
func Need(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(DataDir(), rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real data %s is absent (%v): it lives in ../shared/data beside the repository", rel, err)
	}
	return p
}

type built struct {
	once sync.Once
	dir  string
	kb   *kb.KB
	err  error
}

var gensim, mini, all built

// RemoveAll closes the KBs built so far and deletes their directories; a
// package's TestMain calls it after the tests ran.
func RemoveAll() {
	for _, b := range []*built{&gensim, &mini, &all} {
		if b.kb != nil {
			b.kb.Close()
		}
		if b.dir != "" {
			os.RemoveAll(b.dir)
		}
	}
}

// Gensim is the KB of the gensim enwiki excerpt (106 articles, 100 redirects).
func Gensim(t testing.TB) *kb.KB {
	t.Helper()
	return gensim.get(t, kb.Dump(Need(t, GensimDump)))
}

// Mini is the KB of the DBpedia minidump (27 articles: Angela Merkel,
// Berlin, IBM, ...) with its Wikidata QIDs.
func Mini(t testing.TB) *kb.KB {
	t.Helper()
	return mini.get(t, kb.Dump(Need(t, MiniDump)), kb.Wikidata(Need(t, WikidataDump)))
}

// All is the evaluation KB: every source in the shared data folder.
func All(t testing.TB) *kb.KB {
	t.Helper()
	return all.get(t, kb.Dump(Need(t, GensimDump)), kb.Dump(Need(t, TableDump)), kb.Dump(Need(t, MiniDump)),
		kb.Wikidata(Need(t, WikidataDump)), kb.WikitextDir(Need(t, WikitextDir)), kb.DBpedia(Need(t, DBpediaDir)))
}

func (b *built) get(t testing.TB, opts ...kb.BuildOption) *kb.KB {
	t.Helper()
	b.once.Do(func() {
		var err error
		if b.dir, err = os.MkdirTemp("", "linkstream-kbtest-"); err != nil {
			b.err = err
			return
		}
		out := filepath.Join(b.dir, "kb")
		if _, b.err = kb.Build(context.Background(), out, opts...); b.err == nil {
			b.kb, b.err = kb.Open(out)
		}
	})
	if b.err != nil {
		t.Fatalf("building the test KB: %v", b.err)
	}
	return b.kb
}

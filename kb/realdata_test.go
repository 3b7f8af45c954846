package kb

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// sharedData is the real data folder beside the repository.
const sharedData = "../../shared/data/kb"

func needData(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(sharedData, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real data %s absent (%v): skipping; it lives in ../shared/data beside the repository", p, err)
	}
	return p
}

var (
	gensimDump = "gensim-enwiki/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
	tableDump  = "gensim-enwiki/enwiki-table-markup.xml.bz2"
	miniDump   = "dbpedia-minidump/enwiki-minidump.xml.bz2"
	wdDump     = "dbpedia-minidump/wikidatawiki-minidump.xml.bz2"
	wtfDir     = "wtf-wikipedia/wikitext"
	dbpDir     = "dbpedia-2015-10-sample"
)

type builtKB struct {
	once sync.Once
	kb   *KB
	info Info
	err  error
	dir  string
}

// TestMain removes the KBs built once for the whole test binary.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, b := range []*builtKB{&gensimKB, &allKB} {
		if b.kb != nil {
			b.kb.Close()
		}
		if b.dir != "" {
			os.RemoveAll(b.dir)
		}
	}
	if benchKB.k != nil {
		benchKB.k.Close()
		os.RemoveAll(benchKB.dir)
	}
	os.Exit(code)
}

var gensimKB, allKB builtKB

// openGensim builds (once per test binary) a KB from the gensim excerpt.
func openGensim(t testing.TB) *KB {
	t.Helper()
	p := needData(t, gensimDump)
	return gensimKB.get(t, Dump(p))
}

// openAll builds (once) the evaluation KB from everything in ../shared/data/kb.
func openAll(t testing.TB) *KB {
	t.Helper()
	return allKB.get(t, Dump(needData(t, gensimDump)), Dump(needData(t, tableDump)), Dump(needData(t, miniDump)),
		Wikidata(needData(t, wdDump)), WikitextDir(needData(t, wtfDir)), DBpedia(needData(t, dbpDir)))
}

func (b *builtKB) get(t testing.TB, opts ...BuildOption) *KB {
	t.Helper()
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "kbtest-")
		if err != nil {
			b.err = err
			return
		}
		b.dir = dir
		out := filepath.Join(dir, "kb")
		b.info, b.err = Build(context.Background(), out, append(opts, Workers(2))...)
		if b.err == nil {
			b.kb, b.err = Open(out)
		}
	})
	if b.err != nil {
		t.Fatalf("build: %v", b.err)
	}
	return b.kb
}

func titlesOf(k *KB, cs []Candidate) []string {
	var out []string
	for _, c := range cs {
		out = append(out, k.Entity(c.Entity).Title)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestGensimLincoln(t *testing.T) {
	k := openGensim(t)
	for _, s := range []string{"Lincoln", "lincoln", "LINCOLN"} {
		got := titlesOf(k, k.Lookup(s))
		if !contains(got, "Abraham Lincoln") {
			t.Errorf("Lookup(%q) = %v, want Abraham Lincoln among them", s, got)
		}
	}
	cs := k.Lookup("Abraham Lincoln")
	if len(cs) == 0 || k.Entity(cs[0].Entity).Title != "Abraham Lincoln" {
		t.Fatalf("Lookup(Abraham Lincoln) best = %v", titlesOf(k, cs))
	}
	for i := 1; i < len(cs); i++ {
		if cs[i].Prior > cs[i-1].Prior {
			t.Fatalf("candidates not sorted by prior: %+v", cs)
		}
	}
	e := k.Entity(cs[0].Entity)
	if e.Inlinks == 0 || e.Type != PER || e.Description == "" {
		t.Errorf("Abraham Lincoln entity = %+v", e)
	}
	if !strings.Contains(e.Description, "President") && !strings.Contains(e.Description, "president") {
		t.Errorf("description %q does not say he was president", e.Description)
	}
}

func TestGensimRedirects(t *testing.T) {
	k := openGensim(t)
	// every redirect page of the dump resolves to an entity, and not to
	// itself
	n := 0
	for _, alias := range []string{"AccessibleComputing", "Abraham lincoln", "AbrahamLincoln"} {
		id, ok := k.EntityByTitle(alias)
		if !ok {
			continue
		}
		n++
		if got := k.Entity(id).Title; got == alias {
			t.Errorf("redirect %q resolved to itself", alias)
		}
	}
	if n == 0 {
		t.Fatalf("no known redirect of the excerpt resolved")
	}
	if id, ok := k.EntityByTitle("AbrahamLincoln"); ok && k.Entity(id).Title != "Abraham Lincoln" {
		t.Errorf("AbrahamLincoln → %q", k.Entity(id).Title)
	}
	if k.Info().Counts.Redirects < 50 {
		t.Errorf("only %d redirects counted; the excerpt has 100", k.Info().Counts.Redirects)
	}
}

func TestGensimDescriptionsClean(t *testing.T) {
	checkDescriptions(t, openGensim(t))
}

// TestAllDescriptionsClean holds descriptions from every source (article
// leads, raw wikitext, DBpedia abstracts, Wikidata) to the same rules.
func TestAllDescriptionsClean(t *testing.T) {
	checkDescriptions(t, openAll(t))
}

func checkDescriptions(t *testing.T, k *KB) {
	t.Helper()
	withDesc := 0
	for id := 0; id < k.Len(); id++ {
		e := k.Entity(EntityID(id))
		if e.Description == "" {
			continue
		}
		withDesc++
		for _, bad := range []string{"{{", "}}", "[[", "]]", "<ref", "|"} {
			if strings.Contains(e.Description, bad) {
				t.Errorf("%s: description has %q: %q", e.Title, bad, e.Description)
			}
		}
		if len(e.Description) > 330 {
			t.Errorf("%s: description of %d bytes", e.Title, len(e.Description))
		}
	}
	if arts := k.Info().Counts.Articles; int64(withDesc) < arts {
		t.Errorf("only %d entities have a description for %d articles", withDesc, arts)
	}
}

func TestMinidumpTypesAndDisambiguation(t *testing.T) {
	k := openAll(t)
	for title, want := range map[string]Type{"Angela Merkel": PER, "IBM": ORG, "Berlin": LOC} {
		id, ok := k.EntityByTitle(title)
		if !ok {
			t.Errorf("%s not in the KB", title)
			continue
		}
		e := k.Entity(id)
		if e.Type != want {
			t.Errorf("%s: type %v, want %v", title, e.Type, want)
		}
		if e.QID == "" {
			t.Logf("%s: no QID (the wikidata minidump may not hold it)", title)
		}
		if e.Description == "" {
			t.Errorf("%s: no description", title)
		}
	}
	// "Food (disambiguation)" lists meanings of Food: they become candidates
	// of "Food" through the disambiguation page
	cs := titlesOf(k, k.Lookup("Food"))
	if len(cs) < 2 {
		t.Errorf("Food candidates %v: the disambiguation page should contribute several", cs)
	}
	if _, ok := k.EntityByTitle("Food (disambiguation)"); ok {
		t.Errorf("a disambiguation page became an entity")
	}
}

func TestAllSourcesLookups(t *testing.T) {
	k := openAll(t)
	info := k.Info()
	if info.Counts.NameOnly == 0 {
		t.Errorf("no name-only entities: DBpedia link targets should give some")
	}
	// DBpedia sample entities are found by label with their abstract
	for _, s := range []string{"British Airways", "KLM", "Colosseum"} {
		cs := k.Lookup(s)
		if len(cs) == 0 {
			t.Errorf("%s: no candidates", s)
			continue
		}
		if e := k.Entity(cs[0].Entity); e.Description == "" {
			t.Errorf("%s best candidate %q has no description", s, e.Title)
		}
	}
	// wtf-wikipedia: title settled from the bold lead, lead sentence kept
	id, ok := k.EntityByTitle("Toronto Star")
	if !ok {
		t.Fatalf("Toronto Star (from toronto_star.txt) not found")
	}
	if d := k.Entity(id).Description; !strings.HasPrefix(d, "The Toronto Star is a Canadian broadsheet daily newspaper.") {
		t.Errorf("Toronto Star description %q lost its lead sentence", d)
	}
	// the one item of the wikidata minidump with an English article
	// ("Baby Rose", Q75197918) gives a name-only entity with its QID
	id, ok = k.EntityByTitle("Baby Rose")
	if !ok {
		t.Fatalf("Baby Rose (wikidata item with an enwiki sitelink) not in the KB")
	}
	if e := k.Entity(id); e.QID != "Q75197918" || e.Description == "" {
		t.Errorf("Baby Rose = %+v, want QID Q75197918 and a description", e)
	}
	if info.Counts.WithQID == 0 {
		t.Errorf("no entity got a QID from the wikidata minidump")
	}
}

// TestMinidumpAloneTypes builds from the dbpedia-minidump alone (the
// enwiki pages and the wikidata pages, auto-detected in a --dump): the
// types come from those pages' own infoboxes and categories.
func TestMinidumpAloneTypes(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "kb")
	if _, err := Build(context.Background(), out, Dump(needData(t, miniDump)), Dump(needData(t, wdDump))); err != nil {
		t.Fatal(err)
	}
	k, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	for title, want := range map[string]Type{"Angela Merkel": PER, "IBM": ORG, "Berlin": LOC, "Samsung": ORG, "Atlantic Ocean": LOC, "Arthur Schopenhauer": PER} {
		id, ok := k.EntityByTitle(title)
		if !ok {
			t.Errorf("%s not in the KB", title)
			continue
		}
		if got := k.Entity(id).Type; got != want {
			t.Errorf("%s: type %v, want %v", title, got, want)
		}
	}
	if id, ok := k.EntityByTitle("Baby Rose"); !ok || k.Entity(id).QID != "Q75197918" {
		t.Errorf("wikidata pages inside a --dump were not read as Wikidata")
	}
}

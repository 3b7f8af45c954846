package kb

import (
	"bufio"
	"compress/bzip2"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/linkstream/linkstream/kb/wikitext"
)

const dbpediaResource = "http://dbpedia.org/resource/"
const dbpediaOntology = "http://dbpedia.org/ontology/"

// triple is one N-Triples statement; obj is an IRI when objIRI, else the
// decoded literal.
type ntriple struct {
	subj, pred, obj string
	objIRI          bool
}

// errSkipLine marks a line that is not a statement (comment, blank).
var errSkipLine = errors.New("not a statement")

// parseNTriple reads one line of N-Triples (or the Turtle subset DBpedia
// writes in its .ttl files: one statement per line).
func parseNTriple(line string) (ntriple, error) {
	var t ntriple
	s := strings.TrimSpace(line)
	if s == "" || s[0] == '#' || strings.HasPrefix(s, "@prefix") {
		return t, errSkipLine
	}
	iri := func() (string, error) {
		if len(s) == 0 || s[0] != '<' {
			return "", fmt.Errorf("expected <IRI> at %q", clip(s, 40))
		}
		e := strings.IndexByte(s, '>')
		if e < 0 {
			return "", fmt.Errorf("unterminated IRI")
		}
		v := s[1:e]
		s = strings.TrimLeft(s[e+1:], " \t")
		return v, nil
	}
	var err error
	if t.subj, err = iri(); err != nil {
		return t, err
	}
	if t.pred, err = iri(); err != nil {
		return t, err
	}
	if len(s) > 0 && s[0] == '<' {
		t.obj, err = iri()
		t.objIRI = true
		return t, err
	}
	if len(s) == 0 || s[0] != '"' {
		return t, fmt.Errorf("expected object at %q", clip(s, 40))
	}
	var b strings.Builder
	i := 1
	for ; i < len(s); i++ {
		c := s[i]
		if c == '"' {
			break
		}
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'u', 'U':
			n := 4
			if s[i] == 'U' {
				n = 8
			}
			if i+n < len(s) {
				if r, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32); err == nil && utf8.ValidRune(rune(r)) {
					b.WriteRune(rune(r))
					i += n
					continue
				}
			}
			b.WriteByte(s[i])
		default:
			b.WriteByte(s[i])
		}
	}
	if i >= len(s) {
		return t, fmt.Errorf("unterminated literal")
	}
	t.obj = b.String()
	return t, nil
}

// dbpediaTitle turns a DBpedia resource IRI into a Wikipedia title; ok is
// false for other IRIs and for namespaced pages (Category:, File:, ...).
func dbpediaTitle(iri string) (string, bool) {
	if !strings.HasPrefix(iri, dbpediaResource) {
		return "", false
	}
	t := iri[len(dbpediaResource):]
	if strings.IndexByte(t, '%') >= 0 {
		if u, err := url.PathUnescape(t); err == nil {
			t = u
		}
	}
	if k := strings.IndexByte(t, ':'); k > 0 {
		switch strings.ToLower(t[:k]) {
		case "category", "file", "image", "template", "wikipedia", "portal", "help", "user", "talk", "module", "draft", "mediawiki", "book", "timedtext":
			return "", false
		}
	}
	t = wikitext.NormalizeTitle(t)
	return t, t != ""
}

// dbpediaFiles lists the N-Triples files of a DBpedia directory by kind
// (the file name without "_en.ttl.bz2"), searching sub-directories.
func dbpediaFiles(dir string) (map[string]string, error) {
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		name := d.Name()
		for _, ext := range []string{".bz2"} {
			name = strings.TrimSuffix(name, ext)
		}
		for _, ext := range []string{".ttl", ".nt"} {
			if strings.HasSuffix(name, ext) {
				kind := strings.TrimSuffix(name, ext)
				kind = strings.TrimSuffix(kind, "_en")
				files[kind] = path
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("kb: dbpedia %s: %w", dir, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("kb: dbpedia %s: no .ttl or .nt files", dir)
	}
	return files, nil
}

// readTriples calls fn for every statement of an N-Triples file (plain or
// .bz2). Malformed lines fail with the file and line number.
func readTriples(ctx context.Context, path string, prog func(int64), fn func(ntriple) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("kb: dbpedia: %w", err)
	}
	defer f.Close()
	cr := &progressReader{r: f, add: prog}
	var r io.Reader = bufio.NewReaderSize(cr, 1<<20)
	if strings.HasSuffix(path, ".bz2") {
		r = bzip2.NewReader(r)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		if line%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		t, err := parseNTriple(sc.Text())
		if err == errSkipLine {
			continue
		}
		if err != nil {
			return fmt.Errorf("kb: dbpedia %s line %d: %w", filepath.Base(path), line, err)
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("kb: dbpedia %s line %d (byte %d of the file): %w", filepath.Base(path), line+1, cr.n, err)
	}
	return nil
}

type progressReader struct {
	r   io.Reader
	n   int64
	add func(int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	if p.add != nil {
		p.add(int64(n))
	}
	return n, err
}

// loadDBpedia adds a DBpedia directory to the accumulator (pass 1).
func (a *accumulator) loadDBpedia(ctx context.Context, dir string, descLen int, prog func(int64)) error {
	files, err := dbpediaFiles(dir)
	if err != nil {
		return err
	}
	read := func(kind string, fn func(ntriple)) error {
		p, ok := files[kind]
		if !ok {
			return nil
		}
		return readTriples(ctx, p, prog, func(t ntriple) error {
			a.mu.Lock()
			fn(t)
			a.mu.Unlock()
			return nil
		})
	}
	subject := func(t ntriple) (uint32, string, bool) {
		title, ok := dbpediaTitle(t.subj)
		if !ok {
			return 0, "", false
		}
		return a.title(title), title, true
	}
	steps := []struct {
		kind string
		fn   func(ntriple)
	}{
		{"labels", func(t ntriple) {
			if id, title, ok := subject(t); ok && !t.objIRI && a.accs[id].redirect < 0 {
				if !a.accs[id].article {
					a.stats.Articles++
				}
				a.accs[id].article = true
				a.addPseudo(t.obj, title)
			}
		}},
		{"page_ids", func(t ntriple) {
			if id, _, ok := subject(t); ok && !t.objIRI {
				if n, err := strconv.ParseInt(t.obj, 10, 64); err == nil {
					a.setPageID(id, n)
				}
			}
		}},
		{"redirects", a.dbpediaRedirect},
		{"transitive_redirects", a.dbpediaRedirect},
		{"disambiguations", func(t ntriple) {
			if id, title, ok := subject(t); ok && t.objIRI {
				if target, ok := dbpediaTitle(t.obj); ok {
					if !a.accs[id].disambig {
						a.stats.Disambiguations++
					}
					a.accs[id].disambig = true
					a.addPseudo(disambigName(title), target)
				}
			}
		}},
		{"short_abstracts", func(t ntriple) {
			if id, _, ok := subject(t); ok && !t.objIRI {
				a.setDescription(id, wikitext.Description(t.obj, descLen), descFromAbstract)
			}
		}},
		{"long_abstracts", func(t ntriple) {
			if id, _, ok := subject(t); ok && !t.objIRI && a.accs[id].description == "" {
				a.setDescription(id, wikitext.Description(t.obj, descLen), descFromAbstract)
			}
		}},
		{"instance_types_transitive", a.dbpediaType},
		{"instance_types", a.dbpediaType},
		{"anchor_text", func(t ntriple) {
			if _, title, ok := subject(t); ok && !t.objIRI {
				a.addAnchor(strings.TrimSpace(t.obj), title, 1)
				a.stats.Links++
			}
		}},
		{"page_links", func(t ntriple) {
			if _, ok := dbpediaTitle(t.subj); ok && t.objIRI {
				if target, ok := dbpediaTitle(t.obj); ok {
					a.accs[a.title(target)].inlinks++
				}
			}
		}},
	}
	for _, st := range steps {
		if err := read(st.kind, st.fn); err != nil {
			return err
		}
	}
	// categories only where nothing better typed the entity
	cats := map[uint32][]string{}
	if err := read("article_categories", func(t ntriple) {
		if id, _, ok := subject(t); ok && t.objIRI {
			if c := strings.TrimPrefix(t.obj, dbpediaResource+"Category:"); c != t.obj {
				cats[id] = append(cats[id], wikitext.NormalizeTitle(c))
			}
		}
	}); err != nil {
		return err
	}
	for id, cs := range cats {
		if typ, ok := typeOfCategories(cs); ok {
			a.setType(id, typ, typeFromCategory)
		}
	}
	return nil
}

func (a *accumulator) dbpediaRedirect(t ntriple) {
	alias, ok1 := dbpediaTitle(t.subj)
	target, ok2 := dbpediaTitle(t.obj)
	if ok1 && ok2 && t.objIRI {
		a.setRedirect(alias, target)
		a.addPseudo(alias, target)
	}
}

func (a *accumulator) dbpediaType(t ntriple) {
	title, ok := dbpediaTitle(t.subj)
	if !ok || !t.objIRI || !strings.HasPrefix(t.obj, dbpediaOntology) {
		return
	}
	class := t.obj[len(dbpediaOntology):]
	typ, ok := dbpediaTypes[class]
	if !ok {
		return
	}
	id := a.title(title)
	acc := &a.accs[id]
	r := int8(dbpediaRank(class))
	if acc.typeSrc < typeFromDBpedia || r > acc.dbpRank {
		acc.typ, acc.typeSrc, acc.dbpRank = typ, typeFromDBpedia, r
	}
}

// dbpediaTexts calls fn with every long abstract (or short where no long
// one exists), the running text DBpedia offers for counting occurrences.
func dbpediaTexts(ctx context.Context, dir string, prog func(int64), fn func(title, text string)) error {
	files, err := dbpediaFiles(dir)
	if err != nil {
		return err
	}
	kind := "long_abstracts"
	if _, ok := files[kind]; !ok {
		kind = "short_abstracts"
	}
	p, ok := files[kind]
	if !ok {
		return nil
	}
	return readTriples(ctx, p, prog, func(t ntriple) error {
		if title, ok := dbpediaTitle(t.subj); ok && !t.objIRI {
			fn(title, t.obj)
		}
		return nil
	})
}

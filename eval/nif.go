package eval

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// NIF 2.0 (the format of the N3 collection, e.g. Reuters-128): a document is
// a nif:Context whose nif:isString holds the text; each mention is a
// resource with nif:referenceContext pointing at its context,
// nif:beginIndex/nif:endIndex (Unicode code-point offsets, end exclusive),
// nif:anchorOf (the mention text) and itsrdf:taIdentRef (the entity URI).
// Entity URIs outside DBpedia (Reuters-128 uses http://aksw.org/notInWiki/...)
// mean NIL; URIs of another language's DBpedia (de.dbpedia.org) count as
// linked gold marked Foreign.

const (
	nifNS        = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
	nifIsString  = nifNS + "isString"
	nifBegin     = nifNS + "beginIndex"
	nifEnd       = nifNS + "endIndex"
	nifAnchorOf  = nifNS + "anchorOf"
	nifRefCtx    = nifNS + "referenceContext"
	itsTaIdent   = "http://www.w3.org/2005/11/its/rdf#taIdentRef"
	dbpediaEN    = "http://dbpedia.org/resource/"
	dbpediaENSec = "https://dbpedia.org/resource/"
)

// ReadNIFFile reads a NIF 2.0 Turtle file.
func ReadNIFFile(path string) (*Dataset, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("eval: nif: %w", err)
	}
	ds, err := ReadNIF(string(b))
	if err != nil {
		return nil, fmt.Errorf("eval: nif %s: %w", path, err)
	}
	ds.Name = datasetName(path)
	ds.Source = path
	return ds, nil
}

type nifPhrase struct {
	subj       string
	ctx        string
	begin, end int
	hasB, hasE bool
	anchor     string
	ident      string
}

// ReadNIF parses NIF 2.0 Turtle text into a Dataset. Documents come in the
// order of the number in their context IRI when there is one (".../77#char=…"),
// else in IRI order, so that runs are reproducible.
func ReadNIF(src string) (*Dataset, error) {
	triples, err := parseTurtle(src)
	if err != nil {
		return nil, err
	}
	ds := &Dataset{Format: "nif"}
	texts := map[string]string{}
	phrases := map[string]*nifPhrase{}
	var order []string
	get := func(s string) *nifPhrase {
		ph, ok := phrases[s]
		if !ok {
			ph = &nifPhrase{subj: s}
			phrases[s] = ph
			order = append(order, s)
		}
		return ph
	}
	for _, t := range triples {
		switch t.P {
		case nifIsString:
			texts[t.S] = t.O.Value
		case nifRefCtx:
			get(t.S).ctx = t.O.Value
		case nifBegin:
			ph := get(t.S)
			ph.begin, ph.hasB = atoiOr(t.O.Value, -1), true
		case nifEnd:
			ph := get(t.S)
			ph.end, ph.hasE = atoiOr(t.O.Value, -1), true
		case nifAnchorOf:
			get(t.S).anchor = t.O.Value
		case itsTaIdent:
			get(t.S).ident = t.O.Value
		}
	}
	docs := map[string]*Doc{}
	var ctxs []string
	for iri, text := range texts {
		docs[iri] = &Doc{ID: nifDocID(iri), Text: text}
		ctxs = append(ctxs, iri)
	}
	runes := map[string][]rune{}
	for _, s := range order {
		ph := phrases[s]
		if ph.ctx == "" {
			continue // the context itself (it has begin/end too), or a stray resource
		}
		d, ok := docs[ph.ctx]
		if !ok {
			ds.Read.Dropped++
			ds.Read.problem("%s: context %s has no nif:isString", s, ph.ctx)
			continue
		}
		if !ph.hasB || !ph.hasE || ph.begin < 0 || ph.end <= ph.begin {
			ds.Read.Dropped++
			ds.Read.problem("%s: bad or missing begin/end index", s)
			continue
		}
		r, ok := runes[ph.ctx]
		if !ok {
			r = []rune(d.Text)
			runes[ph.ctx] = r
		}
		g := Gold{Start: ph.begin, End: ph.end, Mention: ph.anchor}
		g.Title, g.Foreign = nifTitle(ph.ident)
		if g, ok := placeSpan(r, g, d.ID, &ds.Read); ok {
			d.Gold = append(d.Gold, g)
		}
	}
	sort.Slice(ctxs, func(i, j int) bool { return lessDocID(docs[ctxs[i]].ID, docs[ctxs[j]].ID) })
	for _, c := range ctxs {
		d := docs[c]
		sort.SliceStable(d.Gold, func(i, j int) bool {
			if d.Gold[i].Start != d.Gold[j].Start {
				return d.Gold[i].Start < d.Gold[j].Start
			}
			return d.Gold[i].End < d.Gold[j].End
		})
		ds.Docs = append(ds.Docs, *d)
	}
	ds.Read.count(ds.Docs)
	return ds, nil
}

// nifTitle turns an itsrdf:taIdentRef URI into a gold title: English DBpedia
// resources give their decoded title; other DBpedia languages give their
// decoded title marked foreign; anything else (notInWiki, empty) is NIL.
func nifTitle(uri string) (title string, foreign bool) {
	switch {
	case uri == "":
		return "", false
	case strings.HasPrefix(uri, dbpediaEN), strings.HasPrefix(uri, dbpediaENSec):
		return NormalizeTitle(uri), false
	}
	if i := strings.Index(uri, ".dbpedia.org/resource/"); i >= 0 {
		return NormalizeTitle(dbpediaEN + uri[i+len(".dbpedia.org/resource/"):]), true
	}
	return "", false
}

// nifDocID shortens a context IRI ("http://aksw.org/N3/Reuters-128/77#char=0,2444")
// to its document part ("Reuters-128/77").
func nifDocID(iri string) string {
	if i := strings.IndexByte(iri, '#'); i >= 0 {
		iri = iri[:i]
	}
	parts := strings.Split(strings.TrimRight(iri, "/"), "/")
	if len(parts) >= 2 {
		return parts[len(parts)-2] + "/" + parts[len(parts)-1]
	}
	return iri
}

func lessDocID(a, b string) bool {
	na, ea := trailingNumber(a)
	nb, eb := trailingNumber(b)
	if ea == nil && eb == nil && na != nb {
		return na < nb
	}
	return a < b
}

func trailingNumber(s string) (int, error) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	return strconv.Atoi(s[i:])
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return def
	}
	return n
}

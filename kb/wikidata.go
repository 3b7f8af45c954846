package kb

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/linkstream/linkstream/kb/dump"
	"github.com/linkstream/linkstream/kb/wikitext"
)

// wikidataFacts is what a Wikidata item tells about an English article.
type wikidataFacts struct {
	qid         uint32
	p31         []uint32
	label       string
	aliases     []string
	description string
}

// wikidataSet collects items by their English Wikipedia title; safe for
// concurrent use.
type wikidataSet struct {
	mu    sync.Mutex
	items map[string]wikidataFacts
}

func newWikidataSet() *wikidataSet { return &wikidataSet{items: map[string]wikidataFacts{}} }

type wdItem struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	// sitelinks and claims are objects, or [] when empty
	Sitelinks    json.RawMessage `json:"sitelinks"`
	Labels       json.RawMessage `json:"labels"`
	Descriptions json.RawMessage `json:"descriptions"`
	Aliases      json.RawMessage `json:"aliases"`
	Claims       json.RawMessage `json:"claims"`
}

type wdSitelinks map[string]struct {
	Title string `json:"title"`
}

type wdText struct {
	Value string `json:"value"`
}

// english returns the "en" value of a labels or descriptions object.
func english(b json.RawMessage) string {
	if !isJSONObject(b) {
		return ""
	}
	var m map[string]wdText
	if json.Unmarshal(b, &m) != nil {
		return ""
	}
	return m["en"].Value
}

type wdClaims map[string][]struct {
	Mainsnak struct {
		Datavalue struct {
			Value json.RawMessage `json:"value"`
		} `json:"datavalue"`
	} `json:"mainsnak"`
}

func isJSONObject(b json.RawMessage) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{'
}

// addJSON reads one entity in Wikidata JSON; entities without an English
// Wikipedia page are ignored.
func (w *wikidataSet) addJSON(b []byte) error {
	var it wdItem
	if err := json.Unmarshal(b, &it); err != nil {
		return err
	}
	if it.Type != "" && it.Type != "item" {
		return nil
	}
	if !isJSONObject(it.Sitelinks) {
		return nil
	}
	var sl wdSitelinks
	if err := json.Unmarshal(it.Sitelinks, &sl); err != nil {
		return err
	}
	en, ok := sl["enwiki"]
	if !ok || !strings.HasPrefix(it.ID, "Q") {
		return nil
	}
	q, err := strconv.ParseUint(it.ID[1:], 10, 32)
	if err != nil {
		return nil
	}
	f := wikidataFacts{qid: uint32(q), label: english(it.Labels), description: english(it.Descriptions)}
	if isJSONObject(it.Aliases) {
		var m map[string][]wdText
		if json.Unmarshal(it.Aliases, &m) == nil {
			for _, a := range m["en"] {
				f.aliases = append(f.aliases, a.Value)
			}
		}
	}
	var claims wdClaims
	if isJSONObject(it.Claims) {
		if err := json.Unmarshal(it.Claims, &claims); err != nil {
			return err
		}
	}
	for _, c := range claims["P31"] {
		var v struct {
			NumericID uint32 `json:"numeric-id"`
		}
		if json.Unmarshal(c.Mainsnak.Datavalue.Value, &v) == nil && v.NumericID != 0 {
			f.p31 = append(f.p31, v.NumericID)
		}
	}
	w.mu.Lock()
	w.items[wikitext.NormalizeTitle(en.Title)] = f
	w.mu.Unlock()
	return nil
}

// isWikidataPage recognises an entity page of a wikidatawiki XML dump.
func isWikidataPage(p *dump.Page) bool {
	if p.Model == "wikibase-item" {
		return true
	}
	if p.Model == "" && len(p.Title) > 1 && p.Title[0] == 'Q' && strings.HasPrefix(strings.TrimSpace(p.Text), "{") {
		_, err := strconv.ParseUint(p.Title[1:], 10, 32)
		return err == nil
	}
	return false
}

// loadWikidataFile reads a Wikidata input: a wikidatawiki XML dump (plain
// or .bz2) or a JSON dump (one entity per line inside [ ], plain or .bz2).
func (w *wikidataSet) loadFile(ctx context.Context, path string, opt dump.Options) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("kb: wikidata: %w", err)
	}
	br := bufio.NewReader(f)
	head, _ := br.Peek(3)
	var r io.Reader = br
	if string(head) == "BZh" {
		r = bzip2.NewReader(br)
	}
	r2 := bufio.NewReaderSize(r, 1<<20)
	first, _ := r2.Peek(64)
	isXML := bytes.HasPrefix(bytes.TrimSpace(first), []byte("<"))
	if isXML {
		f.Close()
		return dump.ReadFile(ctx, path, opt, func(p *dump.Page) error {
			if isWikidataPage(p) {
				if err := w.addJSON([]byte(p.Text)); err != nil {
					return fmt.Errorf("kb: wikidata %s: page %s: %w", path, p.Title, err)
				}
			}
			return nil
		})
	}
	defer f.Close()
	sc := bufio.NewScanner(r2)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		b = bytes.TrimSuffix(b, []byte(","))
		if len(b) == 0 || b[0] != '{' {
			continue
		}
		if err := w.addJSON(b); err != nil {
			return fmt.Errorf("kb: wikidata %s line %d: %w", path, line, err)
		}
		if line%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("kb: wikidata %s line %d: %w", path, line+1, err)
	}
	return nil
}

// apply gives QIDs, (weak) types and descriptions to the titles of the
// KB. An item whose English article is not among the other inputs still
// names a real article: it becomes a name-only entity with its QID, its
// English label and aliases as surfaces and its Wikidata description.
func (w *wikidataSet) apply(a *accumulator) int {
	n := 0
	titles := sortedKeys(w.items) // deterministic title ids
	for _, title := range titles {
		f := w.items[title]
		if title == "" {
			continue
		}
		t := a.resolve(a.title(title))
		a.accs[t].qid = f.qid
		a.addPseudo(title, title)
		if f.label != "" {
			a.addPseudo(f.label, title)
		}
		for _, al := range f.aliases {
			a.addPseudo(al, title)
		}
		if f.description != "" {
			a.setDescription(t, wikitext.Description(f.description, wikitext.DefaultDescriptionLen), descFromWikidata)
		}
		n++
		for _, c := range f.p31 {
			if typ, ok := wikidataTypes[c]; ok {
				a.setType(t, typ, typeFromWikidata)
				break
			}
		}
	}
	return n
}

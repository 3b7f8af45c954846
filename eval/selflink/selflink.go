// Package selflink makes the Wikipedia self-linking benchmark: real text
// with real gold at full coverage. Articles are split into two halves by a
// stable hash of their title; the knowledge base takes anchor statistics and
// priors from the "train" half only, and the plain text of each "test"
// article, with its editors' links as gold spans, is written as JSONL gold
// (eval.ReadJSONL reads it).
//
// It owns the split and the conversion of one article to gold; reading
// dumps and rendering wikitext belong to kb/dump and kb/wikitext.
package selflink

import (
	"crypto/sha256"
	"html"
	"strings"
	"unicode/utf8"

	"github.com/linkstream/linkstream/kb/wikitext"
)

// DefaultSalt is mixed into the split hash. Changing it draws another split.
const DefaultSalt = "linkstream-selflink-v1"

// InTest reports whether the article titled title belongs to the test half:
// SHA-256 of salt, a NUL byte and the normalised title
// (wikitext.NormalizeTitle of the title as the dump reader gives it); an odd
// first byte means test. The KB build must apply the same rule to the same
// titles, or read the title list that cmd writes.
//
// Not FNV: the lowest bit of FNV-1a is only the parity of the odd bytes of
// the input, which split the real dump 63/35.
func InTest(title, salt string) bool {
	h := sha256.New()
	h.Write([]byte(salt))
	h.Write([]byte{0})
	h.Write([]byte(wikitext.NormalizeTitle(title)))
	return h.Sum(nil)[0]&1 == 1
}

// Gold is one editor's link as a gold span, in code points, end exclusive.
type Gold struct {
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Title   string `json:"title"`
	Mention string `json:"mention"`
}

// Doc is one line of the gold JSONL.
type Doc struct {
	ID     string `json:"id"`
	Source string `json:"source,omitempty"`
	Text   string `json:"text"`
	Gold   []Gold `json:"gold"`
}

// Stats counts what Convert did with the links of the articles it saw.
type Stats struct {
	Links int `json:"links"`
	// Placed links were found in the plain text after the previous one.
	Placed int `json:"placed"`
	// Unplaced links' anchors were not found in order (rendered away or
	// changed by tidying); they are left out of the gold.
	Unplaced int `json:"unplaced"`
}

// Skip reports why an article is not a benchmark document, or "" when it
// is: redirects, disambiguation pages and pages with no text or no links.
func Skip(p *wikitext.Page) string {
	switch {
	case p.Redirect != "":
		return "redirect"
	case strings.TrimSpace(p.Text) == "":
		return "empty"
	case len(p.Links) == 0:
		return "no links"
	}
	for _, t := range p.Templates {
		if strings.Contains(t, "disambig") || t == "dab" || t == "hndis" || t == "geodis" {
			return "disambiguation"
		}
	}
	return ""
}

// Convert turns a parsed article into a gold document: its plain text and,
// for each link in order, the first occurrence of its anchor in the text
// after the previous placed link. Wikipedia links a term where the text
// first mentions it, so the first occurrence after the previous link is
// almost always the linked one; an anchor not found is counted, not guessed.
func Convert(id string, p *wikitext.Page, st *Stats) Doc {
	d := Doc{ID: id, Text: p.Text, Gold: []Gold{}}
	text := p.Text
	cursor, runeAt := 0, 0 // byte and code-point position of the cursor
	for _, l := range p.Links {
		st.Links++
		anchor := strings.TrimSpace(html.UnescapeString(l.Anchor))
		if anchor == "" || l.Target == "" {
			st.Unplaced++
			continue
		}
		i := strings.Index(text[cursor:], anchor)
		if i < 0 {
			st.Unplaced++
			continue
		}
		start := cursor + i
		runeStart := runeAt + utf8.RuneCountInString(text[cursor:start])
		n := utf8.RuneCountInString(anchor)
		d.Gold = append(d.Gold, Gold{Start: runeStart, End: runeStart + n, Title: l.Target, Mention: anchor})
		st.Placed++
		cursor, runeAt = start+len(anchor), runeStart+n
	}
	return d
}

package selflink

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// keepNamespaces are link namespaces HoldoutText leaves as they are: they
// are not entity links (files render as nothing, categories type the page).
var keepNamespaces = map[string]bool{
	"category": true, "file": true, "image": true, "media": true,
}

// HoldoutText reduces a test article's wikitext to what a KB may know of it
// without learning from its links: the lead (infobox and other templates
// kept, for typing and the description) and its category links, with every
// internal link flattened to its visible text. Built from such pages, the KB
// holds the test articles as entities but takes no anchor, prior or inlink
// from them. The flattened anchors still count as unlinked occurrences of
// their surfaces, a small pessimistic bias on link probabilities, limited to
// the leads.
func HoldoutText(src string) string {
	lead := src
	for i := 0; i < len(src); {
		j := strings.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		if strings.HasPrefix(src[i:], "==") {
			lead = src[:i]
			break
		}
	}
	var b strings.Builder
	b.WriteString(flattenLinks(lead))
	for _, line := range strings.Split(src[len(lead):], "\n") {
		if strings.Contains(strings.ToLower(line), "[[category:") {
			b.WriteString("\n")
			b.WriteString(strings.TrimSpace(line))
		}
	}
	return b.String()
}

// flattenLinks replaces [[Target|anchor]] by anchor and [[Target]] by
// Target, innermost first, leaving namespaced links in keepNamespaces alone.
func flattenLinks(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.Index(s, "[[")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		// find the matching "]]", allowing nested [[...]] (file captions)
		depth, j := 0, i
		for j < len(s)-1 {
			switch {
			case s[j] == '[' && s[j+1] == '[':
				depth++
				j += 2
				continue
			case s[j] == ']' && s[j+1] == ']':
				depth--
				j += 2
				if depth == 0 {
					goto found
				}
				continue
			}
			j++
		}
		// unbalanced: keep the rest as it is
		b.WriteString(s)
		return b.String()
	found:
		b.WriteString(s[:i])
		inner := s[i+2 : j-2]
		target, _, _ := strings.Cut(inner, "|")
		if k := strings.IndexByte(target, ':'); k > 0 && keepNamespaces[strings.ToLower(strings.TrimSpace(target[:k]))] {
			b.WriteString(s[i:j])
		} else if k := strings.LastIndexByte(inner, '|'); k >= 0 {
			b.WriteString(flattenLinks(inner[k+1:]))
		} else {
			b.WriteString(strings.TrimLeft(inner, ":"))
		}
		s = s[j:]
	}
}

// DumpWriter writes pages as a minimal MediaWiki XML export that kb/dump
// reads: the KB input for the self-linking evaluation.
type DumpWriter struct {
	w   io.Writer
	err error
}

// NewDumpWriter starts an export on w.
func NewDumpWriter(w io.Writer) *DumpWriter {
	d := &DumpWriter{w: w}
	_, d.err = io.WriteString(w, "<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.10/\" version=\"0.10\">\n")
	return d
}

// Page writes one main-namespace page; redirect is its target or "".
func (d *DumpWriter) Page(title string, id int64, redirect, text string) {
	if d.err != nil {
		return
	}
	var b strings.Builder
	b.WriteString("  <page>\n    <title>")
	xml.EscapeText(&b, []byte(title))
	fmt.Fprintf(&b, "</title>\n    <ns>0</ns>\n    <id>%d</id>\n", id)
	if redirect != "" {
		b.WriteString("    <redirect title=\"")
		xml.EscapeText(&b, []byte(redirect))
		b.WriteString("\" />\n")
	}
	b.WriteString("    <revision>\n      <model>wikitext</model>\n      <text xml:space=\"preserve\">")
	xml.EscapeText(&b, []byte(text))
	b.WriteString("</text>\n    </revision>\n  </page>\n")
	_, d.err = io.WriteString(d.w, b.String())
}

// Close ends the export and returns the first write error.
func (d *DumpWriter) Close() error {
	if d.err == nil {
		_, d.err = io.WriteString(d.w, "</mediawiki>\n")
	}
	return d.err
}

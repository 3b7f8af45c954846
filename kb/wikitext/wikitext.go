package wikitext

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Link is one internal link [[Target|Anchor]] of a page. Target is a
// normalised title (see NormalizeTitle) without its #section; Anchor is the
// visible plain text, link trail included ([[bus]]es gives "buses").
type Link struct {
	Target string
	Anchor string
}

// Page is what Parse extracts from one page of wikitext.
type Page struct {
	// Redirect is the normalised target title when the page is a redirect
	// (#REDIRECT [[Target]]); the other fields are then empty.
	Redirect string
	// Links in document order, namespaced links (files, categories,
	// interlanguage links) excluded.
	Links []Link
	// Categories without the "Category:" prefix or sort key.
	Categories []string
	// Templates: lower-cased names of the templates used, in order, at most
	// maxTemplates of them.
	Templates []string
	// Infobox is the lower-cased kind of the first infobox ("person" for
	// {{Infobox person}}, "" for a bare {{Infobox}} or none).
	Infobox string
	// HasInfobox reports whether an {{Infobox ...}} template was seen.
	HasInfobox bool
	// Text is the readable plain text of the whole page.
	Text string
	// Lead is the plain text before the first section heading.
	Lead string
}

const maxTemplates = 256

// Parse reads one page of wikitext. It never fails: unbalanced markup is
// kept as literal text.
func Parse(src string) Page {
	var p Page
	if t, ok := redirectTarget(src); ok {
		p.Redirect = t
		return p
	}
	src = stripComments(src)
	r := newRenderer(src, &p)
	r.render(0, len(src), 0)
	text := r.out.String()
	lead := text
	if r.leadEnd >= 0 {
		lead = text[:r.leadEnd]
	}
	// The lead paragraph is the one that bolds the article's name; what
	// comes before it is hatnotes, stray text or residue.
	if r.boldAt >= 0 && r.boldAt <= len(lead) {
		if k := strings.LastIndex(lead[:r.boldAt], "\n\n"); k >= 0 {
			lead = lead[k+2:]
		} else if k := strings.LastIndex(lead[:r.boldAt], "\n"); k >= 0 && letterCount(lead[:k]) < 40 {
			lead = lead[k+1:]
		}
	}
	p.Text = tidy(text)
	p.Lead = tidy(lead)
	return p
}

// Clean returns the readable plain text of a wikitext fragment.
func Clean(src string) string {
	return Parse(src).Text
}

// redirectTarget recognises "#REDIRECT [[Target]]" (any case, also the
// German "#WEITERLEITUNG") at the start of a page.
func redirectTarget(src string) (string, bool) {
	s := strings.TrimLeftFunc(src, unicode.IsSpace)
	if len(s) == 0 || s[0] != '#' {
		return "", false
	}
	word := s[1:]
	i := strings.IndexAny(word, " \t:[")
	if i < 0 {
		return "", false
	}
	switch strings.ToLower(word[:i]) {
	case "redirect", "weiterleitung", "redirection":
	default:
		return "", false
	}
	rest := word[i:]
	a := strings.Index(rest, "[[")
	if a < 0 || a > 8 {
		return "", false
	}
	b := strings.Index(rest[a:], "]]")
	if b < 0 {
		return "", false
	}
	target := rest[a+2 : a+b]
	if k := strings.IndexByte(target, '|'); k >= 0 {
		target = target[:k]
	}
	t := NormalizeTitle(target)
	if t == "" {
		return "", false
	}
	return t, true
}

// NormalizeTitle turns a link target into the canonical form of a page
// title: underscores and runs of white space become one space, the #section
// is dropped, HTML entities are decoded, and the first letter is upper-cased
// (English Wikipedia titles are case-insensitive in their first letter only).
func NormalizeTitle(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	s = strings.TrimLeft(s, ":")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r == '_' || unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	t := b.String()
	if t == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(t)
	if r == utf8.RuneError || !unicode.IsLower(r) {
		return t
	}
	return string(unicode.ToUpper(r)) + t[n:]
}

func stripComments(s string) string {
	if !strings.Contains(s, "<!--") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.Index(s, "<!--")
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.Index(s[i+4:], "-->")
		if j < 0 {
			break // an unclosed comment hides the rest, as MediaWiki does
		}
		s = s[i+4+j+3:]
	}
	return b.String()
}

type renderer struct {
	src     string
	low     string // ASCII-lower-cased src, same byte offsets
	p       *Page
	out     strings.Builder
	tmatch  map[int]int // "{{" at key closes with "}}" at value
	lmatch  map[int]int // "[[" ... "]]"
	xmatch  map[int]int // "{|" ... "|}" (tables, at line starts)
	leadEnd int
	boldAt  int // output offset of the first top-level bold, -1 if none
}

func newRenderer(src string, p *Page) *renderer {
	r := &renderer{src: src, low: asciiLower(src), p: p, leadEnd: -1, boldAt: -1}
	r.out.Grow(len(src) / 2)
	r.matchBrackets()
	return r
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func lineStart(s string, i int) bool { return i == 0 || s[i-1] == '\n' }

// matchBrackets pairs the double brackets in one pass with a stack per kind,
// so that later scanning is linear whatever the input.
func (r *renderer) matchBrackets() {
	s := r.src
	r.tmatch = map[int]int{}
	r.lmatch = map[int]int{}
	r.xmatch = map[int]int{}
	var ts, ls, xs []int
	for i := 0; i+1 < len(s); i++ {
		c, d := s[i], s[i+1]
		switch {
		case c == '{' && d == '|' && lineStart(s, i):
			xs = append(xs, i)
			i++
		case c == '|' && d == '}' && len(xs) > 0 && lineStart(s, i):
			r.xmatch[xs[len(xs)-1]] = i
			xs = xs[:len(xs)-1]
			i++
		case c == '{' && d == '{':
			ts = append(ts, i)
			i++
		case c == '}' && d == '}':
			if len(ts) > 0 {
				r.tmatch[ts[len(ts)-1]] = i
				ts = ts[:len(ts)-1]
			}
			i++
		case c == '[' && d == '[':
			ls = append(ls, i)
			i++
		case c == ']' && d == ']':
			if len(ls) > 0 {
				r.lmatch[ls[len(ls)-1]] = i
				ls = ls[:len(ls)-1]
			}
			i++
		}
	}
}

// maxDepth bounds recursion on deeply nested markup.
const maxDepth = 64

// render writes the plain text of src[lo:hi] to r.out.
func (r *renderer) render(lo, hi, depth int) {
	s := r.src
	if depth > maxDepth {
		return
	}
	for i := lo; i < hi; {
		c := s[i]
		if lineStart(s, i) {
			if n := r.lineMarkup(i, hi, depth); n > i {
				i = n
				continue
			}
		}
		switch c {
		case '{':
			if i+1 < hi && s[i+1] == '{' {
				if e, ok := r.tmatch[i]; ok && e+2 <= hi {
					r.template(i+2, e, depth)
					i = e + 2
					continue
				}
			}
			if i+1 < hi && s[i+1] == '|' {
				if e, ok := r.xmatch[i]; ok && e+2 <= hi {
					i = e + 2
					continue
				}
			}
		case '[':
			if i+1 < hi && s[i+1] == '[' {
				if e, ok := r.lmatch[i]; ok && e+2 <= hi {
					i = r.link(i+2, e, hi, depth)
					continue
				}
			} else if n, ok := r.external(i, hi, depth); ok {
				i = n
				continue
			}
		case '<':
			if n, ok := r.tag(i, hi); ok {
				i = n
				continue
			}
		case '\'':
			if i+1 < hi && s[i+1] == '\'' {
				j := i
				for i < hi && s[i] == '\'' {
					i++
				}
				if i-j >= 3 && depth == 0 && r.boldAt < 0 && r.leadEnd < 0 {
					r.boldAt = r.out.Len()
				}
				continue
			}
		case '_':
			if n, ok := magicWord(s, i, hi); ok {
				i = n
				continue
			}
		}
		r.out.WriteByte(c)
		i++
	}
}

// lineMarkup handles markup that only means something at the start of a
// line: headings, list markers, rules and table residue. It returns the new
// position, or i when there is nothing to do.
func (r *renderer) lineMarkup(i, hi, depth int) int {
	s := r.src
	end := strings.IndexByte(s[i:hi], '\n')
	if end < 0 {
		end = hi
	} else {
		end += i
	}
	line := s[i:end]
	switch {
	case strings.HasPrefix(line, "=="):
		t := strings.TrimRight(line, " \t\r")
		if len(t) >= 4 && strings.HasSuffix(t, "==") {
			if depth == 0 && r.leadEnd < 0 {
				r.leadEnd = r.out.Len()
			}
			r.out.WriteString("\n\n")
			a := i + strings.IndexFunc(t, func(c rune) bool { return c != '=' })
			b := i + len(strings.TrimRight(t, "="))
			if a >= i && a < b {
				r.render(a, b, depth+1)
			}
			r.out.WriteString("\n\n")
			return end
		}
	case strings.HasPrefix(line, "----"):
		return end
	case len(line) > 0 && (line[0] == '*' || line[0] == '#' || line[0] == ':' || line[0] == ';'):
		j := i
		for j < end && (s[j] == '*' || s[j] == '#' || s[j] == ':' || s[j] == ';' || s[j] == ' ') {
			j++
		}
		return j
	case len(line) > 0 && (line[0] == '|' || line[0] == '!') && depth == 0:
		// residue of a table or template whose brackets did not match
		return end
	}
	return i
}

// magicWord skips behaviour switches such as __TOC__ and __NOTOC__.
func magicWord(s string, i, hi int) (int, bool) {
	if i+4 >= hi || s[i+1] != '_' {
		return i, false
	}
	j := i + 2
	for j < hi && j < i+40 && s[j] >= 'A' && s[j] <= 'Z' {
		j++
	}
	if j > i+2 && j+1 < hi && s[j] == '_' && s[j+1] == '_' {
		return j + 2, true
	}
	return i, false
}

// splitParams splits a template or link body at its top-level pipes.
func (r *renderer) splitParams(lo, hi int) [][2]int {
	s := r.src
	var parts [][2]int
	start := lo
	for i := lo; i < hi; i++ {
		if i+1 < hi {
			if s[i] == '{' && s[i+1] == '{' {
				if e, ok := r.tmatch[i]; ok && e < hi {
					i = e + 1
					continue
				}
			}
			if s[i] == '[' && s[i+1] == '[' {
				if e, ok := r.lmatch[i]; ok && e < hi {
					i = e + 1
					continue
				}
			}
		}
		if s[i] == '|' {
			parts = append(parts, [2]int{start, i})
			start = i + 1
		}
	}
	return append(parts, [2]int{start, hi})
}

func templateName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "template:")
	s = strings.ReplaceAll(s, "_", " ")
	return strings.Join(strings.Fields(s), " ")
}

// template records the template's name and renders the few templates whose
// visible text matters for a description.
func (r *renderer) template(lo, hi, depth int) {
	parts := r.splitParams(lo, hi)
	name := templateName(r.src[parts[0][0]:parts[0][1]])
	if len(r.p.Templates) < maxTemplates && name != "" && len(name) < 100 {
		r.p.Templates = append(r.p.Templates, name)
	}
	if strings.HasPrefix(name, "infobox") && !r.p.HasInfobox {
		r.p.HasInfobox = true
		r.p.Infobox = strings.TrimSpace(strings.TrimPrefix(name, "infobox"))
	}
	positional := func(k int) (int, int, bool) {
		n := 0
		for _, pr := range parts[1:] {
			if strings.IndexByte(r.src[pr[0]:pr[1]], '=') >= 0 && !strings.Contains(r.src[pr[0]:pr[1]], "[[") && !strings.Contains(r.src[pr[0]:pr[1]], "{{") {
				continue
			}
			n++
			if n == k {
				return pr[0], pr[1], true
			}
		}
		return 0, 0, false
	}
	emit := func(k int) bool {
		a, b, ok := positional(k)
		if ok {
			r.render(a, b, depth+1)
		}
		return ok
	}
	switch name {
	case "nowrap", "nobr", "small", "big", "sic", "not a typo", "ill", "nihongo", "nihongo2", "lang-en", "smallcaps", "abbr", "vs", "w", "wikt", "as written":
		emit(1)
	case "lang":
		emit(2)
	case "convert", "cvt":
		if emit(1) {
			r.out.WriteByte(' ')
			emit(2)
		}
	}
}

// nsDrop are namespaces whose links render as nothing (files) in any
// language the test data uses.
var nsDrop = map[string]bool{"file": true, "image": true, "media": true, "datei": true, "bild": true, "fichier": true, "imagen": true, "archivo": true,
	"lêer": true, "beeld": true, "bestand": true, "ficheiro": true, "plik": true, "файл": true, "soubor": true, "fil": true, "tiedosto": true, "immagine": true}

var nsCategory = map[string]bool{"category": true, "kategorie": true, "catégorie": true, "categoría": true}

// link renders [[...]] whose body is src[lo:hi] and returns the position
// after it (link trail included).
func (r *renderer) link(lo, hi, limit, depth int) int {
	s := r.src
	next := hi + 2
	parts := r.splitParams(lo, hi)
	rawTarget := s[parts[0][0]:parts[0][1]]
	visible := strings.HasPrefix(strings.TrimSpace(rawTarget), ":")
	target := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(rawTarget), ":"))
	if k := strings.IndexByte(target, ':'); k > 0 {
		ns := strings.ToLower(strings.TrimSpace(target[:k]))
		switch {
		case nsDrop[ns] && !visible:
			return next
		case nsCategory[ns] && !visible:
			if c := NormalizeTitle(target[k+1:]); c != "" {
				r.p.Categories = append(r.p.Categories, c)
			}
			return next
		case isInterwiki(ns) && !visible:
			return next
		}
		// other namespaces (Wikipedia:, Portal:, ...) render their text but
		// are not entity links
		r.renderAnchor(parts, lo, hi, target, depth)
		return next
	}
	start := r.out.Len()
	r.renderAnchor(parts, lo, hi, target, depth)
	// link trail: letters right after ]] join the anchor
	for next < limit {
		c, n := utf8.DecodeRuneInString(s[next:limit])
		if c == utf8.RuneError || !unicode.IsLetter(c) || c > 0x24f {
			break
		}
		r.out.WriteString(s[next : next+n])
		next += n
	}
	if strings.HasPrefix(target, "#") {
		return next
	}
	t := NormalizeTitle(target)
	anchor := strings.TrimSpace(r.out.String()[start:])
	if t != "" && anchor != "" && len(t) < 256 {
		r.p.Links = append(r.p.Links, Link{Target: t, Anchor: strings.Clone(collapseSpace(anchor))})
	}
	return next
}

func (r *renderer) renderAnchor(parts [][2]int, lo, hi int, target string, depth int) {
	if len(parts) == 1 {
		r.render(lo, hi, depth+1)
		return
	}
	last := parts[len(parts)-1]
	if last[0] == last[1] && len(parts) == 2 {
		// pipe trick [[Paris (band)|]] shows "Paris"
		t := target
		if k := strings.Index(t, " ("); k > 0 {
			t = t[:k]
		}
		r.out.WriteString(t)
		return
	}
	r.render(parts[1][0], last[1], depth+1)
}

func isInterwiki(ns string) bool {
	if len(ns) >= 2 && len(ns) <= 3 {
		for _, c := range ns {
			if c < 'a' || c > 'z' {
				return false
			}
		}
		return true
	}
	switch ns {
	case "simple", "commons", "wikt", "wiktionary", "wikisource", "wikiquote", "wikinews", "wikibooks", "wikispecies", "wikidata", "species", "meta", "zh-yue", "be-tarask", "zh-min-nan":
		return true
	}
	return false
}

// external renders [http://example.org label] as "label".
func (r *renderer) external(i, hi, depth int) (int, bool) {
	s := r.src[i+1 : hi]
	if !(strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "ftp://")) {
		return i, false
	}
	end := strings.IndexAny(s[1:min(len(s), maxTagLen)], "[]\n") + 1
	if end <= 0 || s[end] != ']' {
		return i, false
	}
	body := s[:end]
	if k := strings.IndexByte(body, ' '); k >= 0 {
		r.render(i+1+k+1, i+1+end, depth+1)
	}
	return i + 1 + end + 1, true
}

const maxTagLen = 2048

// dropContent are tags whose content is not prose.
var dropContent = map[string]bool{
	"ref": true, "math": true, "gallery": true, "timeline": true, "score": true,
	"syntaxhighlight": true, "source": true, "imagemap": true, "templatedata": true,
	"chem": true, "ce": true, "graph": true, "mapframe": true, "references": true,
	"hiero": true, "poem": false, "table": true, "code": true, "pre": true, "inputbox": true,
	"categorytree": true, "maplink": true, "noinclude": true, "style": true, "script": true,
}

// tag removes an HTML or extension tag at src[i] ('<'), with its content
// when the content is not prose.
func (r *renderer) tag(i, hi int) (int, bool) {
	s, low := r.src, r.low
	j := i + 1
	closing := false
	if j < hi && s[j] == '/' {
		closing = true
		j++
	}
	k := j
	for k < hi && ((low[k] >= 'a' && low[k] <= 'z') || (k > j && low[k] >= '0' && low[k] <= '9')) {
		k++
	}
	if k == j {
		return i, false
	}
	name := low[j:k]
	// a tag ends within maxTagLen bytes; bounding the search keeps
	// "<a<a<a…" linear
	gt := strings.IndexAny(s[k:min(hi, k+maxTagLen)], "<>")
	if gt < 0 || s[k+gt] != '>' {
		return i, false
	}
	end := k + gt + 1
	if closing {
		return end, true
	}
	selfClosing := s[end-2] == '/'
	if name == "br" {
		r.out.WriteByte(' ')
		return end, true
	}
	if selfClosing || !dropContent[name] {
		return end, true
	}
	c := strings.Index(low[end:hi], "</"+name)
	if c < 0 {
		return hi, true // unclosed <ref> swallows the rest, as MediaWiki does
	}
	c += end
	gt = strings.IndexByte(s[c:hi], '>')
	if gt < 0 {
		return hi, true
	}
	return c + gt + 1, true
}

// tidy decodes entities and collapses blank space, keeping paragraph breaks.
func tidy(s string) string {
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	nl, sp := 0, false
	for _, c := range s {
		switch {
		case c == '\n':
			nl++
			sp = false
		case c == '\u00a0' || c == '\u200b' || unicode.IsSpace(c):
			sp = true
		default:
			if b.Len() > 0 {
				if nl >= 2 {
					b.WriteString("\n\n")
				} else if nl == 1 {
					b.WriteByte('\n')
				} else if sp {
					b.WriteByte(' ')
				}
			}
			nl, sp = 0, false
			b.WriteRune(c)
		}
	}
	return b.String()
}

func collapseSpace(s string) string {
	if !strings.ContainsAny(s, "\n\t\r  ") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

func letterCount(s string) int {
	n := 0
	for _, c := range s {
		if unicode.IsLetter(c) {
			n++
		}
	}
	return n
}

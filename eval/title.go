package eval

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Prefixes of entity URIs that carry a Wikipedia title in their last path
// segment. DBpedia resource URIs are percent-encoded; Wikipedia URLs too.
var titleURIPrefixes = []string{
	"http://dbpedia.org/resource/",
	"https://dbpedia.org/resource/",
	"http://en.wikipedia.org/wiki/",
	"https://en.wikipedia.org/wiki/",
}

// NormalizeTitle returns the comparison key of a Wikipedia title: DBpedia
// resource URIs and Wikipedia URLs are reduced to their percent-decoded title,
// underscores become spaces, runs of white space collapse to one space, and
// the first letter is upper-cased because MediaWiki treats it as
// case-insensitive. "NIL" and the empty string normalise to "" (no entity).
//
// Plain titles are not percent-decoded: "100% Pure" is a legal title.
func NormalizeTitle(t string) string {
	t = strings.TrimSpace(t)
	if t == "" || t == "NIL" || t == "--NME--" {
		return ""
	}
	for _, p := range titleURIPrefixes {
		if strings.HasPrefix(t, p) {
			t = t[len(p):]
			if d, err := url.PathUnescape(t); err == nil {
				t = d
			}
			break
		}
	}
	t = strings.ReplaceAll(t, "_", " ")
	t = strings.Join(strings.Fields(t), " ")
	if t == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(t)
	if u := unicode.ToUpper(r); u != r {
		t = string(u) + t[n:]
	}
	return t
}

// Canonical resolves a gold or predicted title to the key the scorer
// compares: the KB's canonical title when the KB knows it (redirects
// resolved), else the normalised title itself; "" for NIL. The boolean says
// whether the KB knew it.
func Canonical(kb KB, title string) (string, bool) {
	n := NormalizeTitle(title)
	if n == "" {
		return "", false
	}
	if kb == nil {
		return n, false
	}
	c, ok := kb.Resolve(n)
	if !ok {
		return n, false
	}
	return NormalizeTitle(c), true
}

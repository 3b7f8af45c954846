package pipeline

import (
	"unicode/utf8"

	"github.com/linkstream/linkstream/kb"
)

// goldMentions turns given code-point spans into mentions, looking each
// span's text up in the KB: through the surface automaton first (the cached
// path the spotter uses), then the KB's normalised and fuzzy look-ups.
// Spans outside the text or inverted are skipped.
func (l *Linker) goldMentions(text string, toks []token, spans []Span, out []mention) []mention {
	byteAt := make([]int, 0, len(text)+1)
	for i := range text {
		byteAt = append(byteAt, i)
	}
	byteAt = append(byteAt, len(text))
	n := utf8.RuneCountInString(text)
	for _, sp := range spans {
		if sp.Start < 0 || sp.End > n || sp.Start >= sp.End {
			continue
		}
		start, end := byteAt[sp.Start], byteAt[sp.End]
		from, to := tokenRange(toks, start, end)
		out = append(out, mention{tokFrom: from, tokTo: to, start: start, end: end,
			norm: kb.Normalize(text[start:end]), entry: l.lookupSpan(text[start:end]), follows: -1})
	}
	return out
}

// tokenRange gives the tokens overlapping bytes [start, end).
func tokenRange(toks []token, start, end int) (from, to int) {
	from = len(toks)
	for i, t := range toks {
		if t.end > start && from == len(toks) {
			from = i
		}
		if t.start < end {
			to = i + 1
		}
	}
	return from, max(to, from)
}

func (l *Linker) lookupSpan(surface string) *surfaceEntry {
	var norm normTokens
	toks := tokenize(surface, nil)
	norm.reset(surface, toks)
	w := l.kb.Walker()
	ok := len(toks) > 0
	for i := 0; ok && i < len(toks); i++ {
		if i > 0 {
			ok = w.Step(" ")
		}
		ok = ok && w.Step(norm.of(i))
	}
	if ok {
		if key, match := w.Match(); match {
			return l.cands.get(key)
		}
	}
	cands := l.kb.Lookup(surface)
	if len(cands) == 0 {
		cands = l.kb.LookupFuzzy(surface, 1)
	}
	return l.cands.load(l.surfaceInfo(surface), cands)
}

func (l *Linker) surfaceInfo(surface string) kb.SurfaceInfo {
	info, _ := l.kb.Surface(surface)
	return info
}

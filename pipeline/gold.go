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
		entry, name := l.lookupSpan(text[start:end])
		out = append(out, mention{tokFrom: from, tokTo: to, start: start, end: end, norm: name, entry: entry, follows: -1})
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

// lookupSpan finds a given span's candidates and the normalised name it
// found them under: the whole span through the surface automaton (the
// cached path the spotter uses), then the name without the designators it
// ends with ("Georgia Power Co" → "Georgia Power") or the title before it
// ("Dr. Steven Rosenberg"), then the KB's normalised and fuzzy look-ups.
func (l *Linker) lookupSpan(surface string) (*surfaceEntry, string) {
	var norm normTokens
	toks := tokenize(surface, nil)
	norm.reset(surface, toks)
	from := 0
	if _, title := honorifics[firstWord(surface, toks)]; title && len(toks) > 1 {
		from = 1
	}
	end := nameEnd(surface, toks, 0, len(toks))
	tries := [...][2]int{{0, len(toks)}, {0, end}, {from, nameEnd(surface, toks, from, len(toks))}}
	if end >= 2 && end == len(toks)-1 && isShortDesignator(surface[toks[end].start:toks[end].end]) {
		tries[0], tries[1] = tries[1], tries[0] // "Exxon Mobil Corp." is "Exxon Mobil" (spotRange)
	}
	for _, r := range tries {
		if key, ok := l.walkPhrase(&norm, r[0], r[1]); ok {
			e := l.cands.spelt(surface, toks, r[0], r[1], key)
			if r[1] < len(toks) {
				if company := companySenses(e); company != nil {
					e = company // a legal form after the name: a company's
				}
			}
			return e, norm.phrase(r[0], r[1])
		}
	}
	cands := l.kb.Lookup(surface)
	if len(cands) == 0 {
		cands = l.kb.LookupFuzzy(surface, 1)
	}
	if len(cands) == 0 {
		if key, to, ok := l.leadingName(surface, toks, &norm); ok {
			return l.cands.get(key), norm.phrase(0, to)
		}
	}
	return l.cands.load(l.surfaceInfo(surface), cands), kb.Normalize(surface)
}

// leadingName finds, in a span the KB does not know, the longest leading
// run of tokens [0, to) it does know as a name: news writes an
// organisation's name followed by words of its own ("Ocean Spray
// Cranberries", "the MSN network", "State Street Research"), and the name
// is where the candidates are. The run must begin with a capitalised word
// and be more than one word unless that word is an acronym: one
// capitalised word opens many names it is not the name of
// ("Globalization Studies Center", "Alameen Khalifa Fahima").
func (l *Linker) leadingName(surface string, toks []token, norm *normTokens) (key kb.SurfaceKey, to int, ok bool) {
	if len(toks) < 2 || !toks[0].upper {
		return 0, 0, false
	}
	for to = len(toks) - 1; to >= 1; to-- {
		if to == 1 && !isAcronym(surface[toks[0].start:toks[0].end]) {
			break
		}
		if key, ok = l.walkPhrase(norm, 0, to); ok {
			return key, to, true
		}
	}
	return 0, 0, false
}

func firstWord(text string, toks []token) string {
	if len(toks) == 0 {
		return ""
	}
	return text[toks[0].start:toks[0].end]
}

// walkPhrase walks the KB's surface automaton over tokens [from, to).
func (l *Linker) walkPhrase(norm *normTokens, from, to int) (kb.SurfaceKey, bool) {
	if from >= to {
		return 0, false
	}
	w := l.kb.Walker()
	for i := from; i < to; i++ {
		if i > from && !w.Step(" ") || !w.Step(norm.of(i)) {
			return 0, false
		}
	}
	return w.Match()
}

func (l *Linker) surfaceInfo(surface string) kb.SurfaceInfo {
	info, _ := l.kb.Surface(surface)
	return info
}

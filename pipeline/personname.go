package pipeline

import (
	"strings"

	"github.com/linkstream/linkstream/kb"
)

// Persons are named by the words of their names: a given name, a
// surname, both, or a nickname the dictionary knows well enough to make
// it the name's first sense ("Dubya"). The web's anchors also give a
// person strings of what the person stood for: "Republicans" (George W.
// Bush, 0.13 of it), "Democrats" (John F. Kennedy), "President", "Manuel"
// (Geoff Love, who recorded as Manuel), and in a story about the person a
// described person's coherence then beats the party. A person that is
// not the mention's first sense and shares no word with it is dropped
// from its candidates; acronyms keep theirs ("JFK").
func personsByName(text string, mentions []mention) {
	for i := range mentions {
		m := &mentions[i]
		if len(m.entry.cands) < 2 || isAcronym(text[m.start:m.end]) {
			continue
		}
		top := &m.entry.cands[0]
		m.entry = m.entry.narrowed(func(c *candidate) bool { return c == top || !namelessPerson(m.norm, c) })
	}
}

// namelessPerson: the candidate is a person whose title holds none of the
// words of the mention's normalised name, nor the stem of one
// ("Aristotelian" is Aristotle's word, "Freudian" Freud's).
func namelessPerson(name string, c *candidate) bool {
	if c.typ != kb.PER.String() {
		return false
	}
	// cut, not Fields: this runs on every person among the candidates
	for rest := name; rest != ""; {
		var w string
		w, rest, _ = strings.Cut(rest, " ")
		for title := c.titleNorm; title != ""; {
			var t string
			t, title, _ = strings.Cut(title, " ")
			if sameStem(w, t) {
				return false
			}
		}
	}
	return true
}

// sameStem: a and b are one word, or words that open with the same
// letters but for the last two of the shorter, four at least ("marx" and
// "marxist", "aristotle" and "aristotelian").
func sameStem(a, b string) bool {
	if a == b {
		return true
	}
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n >= 4 && n >= min(len(a), len(b))-2
}

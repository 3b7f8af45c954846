package pipeline

import (
	"strings"

	"github.com/linkstream/linkstream/kb"
)

// A capitalised word right after "in", "near" or "outside" names a place
// where the KB has a place of that name at all often: "in Phoenix" is
// Phoenix, Arizona, not the bird that "Phoenix" more often means, and "in
// Jordan" the country. The rule is deterministic, as the dateline's city
// is: such a mention drops the candidates the KB knows are no place
// (typed a person or an organisation, or described without being typed
// a place); those it knows only by name stay, as they may be places.

// placePrepositions are the words after which a name is a place's.
// Others that often precede places ("at", "of", "from", "to") precede
// companies and persons as often: "at Target", "the lawyer of Jackson".
var placePrepositions = map[string]struct{}{
	"in": {}, "near": {}, "outside": {}, "across": {}, "throughout": {}, "around": {},
}

// inPlace: token i follows a place preposition, a space apart.
func inPlace(text string, toks []token, i int) bool {
	if i == 0 || text[toks[i-1].end:toks[i].start] != " " {
		return false
	}
	_, ok := placePrepositions[strings.ToLower(text[toks[i-1].start:toks[i-1].end])]
	return ok
}

// placedPlacePrior is the prior a place sense of a name needs after a
// place preposition to make the name a place's ("in Phoenix": Phoenix,
// Arizona has 0.29 of "Phoenix", the bird 0.26; "in Congress" has no
// place of note).
const placedPlacePrior = 0.2

// placeAbove: one of the entry's candidates is a place of prior p or more.
func placeAbove(e *surfaceEntry, p float64) bool {
	for i := range e.cands {
		if e.cands[i].prior >= p && isPlace(&e.cands[i]) {
			return true
		}
	}
	return false
}

// placesIn drops the candidates that are no place from the mentions after
// a place preposition, where one of their places has placedPlacePrior.
func placesIn(text string, toks []token, mentions []mention) {
	for i := range mentions {
		m := &mentions[i]
		if !inPlace(text, toks, m.tokFrom) || !placeAbove(m.entry, placedPlacePrior) || languageOf(text[m.start:m.end], m.entry) >= 0 {
			continue // "in German" is the language
		}
		// never nil: one of them is a place
		m.entry = m.entry.narrowed(func(c *candidate) bool { return isPlace(c) || c.typ == kb.MISC.String() && c.desc == "" })
	}
}

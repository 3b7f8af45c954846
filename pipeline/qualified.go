package pipeline

import (
	"slices"
	"strings"

	"github.com/linkstream/linkstream/kb"
)

// Qualified institutions. News names an institution by its kind when the
// story has said where it is: "the Supreme Court" of a story from Florida
// is the Supreme Court of Florida, "the legislature" the Florida
// Legislature, "the President" in Cairo the President of Egypt, "the
// Finance Ministry" the Ministry of Finance (Japan). The KB's candidates of
// the bare name are whatever the web links it to most (the United States'
// court, or worse). So a mention that names an institution gains, as
// candidates, the KB's titles that qualify its name with a place the
// document links confidently, in the shapes Wikipedia titles them: "X of
// P", "X of the P", "P X", "X (P)", and, for a mention written "P X"
// ("Florida Supreme Court"), "X of P". A place written right before the
// name ("Florida Supreme Court" delimited "Supreme Court", "Egyptian
// President") makes its qualified title the one candidate. They are
// marked by FeatureQualified, and the fitted score weighs them against
// the rest. The cost is a handful of title look-ups for the few mentions
// that name an institution.

// institutionWords are the heads of institutions' names.
var institutionWords = map[string]struct{}{
	"court": {}, "ministry": {}, "department": {}, "party": {}, "legislature": {}, "parliament": {},
	"assembly": {}, "senate": {}, "congress": {}, "council": {}, "commission": {}, "police": {},
	"army": {}, "navy": {}, "government": {}, "president": {}, "governor": {}, "cabinet": {},
	"university": {}, "bank": {}, "agency": {}, "office": {}, "guard": {}, "legislative": {},
}

// maxPlaces bounds the places a document lends its institutions.
const maxPlaces = 6

// qualify adds the qualified candidates and scores the mentions that gained
// some anew.
func (l *Linker) qualify(text string, toks []token, norm *normTokens, mentions []mention, scores []mentionScores) {
	var places []string // base names of the document's confident places
	var redo []int
	for _, i := range textOrder(mentions) {
		m := &mentions[i]
		if m.follows >= 0 || !namesInstitution(m.norm) {
			continue
		}
		name := nameCase(text[m.start:m.end])
		if c, ok := l.institutionOfPlaceBefore(text, toks, norm, m.tokFrom, name); ok {
			m.entry = &surfaceEntry{cands: []candidate{c}}
			redo = append(redo, i)
			continue
		}
		if places == nil {
			places = confidentPlaces(mentions, scores)
		}
		var found []candidate
		for _, p := range places {
			for _, title := range qualifiedTitles(name, p) {
				id, ok := l.kb.EntityByTitle(title)
				if !ok || slices.ContainsFunc(m.entry.cands, isEntity(id)) || slices.ContainsFunc(found, isEntity(id)) {
					continue
				}
				found = append(found, l.cands.entity(id))
			}
		}
		if len(found) > 0 {
			m.entry = joined(m.entry, found, func(c *candidate) { c.qualified = true })
			redo = append(redo, i)
		}
	}
	if len(redo) > 0 {
		l.scoreSome(text, toks, mentions, scores, redo)
	}
}

// maxPlaceWords bounds the words of a place written before an institution.
const maxPlaceWords = 3

// institutionOfPlaceBefore is the institution that a place written right
// before its name, as a name or an adjective, makes certain ("Florida
// Supreme Court" is the Florida Supreme Court, "Egyptian President" the
// President of Egypt, though an annotator may delimit "Supreme Court" and
// "President" alone): the KB's title qualifying name with one of the two
// most probable senses of the longest KB string of capitalised words
// before token t. It is the mention's one candidate, as a place's state
// makes "Place, State" (states.go).
func (l *Linker) institutionOfPlaceBefore(text string, toks []token, norm *normTokens, t int, name string) (candidate, bool) {
	for from := max(t-maxPlaceWords, 0); from < t; from++ {
		if !wordsOfOneName(text, toks, from, t) {
			continue
		}
		key, ok := l.walkPhrase(norm, from, t)
		if !ok {
			continue
		}
		e := l.cands.get(key)
		for _, sense := range e.cands[:min(2, len(e.cands))] {
			for _, title := range qualifiedTitles(name, kb.BaseTitle(sense.title)) {
				if id, ok := l.kb.EntityByTitle(title); ok {
					c := l.cands.entity(id)
					c.prior, c.qualified = 1, true
					return c, true
				}
			}
		}
	}
	return candidate{}, false
}

// wordsOfOneName: tokens [from, to) are capitalised, not a function word
// first, and apart from each other and from token to by single spaces.
func wordsOfOneName(text string, toks []token, from, to int) bool {
	if isFunctionWord(strings.ToLower(text[toks[from].start:toks[from].end])) {
		return false
	}
	for k := from; k < to; k++ {
		if !toks[k].upper || !nameWordsJoined(text, toks, k) {
			return false
		}
	}
	return true
}

// namesInstitution: a word of the normalised name is an institution's head.
func namesInstitution(norm string) bool {
	for w := range strings.FieldsSeq(norm) {
		if _, ok := institutionWords[w]; ok {
			return true
		}
	}
	return false
}

// confidentPlaces are the base names ("Florida" of "Florida") of the
// places the document's mentions link to with at least coherenceConfidence
// under the cheap score, each once, at most maxPlaces.
func confidentPlaces(mentions []mention, scores []mentionScores) []string {
	places := []string{}
	for i := range mentions {
		ms := &scores[i]
		if ms.best < 0 || ms.p[ms.best] < coherenceConfidence {
			continue
		}
		c := &mentions[i].entry.cands[ms.best]
		if c.typ != kb.LOC.String() {
			continue
		}
		if p := kb.BaseTitle(c.title); !slices.Contains(places, p) && len(places) < maxPlaces {
			places = append(places, p)
		}
	}
	return places
}

// qualifiedTitles are the titles that would name institution name of
// place p.
func qualifiedTitles(name, p string) []string {
	if rest, ok := strings.CutPrefix(name, p+" "); ok {
		return []string{rest + " of " + p, rest + " of the " + p, rest + " (" + p + ")"}
	}
	return []string{name + " of " + p, name + " of the " + p, p + " " + name, name + " (" + p + ")"}
}

// nameCase writes a name as titles do: each word capitalised but the small
// ones ("supreme court" → "Supreme Court", "Department of Natural
// Resources" unchanged).
func nameCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		if i > 0 && isSmallWord(w) {
			continue
		}
		words[i] = capitalised(w)
	}
	return strings.Join(words, " ")
}

func isEntity(id kb.EntityID) func(candidate) bool {
	return func(c candidate) bool { return c.entity == id }
}

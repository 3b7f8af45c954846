package pipeline

import "strings"

// Nationalities. A demonym before a noun ("German advice", "a French
// official", "British beef") says where something is from: the country.
// The dictionary's first sense of the word alone is the language
// ("German" → German language 0.49, Germany 0.27), right for "in German"
// or "speaks French" only. So a mention that has both its language
// ("German language") and a country among its candidates, used
// before a word, and not after a word that calls for a language, has the
// country as its one candidate.

// languageCues are the words before a demonym that make it the language.
var languageCues = map[string]struct{}{
	"in": {}, "into": {}, "from": {}, "speak": {}, "speaks": {}, "spoke": {}, "spoken": {}, "speaking": {},
	"learn": {}, "learning": {}, "taught": {}, "fluent": {}, "translated": {},
}

// languageNouns are the words after a demonym that make it the language.
var languageNouns = map[string]struct{}{
	"language": {}, "speakers": {}, "speaking": {}, "word": {}, "words": {}, "translation": {},
	"dialect": {}, "dialects": {}, "grammar": {}, "text": {}, "version": {}, "subtitles": {},
}

// minCountryPrior is how often the demonym's strings must mean the
// country for it to be the demonym's country.
const minCountryPrior = 0.1

// nationalities narrows to the country the demonyms used before a noun.
func nationalities(text string, toks []token, mentions []mention) {
	for i := range mentions {
		m := &mentions[i]
		if !beforeANoun(text, toks, m.tokTo-1) {
			continue
		}
		word := text[m.start:m.end]
		if languageOf(word, m.entry) < 0 {
			continue
		}
		country := -1
		for j := range m.entry.cands {
			if c := &m.entry.cands[j]; c.typ == "LOC" && c.prior >= minCountryPrior && c.title != word {
				country = j
				break
			}
		}
		if country >= 0 {
			m.entry = &surfaceEntry{cands: []candidate{m.entry.cands[country]}}
		}
	}
}

// languageOf returns the index of the candidate that is the word's
// language ("German language" of "German", and of a headline's
// "GERMAN"), or -1.
func languageOf(word string, e *surfaceEntry) int {
	word = titleCase(word)
	for j := range e.cands {
		if t, ok := strings.CutSuffix(e.cands[j].title, " language"); ok && t == word {
			return j
		}
	}
	return -1
}

// beforeANoun: the word at token k stands before another word of its
// phrase, a space apart, that is no language's noun, and after no word
// that calls for a language.
func beforeANoun(text string, toks []token, k int) bool {
	lower := func(j int) string { return strings.ToLower(text[toks[j].start:toks[j].end]) }
	if k+1 >= len(toks) || text[toks[k].end:toks[k+1].start] != " " || toks[k+1].sentenceStart || !startsWithLetter(lower(k+1)) {
		return false
	}
	if _, ok := languageNouns[lower(k+1)]; ok {
		return false
	}
	if k > 0 {
		if _, ok := languageCues[lower(k-1)]; ok {
			return false
		}
	}
	return true
}

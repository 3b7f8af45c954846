package pipeline

import (
	"slices"
	"strings"

	"github.com/linkstream/linkstream/kb"
)

// Persons the KB does not know. News quotes people nobody wrote an article
// about ("said Al Rohling, who directed …", "Edward Jones analyst
// Stephanie Hoff"), and their surnames alone are strings the dictionary
// gives to something else: "Rohling" is an anchor of Domestic violence,
// "Hoff" of David Hasselhoff, "Lapp" of LAMP. A given name the KB knows
// ("Al", "Stephanie": kb.SurfaceInfo.GivenName) followed by a capitalised
// word, where the KB knows neither the pair nor a person of that surname
// with that given name, is such a person: the pair becomes one mention
// without candidates, NIL typed PER, and document expansion (expand.go)
// makes the surname's other mentions in the story follow it to NIL.

// unknownPersonName is the surface entry of every such name: no
// candidates, and the person flag that types its NIL.
var unknownPersonName = &surfaceEntry{person: true}

// unknownPersons adds the names of persons the KB does not know to the
// spotted mentions (in token order), replacing the spotter's mentions of
// their words.
func (l *Linker) unknownPersons(text string, toks []token, norm *normTokens, quoted *speakers, mentions []mention) []mention {
	var covering []int // token → the mention holding it, or -1; built when needed
	var added []mention
	drop := map[int]bool{}
	for i := 0; i+1 < len(toks); i++ {
		if !toks[i].upper || !toks[i+1].upper && !surnameParticle(text, toks, i+1) || !nameWordsJoined(text, toks, i) {
			continue
		}
		last := i + 1
		for last+1 < len(toks) && surnameParticle(text, toks, last) && nameWordsJoined(text, toks, last) {
			last++ // "Nikolaus van der Pas"
		}
		if isInitial(text, toks, last) && last+1 < len(toks) && toks[last+1].upper && nameWordsJoined(text, toks, last) {
			last++ // "Al J. Rohling"
		}
		name := text[toks[i].start:toks[last].end]
		if !isTitleCaseWord(text[toks[last].start:toks[last].end]) ||
			!l.isGivenName(text, toks, norm, i) && !l.toldOfAsPerson(text, toks, norm, quoted, i, last) {
			continue
		}
		if t, ok := kb.ClassOfName(name); ok && t != kb.PER {
			continue // "Charles River", "Grace Church"
		}
		if key, ok := l.walkPhrase(norm, i, last+1); ok && len(l.cands.get(key).cands) > 0 {
			continue // the KB knows the name
		}
		if covering == nil {
			covering = coveringMentions(toks, mentions)
		}
		if !l.unknownSurname(norm, mentions, covering, i, last) {
			continue
		}
		for t := i; t <= last; t++ {
			if j := covering[t]; j >= 0 {
				drop[j] = true
			}
		}
		added = append(added, mention{tokFrom: i, tokTo: last + 1, start: toks[i].start, end: toks[last].end,
			norm: norm.phrase(i, last+1), entry: unknownPersonName, follows: -1})
		i = last
	}
	for j := range mentions {
		if !drop[j] {
			l.afterCourtesyTitle(text, toks, &mentions[j])
		}
	}
	if len(added) == 0 {
		return mentions
	}
	kept := mentions[:0]
	for j, m := range mentions {
		if !drop[j] {
			kept = append(kept, m)
		}
	}
	mentions = append(kept, added...)
	slices.SortFunc(mentions, func(a, b mention) int { return a.tokFrom - b.tokFrom })
	return mentions
}

// courtesyTitles are the titles written only before a person's name.
var courtesyTitles = map[string]struct{}{"Mr": {}, "Mrs": {}, "Ms": {}, "Dr": {}, "Mr.": {}, "Mrs.": {}, "Ms.": {}, "Dr.": {}}

// afterCourtesyTitle: a one-word mention after "Mr.", "Mrs.", "Ms." or
// "Dr." is a person's name: it keeps only the candidates that are
// persons, and is a person the KB does not know when it has none ("Mr.
// Rohling" is no Domestic violence).
func (l *Linker) afterCourtesyTitle(text string, toks []token, m *mention) {
	t := m.tokFrom
	if m.tokTo-t != 1 || t == 0 || m.entry.person {
		return
	}
	gap := text[toks[t-1].end:toks[t].start]
	if gap != " " && gap != ". " {
		return
	}
	if _, ok := courtesyTitles[text[toks[t-1].start:toks[t].start-1]]; !ok {
		return
	}
	var persons []candidate
	for _, c := range m.entry.cands {
		if c.typ == kb.PER.String() {
			persons = append(persons, c)
		}
	}
	switch {
	case len(persons) == 0:
		m.entry = unknownPersonName
	case len(persons) < len(m.entry.cands):
		e := *m.entry
		e.cands = persons
		m.entry = &e
	}
}

// toldOfAsPerson: the story tells that tokens [first, last], a pair the
// KB does not know, are a person's, where the KB does not flag the first
// as a given name ("Roxanne", "Davitt"): toldOfByName ("McAteer said",
// "spokeswoman Roxanne Hercules", "Davitt McAteer is a mine safety
// expert"), or it quotes the first word too ("said Davitt"). An unknown
// pair has no KB sense to doubt, so either word may be the one quoted.
func (l *Linker) toldOfAsPerson(text string, toks []token, norm *normTokens, quoted *speakers, first, last int) bool {
	if !isTitleCaseWord(text[toks[first].start:toks[first].end]) {
		return false // "NASA Hercules"
	}
	return l.toldOfByName(text, toks, norm, quoted, first, last) ||
		quoted.has(text, toks, norm, norm.of(first)) && !l.commonWord(norm, first)
}

// roleBefore: a person's role stands right before token first
// ("spokeswoman Roxanne Hercules", "security adviser Mowaffak
// al-Rubaie").
func roleBefore(text string, toks []token, first int) bool {
	if first == 0 {
		return false
	}
	_, ok := roleNouns[strings.ToLower(text[toks[first-1].start:toks[first-1].end])]
	return ok
}

// roleNouns are the roles news gives persons next to their names.
var roleNouns = map[string]struct{}{
	"spokesman": {}, "spokeswoman": {}, "spokesperson": {}, "analyst": {}, "economist": {}, "expert": {},
	"professor": {}, "director": {}, "lawyer": {}, "attorney": {}, "researcher": {}, "scientist": {},
	"official": {}, "manager": {}, "coordinator": {}, "engineer": {}, "author": {}, "writer": {}, "reporter": {},
	"correspondent": {}, "chairman": {}, "chairwoman": {}, "executive": {}, "founder": {}, "resident": {},
	"adviser": {}, "advisor": {}, "aide": {}, "prosecutor": {}, "envoy": {}, "ambassador": {}, "negotiator": {},
}

// maxRoleWords is how many words the role after a name is at most into
// its phrase ("a mine safety expert").
const maxRoleWords = 4

// roleFollows: after token last, ", " or "is|was " opens a phrase that
// names a person's role within maxRoleWords words ("Roxanne Hercules,
// chief spokeswoman for", "Davitt McAteer is a mine safety expert").
func roleFollows(text string, toks []token, last int) bool {
	k := last + 1
	if k+1 >= len(toks) {
		return false
	}
	word := func(k int) string { return strings.ToLower(text[toks[k].start:toks[k].end]) }
	switch gap := text[toks[last].end:toks[k].start]; {
	case gap == ", ":
	case gap == " " && (word(k) == "is" || word(k) == "was"):
		k++
	default:
		return false
	}
	for j := k; j < len(toks) && j < k+maxRoleWords; j++ {
		if _, ok := roleNouns[word(j)]; ok {
			return true
		}
	}
	return false
}

// unknownSurname: tokens [given, last] are no part of a longer mention
// the spotter found, and the surname's own candidates hold no person
// whose name has this given name (the KB may know "Hillary Clinton" as
// "Hillary Rodham Clinton" without the pair).
func (l *Linker) unknownSurname(norm *normTokens, mentions []mention, covering []int, given, last int) bool {
	for t := given; t <= last; t++ {
		if j := covering[t]; j >= 0 && (mentions[j].tokFrom < given || mentions[j].tokTo > last+1 || mentions[j].tokTo-mentions[j].tokFrom > 1) {
			return false
		}
	}
	j := covering[last]
	if j < 0 {
		return true
	}
	first := norm.of(given)
	for _, c := range mentions[j].entry.cands {
		if c.typ == kb.PER.String() && kb.ContainsWords(c.titleNorm, first) {
			return false
		}
	}
	return true
}

// isGivenName: token i is a given name the KB knows, written as a name
// ("Al", not "AL"), and not an ordinary word that only opens the sentence
// ("Will", "May"). A given name that is common only as a name ("Ian",
// "John": the KB's strings write it capitalised, kb.SurfaceInfo.ProperNoun)
// opens a sentence as a name.
func (l *Linker) isGivenName(text string, toks []token, norm *normTokens, i int) bool {
	if !isTitleCaseWord(text[toks[i].start:toks[i].end]) {
		return false
	}
	key, ok := l.walkPhrase(norm, i, i+1)
	if !ok {
		return false
	}
	info := l.kb.SurfaceOf(key)
	return info.GivenName && (info.ProperNoun || !toks[i].sentenceStart || float64(info.Zipf) < l.cfg.commonZipf)
}

// opensWithGivenName: token i is a string the KB flags as a given name;
// the surface record says it, without decoding the word's candidates.
func (l *Linker) opensWithGivenName(norm *normTokens, i int) bool {
	key, ok := l.walkPhrase(norm, i, i+1)
	return ok && l.kb.SurfaceOf(key).GivenName
}

// surnameParticle: token i is a particle of persons' names, as the KB
// reads inverted names (kb.IsNameParticle: "van", "der", "ibn").
func surnameParticle(text string, toks []token, i int) bool {
	return kb.IsNameParticle(text[toks[i].start:toks[i].end])
}

// nameWordsJoined: tokens i and i+1 are words of one name, apart by
// nothing but a space.
func nameWordsJoined(text string, toks []token, i int) bool {
	return text[toks[i].end:toks[i+1].start] == " " && !toks[i+1].sentenceStart
}

// isInitial: token i is a capital letter and a dot ("J.").
func isInitial(text string, toks []token, i int) bool {
	w := text[toks[i].start:toks[i].end]
	return len(w) == 2 && w[1] == '.' && w[0] >= 'A' && w[0] <= 'Z'
}

// isTitleCaseWord: a capital, then lower-case letters (an apostrophe or a
// hyphen inside allowed: "O'Donnell", "McAteer" has a capital inside and
// is allowed too); not an acronym.
func isTitleCaseWord(w string) bool {
	if len(w) < 2 || w[0] < 'A' || w[0] > 'Z' {
		return false
	}
	lower := false
	for _, r := range w[1:] {
		switch {
		case r >= 'a' && r <= 'z' || r >= 0x80:
			lower = true
		case r >= 'A' && r <= 'Z', r == '\'', r == '-':
		default:
			return false
		}
	}
	return lower && !strings.HasSuffix(w, "'")
}

// coveringMentions maps each token to the mention that holds it, -1 for
// none.
func coveringMentions(toks []token, mentions []mention) []int {
	covering := make([]int, len(toks))
	for t := range covering {
		covering[t] = -1
	}
	for j, m := range mentions {
		for t := m.tokFrom; t < m.tokTo; t++ {
			covering[t] = j
		}
	}
	return covering
}

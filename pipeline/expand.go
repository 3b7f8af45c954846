package pipeline

import (
	"sort"
	"strings"

	"github.com/linkstream/linkstream/kb"
)

// Document-level consistency: news names a person in full once ("Angela
// Merkel") and by surname after ("Merkel"), in quotes also by the given
// name ("Bob has run into some problems" after "Bob Nardelli"). A token
// equal to the last word of a full name of a person anywhere in the
// document (a headline's surname comes before the story's full name), or
// to the first word of an earlier one when no other person of the
// document shares it and it is no one's surname, follows that name's
// decision, whether or not the KB knows the short form, and whatever
// other entities the short form alone would suggest. So do the initials
// of an earlier name ("BA"), and the nickname of a team or paper named by
// its place before ("the Heat" after "Miami Heat").

// fullFormMinProb is how sure the Linker must be of a full name before short
// forms follow it.
const fullFormMinProb = 0.5

func (l *Linker) expand(text string, toks []token, norm *normTokens, quoted *speakers, mentions []mention, scores []mentionScores, addMentions bool) ([]mention, []mentionScores) {
	type fullForm struct {
		mention int
		start   int
		// nickname: the short form is a word that also names other things
		// ("Heat", "State" of "Florida State"), so it stands for the full
		// name only after "the" ("the Heat", not "State law")
		nickname bool
		// surname: the short form is a person's surname, which stands for
		// the person before the full name too: a headline names by
		// surname ("Riley to have surgery") the person its story then
		// names in full ("MIAMI - Pat Riley is taking a break"). Other
		// short forms follow only an earlier name: a capitalised word
		// before a name that opens with it ("Vice President" before
		// "President Clinton") is no given name.
		surname bool
		// initials: the short form is the name's initials ("BA")
		initials bool
	}
	standsAt := func(full fullForm, t int) bool {
		return !full.nickname || t > 0 && norm.of(t-1) == "the"
	}
	// a headline's initials stand for its story's name too ("EU REJECTS
	// GERMAN PLAN" above "The European Union ..."), whatever the word
	follows := func(full fullForm, t int) bool {
		return full.start < toks[t].start || full.surname && !l.commonWordOpening(toks, norm, t) ||
			full.initials && toks[t].shouted
	}
	var aliases map[string]fullForm
	add := func(short string, full fullForm) {
		if aliases == nil {
			aliases = make(map[string]fullForm)
		}
		if _, seen := aliases[short]; !seen {
			aliases[short] = full
		}
	}
	// given: a person's first word → the full form, or none where two
	// persons of the document share it
	type givenName struct {
		full   fullForm
		entity kb.EntityID
		shared bool
	}
	var given map[string]*givenName
	var unknown []int // persons the KB does not know (unknownperson.go)
	for i := range mentions {
		m, ms := &mentions[i], &scores[i]
		if m.entry.person {
			unknown = append(unknown, i)
			continue
		}
		if m.tokTo-m.tokFrom < 2 || ms.best < 0 || ms.p[ms.best] < fullFormMinProb {
			continue
		}
		c := m.entry.cands[ms.best]
		if (c.typ == "ORG" || c.typ == "MISC") && l.namesPlace(norm, m.tokFrom, m.tokTo-1) {
			add(norm.of(m.tokTo-1), fullForm{mention: i, start: m.start, nickname: true})
		}
		// a person the KB knows by name only may be untyped ("Mal
		// Moore"): a given name opening the name says it is one, and so
		// do the story quoting its last word ("said Moore") and a
		// role beside it ("adviser Mowaffak al-Rubaie"): toldOfByName
		if c.typ == "PER" || c.typ == "MISC" && (l.opensWithGivenName(norm, m.tokFrom) || c.desc == "" && l.toldOfByName(text, toks, norm, quoted, m.tokFrom, m.tokTo-1)) {
			add(norm.of(m.tokTo-1), fullForm{mention: i, start: m.start, surname: true})
			// "The Donald" is Donald Trump, and "The" no given name, nor
			// "You" of "You Can", an anchor of Terri Schiavo's
			if first := norm.of(m.tokFrom); !isFunctionWord(first) {
				if g, seen := given[first]; seen {
					g.shared = g.shared || g.entity != c.entity
				} else {
					if given == nil {
						given = map[string]*givenName{}
					}
					given[first] = &givenName{full: fullForm{mention: i, start: m.start}, entity: c.entity}
				}
			}
		}
		// "British Airways" ... "BA": the initials of a confident name,
		// written in capitals, stand for it
		if acr := initials(text, toks, m.tokFrom, m.tokTo); acr != "" {
			add(acr, fullForm{mention: i, start: m.start, initials: true})
		}
	}
	for first, g := range given {
		if !g.shared {
			add(first, g.full) // a surname, seen first, keeps its key
		}
	}
	// The surname of a person the KB does not know stands for that
	// person, and so for nobody the KB knows, unless a person the KB does
	// know shares it ("Nick Saban" and "Terry Saban").
	for _, i := range unknown {
		add(norm.of(mentions[i].tokTo-1), fullForm{mention: i, start: mentions[i].start, surname: true})
	}
	if aliases == nil {
		return mentions, scores
	}

	covered := make([]bool, len(toks))
	for i := range mentions {
		m := &mentions[i]
		for t := m.tokFrom; t < m.tokTo; t++ {
			covered[t] = true
		}
		if m.tokTo-m.tokFrom == 1 {
			if full, ok := aliases[shortKey(text, toks, norm, m.tokFrom)]; ok && follows(full, m.tokFrom) && standsAt(full, m.tokFrom) {
				m.follows = full.mention
				m.tokFrom = withParticle(text, toks, m.tokFrom)
				m.start = toks[m.tokFrom].start
			}
		}
	}
	if !addMentions {
		return mentions, scores
	}
	for t, tok := range toks {
		if covered[t] || !tok.upper {
			continue
		}
		full, ok := aliases[shortKey(text, toks, norm, t)]
		if !ok || !follows(full, t) || !standsAt(full, t) {
			continue
		}
		from := withParticle(text, toks, t)
		mentions = append(mentions, mention{tokFrom: from, tokTo: t + 1, start: toks[from].start, end: tok.end, norm: norm.of(t),
			entry: mentions[full.mention].entry, follows: full.mention})
		scores = append(scores, mentionScores{best: -1, second: -1})
	}
	return mentions, scores
}

// withParticle is the first token of the short form at token t: the
// particle joined to it by a hyphen, where one is ("al-Rubaie" after
// "Mowaffak al-Rubaie"), else t.
func withParticle(text string, toks []token, t int) int {
	if t > 0 && opensWithParticle(text, toks, t-1) {
		return t - 1
	}
	return t
}

// commonWordOpening: token t opens a sentence and is a common word ("Can
// Ocean Spray get a refund?"), which a surname seen only later in the
// document does not make a name.
func (l *Linker) commonWordOpening(toks []token, norm *normTokens, t int) bool {
	return toks[t].sentenceStart && l.commonWord(norm, t)
}

// commonWord: token t is a word of the language, Zipf commonZipf or more
// (the surface record says it, without decoding the word's candidates).
func (l *Linker) commonWord(norm *normTokens, t int) bool {
	key, ok := l.walkPhrase(norm, t, t+1)
	return ok && float64(l.kb.SurfaceOf(key).Zipf) >= l.cfg.commonZipf
}

// namesPlace: tokens [from, to) are a KB string whose most probable
// sense is a place (isPlace: typed so, or untyped and called one).
func (l *Linker) namesPlace(norm *normTokens, from, to int) bool {
	key, ok := l.walkPhrase(norm, from, to)
	if !ok {
		return false
	}
	e := l.cands.get(key)
	return len(e.cands) > 0 && isPlace(&e.cands[0])
}

// textOrder lists mention indices by start offset: expansion appends
// mentions out of order, and output must follow the text.
func textOrder(mentions []mention) []int {
	order := make([]int, len(mentions))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return mentions[order[a]].start < mentions[order[b]].start })
	return order
}

// shortKey is how a one-token mention is looked up among the short forms:
// an acronym by its capitals ("BA"), any other word normalised.
func shortKey(text string, toks []token, norm *normTokens, t int) string {
	if w := text[toks[t].start:toks[t].end]; isAcronym(w) {
		return "\x00" + w
	}
	return norm.of(t)
}

// initials are the capitals of a name's words as appendInitial reads them
// ("British Airways" → "BA", "Federal Emergency Management Agency" →
// "FEMA"), keyed apart from words; "" when a word does not start with a
// capital letter or there are more than six.
func initials(text string, toks []token, from, to int) string {
	b, ok := []byte{0}, true
	for t := from; t < to; t++ {
		if b, ok = appendInitial(b, text[toks[t].start:toks[t].end]); !ok {
			return ""
		}
	}
	if len(b) < 3 || len(b) > 7 {
		return ""
	}
	return string(b)
}

// smallWords are the words of a name its initials leave out.
var smallWords = [...]string{"of", "and", "the", "for", "de", "&"}

// isSmallWord: one of smallWords, in any case.
func isSmallWord(word string) bool {
	for _, s := range smallWords {
		if strings.EqualFold(word, s) {
			return true
		}
	}
	return false
}

// appendInitial appends what one word of a name adds to its initials: its
// capital letter, or nothing for a small word ("of", "The", "&"); false
// when the word starts with anything but a capital A–Z.
func appendInitial(b []byte, word string) ([]byte, bool) {
	if isSmallWord(word) {
		return b, true
	}
	if word == "" || word[0] < 'A' || word[0] > 'Z' {
		return b, false
	}
	return append(b, word[0]), true
}

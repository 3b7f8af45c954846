package pipeline

import (
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/linkstream/linkstream/kb"
)

// mention is a spotted span: tokens [tokFrom, tokTo), bytes [start, end).
type mention struct {
	tokFrom, tokTo int
	start, end     int
	// norm is the mention as kb.Normalize folds it.
	norm  string
	entry *surfaceEntry
	// follows is the index of the earlier mention whose entity this short
	// form was taken to mean (document-level expansion), or -1.
	follows int
	// dateline: the mention is a wire dateline's place (dateline.go),
	// which the cross-encoder does not read: the story around it is about
	// something else
	dateline bool
}

// normTokens holds every token of a document in the KB's normalised form,
// in one buffer and separated by single spaces, so that the phrase of
// tokens i..j is one slice of it: the spotter walks and memoises phrases
// without building strings.
type normTokens struct {
	buf  []byte
	offs []int // token i is buf[offs[i] : offs[i+1]-1]
}

func (n *normTokens) reset(text string, toks []token) {
	n.buf, n.offs = n.buf[:0], append(n.offs[:0], 0)
	for _, t := range toks {
		n.buf = kb.AppendNormalized(n.buf, text[t.start:t.end])
		n.buf = append(n.buf, ' ')
		n.offs = append(n.offs, len(n.buf))
	}
}

// phrase is tokens [from, to) joined by single spaces.
func (n *normTokens) phrase(from, to int) string {
	b := n.buf[n.offs[from] : n.offs[to]-1]
	if len(b) == 0 {
		return ""
	}
	// The buffer is not written again until the next reset.
	return unsafe.String(&b[0], len(b))
}

func (n *normTokens) of(i int) string { return n.phrase(i, i+1) }

// nameBreak reports whether the text between two tokens ends a name: a
// name runs across spaces, hyphens, apostrophes, ampersands and
// abbreviation dots, but not across a line, a bracket or a quote, and
// across a comma only into a legal or generational suffix ("Pacific
// Sunwear of California, Inc.", "Martin Luther King, Jr."). "Bakersfield,
// California" and "GRAND RAPIDS, Mich." are two mentions, a place and the
// region it lies in, as news benchmarks annotate them, although the KB
// knows the pair as one string.
func nameBreak(gap, next string) bool {
	if strings.ContainsAny(gap, "\n;:()[]{}\"|/“”«»") {
		return true
	}
	return strings.Contains(gap, ",") && !nameSuffix(strings.TrimSuffix(next, "."))
}

// possessive: the gap after a word opens with the apostrophe of a
// possessive the tokenizer left out ("Japan's Nikkei", "Jones' car"): a
// name the KB does not know does not run on across it, so "Japan" is no
// piece of a longer one. (A name the KB knows may: "London's Heathrow
// Airport", "Kids' Choice Awards".)
func possessive(gap string) bool {
	return strings.HasPrefix(gap, "'") || strings.HasPrefix(gap, "’")
}

// spacedDash reports a dash with a space on either side: it sets names
// apart ("BAGHDAD, Iraq - Iraq's adviser", "Lakers - Celtics"), where a
// dash inside a name ("Coca-Cola", "Minneapolis-St. Paul") has none.
func spacedDash(gap string) bool {
	for i, r := range gap {
		if isDash(r) && (i > 0 && gap[i-1] == ' ' || strings.HasPrefix(gap[i+utf8.RuneLen(r):], " ")) {
			return true
		}
	}
	return false
}

// nameSuffix reports whether a word after a comma still belongs to the
// name: a company's legal form (the tokenizer leaves the dot of "Inc."
// out) or a generational suffix.
func nameSuffix(w string) bool {
	switch w {
	case "Jr", "Sr", "II", "III", "IV":
		return true
	}
	return isDesignator(w)
}

// spot finds mentions: at every capitalised token, the longest run of
// tokens that is a KB surface, ends on a capitalised token, and passes the
// link-probability rules; spans never overlap.
// sports says the text is a sports story (teams.go).
func (l *Linker) spot(text string, toks []token, norm *normTokens, sports bool, out []mention) []mention {
	return l.spotRange(text, toks, norm, capitalisedInside(toks, norm), sports, 0, len(toks), out)
}

// spotRange spots the mentions that lie inside tokens [from, limit).
func (l *Linker) spotRange(text string, toks []token, norm *normTokens, named map[string]bool, sports bool, from, limit int, out []mention) []mention {
	var matches [16]spanMatch
	for i := from; i < limit; i++ {
		if !(toks[i].upper || opensWithParticle(text, toks, i)) || !startsWithLetter(text[toks[i].start:toks[i].end]) || notANameStart(text, toks, i) {
			continue
		}
		found := matches[:0]
		var st walkStep
		for j := i; j < limit && j-i < l.cfg.maxTokens; j++ {
			if j > i && (toks[j].sentenceStart || nameBreak(text[toks[j-1].end:toks[j].start], text[toks[j].start:toks[j].end])) {
				break
			}
			if st = l.walks.walk(norm, i, j+1, st.w); !st.w.Alive() {
				break
			}
			if st.match && len(found) < len(matches) {
				switch {
				case toks[j].upper && !yearAfterLowerWord(text, toks, i, j) || j-1 > i && hyphenTail(text, toks, j):
					found = append(found, spanMatch{to: j + 1, key: st.key})
				case j > i:
					found = append(found, spanMatch{to: j + 1, key: st.key, lowerTail: true})
				}
			}
		}
		for k := len(found) - 1; k >= 0; k-- {
			to := found[k].to
			if k > 0 && found[k-1].to == to-1 && to-1-i >= 2 && isShortDesignator(text[toks[to-1].start:toks[to-1].end]) {
				// "Exxon Mobil Corp" is a string of few anchors ("Exxon",
				// 0.83), "Exxon Mobil" of many (ExxonMobil, 0.88): a name
				// of two words or more is looked up without its short
				// legal form, which the span keeps; a one-word name keeps
				// it ("Time Inc.", "News Corp."), and a spelled-out one is
				// often the name's own ("Roundabout Theatre Company")
				continue
			}
			e := l.cands.spelt(text, toks, i, to, found[k].key)
			if found[k].lowerTail && !namesItsTitle(norm.phrase(i, to), e) || l.modifiedName(text, toks, found[:k], e) ||
				l.twoPersons(text, toks, norm, i, to, e) {
				continue
			}
			// The name takes in the designators after it ("Union Carbide
			// Corp"); its key stays the name's.
			end := min(designatorsAfter(text, toks, to), limit)
			if end > to {
				if e = companySenses(e); e == nil {
					continue // "Albany Corp." is no city
				}
			}
			if !l.spottable(text, toks, i, to, e, named[norm.of(i)]) || toks[i].shouted && !l.shoutedName(text, toks, norm, named, i, to, e) ||
				partOfLongerName(text, toks, i, end, limit) && !(sports && scoreFollows(text, toks, end)) ||
				calendarOnly(text, toks, i, to) {
				continue
			}
			start := i
			if k, pe, ok := l.personAfterTitle(text, toks, norm, i, to); ok {
				// "Lakers coach Phil Jackson", "Homeland Security
				// Secretary Michael Chertoff": what the words before the
				// title name is a mention of its own
				out = l.spotRange(text, toks, norm, named, sports, i, titleStart(text, toks, i, k-1), out)
				start, e = k, pe
			}
			out = append(out, mention{tokFrom: start, tokTo: end, start: toks[start].start, end: spanEnd(text, toks, end),
				norm: norm.phrase(start, to), entry: e, follows: -1})
			i = end - 1
			break
		}
	}
	return out
}

// spanMatch is a KB string the spotter found at a token: it ends before
// token to, and key is its normalised surface.
type spanMatch struct {
	to  int
	key kb.SurfaceKey
	// lowerTail: the string ends on a lower-case word ("Star magazine",
	// "Dow Jones industrial average"), a name only where it is its
	// entity's title (namesItsTitle)
	lowerTail bool
}

// namesItsTitle: the normalised phrase is the title of the entry's most
// probable sense read with its bracketed qualifier as the name's last
// word ("Star magazine" is Star (magazine), "Time magazine" Time
// (magazine)): news writes the class word that Wikipedia puts in
// brackets. A title without one does not count: the dictionary holds
// the titles of songs and films, so "Thursday morning" and "Keep your
// cool" would be names.
func namesItsTitle(phrase string, e *surfaceEntry) bool {
	if len(e.cands) == 0 {
		return false
	}
	c := &e.cands[0]
	return strings.HasSuffix(c.title, ")") && c.titleNorm != c.baseNorm && phrase == c.titleNorm
}

// yearAfterLowerWord: token j is a number after a lower-case word of the
// span that opens at token i ("Israel in 1967", a web anchor of the
// Six-Day War): a number capitalises nothing, so the span ends on the
// lower-case word's phrase, a name only where it is its entity's title
// (namesItsTitle). After a capitalised word a number is a name's
// ("Apollo 11", "Windows 95").
func yearAfterLowerWord(text string, toks []token, i, j int) bool {
	return j > i && !toks[j-1].upper && allDigits(text[toks[j].start:toks[j].end])
}

// hyphenTail: token j is the lower-case part of a hyphenated name whose
// first part is capitalised ("Chen Shui-bian", "Kim Dae-jung"), so a name
// may end on it. The spotter asks it only of a name's second word or
// later: a first word's tail is an adjective's ("American-born",
// "V-neck").
func hyphenTail(text string, toks []token, j int) bool {
	return j > 0 && toks[j-1].upper && text[toks[j-1].end:toks[j].start] == "-"
}

// modifiedName: one of the shorter matches of the same start names the
// entity that the longer match's entry e names first, and a possessive or
// a place's preposition follows it inside the longer one ("University of
// Florida in Gainesville", "Japan's Tokyo" of "Japan's Tokyo Mitsubishi
// Bank"): the words after it modify the name (a web anchor took them in),
// and news readers and benchmarks take the name alone. Other lower-case
// words are a name's own ("Guinness Book of Records", "Sharm el-Sheikh").
func (l *Linker) modifiedName(text string, toks []token, shorter []spanMatch, e *surfaceEntry) bool {
	if len(e.cands) == 0 {
		return false
	}
	for _, m := range shorter {
		if next := text[toks[m.to].start:toks[m.to].end]; next != "in" && next != "at" && !possessive(text[toks[m.to-1].end:toks[m.to].start]) {
			continue
		}
		if s := l.cands.get(m.key); len(s.cands) > 0 && s.cands[0].entity == e.cands[0].entity {
			return true
		}
	}
	return false
}

// twoPersons: tokens [from, to) are two persons' full names joined by
// "and" ("Jimmy Page and Robert Plant"), each a KB string that means a
// person first, while the pair, entry e, means first something that is
// no person (an album of theirs): the text names the two, as news
// benchmarks delimit them. Single-word names ("Simon and Garfunkel",
// "Marks and Spencer") keep the pair.
// So are two places ("India and Pakistan", whose pair the dictionary
// gives to the Partition of India), single words too, where the pair
// means first no place itself ("Bosnia and Herzegovina" is one).
func (l *Linker) twoPersons(text string, toks []token, norm *normTokens, from, to int, e *surfaceEntry) bool {
	if len(e.cands) == 0 || e.cands[0].typ == kb.PER.String() {
		return false
	}
	for a := from + 1; a < to-1; a++ {
		if text[toks[a].start:toks[a].end] != "and" {
			continue
		}
		if a-from >= 2 && to-a-1 >= 2 && l.namesPerson(norm, from, a) && l.namesPerson(norm, a+1, to) {
			return true
		}
		return !isPlace(&e.cands[0]) && l.namesPlace(norm, from, a) && l.namesPlace(norm, a+1, to)
	}
	return false
}

// namesPerson: tokens [from, to) are a KB string whose first sense is a
// person, typed so or untyped and opened by a given name (the KB types
// "Robert Plant" by his surname's class word).
func (l *Linker) namesPerson(norm *normTokens, from, to int) bool {
	key, ok := l.walkPhrase(norm, from, to)
	if !ok {
		return false
	}
	e := l.cands.get(key)
	if len(e.cands) == 0 {
		return false
	}
	switch e.cands[0].typ {
	case kb.PER.String():
		return true
	case kb.MISC.String():
		return l.opensWithGivenName(norm, from)
	}
	return false
}

// spottable applies the capitalisation and link-probability rules that keep
// common words from being linked (the seed paper's "Page" → Larry Page).
// namedInside says whether the document capitalises the first word inside
// a sentence somewhere.
func (l *Linker) spottable(text string, toks []token, from, to int, e *surfaceEntry, namedInside bool) bool {
	if len(e.cands) == 0 {
		return false
	}
	single := to-from == 1
	if single {
		word := text[toks[from].start:toks[from].end]
		if termOf(word) == 0 && !isAcronym(word) {
			return false // a stop word, a number or a lone letter
		}
		if isDottedInitials(word) {
			// "U.S. officials say": initials are no word of the language,
			// however common the one they spell ("us")
			return true
		}
	}
	// The place of a wire dateline ("Beirut 8-15 (AFP) -") opens the
	// text, but its capital is a name's.
	if single && isDatelinePlace(text, toks, from) {
		return true
	}
	// A proper noun opening a sentence ("Iraq said", "Japan beat") is a
	// name however common the word frequencies, which fold case, make it,
	// where its clear sense is a person, an organisation or a place.
	nameAtStart := single && toks[from].sentenceStart && e.properNoun && namedEntity(&e.cands[0])
	if single && toks[from].sentenceStart && e.zipf >= l.cfg.commonZipf {
		// An ordinary word opening a sentence ("Instead", "Thousands",
		// "According") is a name only if the document capitalises it
		// inside a sentence too ("China ... in China").
		if !namedInside && !nameAtStart {
			return false
		}
	}
	if single && toks[from].sentenceStart && e.zipf >= conceptZipf && !namedInside && !e.properNoun && !namedEntity(&e.cands[0]) {
		// A less common word opening a sentence ("Economists said",
		// "Analysts expect") whose sense is a concept is the concept's
		// word, not its name.
		return false
	}
	if single && e.lowerSense {
		// A common word as well as a name ("Page", "Same", "March"): at a
		// sentence start the capital says nothing unless the document
		// capitalises the word inside a sentence too, and the name must be
		// the surface's clear sense. A later short form of a full name is
		// found by document expansion instead.
		floor := l.cfg.commonWordPrior
		if afterThe(text, toks, from) {
			floor = min(floor, commonWordPriorAfterThe)
		}
		if isPlace(&e.cands[0]) {
			// a place capitalised where a capital says a name ("a flight
			// to Phoenix", "north Georgia") is the place, however many
			// other senses share the prior: the word's own is the
			// lower-case one
			floor = min(floor, placedPlacePrior)
		}
		if !toks[from].sentenceStart && !toks[from].shouted && inPlace(text, toks, from) && placeAbove(e, placedPlacePrior) {
			// "in Phoenix", "near Memphis": the word after a place's
			// preposition names a place (placesIn narrows it to them)
			return true
		}
		return (!toks[from].sentenceStart || namedInside || nameAtStart) && e.cands[0].prior >= floor
	}
	if !e.counted {
		return true
	}
	if single && toks[from].sentenceStart {
		return e.linkProb >= l.cfg.minLinkProbBOS
	}
	return e.linkProb >= l.cfg.minLinkProb
}

// shoutedName: a span of a line written in capitals ("SOCCER - JAPAN GET
// LUCKY WIN") is a name only where something gives back the case the
// line took away: each word is one the document writes with a capital
// inside a sentence ("Japan ... against Japan"), a dotted abbreviation
// ("U.S."), or a proper noun of the KB's strings (surfaceEntry.properNoun)
// where the span's sense is a person, an organisation or a place.
// "SOCCER" and "GET LUCKY" are no names.
func (l *Linker) shoutedName(text string, toks []token, norm *normTokens, named map[string]bool, from, to int, e *surfaceEntry) bool {
	entity := namedEntity(&e.cands[0])
	for k := from; k < to; k++ {
		if named[norm.of(k)] || strings.Contains(text[toks[k].start:toks[k].end], ".") {
			continue
		}
		key, ok := l.walkPhrase(norm, k, k+1)
		if !entity || !ok || !l.cands.get(key).properNoun {
			return false
		}
	}
	return true
}

// namedEntity: the candidate is typed a person, an organisation or a place.
func namedEntity(c *candidate) bool {
	return c.typ == kb.PER.String() || c.typ == kb.ORG.String() || c.typ == kb.LOC.String()
}

// conceptZipf is how common a word opening a sentence is at least (Zipf
// 3: once in a million words) to be taken for a word of the language
// where its sense is a concept, not a person, organisation or place.
const conceptZipf = 3.0

// commonWordPriorAfterThe is the prior a common word's name needs where
// the word, capitalised inside a sentence, follows "the": the article
// makes it a name ("the Dow", "the Navy", "the Senate"), where a capital
// alone may be a heading's or an emphasis. Calibrated on the development
// sets (0.2 and 0.3 link the same there; 0.4 half as many).
const commonWordPriorAfterThe = 0.3

// afterThe: token i follows the article "the", inside a sentence.
func afterThe(text string, toks []token, i int) bool {
	return i > 0 && !toks[i].sentenceStart && strings.EqualFold(text[toks[i-1].start:toks[i-1].end], "the")
}

// personAfterTitle finds a person's name after a title inside the span
// [from, to): the dictionary's web anchors hold "Vice President Dick
// Cheney", "Homeland Security Secretary Michael Chertoff", "Lakers coach
// Phil Jackson", and news benchmarks delimit the name alone (Dick Cheney).
// It returns the name's first token and surface entry when the last title
// word of the span is followed by a KB string whose most likely sense is a
// person, or is called by that title; the words before the name are left
// unlinked.
func (l *Linker) personAfterTitle(text string, toks []token, norm *normTokens, from, to int) (int, *surfaceEntry, bool) {
	for k := to - 1 - minNameAfterTitle; k >= from; k-- {
		if !isTitleWord(text, toks, k) {
			continue
		}
		word := text[toks[k].start:toks[k].end]
		key, ok := l.walkPhrase(norm, k+1, to)
		if !ok {
			return 0, nil, false
		}
		e := l.cands.get(key)
		if len(e.cands) == 0 || !personTitled(&e.cands[0], word) {
			return 0, nil, false
		}
		return k + 1, e, true
	}
	return 0, nil, false
}

// isTitleWord: token k is a title before a name, capitalised ("Secretary")
// or not ("Lakers coach").
func isTitleWord(text string, toks []token, k int) bool {
	word := text[toks[k].start:toks[k].end]
	if _, title := honorifics[word]; title {
		return true
	}
	_, title := honorifics[capitalised(word)]
	return title && !toks[k].upper
}

// titleStart is the first word of the title whose last word is token k,
// no earlier than from: "Prime" of "British Prime Minister".
func titleStart(text string, toks []token, from, k int) int {
	for k > from && isTitleWord(text, toks, k-1) {
		k--
	}
	return k
}

// personTitled: the candidate is a person, or what the KB says of it
// (its description, or the words of the strings naming it) holds the
// title: "Nouri al-Maliki" has no article and no person-shaped name, but
// the web calls him "prime minister".
func personTitled(c *candidate, title string) bool {
	if c.typ == kb.PER.String() {
		return true
	}
	return kb.ContainsWords(kb.Normalize(c.desc+" "+c.anchorWords), kb.Normalize(title))
}

// minNameAfterTitle is how many tokens a name after a title has at least.
const minNameAfterTitle = 2

// isAcronym: two or more letters, all upper case ("US", "IBM", "NATO").
func isAcronym(word string) bool {
	n := 0
	for _, r := range word {
		if !unicode.IsUpper(r) {
			return false
		}
		n++
	}
	return n >= 2
}

// isDottedInitials: word is two or more capitals each followed by a dot,
// the last dot optional ("U.S.", "U.N.", "D.C").
func isDottedInitials(word string) bool {
	n := 0
	for i := 0; i < len(word); i += 2 {
		if word[i] < 'A' || word[i] > 'Z' || i+1 < len(word) && word[i+1] != '.' {
			return false
		}
		n++
	}
	return n >= 2
}

// partOfLongerName reports whether a one-word match is only a piece of a
// longer capitalised name the KB does not know ("Bank" of "World Bank",
// "Co" of "Toyota Motor Co."): linking the piece would link the wrong
// thing. Titles before a name ("President Bush") and a capital that only
// opens the sentence do not make the name longer, nor do the words from
// limit on (a title after the name: "British" of "British Prime Minister").
func partOfLongerName(text string, toks []token, from, to, limit int) bool {
	if to-from != 1 {
		return false
	}
	joined := func(a, b int) bool { // tokens a and b (a < b) are one name's words
		gap := text[toks[a].end:toks[b].start]
		return toks[b].upper && !toks[b].sentenceStart && !toks[b].shouted && !strings.ContainsAny(gap, ",\n;:()[]{}\"|/“”«»") && !possessive(gap) &&
			!spacedDash(gap)
	}
	// "Page 2" is no Page, but the date of a dateline ("Beirut 8-15
	// (AFP)") makes its place no longer
	if to < limit && joined(to-1, to) && !isDatelinePlace(text, toks, from) {
		return true
	}
	for j := from - 1; j >= 0 && joined(j, j+1); j-- {
		if !toks[j].upper || allDigits(text[toks[j].start:toks[j].end]) {
			break // a number before a name counts it ("the 75 U.S. communities")
		}
		if _, title := honorifics[text[toks[j].start:toks[j].end]]; !title && !toks[j].sentenceStart {
			return true
		}
	}
	return false
}

// scoreFollows: token k is a score after a team's name in a results line
// ("Japan 2 Syria 1", "Leeds 1 Chelsea 0"): a number, then another name
// or the line's end. Elsewhere a number after a name lengthens it ("Page
// 2 of the report").
func scoreFollows(text string, toks []token, k int) bool {
	if k >= len(toks) || !isScore(text[toks[k].start:toks[k].end]) || text[toks[k-1].end:toks[k].start] != " " {
		return false
	}
	if k+1 == len(toks) {
		return true
	}
	next := text[toks[k+1].start:toks[k+1].end]
	return !allDigits(next) && (!startsWithLetter(next) || toks[k+1].upper)
}

func allDigits(w string) bool {
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return w != ""
}

// nameParticles are the lower-case articles that Arabic names join to
// the name with a hyphen ("al-Maliki", "el-Baradei", "ad-Din"). The
// particle is part of the name: news benchmarks delimit "al-Maliki", and
// the KB knows "al-Qaeda" and "al-Jazeera" whole, where "Qaeda" and
// "Jazeera" alone are other strings or none.
var nameParticles = map[string]struct{}{"al": {}, "el": {}, "ad": {}, "ar": {}, "ash": {}, "az": {}, "ul": {}}

// opensWithParticle reports whether token i is a name particle joined by
// a hyphen to the capitalised word after it: a name may start there.
func opensWithParticle(text string, toks []token, i int) bool {
	if i+1 >= len(toks) || !toks[i+1].upper || text[toks[i].end:toks[i+1].start] != "-" {
		return false
	}
	_, ok := nameParticles[text[toks[i].start:toks[i].end]]
	return ok
}

// notANameStart reports whether token i cannot open a name although the
// KB may hold a string that starts with it: a function word capitalised
// because it opens the sentence ("The Dow", "In 1997", "But I", "At Ohio
// State": the dictionary's web anchors hold such strings, and "The" is
// no part of the name news benchmarks delimit), the pronoun "I" in any
// form ("I'm" is an anchor of the Main Page), or an abbreviated title
// before a name ("Rep. Barney Frank" is Barney Frank).
func notANameStart(text string, toks []token, i int) bool {
	word := text[toks[i].start:toks[i].end]
	// lower-cased only where a rule can apply: this runs at every
	// capitalised token
	if toks[i].sentenceStart || word[0] == 'I' {
		lower := strings.ToLower(word)
		if _, ok := functionWords[lower]; ok && toks[i].sentenceStart {
			return true
		}
		if _, ok := pronounI[lower]; ok {
			return true
		}
	}
	_, title := honorifics[word]
	return title && toks[i].end < len(text) && text[toks[i].end] == '.' && i+1 < len(toks) && toks[i+1].upper
}

// functionWords open sentences, never names.
var functionWords = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, w := range strings.Fields(`the a an at in on of for but and or if so as to by with from after before
	when while should would could can will we he she they it you me him them this that these
	those there here what who how why where not no yes all some any each every his her their our my your its
	also then thus yet although though because since until unless meanwhile however`) {
		m[w] = struct{}{}
	}
	return m
}()

// isFunctionWord: w, lower case, is one of functionWords.
func isFunctionWord(w string) bool {
	_, ok := functionWords[w]
	return ok
}

var pronounI = map[string]struct{}{"i": {}, "i'm": {}, "i’m": {}, "i'll": {}, "i’ll": {}, "i'd": {}, "i’d": {}, "i've": {}, "i’ve": {}}

// honorifics are words that stand before a name without being part of it,
// as tokens (an abbreviation's dot is no part of its token): "Rep." is Rep.
var honorifics = map[string]struct{}{
	"President": {}, "Prime": {}, "Minister": {}, "Secretary": {}, "Senator": {}, "Sen": {},
	"Governor": {}, "Gov": {}, "Representative": {}, "Rep": {}, "Mayor": {},
	"King": {}, "Queen": {}, "Prince": {}, "Princess": {}, "Pope": {}, "Sheikh": {}, "Chancellor": {},
	"General": {}, "Gen": {}, "Judge": {}, "Justice": {}, "Chief": {}, "Premier": {},
	"Mr": {}, "Mrs": {}, "Ms": {}, "Dr": {}, "Prof": {}, "Lt": {}, "Col": {}, "Capt": {}, "Sgt": {},
	"Adm": {}, "Cmdr": {}, "Sir": {},
	"Lord": {}, "Lady": {}, "Coach": {}, "Director": {}, "Chairman": {}, "Ambassador": {}, "Vice": {},
	"Former": {}, "Foreign": {}, "Defense": {}, "Defence": {}, "Attorney": {}, "Commissioner": {},
}

// capitalisedInside collects the normalised words the document writes
// with a capital inside a sentence: evidence that a word is a name there.
func capitalisedInside(toks []token, norm *normTokens) map[string]bool {
	named := map[string]bool{}
	for i, t := range toks {
		if t.upper && !t.sentenceStart && !t.shouted {
			named[norm.of(i)] = true
		}
	}
	return named
}

func startsWithLetter(word string) bool {
	for _, r := range word {
		return unicode.IsLetter(r)
	}
	return false
}

// calendarOnly reports whether tokens [from, to) are only names of days
// and months, with numbers ("Wednesday", "Dec. 26", "Sept. 11, 2001"):
// dates, which news linking leaves unlinked (they are no named entity of
// the PER/ORG/LOC/MISC kinds), whatever page the KB has for them.
func calendarOnly(text string, toks []token, from, to int) bool {
	for t := from; t < to; t++ {
		w := strings.TrimSuffix(text[toks[t].start:toks[t].end], ".")
		if _, ok := calendarWords[w]; ok || !startsWithLetter(w) {
			continue
		}
		return false
	}
	return true
}

var calendarWords = map[string]struct{}{
	"Monday": {}, "Tuesday": {}, "Wednesday": {}, "Thursday": {}, "Friday": {}, "Saturday": {}, "Sunday": {},
	"Mon": {}, "Tue": {}, "Tues": {}, "Wed": {}, "Thu": {}, "Thur": {}, "Thurs": {}, "Fri": {}, "Sat": {}, "Sun": {},
	"January": {}, "February": {}, "March": {}, "April": {}, "May": {}, "June": {}, "July": {}, "August": {},
	"September": {}, "October": {}, "November": {}, "December": {},
	"Jan": {}, "Feb": {}, "Mar": {}, "Apr": {}, "Jun": {}, "Jul": {}, "Aug": {}, "Sep": {}, "Sept": {}, "Oct": {}, "Nov": {}, "Dec": {},
}

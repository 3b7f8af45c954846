package pipeline

import (
	"slices"
	"strings"
)

// Places with their state. American news writes a place with the state's
// abbreviation after a comma: "BIRMINGHAM, Ala. -", "in Vail, Colo.,",
// "Green Bay, Wis.". The abbreviation names the state, and with it the
// place: Wikipedia titles American places "Birmingham, Alabama", while the
// bare name's candidates are whatever the web links it to most (the
// English city). So the abbreviation becomes a mention of the state, and
// the place before it, when the KB has its "Place, State" title, a mention
// of that title alone.

// stateAbbreviations are the Associated Press abbreviations of the states,
// as tokens (the closing dot is no part of "Ala"; it is of "N.Y.").
var stateAbbreviations = map[string]string{
	"Ala": "Alabama", "Ariz": "Arizona", "Ark": "Arkansas", "Calif": "California", "Colo": "Colorado",
	"Conn": "Connecticut", "Del": "Delaware", "Fla": "Florida", "Ga": "Georgia", "Ill": "Illinois",
	"Ind": "Indiana", "Kan": "Kansas", "Ky": "Kentucky", "La": "Louisiana", "Md": "Maryland",
	"Mass": "Massachusetts", "Mich": "Michigan", "Minn": "Minnesota", "Miss": "Mississippi", "Mo": "Missouri",
	"Mont": "Montana", "Neb": "Nebraska", "Nev": "Nevada", "N.H.": "New Hampshire", "N.J.": "New Jersey",
	"N.M.": "New Mexico", "N.Y.": "New York", "N.C.": "North Carolina", "N.D.": "North Dakota", "Okla": "Oklahoma",
	"Ore": "Oregon", "Pa": "Pennsylvania", "R.I.": "Rhode Island", "S.C.": "South Carolina", "S.D.": "South Dakota",
	"Tenn": "Tennessee", "Tex": "Texas", "Vt": "Vermont", "Va": "Virginia", "Wash": "Washington",
	"W.Va.": "West Virginia", "Wis": "Wisconsin", "Wyo": "Wyoming",
}

// stateAfterPlace returns the state that token k abbreviates after a
// place: a capitalised token, then ", ", then the abbreviation with its
// dot.
func stateAfterPlace(text string, toks []token, k int) (string, bool) {
	if !afterPlace(text, toks, k) {
		return "", false
	}
	word := text[toks[k].start:toks[k].end]
	if !strings.HasSuffix(word, ".") && (toks[k].end >= len(text) || text[toks[k].end] != '.') {
		return "", false
	}
	state, ok := stateAbbreviations[word]
	return state, ok
}

// stateEnd is where the state of token k ends: after the abbreviation's
// dot, which the tokenizer leaves out of "Mass" but not of "N.Y.".
func stateEnd(text string, toks []token, k int) int {
	end := toks[k].end
	if end < len(text) && text[end] == '.' && !strings.HasSuffix(text[toks[k].start:end], ".") {
		end++
	}
	return end
}

// partyState returns the state of a legislator's party and state after
// the name: "Barney Frank, D-Mass.", "John Cornyn (R-Texas)": token k is
// the state's abbreviation or name, after "D-", "R-" or "I-".
func partyState(text string, toks []token, k int) (string, bool) {
	if k < 2 || text[toks[k-1].end:toks[k].start] != "-" {
		return "", false
	}
	switch text[toks[k-1].start:toks[k-1].end] {
	case "D", "R", "I":
	default:
		return "", false
	}
	if gap := text[toks[k-2].end:toks[k-1].start]; gap != ", " && !strings.HasSuffix(gap, "(") {
		return "", false
	}
	word := text[toks[k].start:toks[k].end]
	if state, ok := stateAbbreviations[word]; ok {
		return state, true
	}
	return word, stateNames[word]
}

// afterPlace: token k follows a capitalised token and ", " (or " , ", as
// corpora spaced by their tokenizer write it).
func afterPlace(text string, toks []token, k int) bool {
	if k == 0 || !toks[k-1].upper || toks[k].shouted {
		return false // a headline's capitals say nothing
	}
	gap := text[toks[k-1].end:toks[k].start]
	return gap == ", " || gap == " , "
}

// stateNamedAfterPlace returns the state that tokens [k, k+n) name in
// full after a place ("Columbus, Ohio", "Santa Fe, New Mexico"): the AP
// leaves eight states unabbreviated (Alaska, Hawaii, Idaho, Iowa, Maine,
// Ohio, Texas, Utah), and many papers write them all in full. A capitalised word right after it makes the state a
// part of a longer name ("Columbus, Ohio State University").
func stateNamedAfterPlace(text string, toks []token, k int) (string, bool) {
	if !afterPlace(text, toks, k) {
		return "", false
	}
	for n := 1; n <= 2 && k+n <= len(toks); n++ {
		if n > 1 && text[toks[k+n-2].end:toks[k+n-1].start] != " " {
			break
		}
		name := text[toks[k].start:toks[k+n-1].end]
		if !stateNames[name] {
			continue
		}
		if k+n < len(toks) && toks[k+n].upper && text[toks[k+n-1].end:toks[k+n].start] == " " {
			return "", false
		}
		return name, true
	}
	return "", false
}

// stateNames are the states' names in full: those the AP abbreviates
// and those it never does (Texas is among the former as the older "Tex.").
var stateNames = func() map[string]bool {
	m := map[string]bool{"Alaska": true, "Hawaii": true, "Idaho": true, "Iowa": true, "Maine": true, "Ohio": true, "Utah": true}
	for _, state := range stateAbbreviations {
		m[state] = true
	}
	return m
}()

// stateMentions makes each state abbreviation after a place a mention of
// the state, and the place before it a mention of the KB's "Place, State"
// when the KB has that title: the state said, the place is no longer
// ambiguous, so that title is its only candidate. On gold spans (spotting
// false) the spans stay as given and only their candidates change.
func (l *Linker) stateMentions(text string, toks []token, norm *normTokens, mentions []mention, spotting bool) []mention {
	k0 := 1
	for ; k0 < len(toks); k0++ {
		if _, ok := stateAfterPlace(text, toks, k0); ok {
			break
		}
		if _, ok := partyState(text, toks, k0); ok {
			break
		}
		if _, ok := stateNamedAfterPlace(text, toks, k0); ok {
			break
		}
	}
	if k0 == len(toks) {
		return mentions // most documents: nothing to index
	}
	first := map[int]int{} // a mention's first token → its index
	last := map[int]int{}  // its last token → its index
	covered := map[int]bool{}
	for i := range mentions {
		first[mentions[i].tokFrom], last[mentions[i].tokTo-1] = i, i
		for k := mentions[i].tokFrom; k < mentions[i].tokTo; k++ {
			covered[k] = true
		}
	}
	var added []mention
	for k := k0; k < len(toks); k++ {
		if state, ok := partyState(text, toks, k); ok {
			// "D-Mass." is the state: its letter is the party's
			if e, stateNorm := l.lookupSpan(state); len(e.cands) > 0 {
				m := mention{tokFrom: k, tokTo: k + 1, start: toks[k].start, end: stateEnd(text, toks, k), norm: stateNorm, entry: e, follows: -1}
				if i, ok := first[k-1]; ok && mentions[i].tokTo == k+1 && spotting {
					mentions[i] = m // the spotter's "D-Mass" (a district court)
				} else if i, ok := first[k]; ok && mentions[i].tokTo == k+1 {
					mentions[i].entry = e
				} else if spotting && !covered[k] {
					added = append(added, m)
				}
			}
			continue
		}
		state, ok := stateAfterPlace(text, toks, k)
		if !ok {
			// a state in full is a mention the spotter finds by itself;
			// only the place before it changes
			if state, ok := stateNamedAfterPlace(text, toks, k); ok {
				var placed bool
				added, placed = l.placeBeforeState(text, toks, norm, mentions, last, covered, k, state, spotting, added)
				if i, ok := first[k]; ok && placed {
					// "Atlanta, Georgia": the KB's "Atlanta, Georgia" says
					// the state, not the country
					usState(&mentions[i], state)
				}
			}
			continue
		}
		added, _ = l.placeBeforeState(text, toks, norm, mentions, last, covered, k, state, spotting, added)
		e, stateNorm := l.lookupSpan(state)
		if len(e.cands) == 0 {
			continue
		}
		m := mention{tokFrom: k, tokTo: k + 1, start: toks[k].start, end: stateEnd(text, toks, k), norm: stateNorm, entry: e, follows: -1}
		if i, ok := first[k]; ok && mentions[i].tokTo == k+1 {
			if spotting {
				mentions[i] = m // the spotter's "La" (Los Angeles)
			} else {
				mentions[i].entry = e // a given span keeps its bounds
			}
			continue
		}
		if spotting && !covered[k] {
			added = append(added, m)
		}
	}
	if len(added) == 0 {
		return mentions
	}
	mentions = append(mentions, added...)
	slices.SortFunc(mentions, func(a, b mention) int { return a.tokFrom - b.tokFrom })
	return mentions
}

// placeBeforeState makes the place that ends at token k-1 a mention of
// the KB's "Place, State" when the KB has that title: the spotter's
// mention there takes it as its one candidate, and a place the spotter
// left alone is added (when spotting). placed says the KB had the title.
func (l *Linker) placeBeforeState(text string, toks []token, norm *normTokens, mentions []mention, last map[int]int, covered map[int]bool, k int, state string, spotting bool, added []mention) (_ []mention, placed bool) {
	if i, ok := last[k-1]; ok {
		if e, ok := l.placeInState(text[mentions[i].start:mentions[i].end], state); ok {
			mentions[i].entry = e
			placed = true
		}
	} else if from, e, ok := l.unspottedPlace(text, toks, covered, k-1, state); ok {
		placed = true
		if spotting {
			added = append(added, mention{tokFrom: from, tokTo: k, start: toks[from].start, end: toks[k-1].end,
				norm: norm.phrase(from, k), entry: e, follows: -1})
		}
	}
	return added, placed
}

// usState narrows a state's name in full to the U.S. state where its
// candidates hold one under the name or the name qualified as a state
// ("Georgia (U.S. state)", "Washington (state)").
func usState(m *mention, state string) {
	for _, c := range m.entry.cands {
		if c.title == state || c.title == state+" (U.S. state)" || c.title == state+" (state)" {
			m.entry = &surfaceEntry{cands: []candidate{c}}
			return
		}
	}
}

// placeInState is the surface entry whose one candidate is the KB's
// "place, state", if the KB has that title.
func (l *Linker) placeInState(place, state string) (*surfaceEntry, bool) {
	id, ok := l.kb.EntityByTitle(titleCase(place) + ", " + state)
	if !ok {
		return nil, false
	}
	c := l.cands.entity(id)
	c.prior = 1
	return &surfaceEntry{cands: []candidate{c}}, true
}

// unspottedPlace finds, for a place the spotter left alone, the longest
// run of up to maxPlaceTokens capitalised tokens ending at token to
// (inside one sentence, outside every mention) that the KB titles with the
// state.
func (l *Linker) unspottedPlace(text string, toks []token, covered map[int]bool, to int, state string) (int, *surfaceEntry, bool) {
	from := to
	for from > 0 && to-from+1 < maxPlaceTokens && toks[from-1].upper && !covered[from-1] && !toks[from].sentenceStart &&
		text[toks[from-1].end:toks[from].start] == " " {
		from--
	}
	for ; from <= to; from++ {
		if covered[from] || !toks[from].upper {
			continue
		}
		if e, ok := l.placeInState(text[toks[from].start:toks[to].end], state); ok {
			return from, e, true
		}
	}
	return 0, nil, false
}

// maxPlaceTokens bounds the name of a place before its state.
const maxPlaceTokens = 3

// titleCase writes a place's name as its title does: "BIRMINGHAM" →
// "Birmingham"; a name already in mixed case is kept.
func titleCase(s string) string {
	if !inCapitals(s) {
		return s
	}
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		words[i] = capitalised(w)
	}
	return strings.Join(words, " ")
}

// A legislator or governor "of" a state is the state's: "Sen. Charles
// Schumer of New York", "Gov. Bill Richardson of New Mexico" name New
// York the state, not the city the web links "New York" to as often.

// stateOfficeTitles are the titles before an American legislator's or
// governor's name, as tokens (a dot stays outside "Sen").
var stateOfficeTitles = map[string]struct{}{
	"Sen": {}, "Senator": {}, "Rep": {}, "Representative": {}, "Congressman": {}, "Congresswoman": {},
	"Gov": {}, "Governor": {},
}

// maxOfficeNameWords is how many words the name between the title and
// "of" has at most ("Sen. John D. Rockefeller IV of West Virginia").
const maxOfficeNameWords = 4

// officeStates narrows each mention of a state's name after "Title Name
// of" to the state.
func officeStates(text string, toks []token, mentions []mention) {
	for i := range mentions {
		m := &mentions[i]
		state := titleCase(text[m.start:m.end])
		if !stateNames[state] || !afterOfficeHolder(text, toks, m.tokFrom) {
			continue
		}
		usState(m, state)
	}
}

// afterOfficeHolder: token k follows "of", and before it a title of
// stateOfficeTitles and the office holder's name, of up to
// maxOfficeNameWords capitalised words ("Governor of New York" has none).
func afterOfficeHolder(text string, toks []token, k int) bool {
	if k < 2 || text[toks[k-1].start:toks[k-1].end] != "of" {
		return false
	}
	for j := k - 2; j >= 0 && j >= k-2-maxOfficeNameWords; j-- {
		w := text[toks[j].start:toks[j].end]
		if _, title := stateOfficeTitles[w]; title {
			return true
		}
		if !toks[j].upper {
			return false
		}
	}
	return false
}

package pipeline

// News quotes persons by surname: "said Moore", "Moore says". A word the
// story writes with a capital next to a verb of speech is a person's
// name, whatever else the KB, knowing the full name by name only, can
// tell of it.

// speechVerbs are the verbs of speech news writes right before or after
// the speaker's name.
var speechVerbs = map[string]struct{}{
	"said": {}, "says": {}, "told": {}, "added": {}, "asked": {}, "wrote": {}, "recalled": {},
}

// speakers are the normalised words of the document written as names
// ("Moore") a space from a verb of speech, found on first use.
type speakers struct {
	words map[string]bool
	found bool
}

// has: the document quotes word as a speaker.
func (s *speakers) has(text string, toks []token, norm *normTokens, word string) bool {
	if !s.found {
		s.found = true
		speech := func(k int) bool { // written in lower case, as inside a sentence
			_, ok := speechVerbs[text[toks[k].start:toks[k].end]]
			return ok
		}
		spaced := func(a, b int) bool { return text[toks[a].end:toks[b].start] == " " }
		for k, t := range toks {
			if !t.upper || t.shouted || !(k > 0 && speech(k-1) && spaced(k-1, k) || k+1 < len(toks) && speech(k+1) && spaced(k, k+1)) ||
				!isTitleCaseWord(text[t.start:t.end]) {
				continue
			}
			if s.words == nil {
				s.words = map[string]bool{}
			}
			s.words[norm.of(k)] = true
		}
	}
	return s.words[word]
}

// toldOfByName: tokens [first, last], a name whose first word is no
// common one (companies speak too: "Home Depot said"), are a person's by
// what the story tells of it: its last word is a speaker ("said Moore"),
// or a person's role stands before it or after it ("adviser Mowaffak
// al-Rubaie", "Mal Moore, athletics director").
func (l *Linker) toldOfByName(text string, toks []token, norm *normTokens, quoted *speakers, first, last int) bool {
	if !quoted.has(text, toks, norm, norm.of(last)) && !roleBefore(text, toks, first) && !roleFollows(text, toks, last) {
		return false
	}
	return !l.commonWord(norm, first)
}

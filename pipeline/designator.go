package pipeline

import (
	"strings"

	"github.com/linkstream/linkstream/kb"
)

// Company designators. News names a company with its legal form ("Union
// Carbide Corp", "Hambros Bank Ltd", "Pacific Sunwear of California Inc.",
// "Kidder, Peabody and Co"), while the KB knows it by its name: titles
// lose their suffix when the KB derives names (kb.CompanyName), and the
// dictionary's strings are mostly anchor texts without one. So a mention
// keeps its designators in its span, where readers and benchmarks end the
// name, and is looked up without them when the whole is no KB string.

// designators are the legal forms, as the tokenizer leaves them (no final
// dot; inner dots kept: "S.A").
var designators = map[string]struct{}{
	"Inc": {}, "INC": {}, "Incorporated": {}, "Corp": {}, "CORP": {}, "Corporation": {},
	"Co": {}, "CO": {}, "Cos": {}, "Company": {}, "Ltd": {}, "LTD": {}, "Limited": {},
	"Plc": {}, "PLC": {}, "plc": {}, "LLC": {}, "LLP": {}, "AG": {}, "GmbH": {}, "SpA": {},
	"SPA": {}, "S.p.A": {}, "SA": {}, "S.A": {}, "NV": {}, "N.V": {}, "BV": {}, "B.V": {},
	"AB": {}, "ASA": {}, "Oyj": {}, "Bhd": {}, "Pty": {},
}

// abbreviatedDesignators are written with a final dot, which then belongs
// to the name ("Apple Inc." ends after the dot).
var abbreviatedDesignators = map[string]struct{}{
	"Inc": {}, "Corp": {}, "Co": {}, "Cos": {}, "Ltd": {}, "Bhd": {}, "Pty": {},
	"S.A": {}, "N.V": {}, "B.V": {}, "S.p.A": {},
}

func isDesignator(word string) bool {
	_, ok := designators[word]
	return ok
}

// isShortDesignator: a designator not spelled out ("Corp", not
// "Corporation").
func isShortDesignator(word string) bool {
	switch word {
	case "Company", "Corporation", "Incorporated", "Limited":
		return false
	}
	return isDesignator(word)
}

// designatorRun is how many tokens from i make one designator after the
// name that ends at token i-1: 1 for "Corp", ", Inc.", "& Co"; 2 for
// "and Co"; 0 when token i is no designator or a line, bracket or other
// stop lies between.
func designatorRun(text string, toks []token, i int) int {
	if i == 0 || i >= len(toks) {
		return 0
	}
	word := func(k int) string { return text[toks[k].start:toks[k].end] }
	gap := strings.TrimPrefix(text[toks[i-1].end:toks[i].start], ".")
	switch {
	case gap == " " || gap == ", ":
		if isDesignator(word(i)) {
			return 1
		}
		if word(i) == "and" && i+1 < len(toks) && text[toks[i].end:toks[i+1].start] == " " && isCo(word(i+1)) {
			return 2
		}
	case gap == " & " && isCo(word(i)):
		return 1
	}
	return 0
}

// isCo: the designators that follow "and"/"&" ("Kidder, Peabody & Co.").
func isCo(word string) bool { return word == "Co" || word == "Cos" || word == "Company" }

// designatorsAfter is the token where a name ending at token to (exclusive)
// ends once the designators after it are taken in: to when there are none.
func designatorsAfter(text string, toks []token, to int) int {
	for {
		n := designatorRun(text, toks, to)
		if n == 0 {
			return to
		}
		to += n
	}
}

// nameEnd is where the name of tokens [from, to) ends without the
// designators it closes with ("Georgia Power Co Inc" → "Georgia Power");
// to when it has none, and never from: a designator alone is no name.
func nameEnd(text string, toks []token, from, to int) int {
	for k := from + 1; k < to; k++ {
		if designatorsAfter(text, toks, k) == to {
			return k
		}
	}
	return to
}

// spanEnd is the byte where a mention of tokens up to end (exclusive)
// stops: after the final dot of an abbreviated designator ("Inc.").
func spanEnd(text string, toks []token, end int) int {
	b := toks[end-1].end
	if b < len(text) && text[b] == '.' {
		if _, ok := abbreviatedDesignators[text[toks[end-1].start:b]]; ok {
			return b + 1
		}
	}
	return b
}

// companySenses is the entry of a name a designator follows, without the
// candidates that are places: a legal form makes it a company's ("First
// Albany Corp." is no Albany, New York). Persons stay: firms named after
// their founders are typed persons by their titles' shape (Merrill
// Lynch, Morgan Stanley, Edward Jones Investments). It returns e where it
// has none to drop, and nil where it has nothing else.
func companySenses(e *surfaceEntry) *surfaceEntry {
	return e.narrowed(func(c *candidate) bool { return c.typ != kb.LOC.String() })
}

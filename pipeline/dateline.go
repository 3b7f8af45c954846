package pipeline

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/linkstream/linkstream/kb"
)

// Wire datelines. Wire news opens with the place, the date and the agency
// that wrote the story, then a dash: "BANDAR SERI BEGAWAN, Nov 15 (AFP) -
// …", "Beirut 8-15 (AFP) -", "WASHINGTON (AP) — …", "LOS ANGELES - …".
// The place is a name though it opens the text (isDatelinePlace), the
// dash opens the story's first sentence (datelineBefore), and the name in
// the parentheses, the credit line, is a news agency, whatever else the
// web calls by its letters (the dictionary gives "AFP" to the Apple Filing
// Protocol, prior 0.93). FeatureCredit marks the candidates of a mention
// in a credit line whose description or anchor words speak of news; the
// fitted score decides how much that counts.

// creditLine reports whether the mention at bytes [start, end) stands alone
// in parentheses that a dash or a colon follows.
func creditLine(text string, start, end int) bool {
	before := strings.TrimRight(text[:start], " ")
	after := strings.TrimLeft(text[end:], " ")
	if !strings.HasSuffix(before, "(") || !strings.HasPrefix(after, ")") {
		return false
	}
	rest := strings.TrimLeft(after[1:], " ")
	r, size := utf8.DecodeRuneInString(rest)
	if r == ':' {
		return true
	}
	// the dash stands alone, as a dash does ("(AP) _ In his"), not as
	// the first character of a word ("(AFP) _files_")
	return isDash(r) && (len(rest) == size || rest[size] == ' ')
}

// newsWords are what the KB's text says of a news organisation.
var newsWords = [...]string{"news", "agency", "wire", "newspaper"}

// newsLike reports whether a candidate's description or anchor words hold
// one of newsWords.
func newsLike(c *candidate) bool {
	text := kb.Normalize(c.desc + " " + c.anchorWords)
	for _, w := range newsWords {
		if kb.ContainsWords(text, w) {
			return true
		}
	}
	return false
}

// datelineDate and datelineAgency are the optional parts of a dateline
// after its place: a date (", Nov 15", " 8-15") and the agency in
// parentheses (" (AFP)").
const (
	datelineDate   = `(?:,? (?:[A-Z][a-z]{2,8}\.? )?\d{1,2}(?:[-/]\d{1,2})?,?)?`
	datelineAgency = `,? ?\([A-Z][A-Za-z]{1,10}\)`
)

// datelinePlace matches what follows the place of a wire dateline: an
// optional date, then the agency.
var datelinePlace = regexp.MustCompile(`^` + datelineDate + datelineAgency)

// isDatelinePlace reports whether token i opens the text or a sentence
// and a dateline's date and agency follow it, or, for a word in capitals,
// the dateline's dash ("WASHINGTON — Barack Obama met …").
func isDatelinePlace(text string, toks []token, i int) bool {
	if !toks[i].sentenceStart {
		return false
	}
	rest := text[toks[i].end:min(len(text), toks[i].end+40)]
	capitals := inCapitals(text[toks[i].start:toks[i].end])
	return datelinePlace.MatchString(rest) || capitals && (datelineRest.MatchString(rest) || datelineDated.MatchString(rest))
}

// datelineBefore reports whether the dash at bytes [dash, after) ends a
// wire story's dateline, after which the story's first sentence opens: "BANDAR SERI
// BEGAWAN, Nov 15 (AFP) - The United States …", "LOS ANGELES - The twin
// rovers …". The dash stands between spaces after a closing parenthesis,
// a word in capitals, or a line that is a place in capitals and its
// region ("BAGHDAD, Iraq - Iraq's national security adviser …").
func datelineBefore(text string, dash, after int, toks []token) bool {
	before := text[:dash]
	if !strings.HasSuffix(before, " ") || !strings.HasPrefix(text[after:], " ") {
		return false
	}
	before = strings.TrimRight(before, " ")
	if strings.HasSuffix(before, ")") {
		return true
	}
	if len(toks) == 0 {
		return false
	}
	// a state's abbreviation keeps its dot outside the token ("Fla.")
	if end := toks[len(toks)-1].end; end != len(before) && (end != len(before)-1 || before[end] != '.') {
		return false
	}
	if inCapitals(text[toks[len(toks)-1].start:toks[len(toks)-1].end]) {
		return true
	}
	line := before[strings.LastIndexByte(before, '\n')+1:]
	return datelineLine.MatchString(strings.TrimLeft(line, " "))
}

// inCapitals reports whether a word of two letters or more is written in
// capitals, as a dateline's place is ("WASHINGTON").
func inCapitals(word string) bool {
	return len(word) > 1 && strings.ToUpper(word) == word && strings.ToLower(word) != word
}

// isDash reports a dash as news writes one. The underscore is the LDC's
// newswire em dash (AP and New York Times text of the 2000s: "CAIRO, Egypt
// (AP) _ In his …", "WASHINGTON _ Ralph Nader …", "advertisers _ Empire
// Blue Cross …"); every caller asks for it beside a space, where no name
// or address has one.
func isDash(r rune) bool { return r == '-' || r == '—' || r == '–' || r == '_' }

// The place of a dateline is a city: "NEW YORK — Stocks finished …" is
// New York City, "WASHINGTON (AP) —" Washington, D.C., though the web's
// anchors give "New York" and "Washington" to the states. A mention that
// opens the text or a line and is followed by a dateline's date or agency
// and its dash keeps only its candidates that the KB calls a city, when it
// has some: a deterministic rule, as the state after "Place, " is.

// datelineRest matches what follows a dateline's place up to the dash
// that ends the dateline: an optional date, an optional agency, the dash
// between spaces.
var datelineRest = regexp.MustCompile(`^` + datelineRegion + datelineDate + `(?:` + datelineAgency + `)? (?:-{1,2}|—|–|_) `)

// datelineRegion is the state or country an American wire writes after
// the place: "BAGHDAD, Iraq -", "GRAND RAPIDS, Mich. -", "BUCKHANNON, W.
// Va. -".
const datelineRegion = `(?: ?, [A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*){0,2})?`

// datelineDated matches the rest of a dateline line that a wire ends with
// the day's date instead of a dash: "FRANKFURT 1996-08-22", "AUGUSTA ,
// Georgia 1997-04-10" (the Reuters corpora's layout; the story starts on
// the next line).
var datelineDated = regexp.MustCompile(`^` + datelineRegion + ` \d{4}-\d{2}-\d{2} *(?:\n|$)`)

// datelineLine matches a line that is a dateline's place and region up to
// its dash: "BAGHDAD, Iraq".
var datelineLine = regexp.MustCompile(`^[A-Z][A-Z.' ]*[A-Z.]` + datelineRegion + `$`)

// cityWords are what the KB's text says of a city.
var cityWords = [...]string{"city", "capital", "town", "municipality", "village", "borough", "metropolis"}

// datelineCities narrows the candidates of the mentions that are a
// dateline's place to the cities among them.
func datelineCities(text string, toks []token, mentions []mention) {
	for i := range mentions {
		m := &mentions[i]
		if !toks[m.tokFrom].sentenceStart {
			continue
		}
		rest := text[m.end:min(len(text), m.end+40)]
		if !datelineRest.MatchString(rest) && !(inCapitals(text[toks[m.tokFrom].start:toks[m.tokFrom].end]) && datelineDated.MatchString(rest)) {
			continue
		}
		m.dateline = true
		var cities []candidate
		for j := range m.entry.cands {
			if cityLike(&m.entry.cands[j], m.norm) {
				cities = append(cities, m.entry.cands[j])
			}
		}
		if len(cities) > 0 && len(cities) < len(m.entry.cands) {
			e := *m.entry
			e.cands = cities
			m.entry = &e
		}
	}
}

// cityLike reports whether the KB calls a candidate a city: in its
// description or anchor words, or in the words its title adds to the
// mention's ("New York City" for "NEW YORK"; not "Oklahoma City bombing"
// for "OKLAHOMA CITY").
func cityLike(c *candidate, mention string) bool {
	text := kb.Normalize(c.desc + " " + c.anchorWords)
	for _, w := range cityWords {
		if kb.ContainsWords(text, w) || (kb.ContainsWords(c.titleNorm, w) && !kb.ContainsWords(mention, w)) {
			return true
		}
	}
	return false
}

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
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(after[1:], " "))
	return isDash(r) || r == ':'
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

// datelinePlace matches what follows the place of a wire dateline: an
// optional date ("8-15", "Nov 15"), then the agency in parentheses.
var datelinePlace = regexp.MustCompile(`^,? (?:(?:[A-Z][a-z]{2,8}\.? )?\d{1,2}(?:[-/]\d{1,2})?,? )?\([A-Z][A-Za-z]{1,10}\)`)

// isDatelinePlace reports whether token i opens the text or a sentence
// and a dateline's date and agency follow it.
func isDatelinePlace(text string, toks []token, i int) bool {
	return toks[i].sentenceStart && datelinePlace.MatchString(text[toks[i].end:min(len(text), toks[i].end+40)])
}

// datelineBefore reports whether the dash at bytes [dash, after) ends a
// wire story's dateline, after which the story's first sentence opens: "BANDAR SERI
// BEGAWAN, Nov 15 (AFP) - The United States …", "LOS ANGELES - The twin
// rovers …". The dash stands between spaces after a closing parenthesis
// or a word in capitals.
func datelineBefore(text string, dash, after int, toks []token) bool {
	before := text[:dash]
	if !strings.HasSuffix(before, " ") || !strings.HasPrefix(text[after:], " ") {
		return false
	}
	before = strings.TrimRight(before, " ")
	if strings.HasSuffix(before, ")") {
		return true
	}
	if len(toks) == 0 || toks[len(toks)-1].end != len(before) {
		return false
	}
	last := text[toks[len(toks)-1].start:toks[len(toks)-1].end]
	return len(last) > 1 && strings.ToUpper(last) == last && strings.ToLower(last) != last
}

func isDash(r rune) bool { return r == '-' || r == '—' || r == '–' }

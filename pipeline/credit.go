package pipeline

import (
	"strings"

	"github.com/linkstream/linkstream/kb"
)

// Credit lines. Wire news opens with a dateline and the agency that wrote
// the story, in parentheses before a dash: "BANDAR SERI BEGAWAN, Nov 15
// (AFP) - …", "WASHINGTON (AP) — …". The name there is a news agency,
// whatever else the web calls by its letters (the dictionary gives "AFP"
// to the Apple Filing Protocol, prior 0.93). FeatureCredit marks the
// candidates of a mention in a credit line whose description or anchor
// words speak of news; the fitted score decides how much that counts.

// creditLine reports whether the mention at bytes [start, end) stands alone
// in parentheses that a dash or a colon follows.
func creditLine(text string, start, end int) bool {
	before := strings.TrimRight(text[:start], " ")
	after := strings.TrimLeft(text[end:], " ")
	if !strings.HasSuffix(before, "(") || !strings.HasPrefix(after, ")") {
		return false
	}
	after = strings.TrimLeft(after[1:], " ")
	for _, dash := range []string{"-", "—", "–", ":"} {
		if strings.HasPrefix(after, dash) {
			return true
		}
	}
	return false
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

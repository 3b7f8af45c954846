package pipeline

import (
	"strings"

	"github.com/linkstream/linkstream/kb"
)

// Companies by what they own. What a possessive owns says what kind of
// thing its owner is: a factory, a share price or a chief executive
// belongs to a company ("Tesla's new factory", "Exxon's shares"). The
// dictionary's first sense of such a name is often a person or a thing
// (Nikola Tesla, the tesla unit), and a prior rarely loses to a cue: a
// fitted feature for type cues after a possessive weighed too little to
// move anything (EVALUATION.md), the development sets holding too few of
// them. So where a mention's possessive owns a company's noun and the KB
// has a company among the mention's likelier senses, those companies are
// its only candidates, and the score chooses among them.

// companyNouns are things that, owned in news, only companies own.
var companyNouns = map[string]struct{}{
	"factory": {}, "factories": {}, "plant": {}, "plants": {}, "shares": {}, "stock": {},
	"shareholders": {}, "stockholders": {}, "headquarters": {}, "subsidiary": {}, "subsidiaries": {},
	"ceo": {}, "executive": {}, "executives": {}, "earnings": {}, "profit": {}, "profits": {},
	"revenue": {}, "revenues": {}, "dealers": {}, "dealerships": {}, "stores": {}, "products": {},
	"merger": {}, "takeover": {}, "ipo": {}, "workforce": {},
}

// companyWords, in a candidate's description or the strings naming it,
// say the candidate is a company.
var companyWords = [...]string{
	"company", "companies", "corporation", "manufacturer", "automaker", "carmaker", "firm",
	"retailer", "airline", "conglomerate", "subsidiary", "maker", "inc", "corp",
}

const (
	// ownedNounWords is how far after the possessive the owned noun may
	// stand ("Tesla's new electric car factory" is too far).
	ownedNounWords = 3
	// minCompanyPrior is how often the KB's strings must mean a company
	// for it to be a sense of the mention at all.
	minCompanyPrior = 0.05
)

// ownedByCompany narrows to its companies the candidates of every mention
// whose possessive owns a company's noun, where it has any.
func ownedByCompany(text string, toks []token, mentions []mention) {
	for i := range mentions {
		m := &mentions[i]
		if !ownsCompanyNoun(text, toks, m.tokTo) {
			continue
		}
		if companies := m.entry.narrowed(func(c *candidate) bool { return c.prior >= minCompanyPrior && isCompany(c) }); companies != nil {
			m.entry = companies
		}
	}
}

// ownsCompanyNoun: a possessive ends the name before token to, and one of
// the next ownedNounWords words of its phrase is a company's noun.
func ownsCompanyNoun(text string, toks []token, to int) bool {
	if to == 0 || to >= len(toks) || !possessive(text[toks[to-1].end:toks[to].start]) {
		return false
	}
	for k := to; k < len(toks) && k < to+ownedNounWords; k++ {
		if k > to && strings.Trim(text[toks[k-1].end:toks[k].start], " -") != "" {
			return false // the owner's phrase ended
		}
		if _, ok := companyNouns[strings.ToLower(text[toks[k].start:toks[k].end])]; ok {
			return true // "CEO" too
		}
		if toks[k].upper {
			return false // what it owns is a name ("Japan's Nikkei stock")
		}
	}
	return false
}

// isCompany: the candidate is an organisation that its title's legal form,
// its description or the strings naming it call a company.
func isCompany(c *candidate) bool {
	if c.typ != kb.ORG.String() {
		return false
	}
	if kb.CompanyName(c.title) != "" {
		return true
	}
	said := kb.Normalize(c.desc + " " + c.anchorWords)
	for _, w := range companyWords {
		if kb.ContainsWords(said, w) {
			return true
		}
	}
	return false
}

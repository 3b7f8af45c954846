package pipeline

import (
	"sort"
)

// Document-level consistency: news names a person in full once ("Angela
// Merkel") and by surname after ("Merkel"). A later token equal to the last
// word of an earlier full name of a person follows that name's decision,
// whether or not the KB knows the short form, and whatever other entities
// the short form alone would suggest.

// fullFormMinProb is how sure the Linker must be of a full name before short
// forms follow it.
const fullFormMinProb = 0.5

func (l *Linker) expand(text string, toks []token, norm *normTokens, mentions []mention, scores []mentionScores, addMentions bool) ([]mention, []mentionScores) {
	type fullForm struct {
		mention int
		start   int
	}
	var aliases map[string]fullForm
	for i := range mentions {
		m, ms := &mentions[i], &scores[i]
		if m.tokTo-m.tokFrom < 2 || ms.best < 0 || ms.p[ms.best] < fullFormMinProb || m.entry.cands[ms.best].typ != "PER" {
			continue
		}
		if aliases == nil {
			aliases = make(map[string]fullForm)
		}
		last := norm.of(m.tokTo - 1)
		if _, seen := aliases[last]; !seen {
			aliases[last] = fullForm{i, m.start}
		}
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
			if full, ok := aliases[norm.of(m.tokFrom)]; ok && full.start < m.start {
				m.follows = full.mention
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
		full, ok := aliases[norm.of(t)]
		if !ok || full.start >= tok.start {
			continue
		}
		mentions = append(mentions, mention{tokFrom: t, tokTo: t + 1, start: tok.start, end: tok.end, norm: norm.of(t),
			entry: mentions[full.mention].entry, follows: full.mention})
		scores = append(scores, mentionScores{best: -1, second: -1})
	}
	return mentions, scores
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

package pipeline

import (
	"slices"
	"strings"

	"github.com/linkstream/linkstream/kb"
)

// Candidates from the document's longer names. News names an entity in
// full once and shortly after ("Bernard Marcus" … "Marcus", "Miami Heat"
// … "Heat", "Barbara Walters" … "Barbara"), and the KB's candidates of the
// short form rarely include the entity the story means. Before scoring,
// a mention whose words occur as a run inside an earlier, longer mention
// gains that mention's most probable candidates whose name holds those
// words, marked by FeatureEarlierName; the score (fitted) decides whether
// they win. Persons' surnames also follow their full form outright (see
// expand.go); this is the general, weighed form of the same idea.

const (
	// earlierSources is how many earlier longer mentions a mention borrows
	// from (the most recent first), earlierPerSource how many candidates
	// from each.
	earlierSources   = 2
	earlierPerSource = 2
)

func (l *Linker) addEarlierNames(mentions []mention) {
	if len(mentions) < 2 {
		return
	}
	// byWord: normalised word → earlier mentions of two or more words
	// holding it, in text order.
	byWord := map[string][]int{}
	for _, i := range textOrder(mentions) {
		m := &mentions[i]
		words := strings.Fields(m.norm)
		if len(words) == 0 {
			continue
		}
		var borrowed []candidate
		sources := 0
		srcs := byWord[words[0]]
		for k := len(srcs) - 1; k >= 0 && sources < earlierSources; k-- {
			src := &mentions[srcs[k]]
			if len(strings.Fields(src.norm)) <= len(words) || !kb.ContainsWords(src.norm, m.norm) {
				continue
			}
			sources++
			taken := 0
			for _, c := range src.entry.cands { // by prior, best first
				if taken == earlierPerSource {
					break
				}
				if kb.ContainsWords(c.titleNorm, m.norm) || kb.ContainsWords(c.baseNorm, m.norm) {
					borrowed = append(borrowed, c)
					taken++
				}
			}
		}
		if len(borrowed) > 0 {
			m.entry = joined(m.entry, borrowed, func(c *candidate) { c.earlier = true })
		}
		if len(words) >= 2 {
			seen := map[string]bool{}
			for _, w := range words {
				if !seen[w] {
					seen[w] = true
					byWord[w] = append(byWord[w], i)
				}
			}
		}
	}
}

// joined is a copy of a (cached, shared) surface entry whose candidates
// are marked, or joined, by the ones the document lends it (earlier names,
// qualified institutions): a candidate the surface already has keeps its
// prior; a new one has prior 0, since the KB does not link this string to
// it. mark sets the flag that says where the candidate came from.
func joined(e *surfaceEntry, lent []candidate, mark func(*candidate)) *surfaceEntry {
	out := *e
	out.cands = slices.Clone(e.cands)
	for _, b := range lent {
		j := slices.IndexFunc(out.cands, func(c candidate) bool { return c.entity == b.entity })
		if j < 0 {
			b.prior = 0
			out.cands = append(out.cands, b)
			j = len(out.cands) - 1
		}
		mark(&out.cands[j])
	}
	return &out
}

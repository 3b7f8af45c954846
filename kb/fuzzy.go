package kb

import (
	"cmp"
	"errors"
	"slices"

	"github.com/blevesearch/vellum/levenshtein"
)

type levBuilder = *levenshtein.LevenshteinAutomatonBuilder

// maxFuzzyEdits bounds LookupFuzzy: automata for larger distances cost
// too much to build and match too much to be useful.
const maxFuzzyEdits = 2

// maxFuzzySurfaces bounds how many matching surfaces LookupFuzzy reads.
const maxFuzzySurfaces = 256

func (k *KB) levenshtein(d int) (levBuilder, error) {
	var err error
	k.levOnce[d].Do(func() {
		k.lev[d], err = levenshtein.NewLevenshteinAutomatonBuilder(uint8(d), true)
	})
	if err != nil {
		return nil, err
	}
	if k.lev[d] == nil {
		return nil, errors.New("kb: levenshtein automaton unavailable")
	}
	return k.lev[d], nil
}

// LookupFuzzy is the fallback for misspellings: the candidates of the
// normalised surfaces within maxEdits edits (1 or 2; transpositions count
// one) of Normalize(surface). Surfaces at the smallest distance found win;
// their candidates are merged, counts summed and priors recomputed, best
// first. An exact or normalised hit is returned as Lookup would. It
// allocates; use it only when Lookup found nothing.
func (k *KB) LookupFuzzy(surface string, maxEdits int) []Candidate {
	if c := k.Lookup(surface); c != nil {
		return c
	}
	q := Normalize(surface)
	if q == "" || maxEdits <= 0 {
		return nil
	}
	maxEdits = min(maxEdits, maxFuzzyEdits)
	// short words drown in neighbours: one edit below 5 bytes, none below 3
	switch {
	case len(q) < 3:
		return nil
	case len(q) < 5:
		maxEdits = 1
	}
	lb, err := k.levenshtein(maxEdits)
	if err != nil {
		return nil
	}
	dfa, err := lb.BuildDfa(q, uint8(maxEdits))
	if err != nil {
		return nil
	}
	it, err := k.norm.Search(dfa, nil, nil)
	type hit struct {
		n    uint64
		dist int
	}
	var hits []hit
	best := maxEdits + 1
	for err == nil && len(hits) < maxFuzzySurfaces {
		key, val := it.Current()
		d := editDistance(q, string(key))
		if d < best {
			best = d
		}
		hits = append(hits, hit{val, d})
		err = it.Next()
	}
	if len(hits) == 0 {
		return nil
	}
	counts := map[EntityID]uint32{}
	for _, h := range hits {
		if h.dist != best {
			continue
		}
		for _, c := range k.candidates(h.n) {
			counts[c.Entity] += c.Count
		}
	}
	var total uint64
	for _, c := range counts {
		total += uint64(c)
	}
	out := make([]Candidate, 0, len(counts))
	for e, c := range counts {
		out = append(out, Candidate{Entity: e, Count: c, Prior: float32(float64(c) / float64(total))})
	}
	slices.SortFunc(out, func(x, y Candidate) int {
		if x.Count != y.Count {
			return cmp.Compare(y.Count, x.Count)
		}
		if a, b := k.Inlinks(x.Entity), k.Inlinks(y.Entity); a != b {
			return cmp.Compare(b, a)
		}
		return cmp.Compare(x.Entity, y.Entity)
	})
	if len(out) > maxCandidates {
		out = out[:maxCandidates]
	}
	return out
}

// editDistance is the optimal-string-alignment distance between a and b
// in bytes (what the automaton counts).
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

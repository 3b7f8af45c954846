package pipeline

import (
	"math"
	"slices"

	"github.com/linkstream/linkstream/kb"
)

// Coherence is the seed paper's collective context inside one document: the
// entities of one news story belong together, so a candidate whose title
// and description share words with the document's other confident links
// ("Chicago Bulls" for "Jordan") gains over one that shares none.
//
// After the cheap score every mention whose best candidate has probability
// at least coherenceConfidence adds that entity, once, to a document
// profile: the sum of its unit description vector times its probability.
// A candidate's coherence is the cosine of its vector with the profile
// less its own entity, so that no candidate supports itself and a name
// repeated ten times counts once. The mention's own words are left out of
// the comparison (as of the context window): every sense of "Jordan"
// shares the word with the country, which is no evidence. The cost is one pass over the
// candidates' sparse vectors per document; the memory, one map the size
// of the confident entities' vocabularies.
const coherenceConfidence = 0.5

// profile is the document's confident entities as one sparse vector.
type profile struct {
	terms  map[uint32]float64
	norm2  float64
	weight map[kb.EntityID]float64
}

func (l *Linker) cohere(text string, toks []token, mentions []mention, scores []mentionScores) {
	if len(mentions) < 2 && l.stream == nil {
		return
	}
	pr := profile{terms: make(map[uint32]float64, 256), weight: make(map[kb.EntityID]float64, len(mentions))}
	var byEntity map[kb.EntityID]candidate // the profile's candidates, for the stream
	if l.stream != nil {
		byEntity = make(map[kb.EntityID]candidate, len(mentions))
	}
	for i := range mentions {
		ms := &scores[i]
		if mentions[i].follows >= 0 || ms.best < 0 || ms.p[ms.best] < coherenceConfidence {
			continue
		}
		c := &mentions[i].entry.cands[ms.best]
		if c.vec.norm == 0 || pr.weight[c.entity] >= ms.p[ms.best] {
			continue
		}
		pr.add(c, ms.p[ms.best]-pr.weight[c.entity])
		pr.weight[c.entity] = ms.p[ms.best]
		if byEntity != nil {
			byEntity[c.entity] = *c
		}
	}
	if l.stream != nil {
		// read before this document is remembered: it must not support itself
		defer l.stream.remember(streamEntities(&pr, byEntity))
		if len(pr.weight) == 0 && l.stream.empty() {
			return
		}
	} else if len(pr.weight) == 0 {
		return
	}
	var own []uint32
	for i := range mentions {
		m, ms := &mentions[i], &scores[i]
		if m.follows >= 0 || len(ms.feats) == 0 {
			continue
		}
		own = own[:0]
		for _, t := range toks[m.tokFrom:m.tokTo] {
			if term := termOf(text[t.start:t.end]); term != 0 {
				own = append(own, term)
			}
		}
		for j := range ms.feats {
			c := &m.entry.cands[j]
			x := pr.cosineWithout(c, own)
			if l.stream != nil {
				x = max(x, streamShare*l.stream.cosine(c, own))
			}
			ms.feats[j].x[FeatureCoherence] = x
		}
		ms.rescore(l.cfg.cheap)
	}
}

// add puts w·unit(vec(c)) into the profile.
func (p *profile) add(c *candidate, w float64) {
	scale := w / float64(c.vec.norm)
	for k, t := range c.vec.terms {
		old := p.terms[t]
		v := old + scale*float64(c.vec.weights[k])
		p.norm2 += v*v - old*old
		p.terms[t] = v
	}
}

// cosineWithout is cos(unit(vec(c)), profile − weight(c)·unit(vec(c))):
// with u = unit(vec(c)) and w its own weight in the profile,
// u·(P − w·u) = u·P − w and ‖P − w·u‖² = ‖P‖² − 2w·u·P + w². The terms
// in skip (the mention's words) add nothing to the dot product.
func (p *profile) cosineWithout(c *candidate, skip []uint32) float64 {
	if c.vec.norm == 0 {
		return 0
	}
	var dot, skipped float64
	for k, t := range c.vec.terms {
		d := float64(c.vec.weights[k]) * p.terms[t]
		dot += d
		if slices.Contains(skip, t) {
			skipped += d
		}
	}
	dot /= float64(c.vec.norm)
	w := p.weight[c.entity]
	rest2 := p.norm2 - 2*w*dot + w*w
	if rest2 <= 1e-9 {
		return 0
	}
	return math.Max(0, (dot-w-skipped/float64(c.vec.norm))/math.Sqrt(rest2))
}

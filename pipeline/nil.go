package pipeline

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
)

// The link-or-NIL decision. A mention's candidates compete through a
// softmax, so the winner's probability says how it beat the others, not
// whether the mention names it at all: "Tim Cook" with two plausible
// senses scores 0.6 and is right, a common word with one far-fetched
// sense scores 1.0 and is wrong. The confidence of a link is a logistic
// regression over what the Linker knows of its winner, fitted by
// `linkstream train` on the development sets' spotted mentions (right
// link or not); the NIL threshold applies to it, and it is the link's
// Score.

// LinkFeature indexes a feature of the link-or-NIL decision.
type LinkFeature int

const (
	// LinkBias is 1.
	LinkBias LinkFeature = iota
	// LinkProbability is ln of the winner's probability among the candidates.
	LinkProbability
	// LinkPrior is ln(p(winner|mention) + 0.001).
	LinkPrior
	// LinkStringMatch is the winner's string match.
	LinkStringMatch
	// LinkDescribed is 1 when the KB describes the winner.
	LinkDescribed
	// LinkProminence is ln(1 + inlinks(winner)).
	LinkProminence
	// LinkOneWord is 1 for a mention of one word.
	LinkOneWord
	// LinkEarlierName is 1 when the winner is an earlier, longer name's.
	LinkEarlierName
	// NumLinkFeatures is the length of a LinkVector.
	NumLinkFeatures
)

// LinkFeatureNames name the link features, as LinkWeights' JSON keys.
var LinkFeatureNames = [NumLinkFeatures]string{"bias", "log_probability", "log_prior", "string_match", "described", "prominence", "one_word", "earlier_name"}

// LinkVector is one mention's link features, or their weights.
type LinkVector [NumLinkFeatures]float64

// LinkWeights are the logistic regression's coefficients; all zero means
// no fitted decision: the confidence is the winner's probability.
type LinkWeights LinkVector

// MarshalJSON writes the weights as an object keyed by feature name.
func (w LinkWeights) MarshalJSON() ([]byte, error) {
	m := make(map[string]float64, NumLinkFeatures)
	for i, n := range LinkFeatureNames {
		m[n] = w[i]
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads an object keyed by feature name; a missing name is 0.
func (w *LinkWeights) UnmarshalJSON(b []byte) error {
	var m map[string]float64
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*w = LinkWeights{}
	for k, v := range m {
		i := slices.Index(LinkFeatureNames[:], k)
		if i < 0 {
			return fmt.Errorf("unknown link feature %q (known: %v)", k, LinkFeatureNames)
		}
		w[i] = v
	}
	return nil
}

// linkVector is the decision's features of a mention's winner f, whose
// probability among the candidates is p.
func linkVector(m *mention, f *features, p float64) LinkVector {
	x := LinkVector{
		LinkBias:        1,
		LinkProbability: math.Log(p),
		LinkPrior:       f.x[FeaturePrior],
		LinkStringMatch: f.x[FeatureStringMatch],
		LinkDescribed:   f.x[FeatureDescribed],
		LinkProminence:  f.x[FeatureProminence],
	}
	if m.tokTo-m.tokFrom == 1 {
		x[LinkOneWord] = 1
	}
	x[LinkEarlierName] = f.x[FeatureEarlierName]
	return x
}

// Confidence is σ(w·x), or, without fitted weights, the winner's
// probability (exp of x's LinkProbability).
func (w LinkWeights) Confidence(x LinkVector) float64 {
	if w == (LinkWeights{}) {
		return math.Exp(x[LinkProbability])
	}
	var z float64
	for i := range w {
		z += w[i] * x[i]
	}
	return 1 / (1 + math.Exp(-z))
}

// confide sets every mention's link confidence once its scores are final.
func (l *Linker) confide(mentions []mention, scores []mentionScores) {
	for i := range mentions {
		ms := &scores[i]
		if ms.best >= 0 {
			ms.decision = linkVector(&mentions[i], &ms.feats[ms.best], ms.p[ms.best])
			ms.confidence = l.cfg.link.Confidence(ms.decision)
		}
	}
}

// nilTypeMass is the share of the candidates' probability one known type
// needs to type a NIL mention.
const nilTypeMass = 0.3

// nilType is the seed paper's type prediction for an unlinkable mention:
// the entity it names is none of the candidates, but their types, weighed
// by their probability, say what kind of thing it is ("John Smith" whose
// every candidate is a person is a person). A known type (PER, ORG, LOC)
// holding at least nilTypeMass of the probability wins; otherwise MISC,
// and "" when there is no candidate to learn from.
func nilType(e *surfaceEntry, ms *mentionScores) string {
	if e.person {
		return "PER"
	}
	if ms.best < 0 {
		return ""
	}
	mass := map[string]float64{}
	for j := range ms.p {
		if t := e.cands[j].typ; t == "PER" || t == "ORG" || t == "LOC" {
			mass[t] += ms.p[j]
		}
	}
	best, top := "MISC", 0.0
	for _, t := range []string{"PER", "ORG", "LOC"} { // the first breaks a tie
		if mass[t] >= nilTypeMass && mass[t] > top {
			best, top = t, mass[t]
		}
	}
	return best
}

package pipeline

import (
	"math"
	"strings"

	"github.com/linkstream/linkstream/kb"
)

// Feature indexes one score feature in a feature vector. The vector is what
// the trainer (linkstream train) fits weights to, so the Linker and the
// trainer share this one definition.
type Feature int

const (
	// FeaturePrior is ln(p(e|m) + 0.001).
	FeaturePrior Feature = iota
	// FeatureProminence is ln(1 + inlinks(e)).
	FeatureProminence
	// FeatureStringMatch is the seed paper's string match (see stringMatch).
	FeatureStringMatch
	// FeatureContext is the cosine of the words around the mention with
	// the candidate's title and description.
	FeatureContext
	// FeatureCoherence is the cosine of the candidate with the document's
	// other confident links (see coherence.go).
	FeatureCoherence
	// FeatureDescribed is 1 when the KB describes the candidate.
	FeatureDescribed
	// FeatureEarlierName is 1 when the candidate is one of an earlier,
	// longer name's in the document that holds this mention's words.
	FeatureEarlierName
	// FeatureCrossEncoder is the cross-encoder logit of a candidate the
	// model read a description of.
	FeatureCrossEncoder
	// FeatureCrossEncoderName is the logit of a candidate known by name
	// only: MS MARCO rates short passages differently, so the two kinds of
	// passage get weights of their own.
	FeatureCrossEncoderName
	// FeatureAcronym is 1 when the mention is written in capitals ("AFP",
	// "S.D.") and they are the initials of the candidate's name ("Agence
	// France-Presse", "South Dakota"): an acronym's dictionary senses are
	// mostly strings that merely share its letters.
	FeatureAcronym
	// FeatureAnchorContext is the cosine of the words around the mention
	// with the anchor words of a candidate the KB has no description of
	// (kb.Entity.AnchorWords): a few words, not a text, so their cosines
	// run on another scale than FeatureContext's and get a weight of
	// their own.
	FeatureAnchorContext
	// FeatureQualified is 1 when the candidate is the institution the
	// mention names by its kind, of a place the document names ("Supreme
	// Court" → Supreme Court of Florida; see qualified.go).
	FeatureQualified
	// FeatureCredit is 1 when the mention is a wire story's credit line
	// ("(AFP) -") and the KB's text of the candidate speaks of news (see
	// dateline.go).
	FeatureCredit
	// NumFeatures is the length of a feature vector.
	NumFeatures
)

// FeatureNames are the features' names, as the weights' JSON keys spell them.
var FeatureNames = [NumFeatures]string{"prior", "prominence", "string_match", "context", "coherence", "described", "earlier_name", "cross_encoder", "cross_encoder_name", "acronym", "anchor_context", "qualified", "credit"}

// Vector is one candidate's features.
type Vector [NumFeatures]float64

// Weights are the coefficients of the log-linear candidate score
//
//	z(e) = Prior·ln(p(e|m) + 0.001) + Prominence·ln(1 + inlinks(e))
//	     + StringMatch·match(mention, title(e)) + Context·cos(context, e)
//	     + Coherence·cos(document's other links, e) + Described·[e described]
//	     + EarlierName·[e is an earlier, longer name's]
//	     + CrossEncoder·logit(context, passage(e))
//	     + Acronym·[mention is e's initials]
//	     + AnchorContext·cos(context, anchor words(e))
//	     + Qualified·[e is the mention's institution of a place named]
//	     + Credit·[m is a credit line and e a news organisation]
//	     − Outlier·penalty(e)
//
// and a mention's candidates compete through a softmax over z: the winner's
// probability is the link's score. This is the seed paper's product of
// string match, prominence and context similarity, taken in logs so that
// each factor has a weight fitted on development data (linkstream train);
// the cross-encoder's weight depends on the passage it read
// (CrossEncoderName for a passage built from a name). Outlier is not
// fitted: no development set has a stream long enough to need it.
type Weights struct {
	Prior            float64 `json:"prior"`
	Prominence       float64 `json:"prominence"`
	StringMatch      float64 `json:"string_match"`
	Context          float64 `json:"context"`
	Coherence        float64 `json:"coherence"`
	Described        float64 `json:"described"`
	EarlierName      float64 `json:"earlier_name"`
	CrossEncoder     float64 `json:"cross_encoder"`
	CrossEncoderName float64 `json:"cross_encoder_name"`
	Acronym          float64 `json:"acronym"`
	AnchorContext    float64 `json:"anchor_context"`
	Qualified        float64 `json:"qualified"`
	Credit           float64 `json:"credit"`
	Outlier          float64 `json:"outlier"`
}

// HandSetWeights were the defaults before weights were fitted, set by hand
// on the development data with a small KB: the baseline that EVALUATION.md
// compares the fitted weights with.
var HandSetWeights = Weights{Prior: 1, Prominence: 0.15, StringMatch: 2, Context: 4, Outlier: 1, CrossEncoder: 0.8, CrossEncoderName: 0.8}

// Vector returns the weights in feature order (Outlier is not a feature).
func (w Weights) Vector() Vector {
	return Vector{w.Prior, w.Prominence, w.StringMatch, w.Context, w.Coherence, w.Described, w.EarlierName, w.CrossEncoder, w.CrossEncoderName,
		w.Acronym, w.AnchorContext, w.Qualified, w.Credit}
}

// WithVector returns w with the feature weights of v (Outlier kept).
func (w Weights) WithVector(v Vector) Weights {
	w.Prior, w.Prominence, w.StringMatch, w.Context = v[FeaturePrior], v[FeatureProminence], v[FeatureStringMatch], v[FeatureContext]
	w.Coherence, w.Described, w.EarlierName = v[FeatureCoherence], v[FeatureDescribed], v[FeatureEarlierName]
	w.CrossEncoder, w.CrossEncoderName = v[FeatureCrossEncoder], v[FeatureCrossEncoderName]
	w.Acronym, w.AnchorContext, w.Qualified, w.Credit = v[FeatureAcronym], v[FeatureAnchorContext], v[FeatureQualified], v[FeatureCredit]
	return w
}

// features of one candidate of one mention.
type features struct {
	x       Vector
	outlier float64
	// hasCrossEncoder: the logit is set (in x at the passage kind's index).
	hasCrossEncoder bool
	described       bool
}

// setCrossEncoder puts a logit at the index of the candidate's passage kind.
func (f *features) setCrossEncoder(logit float64) {
	if f.described {
		f.x[FeatureCrossEncoder] = logit
	} else {
		f.x[FeatureCrossEncoderName] = logit
	}
	f.hasCrossEncoder = true
}

func (f *features) crossEncoder() float64 {
	return f.x[FeatureCrossEncoder] + f.x[FeatureCrossEncoderName]
}

func (w Weights) score(f features) float64 {
	v := w.Vector()
	var z float64
	for i := range v {
		z += v[i] * f.x[i]
	}
	return z - w.Outlier*f.outlier
}

// softmax turns scores into probabilities in place and returns the indices
// of the best and second best (-1 when absent).
func softmax(z []float64) (best, second int) {
	best, second = -1, -1
	maxZ := math.Inf(-1)
	for _, v := range z {
		maxZ = math.Max(maxZ, v)
	}
	var sum float64
	for i, v := range z {
		z[i] = math.Exp(v - maxZ)
		sum += z[i]
	}
	for i := range z {
		z[i] /= sum
		switch {
		case best < 0 || z[i] > z[best]:
			best, second = i, best
		case second < 0 || z[i] > z[second]:
			second = i
		}
	}
	return best, second
}

// ambiguity is the seed paper's link ambiguity: second best over best.
func ambiguity(p []float64, best, second int) float64 {
	if second < 0 || p[best] == 0 {
		return 0
	}
	return p[second] / p[best]
}

// stringMatch is the seed paper's string match between a mention and a
// candidate's title, both normalised: 1 when they are equal, ½ when the
// title only adds a qualifier or a company suffix ("Cupertino,
// California", "Asia (mythology)", "Apple Inc.") or spells the same name
// in full ("Tim Cook" of "Timothy D. Cook", "William Caldwell" of
// "William B. Caldwell"), ¼ when the mention is some of the title's words
// ("Merkel" of "Angela Merkel"), else 0.
func stringMatch(mention string, c *candidate) float64 {
	switch {
	case mention == c.titleNorm:
		return 1
	case mention == c.baseNorm, sameNameInFull(mention, c.baseNorm):
		return 0.5
	case kb.ContainsWords(c.titleNorm, mention):
		return 0.25
	}
	return 0
}

// acronymLetters are the capitals of a mention written as an acronym
// (isAcronym), dots dropped ("S.D." → "SD", "AFP"); "" when it is not one
// or has more than six.
func acronymLetters(mention string) string {
	letters := strings.ReplaceAll(mention, ".", "")
	if !isAcronym(letters) || len(letters) > 6 {
		return ""
	}
	return letters
}

// isInitialsOf reports whether letters are the initials of name's words
// as appendInitial reads them, hyphenated parts counted as words ("AFP" of
// "Agence France-Presse", "FEMA" of "Federal Emergency Management Agency").
func isInitialsOf(letters, name string) bool {
	var buf [8]byte
	b, ok := buf[:0], true
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '-' || r == '–' }) {
		if b, ok = appendInitial(b, w); !ok || len(b) > len(letters) {
			return false
		}
	}
	return string(b) == letters
}

// sameNameInFull reports whether full is short's name written out: the
// same last word, a first word that is short's or begins with it (three
// letters at least: "tim" of "timothy"), and nothing else but initials
// between them ("William Caldwell" of "William B. Caldwell").
func sameNameInFull(short, full string) bool {
	s, f := strings.Fields(short), strings.Fields(full)
	if len(s) != 2 || len(f) < 2 || len(f) > 4 || s[1] != f[len(f)-1] || len(s[0]) < 3 ||
		!strings.HasPrefix(f[0], s[0]) {
		return false
	}
	for _, w := range f[1 : len(f)-1] {
		if len(strings.TrimSuffix(w, ".")) != 1 {
			return false
		}
	}
	return true
}

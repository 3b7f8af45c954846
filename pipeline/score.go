package pipeline

import (
	"math"
	"strings"
)

// Weights are the coefficients of the log-linear candidate score
//
//	z(e) = Prior·ln(p(e|m) + 0.001) + Prominence·ln(1 + inlinks(e))
//	     + StringMatch·match(mention, title(e))
//	     + Context·cos(context, description(e)) − Outlier·penalty(e)
//	     + CrossEncoder·logit(context, description(e))
//
// and a mention's candidates compete through a softmax over z: the winner's
// probability is the link's score. This is the seed paper's product of
// string match, prominence and context similarity, taken in logs so that
// each factor has a weight that can be fitted on development data.
type Weights struct {
	Prior        float64 `json:"prior"`
	Prominence   float64 `json:"prominence"`
	StringMatch  float64 `json:"string_match"`
	Context      float64 `json:"context"`
	Outlier      float64 `json:"outlier"`
	CrossEncoder float64 `json:"cross_encoder"`
}

// DefaultWeights were set by hand on the development data (see EVALUATION.md).
var DefaultWeights = Weights{Prior: 1, Prominence: 0.15, StringMatch: 2, Context: 4, Outlier: 1, CrossEncoder: 0.8}

// features of one candidate of one mention.
type features struct {
	prior, prominence, stringMatch, context, outlier float64
	crossEncoder                                     float64
	hasCrossEncoder                                  bool
}

func (w Weights) cheap(f features) float64 {
	return w.Prior*math.Log(f.prior+0.001) + w.Prominence*f.prominence + w.StringMatch*f.stringMatch + w.Context*f.context - w.Outlier*f.outlier
}

func (w Weights) full(f features) float64 {
	z := w.cheap(f)
	if f.hasCrossEncoder {
		z += w.CrossEncoder * f.crossEncoder
	}
	return z
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
// California", "Asia (mythology)", "Apple Inc."), ¼ when the mention is some of the title's words ("Merkel"
// of "Angela Merkel"), else 0.
func stringMatch(mention string, c *candidate) float64 {
	switch {
	case mention == c.titleNorm:
		return 1
	case mention == c.baseNorm:
		return 0.5
	case containsWords(c.titleNorm, mention):
		return 0.25
	}
	return 0
}

// containsWords reports whether the words of part occur in whole as a run
// of whole words.
func containsWords(whole, part string) bool {
	for i := 0; i+len(part) <= len(whole); {
		j := strings.Index(whole[i:], part)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(part)
		if (j == 0 || whole[j-1] == ' ') && (end == len(whole) || whole[end] == ' ') {
			return true
		}
		i = j + 1
	}
	return false
}

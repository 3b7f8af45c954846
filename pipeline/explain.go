package pipeline

// Explanation is one mention with every candidate's features and score:
// what the evaluation writes next to each error.
type Explanation struct {
	Start      int              `json:"start"`
	End        int              `json:"end"`
	Mention    string           `json:"mention"`
	Candidates []CandidateScore `json:"candidates"`
	// Chosen is the linked title, empty for NIL.
	Chosen string  `json:"chosen"`
	Score  float64 `json:"score"`
	// Follows: a short form that took an earlier full form's candidates
	// and decision ("Cook" after "Tim Cook").
	Follows bool `json:"follows,omitempty"`
	// Reranked: the cross-encoder read this mention's candidates.
	Reranked bool `json:"reranked,omitempty"`
	// Decision is the winner's link-or-NIL features (see LinkWeights).
	Decision LinkVector `json:"-"`
}

// CandidateScore is one candidate's features and its probability among the
// mention's candidates.
type CandidateScore struct {
	Title       string  `json:"title"`
	Prior       float64 `json:"prior"`
	Inlinks     uint32  `json:"inlinks"`
	StringMatch float64 `json:"string_match"`
	Context     float64 `json:"context"`
	Coherence   float64 `json:"coherence"`
	// AnchorContext: the context's cosine with the anchor words of a
	// candidate the KB does not describe.
	AnchorContext float64  `json:"anchor_context,omitempty"`
	Described     bool     `json:"described"`
	CrossEncoder  *float64 `json:"cross_encoder,omitempty"`
	Probability   float64  `json:"probability"`
	// Features is the unrounded feature vector the score was computed
	// from: what `linkstream train` fits weights to.
	Features Vector `json:"-"`
}

func (l *Linker) explanations(text string, mentions []mention, scores []mentionScores, gold bool, nilThreshold float64) []Explanation {
	offs := runeOffsets{text: text}
	out := make([]Explanation, 0, len(mentions))
	for _, i := range textOrder(mentions) {
		m, ms := &mentions[i], &scores[i]
		entry := m.entry
		if m.follows >= 0 {
			ms, entry = &scores[m.follows], mentions[m.follows].entry
		}
		ex := Explanation{Start: offs.at(m.start), End: offs.at(m.end), Mention: text[m.start:m.end], Follows: m.follows >= 0, Reranked: ms.crossEncoded}
		for j, f := range ms.feats {
			c := &entry.cands[j]
			cs := CandidateScore{
				Title: c.title, Prior: round3(c.prior), Inlinks: c.inlinks,
				StringMatch: f.x[FeatureStringMatch], Context: round3(f.x[FeatureContext]),
				Coherence: round3(f.x[FeatureCoherence]), AnchorContext: round3(f.x[FeatureAnchorContext]), Described: f.described,
				Probability: round3(ms.p[j]), Features: f.x,
			}
			if f.hasCrossEncoder {
				v := round3(f.crossEncoder())
				cs.CrossEncoder = &v
			}
			ex.Candidates = append(ex.Candidates, cs)
		}
		if ms.best >= 0 {
			ex.Decision = ms.decision
			if gold || ms.confidence >= nilThreshold {
				ex.Chosen, ex.Score = entry.cands[ms.best].title, round3(ms.confidence)
			}
		}
		out = append(out, ex)
	}
	return out
}

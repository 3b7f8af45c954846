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
}

// CandidateScore is one candidate's features and its probability among the
// mention's candidates.
type CandidateScore struct {
	Title        string   `json:"title"`
	Prior        float64  `json:"prior"`
	Inlinks      uint32   `json:"inlinks"`
	StringMatch  float64  `json:"string_match"`
	Context      float64  `json:"context"`
	CrossEncoder *float64 `json:"cross_encoder,omitempty"`
	Probability  float64  `json:"probability"`
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
		ex := Explanation{Start: offs.at(m.start), End: offs.at(m.end), Mention: text[m.start:m.end]}
		for j, f := range ms.feats {
			cs := CandidateScore{
				Title: entry.cands[j].title, Prior: round3(f.prior), Inlinks: entry.cands[j].inlinks,
				StringMatch: f.stringMatch, Context: round3(f.context), Probability: round3(ms.p[j]),
			}
			if f.hasCrossEncoder {
				v := round3(f.crossEncoder)
				cs.CrossEncoder = &v
			}
			ex.Candidates = append(ex.Candidates, cs)
		}
		if ms.best >= 0 && (gold || ms.p[ms.best] >= nilThreshold) {
			ex.Chosen, ex.Score = entry.cands[ms.best].title, round3(ms.p[ms.best])
		}
		out = append(out, ex)
	}
	return out
}

package eval

import "github.com/linkstream/linkstream/link"

// Counts are the true positives, false positives and false negatives of
// GERBIL's strong annotation match.
type Counts struct {
	TP int `json:"tp"`
	FP int `json:"fp"`
	FN int `json:"fn"`
}

func (c *Counts) add(o Counts) { c.TP += o.TP; c.FP += o.FP; c.FN += o.FN }

// PRF is precision, recall and F1.
type PRF struct {
	P  float64 `json:"p"`
	R  float64 `json:"r"`
	F1 float64 `json:"f1"`
}

// PRF computes precision, recall and F1 the way GERBIL does: with no true
// positive, all three are 1 when there was nothing to find and nothing was
// found, and 0 otherwise. This matters for macro averages over documents
// without gold.
func (c Counts) PRF() PRF {
	if c.TP == 0 {
		if c.FP == 0 && c.FN == 0 {
			return PRF{1, 1, 1}
		}
		return PRF{}
	}
	p := float64(c.TP) / float64(c.TP+c.FP)
	r := float64(c.TP) / float64(c.TP+c.FN)
	return PRF{P: p, R: r, F1: 2 * p * r / (p + r)}
}

// Score is micro (summed counts) and macro (mean over documents) P/R/F1.
type Score struct {
	Counts Counts `json:"counts"`
	Micro  PRF    `json:"micro"`
	Macro  PRF    `json:"macro"`
}

// scoreOf aggregates per-document counts.
func scoreOf(perDoc []Counts) Score {
	var s Score
	for _, c := range perDoc {
		s.Counts.add(c)
		m := c.PRF()
		s.Macro.P += m.P
		s.Macro.R += m.R
		s.Macro.F1 += m.F1
	}
	if n := float64(len(perDoc)); n > 0 {
		s.Macro.P /= n
		s.Macro.R /= n
		s.Macro.F1 /= n
	} else {
		s.Macro = PRF{}
	}
	s.Micro = s.Counts.PRF()
	return s
}

// Error kinds in the errors file.
const (
	// KindMissed: linked gold with no prediction at its span (FN).
	KindMissed = "missed"
	// KindWrong: a prediction at a linked gold span with another entity (FP and FN).
	KindWrong = "wrong"
	// KindNILLinked: a prediction at a span whose gold is NIL (FP).
	KindNILLinked = "nil-linked"
	// KindSpurious: a prediction at a span with no gold at all (FP); Overlap
	// tells a boundary error from an invented mention.
	KindSpurious = "spurious"
	// KindDisamb: disambiguation on a gold span chose wrongly (or NIL).
	KindDisamb = "disamb"
)

// goldItem is a gold mention with its comparison key resolved once.
type goldItem struct {
	Gold
	key     string // canonical title, "" for NIL
	inKB    bool
	hasDesc bool
	typ     string
}

// predItem is a predicted link with its comparison key resolved once.
type predItem struct {
	link.Link
	key string
}

// outcome is one scored event, the raw material of per-type figures and of
// the errors file.
type outcome struct {
	kind    string // "tp" or an error kind
	gold    *goldItem
	pred    *predItem
	overlap bool
	typ     string
}

type spanKey struct{ s, e int }

// scoreDoc matches predictions against gold by strong annotation match: a
// prediction is a true positive when a linked gold mention has the same span
// and the same canonical title and has not been matched yet. Gold NIL spans
// are "must not link": a prediction there is a false positive, no
// prediction there costs nothing. Predictions with an empty title are not
// links and are ignored.
func scoreDoc(gold []goldItem, preds []predItem) (Counts, []outcome) {
	var c Counts
	var out []outcome
	type tk struct {
		spanKey
		key string
	}
	open := map[tk][]int{}        // unmatched linked gold by span+title
	atSpan := map[spanKey][]int{} // all gold by span
	for i := range gold {
		g := &gold[i]
		sk := spanKey{g.Start, g.End}
		atSpan[sk] = append(atSpan[sk], i)
		if g.key != "" {
			k := tk{sk, g.key}
			open[k] = append(open[k], i)
		}
	}
	matched := make([]bool, len(gold))
	var unmatchedPreds []int
	for i := range preds {
		p := &preds[i]
		if p.key == "" {
			continue
		}
		k := tk{spanKey{p.Start, p.End}, p.key}
		if idx := open[k]; len(idx) > 0 {
			gi := idx[0]
			open[k] = idx[1:]
			matched[gi] = true
			c.TP++
			out = append(out, outcome{kind: "tp", gold: &gold[gi], pred: p, typ: typeOf(&gold[gi], p)})
			continue
		}
		unmatchedPreds = append(unmatchedPreds, i)
	}
	// A wrong entity on a linked gold span is one FP and one FN, reported
	// once; pair each such prediction with an unmatched gold at its span.
	for _, pi := range unmatchedPreds {
		p := &preds[pi]
		c.FP++
		sk := spanKey{p.Start, p.End}
		var linked, nilGold *goldItem
		for _, gi := range atSpan[sk] {
			g := &gold[gi]
			if g.key == "" {
				nilGold = g
			} else if !matched[gi] && linked == nil {
				linked = g
				matched[gi] = true
				c.FN++
			}
		}
		switch {
		case linked != nil:
			out = append(out, outcome{kind: KindWrong, gold: linked, pred: p, typ: typeOf(linked, p)})
		case nilGold != nil:
			out = append(out, outcome{kind: KindNILLinked, gold: nilGold, pred: p, typ: typeOf(nilGold, p)})
		default:
			o := outcome{kind: KindSpurious, pred: p, typ: typeOf(nil, p)}
			for gi := range gold {
				if gold[gi].Start < p.End && p.Start < gold[gi].End {
					o.overlap = true
					o.gold = &gold[gi]
					break
				}
			}
			out = append(out, o)
		}
	}
	for gi := range gold {
		g := &gold[gi]
		if g.key != "" && !matched[gi] {
			c.FN++
			out = append(out, outcome{kind: KindMissed, gold: g, typ: typeOf(g, nil)})
		}
	}
	return c, out
}

// typeOf picks the type an outcome is filed under: the gold's type (from
// the dataset, else from the KB), else the predicted link's type, else "?".
func typeOf(g *goldItem, p *predItem) string {
	if g != nil && g.typ != "" {
		return g.typ
	}
	if p != nil && p.Type != "" {
		return p.Type
	}
	return "?"
}

// resolveGold computes comparison keys and coverage facts for a document's gold.
func resolveGold(kb KB, gold []Gold) []goldItem {
	items := make([]goldItem, len(gold))
	for i, g := range gold {
		it := goldItem{Gold: g, typ: g.Type}
		it.key, it.inKB = Canonical(kb, g.Title)
		if it.inKB {
			it.hasDesc = kb.HasDescription(it.key)
			if it.typ == "" {
				it.typ = kb.Type(it.key)
			}
		}
		items[i] = it
	}
	return items
}

// resolvePreds computes comparison keys for a document's links, and adds
// its NIL mentions as items without a title (spotted, never scored).
func resolvePreds(kb KB, res link.Result) []predItem {
	items := make([]predItem, 0, len(res.Links)+len(res.NIL))
	for _, l := range res.Links {
		key, _ := Canonical(kb, l.Title)
		items = append(items, predItem{Link: l, key: key})
	}
	for _, n := range res.NIL {
		items = append(items, predItem{Link: link.Link{Start: n.Start, End: n.End, Mention: n.Mention, Type: n.Type}})
	}
	return items
}

// coveredOnly keeps NIL gold and linked gold the KB holds, and drops the
// predictions sitting exactly on the span of a dropped gold mention: on the
// covered part the linker is judged only where it could have been right.
// With no KB nothing counts as covered, so only NIL gold remains.
func coveredOnly(gold []goldItem, preds []predItem) ([]goldItem, []predItem) {
	var g2 []goldItem
	dropped := map[spanKey]bool{}
	for _, g := range gold {
		if g.key == "" || g.inKB {
			g2 = append(g2, g)
		} else {
			dropped[spanKey{g.Start, g.End}] = true
		}
	}
	var p2 []predItem
	for _, p := range preds {
		if !dropped[spanKey{p.Start, p.End}] {
			p2 = append(p2, p)
		}
	}
	return g2, p2
}

// substr returns r[start:end] as a string, clamped to r.
func substr(r []rune, start, end int) string {
	start = max(0, min(start, len(r)))
	end = max(start, min(end, len(r)))
	return string(r[start:end])
}

// ratio is a/b, or 0 when b is 0.
func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

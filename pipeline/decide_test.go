package pipeline

import (
	"context"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/linkstream/linkstream/internal/kbtest"
	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/link"
)

// These tests hold the Linker's decisions to what it promises, seen from
// outside: which mentions go to the reranker, when a mention is NIL, which
// method a link names, what document expansion and the spotter add or
// refuse. Expectations are derived from the same Linker's own scores on
// the shared test KBs rather than written as numbers, so that retuned
// features or a bigger KB change the figures, not the verdicts.

// ambiguousText names, in the gensim KB, surfaces with one dominant
// reading and surfaces with close runners-up.
const ambiguousText = "Angela Merkel met IBM executives in Berlin. Merkel said Paris and London agreed. " +
	"Einstein visited Princeton. Mercury and Venus rose over Georgia, Boston, Texas and Columbia. " +
	"Aristotle and Plato argued in Athens."

// fakeReranker records what the Linker asks it and answers with score:
// a stand-in for the cross-encoder that needs no model.
type fakeReranker struct {
	score func(pairs []Pair) []float32

	mu    sync.Mutex
	asked map[string][]string // mention (as marked in the query) → passage titles
}

func (f *fakeReranker) Rerank(ctx context.Context, pairs []Pair) ([]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	if f.asked == nil {
		f.asked = map[string][]string{}
	}
	for _, p := range pairs {
		m := markedMention(p.Query)
		f.asked[m] = append(f.asked[m], passageTitle(p.Passage))
	}
	f.mu.Unlock()
	if f.score == nil {
		return make([]float32, len(pairs)), nil
	}
	return f.score(pairs), nil
}

// markedMention is the bracketed mention of a reranker query.
func markedMention(query string) string {
	_, rest, _ := strings.Cut(query, "[")
	m, _, _ := strings.Cut(rest, "]")
	return m
}

// passageTitle is the candidate title a passage opens with.
func passageTitle(passage string) string {
	title, _, _ := strings.Cut(passage, ": ")
	return title
}

func explain(t *testing.T, l *Linker, text string) (link.Result, []Explanation) {
	t.Helper()
	res, ex, err := l.Explain(context.Background(), link.Document{ID: "t", Text: text})
	if err != nil {
		t.Fatalf("Explain(%q): %v", text, err)
	}
	checkOffsets(t, text, res)
	return res, ex
}

// cheapAmbiguity is a mention's link ambiguity under the cheap score alone:
// the runner-up's probability over the best's.
func cheapAmbiguity(e Explanation) float64 {
	var best, second float64
	for _, c := range e.Candidates {
		switch {
		case c.Probability > best:
			best, second = c.Probability, best
		case c.Probability > second:
			second = c.Probability
		}
	}
	if best == 0 {
		return 0
	}
	return second / best
}

// The default mode, ambiguous, sends a mention with two or more candidates
// to the reranker exactly when its cheap-score ambiguity reaches the
// threshold or its link confidence lies within nilBand of the NIL
// threshold; the reranker decides those (method cross-encoder) and only
// those.
func TestDefaultModeReranksExactlyTheAmbiguousMentions(t *testing.T) {
	k := kbtest.Gensim(t)
	_, cheap := explain(t, cheapLinker(t, k), ambiguousText)

	rr := &fakeReranker{}
	l, err := New(k, WithReranker(rr), WithFit(HandSetFit)) // every other option at its default: mode ambiguous
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	res := linkText(t, l, ambiguousText)
	method := map[string]link.Method{}
	for _, lk := range res.Links {
		method[lk.Mention] = lk.Method
	}

	var sent, kept int
	for _, e := range cheap {
		a, fromNIL := cheapAmbiguity(e), math.Abs(e.Score-l.cfg.nilThreshold)
		if len(e.Candidates) < 2 || math.Abs(a-DefaultAmbiguityThreshold) < 0.01 || math.Abs(fromNIL-nilBand) < 0.01 {
			continue // one reading, or too close to a threshold to judge from rounded figures
		}
		_, asked := rr.asked[e.Mention]
		want := a >= DefaultAmbiguityThreshold || fromNIL < nilBand
		if asked != want {
			t.Errorf("%q (ambiguity %.3f, threshold %.2f): sent to the reranker = %v, want %v", e.Mention, a, DefaultAmbiguityThreshold, asked, want)
		}
		if got := method[e.Mention]; want && got != link.MethodCrossEncoder || !want && got == link.MethodCrossEncoder {
			t.Errorf("%q (ambiguity %.3f): method %q", e.Mention, a, got)
		}
		if want {
			sent++
		} else {
			kept++
		}
	}
	if sent == 0 || kept == 0 {
		t.Fatalf("precondition: the text should hold mentions on both sides of the threshold (sent %d, kept %d): %+v", sent, kept, cheap)
	}
}

// A clear winner whose link is nearly NIL is read by the reranker in mode
// ambiguous: whether it is linked at all is what its reading decides. The
// same winner far from the NIL threshold is not.
func TestDefaultModeReranksTheLinksNearNIL(t *testing.T) {
	k := kbtest.Gensim(t)
	_, cheap := explain(t, cheapLinker(t, k), ambiguousText)
	var clear *Explanation
	for i, e := range cheap {
		if len(e.Candidates) > nearNILTopK && cheapAmbiguity(e) < DefaultAmbiguityThreshold-0.1 && e.Score > 0.3 && e.Score < 0.7 {
			clear = &cheap[i]
			break
		}
	}
	if clear == nil {
		t.Fatalf("precondition: a clear winner of %d or more candidates scored between 0.3 and 0.7 in %+v", nearNILTopK+1, cheap)
	}
	for _, tc := range []struct {
		threshold float64
		want      bool
	}{{clear.Score, true}, {clear.Score + 0.25, false}, {clear.Score - 0.25, false}} {
		rr := &fakeReranker{}
		l, err := New(k, WithReranker(rr), WithFit(HandSetFit), NILThreshold(tc.threshold))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(l.Close)
		linkText(t, l, ambiguousText)
		read, asked := rr.asked[clear.Mention]
		if asked != tc.want {
			t.Errorf("%q scored %.3f, NIL threshold %.3f: sent to the reranker = %v, want %v", clear.Mention, clear.Score, tc.threshold, asked, tc.want)
		}
		// the winner and its runner-up are enough to confirm the winner
		if asked && len(read) != nearNILTopK {
			t.Errorf("%q: the reranker read %v, want the %d likeliest", clear.Mention, read, nearNILTopK)
		}
	}
}

// A mention is NIL exactly when its best candidate scores under the NIL
// threshold; the NIL entry keeps the mention and its best candidate's type.
func TestNILThresholdDecidesLinkOrNIL(t *testing.T) {
	k := kbtest.Gensim(t)
	_, cheap := explain(t, cheapLinker(t, k, NILThreshold(0)), ambiguousText)
	const threshold = 0.9
	l := cheapLinker(t, k, NILThreshold(threshold))
	res := linkText(t, l, ambiguousText)
	linked, nil_ := map[string]bool{}, map[string]link.NilMention{}
	for _, lk := range res.Links {
		linked[lk.Mention] = true
	}
	for _, n := range res.NIL {
		nil_[n.Mention] = n
	}
	var below, above int
	for _, e := range cheap {
		best := 0.0
		for _, c := range e.Candidates {
			best = math.Max(best, c.Probability)
		}
		if math.Abs(best-threshold) < 0.01 {
			continue
		}
		if best < threshold {
			below++
			if n, ok := nil_[e.Mention]; !ok || linked[e.Mention] || n.Type == "" {
				t.Errorf("%q scores %.3f < %.2f: want a typed NIL mention, got linked=%v nil=%+v", e.Mention, best, threshold, linked[e.Mention], n)
			}
		} else {
			above++
			if !linked[e.Mention] {
				t.Errorf("%q scores %.3f ≥ %.2f: want a link", e.Mention, best, threshold)
			}
		}
	}
	if below == 0 || above == 0 {
		t.Fatalf("precondition: mentions on both sides of %.2f (below %d, above %d): %+v", threshold, below, above, cheap)
	}
}

// Without the reranker a link names method prior when the candidate with
// the highest prior won (or it was the only one), context when the
// context overruled the prior.
func TestMethodSaysWhetherPriorOrContextDecided(t *testing.T) {
	res, ex := explain(t, cheapLinker(t, kbtest.Gensim(t)), ambiguousText)
	byMention := map[string]Explanation{}
	for _, e := range ex {
		byMention[e.Mention] = e
	}
	seen := map[link.Method]int{}
	for _, lk := range res.Links {
		e := byMention[lk.Mention]
		top, tied := "", false
		topPrior := -1.0
		for _, c := range e.Candidates {
			switch {
			case c.Prior > topPrior:
				top, topPrior, tied = c.Title, c.Prior, false
			case c.Prior == topPrior:
				tied = true
			}
		}
		if tied {
			continue // equal priors: which one "the prior" picks is arbitrary
		}
		want := link.MethodContext
		if top == lk.Title {
			want = link.MethodPrior
		}
		if lk.Method != want {
			t.Errorf("%q → %q (top prior %q): method %q, want %q", lk.Mention, lk.Title, top, lk.Method, want)
		}
		seen[want]++
	}
	if seen[link.MethodPrior] == 0 || seen[link.MethodContext] == 0 {
		t.Fatalf("precondition: links decided by the prior and by the context, got %v: %+v", seen, res.Links)
	}
}

// The reranker scores only each mention's CrossEncoderTopK best
// candidates; the others must not win by having no reranker score. Here
// the reranker prefers the runner-up of the two it sees by a wide margin,
// with both scores below zero: the runner-up must win, not a third
// candidate it never saw.
func TestUnrerankedCandidatesCannotWinByDefault(t *testing.T) {
	k := kbtest.Gensim(t)
	rr := &fakeReranker{score: func(pairs []Pair) []float32 {
		out := make([]float32, len(pairs))
		for i := range pairs {
			out[i] = -8
			if i+1 == len(pairs) || pairs[i+1].Query != pairs[i].Query {
				out[i] = -2 // the last pair of each mention: its runner-up
			}
		}
		return out
	}}
	l := cheapLinker(t, k, CrossEncoderMode(Always), WithReranker(rr), CrossEncoderTopK(2), NILThreshold(0))
	res, ex := explain(t, l, ambiguousText)
	candidates := map[string]int{}
	for _, e := range ex {
		candidates[e.Mention] = len(e.Candidates)
	}
	third := 0
	for _, lk := range res.Links {
		asked := rr.asked[lk.Mention]
		if len(asked) < 2 {
			continue
		}
		if want := asked[len(asked)-1]; lk.Title != want || lk.Method != link.MethodCrossEncoder {
			t.Errorf("%q (%d candidates): linked %q by %q, want %q, the reranker's choice", lk.Mention, candidates[lk.Mention], lk.Title, lk.Method, want)
		}
		if candidates[lk.Mention] > 2 {
			third++
		}
	}
	if third == 0 {
		t.Fatalf("precondition: a reranked mention with more than two candidates: %+v", ex)
	}
}

// A one-word surface that is only a piece of a longer capitalised name the
// KB does not know is not linked; alone, it is.
func TestPieceOfAnUnknownLongerNameIsNotLinked(t *testing.T) {
	l := cheapLinker(t, kbtest.Gensim(t))
	if got := titles(linkText(t, l, "Officials met in Berlin on Monday."))["Berlin"]; got != "Berlin" {
		t.Fatalf("precondition: Berlin alone should link to Berlin, got %q", got)
	}
	for _, text := range []string{
		"Officials of the Berlin Quorvath Trust met on Monday.", // a capitalised word follows
		"Officials of the Quorvath Berlin Trust met on Monday.", // one precedes
	} {
		res := linkText(t, l, text)
		for _, lk := range res.Links {
			if lk.Mention == "Berlin" {
				t.Errorf("%q: linked the piece %q to %q", text, lk.Mention, lk.Title)
			}
		}
	}
}

// A surname the spotter does not take alone (here: opening a sentence,
// where only surfaces with a high link probability count) still follows
// the person named in full earlier: document expansion adds the mention.
func TestExpansionAddsTheSurnameTheSpotterLeft(t *testing.T) {
	k := kbtest.Gensim(t)
	// Single words opening a sentence need a link probability above 1:
	// the spotter takes none that the KB counted.
	l := cheapLinker(t, k, MinLinkProbability(0.01, 1.01))
	full, last, title := surnameLeftBySpotter(t, k, l)
	text := "Reporters waited for " + full + " on Monday. " + last + " spoke first."
	res := linkText(t, l, text)
	var short *link.Link
	for i := range res.Links {
		if res.Links[i].Mention == last {
			short = &res.Links[i]
		}
	}
	if short == nil || short.Title != title || short.Method != link.MethodContext {
		t.Fatalf("%q should follow %q to %q; links: %+v", last, full, title, res.Links)
	}
}

// surnameLeftBySpotter finds a person named in two words whom the Linker
// links by full name, and whose surname opening a sentence it does not
// spot on its own.
func surnameLeftBySpotter(t *testing.T, k *kb.KB, l *Linker) (full, last, title string) {
	t.Helper()
	for id := kb.EntityID(0); int(id) < k.Len(); id++ {
		e := k.Entity(id)
		words := strings.Fields(e.Title)
		if e.Type != kb.PER || len(words) != 2 {
			continue
		}
		if titles(linkText(t, l, "Reporters waited for "+e.Title+" on Monday."))[e.Title] != e.Title {
			continue
		}
		alone := linkText(t, l, "Reporters waited. "+words[1]+" spoke first.")
		if len(alone.Links)+len(alone.NIL) == 0 {
			return e.Title, words[1], e.Title
		}
	}
	t.Fatal("precondition: the gensim KB has no person whose surname the spotter leaves at a sentence start")
	return
}

// Close may be called more than once (deferred clean-ups overlap), with
// the Linker's own batched cross-encoder or without; closing the
// micro-batcher twice used to panic.
func TestCloseTwice(t *testing.T) {
	k := kbtest.Gensim(t)
	for _, opts := range [][]Option{{CrossEncoder(realEncoder(t))}, {CrossEncoderMode(Never)}, {WithReranker(&fakeReranker{})}} {
		l, err := New(k, opts...)
		if err != nil {
			t.Fatal(err)
		}
		l.Close()
		l.Close()
	}
}

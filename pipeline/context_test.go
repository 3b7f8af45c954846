package pipeline

import (
	"math"
	"testing"

	"github.com/linkstream/linkstream/internal/kbtest"
	"github.com/linkstream/linkstream/kb"
)

func TestContextWindowSlidesLikeARecount(t *testing.T) {
	text := "Apple unveiled a new iPhone in Cupertino while apple growers in Washington harvested fruit " +
		"from orchards; the company said the iPhone would ship in Cupertino first."
	toks := tokenize(text, nil)
	desc := vectorOf("Apple Inc. is an American technology company headquartered in Cupertino that makes the iPhone.", uniformIDF)
	w := newContextWindow(text, toks, uniformIDF)
	for from := 0; from < len(toks); from += 3 {
		to := from + 7
		w.slide(from, to)
		fresh := newContextWindow(text, toks, uniformIDF)
		fresh.slide(from, to)
		if got, want := w.cosine(desc), fresh.cosine(desc); math.Abs(float64(got-want)) > 1e-5 {
			t.Fatalf("window [%d,%d): sliding cosine %v, recount %v", from, to, got, want)
		}
	}
}

func TestCosineRanksTheMatchingDescription(t *testing.T) {
	text := "Apple unveiled a new iPhone and a faster Mac at its campus in Cupertino."
	toks := tokenize(text, nil)
	w := newContextWindow(text, toks, uniformIDF)
	w.slide(0, len(toks))
	company := vectorOf("Apple Inc. is a technology company in Cupertino, California, maker of the iPhone and the Mac.", uniformIDF)
	fruit := vectorOf("An apple is the round, edible fruit of the apple tree, grown in orchards worldwide.", uniformIDF)
	if c, f := w.cosine(company), w.cosine(fruit); !(c > f) || c <= 0 || c > 1 {
		t.Fatalf("cosine company %v, fruit %v: want company > fruit, in (0,1]", c, f)
	}
}

func TestSoftmaxAndAmbiguity(t *testing.T) {
	z := []float64{math.Log(1), math.Log(3), math.Log(6)}
	best, second := softmax(z)
	if best != 2 || second != 1 {
		t.Fatalf("best %d second %d", best, second)
	}
	if math.Abs(z[2]-0.6) > 1e-9 || math.Abs(ambiguity(z, best, second)-0.5) > 1e-9 {
		t.Fatalf("p %v, ambiguity %v", z, ambiguity(z, best, second))
	}
	one := []float64{-3}
	if b, s := softmax(one); b != 0 || s != -1 || ambiguity(one, b, s) != 0 || one[0] != 1 {
		t.Fatalf("single candidate: %v %d %d", one, b, s)
	}
}

func TestTermOfSkipsStopWordsAndNumbers(t *testing.T) {
	for _, w := range []string{"the", "The", "a", "2024", "x"} {
		if termOf(w) != 0 {
			t.Errorf("termOf(%q) should be 0", w)
		}
	}
	if termOf("Berlin") == 0 || termOf("Berlin") != termOf("berlin") || termOf("Berlin") == termOf("Paris") {
		t.Error("termOf must hash content words case-insensitively and distinctly")
	}
}

func TestKBIDFWeighsRareWordsMore(t *testing.T) {
	k := kbtest.All(t)
	idf := KBIDF(k, idfSample)
	common, rare := idf(termOf("century")), idf(termOf("cooperative"))
	if !(rare > common) || common <= 0 {
		t.Fatalf("idf(century) = %v, idf(cooperative) = %v: want the rarer word heavier", common, rare)
	}
	if small := KBIDF(kbtest.Mini(t), idfSample); small(termOf("century")) != 1 {
		t.Fatalf("a KB with under %d descriptions should weigh words uniformly", idfMinDocs)
	}
}

// TestKBIDFReadsEveryDescriptionItMay: the sample strides over the
// described entities, so a bound of as many descriptions as the KB holds
// reads all of them, however few of its entities the KB describes.
func TestKBIDFReadsEveryDescriptionItMay(t *testing.T) {
	k := kbtest.All(t)
	var descs []string
	for id := range k.Len() {
		if d := k.Entity(kb.EntityID(id)).Description; d != "" {
			descs = append(descs, d)
		}
	}
	if len(descs) < idfMinDocs || 2*len(descs) > k.Len() {
		t.Fatalf("fixture: %d of %d entities described; the test needs at least %d and under half", len(descs), k.Len(), idfMinDocs)
	}
	word := termOf("cooperative")
	df := 0
	var toks []token
	for _, d := range descs {
		toks = tokenize(d, toks)
		for _, tk := range toks {
			if termOf(d[tk.start:tk.end]) == word {
				df++
				break
			}
		}
	}
	want := float32(math.Log(float64(len(descs)+1)/float64(df+1)) + 1)
	if got := KBIDF(k, len(descs))(word); math.Abs(float64(got-want)) > 1e-5 {
		t.Fatalf("idf(cooperative) = %v, want %v: df %d in all %d descriptions", got, want, df, len(descs))
	}
}

package pipeline

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Context similarity is a TF-IDF cosine between the words around a mention
// and a candidate's description. Words are hashed to 32 bits and kept as
// sorted sparse vectors, so a comparison is a merge of two short lists and
// allocates nothing.

// termVector is a sparse, sorted, weighted bag of words with its norm.
type termVector struct {
	terms   []uint32
	weights []float32
	norm    float32
}

// IDF gives a term's inverse document frequency. The default weighs every
// word that is not a stop word equally.
type IDF func(term uint32) float32

func uniformIDF(uint32) float32 { return 1 }

// termOf hashes a word (FNV-1a over its lower-cased runes); 0 means "skip":
// a stop word, a single character, or a number.
func termOf(word string) uint32 {
	if len(word) < 2 {
		return 0
	}
	var lower [64]byte
	buf := lower[:0]
	digits := true
	for _, r := range word {
		switch {
		case 'A' <= r && r <= 'Z':
			digits = false
			buf = append(buf, byte(r+'a'-'A'))
		case r < utf8.RuneSelf:
			digits = digits && '0' <= r && r <= '9'
			buf = append(buf, byte(r))
		default:
			digits = digits && unicode.IsDigit(r)
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		}
	}
	if digits {
		return 0
	}
	if _, stop := stopWords[string(buf)]; stop {
		return 0
	}
	h := uint32(2166136261)
	for _, c := range buf {
		h ^= uint32(c)
		h *= 16777619
	}
	if h == 0 {
		h = 1
	}
	return h
}

// vectorOf builds the description vector of a candidate.
func vectorOf(text string, idf IDF) termVector {
	var toks []token
	toks = tokenize(text, toks)
	counts := make(map[uint32]float32, len(toks))
	for _, t := range toks {
		if term := termOf(text[t.start:t.end]); term != 0 {
			counts[term]++
		}
	}
	v := termVector{terms: make([]uint32, 0, len(counts)), weights: make([]float32, 0, len(counts))}
	for term := range counts {
		v.terms = append(v.terms, term)
	}
	sort.Slice(v.terms, func(i, j int) bool { return v.terms[i] < v.terms[j] })
	var norm2 float64
	for _, term := range v.terms {
		w := counts[term] * idf(term)
		v.weights = append(v.weights, w)
		norm2 += float64(w * w)
	}
	v.norm = float32(math.Sqrt(norm2))
	return v
}

// contextWindow is the bag of words of a span of tokens around a mention.
// Mentions are visited in text order and the window slides, so each token
// enters and leaves it once per document.
type contextWindow struct {
	terms    []uint32 // per document token; 0 = skip
	idf      IDF
	counts   map[uint32]float32
	from, to int // tokens [from, to) are in the window
	norm2    float64
}

func newContextWindow(text string, toks []token, idf IDF) *contextWindow {
	w := &contextWindow{terms: make([]uint32, len(toks)), idf: idf, counts: make(map[uint32]float32, 128)}
	for i, t := range toks {
		w.terms[i] = termOf(text[t.start:t.end])
	}
	return w
}

// slide moves the window to tokens [from, to); both bounds only grow.
func (w *contextWindow) slide(from, to int) {
	from, to = max(from, 0), min(to, len(w.terms))
	if from >= w.to { // no overlap: start afresh
		clear(w.counts)
		w.norm2 = 0
		w.from, w.to = from, from
	}
	for ; w.to < to; w.to++ {
		w.add(w.terms[w.to], 1)
	}
	for ; w.from < from; w.from++ {
		w.add(w.terms[w.from], -1)
	}
}

func (w *contextWindow) add(term uint32, delta float32) {
	if term == 0 {
		return
	}
	idf := w.idf(term)
	c := w.counts[term]
	// ‖v‖² changes by ((c+δ)² − c²)·idf² for this term.
	w.norm2 += float64(((c+delta)*(c+delta) - c*c) * idf * idf)
	if c+delta == 0 {
		delete(w.counts, term)
	} else {
		w.counts[term] = c + delta
	}
}

// excluding takes tokens [from, to), which must be in the window, out of
// it while fn runs: a mention's own words say nothing about which entity
// it names, and every candidate's title shares them ("Tim Cook" would
// prefer "Tim Cook (ice hockey)", whose vector holds both words, to
// "Timothy D. Cook").
func (w *contextWindow) excluding(from, to int, fn func()) {
	for t := from; t < to; t++ {
		w.add(w.terms[t], -1)
	}
	fn()
	for t := from; t < to; t++ {
		w.add(w.terms[t], 1)
	}
}

// cosine of the window with a description vector, in [0, 1].
func (w *contextWindow) cosine(v termVector) float32 {
	if v.norm == 0 || w.norm2 <= 0 {
		return 0
	}
	var dot float32
	for i, term := range v.terms {
		if c, ok := w.counts[term]; ok {
			dot += v.weights[i] * c * w.idf(term)
		}
	}
	return dot / (v.norm * float32(math.Sqrt(w.norm2)))
}

// windowText is the text of tokens [from, to): the cross-encoder query is
// built from it.
func windowText(text string, toks []token, from, to int) string {
	from, to = max(from, 0), min(to, len(toks))
	if from >= to {
		return ""
	}
	return strings.TrimSpace(text[toks[from].start:toks[to-1].end])
}

var stopWords = func() map[string]struct{} {
	words := strings.Fields(`a about above after again against all also am an and any are as at be
	because been before being below between both but by can could did do does doing down during each
	few for from further had has have having he her here hers herself him himself his how i if in into
	is it its itself just me more most my myself no nor not now of off on once only or other our ours
	ourselves out over own said same says she should so some such than that the their theirs them
	themselves then there these they this those through to too under until up very was we were what
	when where which while who whom why will with would you your yours yourself yourselves new one two
	first last year years may might must shall us many much per since still yet via`)
	m := make(map[string]struct{}, len(words))
	for _, w := range words {
		m[w] = struct{}{}
	}
	return m
}()

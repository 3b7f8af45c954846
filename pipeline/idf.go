package pipeline

import (
	"math"

	"github.com/linkstream/linkstream/kb"
)

// idfSample bounds how many descriptions KBIDF reads: a few hundred
// thousand estimate document frequencies as well as all of them.
const idfSample = 200_000

// idfMinDocs is the fewest descriptions from which KBIDF estimates
// anything; with fewer, every word weighs the same.
const idfMinDocs = 50

// KBIDF estimates inverse document frequencies from the KB's entity
// descriptions: up to n of them, spread evenly over the described
// entities so the estimate is the same at every start. It strides over the
// described entities, not over all entity ids: the Wikipedia-scale KB
// describes 10,033 of its 6 M entities, and a stride over ids read 346 of
// them, an estimate that moved whenever the numbering of entities did. A
// word's weight is ln((N+1)/(df+1)) + 1, so a word in every description
// still counts a little and an unseen word counts most. It is the default
// IDF of a Linker.
func KBIDF(k *kb.KB, n int) IDF {
	var described []kb.EntityID
	for id := range k.Len() {
		if k.Described(kb.EntityID(id)) {
			described = append(described, kb.EntityID(id))
		}
	}
	stride := max(1, len(described)/max(n, 1))
	df := make(map[uint32]int32)
	seen := make(map[uint32]struct{})
	var toks []token
	docs := 0
	for i := 0; i < len(described); i += stride {
		desc := k.Entity(described[i]).Description
		docs++
		clear(seen)
		toks = tokenize(desc, toks)
		for _, t := range toks {
			term := termOf(desc[t.start:t.end])
			if _, dup := seen[term]; term != 0 && !dup {
				seen[term] = struct{}{}
				df[term]++
			}
		}
	}
	if docs < idfMinDocs {
		return uniformIDF
	}
	unseen := float32(math.Log(float64(docs+1)) + 1)
	weights := make(map[uint32]float32, len(df))
	for term, d := range df {
		weights[term] = float32(math.Log(float64(docs+1)/float64(d+1)) + 1)
	}
	return func(term uint32) float32 {
		if w, ok := weights[term]; ok {
			return w
		}
		return unseen
	}
}

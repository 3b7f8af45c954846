package pipeline

import (
	"math"

	"github.com/linkstream/linkstream/kb"
)

// idfSample bounds how many entities KBIDF reads: a few hundred thousand
// descriptions estimate document frequencies as well as all of them, and
// take about a second to read on a full-Wikipedia KB.
const idfSample = 200_000

// idfMinDocs is the fewest descriptions from which KBIDF estimates
// anything; with fewer, every word weighs the same.
const idfMinDocs = 50

// KBIDF estimates inverse document frequencies from the KB's entity
// descriptions: up to n entities, spread evenly over the KB so the estimate
// is the same at every start. A word's weight is ln((N+1)/(df+1)) + 1, so a
// word in every description still counts a little and an unseen word counts
// most. It is the default IDF of a Linker.
func KBIDF(k *kb.KB, n int) IDF {
	total := k.Len()
	stride := max(1, total/max(n, 1))
	df := make(map[uint32]int32)
	seen := make(map[uint32]struct{})
	var toks []token
	docs := 0
	for id := 0; id < total; id += stride {
		desc := k.Entity(kb.EntityID(id)).Description
		if desc == "" {
			continue
		}
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

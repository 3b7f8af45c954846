package kb

import (
	"sync/atomic"
)

// occurrenceCounter counts, exactly, how often each normalised surface
// occurs in plain text: at every token start it extends the phrase token by
// token while the phrase is a prefix of some surface, counting every phrase
// that is a whole surface (so "New York" and "New York City" both count in
// "New York City"). Safe for concurrent use.
type occurrenceCounter struct {
	surfaces  map[string]uint32 // normalised surface → index
	prefixes  map[string]struct{}
	maxTokens int
	counts    []uint32
}

func newOccurrenceCounter(tb *tables) *occurrenceCounter {
	oc := &occurrenceCounter{surfaces: tb.normIdx, prefixes: map[string]struct{}{}, maxTokens: tb.maxTokens, counts: make([]uint32, len(tb.normKeys))}
	for _, k := range tb.normKeys {
		for i := 0; i < len(k); i++ {
			if k[i] == ' ' {
				oc.prefixes[k[:i]] = struct{}{}
			}
		}
	}
	return oc
}

// count adds the occurrences in one text.
func (oc *occurrenceCounter) count(text string) {
	norm := AppendNormalized(make([]byte, 0, len(text)), text)
	// token boundaries of the normalised text
	var starts []int
	for i := 0; i < len(norm); i++ {
		if i == 0 || norm[i-1] == ' ' {
			starts = append(starts, i)
		}
	}
	for ti, s := range starts {
		for tj := ti; tj < len(starts) && tj-ti < oc.maxTokens; tj++ {
			end := len(norm)
			if tj+1 < len(starts) {
				end = starts[tj+1] - 1
			}
			phrase := norm[s:end]
			if id, ok := oc.surfaces[string(phrase)]; ok {
				atomic.AddUint32(&oc.counts[id], 1)
			}
			if _, ok := oc.prefixes[string(phrase)]; !ok {
				break
			}
		}
	}
}

package kb

import (
	"strings"
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
	cands     [][]Candidate // per normalised surface
}

// names reports whether surface id has self among its candidates.
func (oc *occurrenceCounter) names(id uint32, self EntityID) bool {
	if self == NoEntity {
		return false
	}
	for _, c := range oc.cands[id] {
		if c.Entity == self {
			return true
		}
	}
	return false
}

func newOccurrenceCounter(tb *tables) *occurrenceCounter {
	oc := &occurrenceCounter{surfaces: tb.normIdx, prefixes: map[string]struct{}{}, maxTokens: tb.maxTokens, counts: make([]uint32, len(tb.normKeys)), cands: tb.normCands}
	for _, k := range tb.normKeys {
		for i := 0; i < len(k); i++ {
			if k[i] == ' ' {
				oc.prefixes[k[:i]] = struct{}{}
			}
		}
	}
	return oc
}

// count adds the occurrences in the text of the page of entity self
// (NoEntity when unknown). A surface that may name self is counted in its
// own article only where it is a link (anchors: the page's anchor texts,
// NUL-separated): an article never links to itself, so its own name in its
// own text says nothing about how often that name is linked elsewhere
// ("Angela Merkel" appears 30 times in her article, always unlinked).
func (oc *occurrenceCounter) count(text, anchors string, self EntityID) {
	var linkedHere map[string]uint32 // built on first need
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
				if !oc.names(id, self) {
					atomic.AddUint32(&oc.counts[id], 1)
				} else {
					if linkedHere == nil {
						linkedHere = map[string]uint32{}
						for _, a := range strings.Split(anchors, "\x00") {
							if n := Normalize(a); n != "" {
								linkedHere[n]++
							}
						}
					}
					// each linked occurrence counts once: spend it
					if linkedHere[string(phrase)] > 0 {
						linkedHere[string(phrase)]--
						atomic.AddUint32(&oc.counts[id], 1)
					}
				}
			}
			if _, ok := oc.prefixes[string(phrase)]; !ok {
				break
			}
		}
	}
}

package kb

import (
	"bytes"
	"strings"
	"sync/atomic"
)

// occurrenceCounter counts, exactly, how often each normalised surface
// occurs in plain text: from every token start it walks the normalised
// surfaces' FST while some surface continues the text, counting every token
// boundary where a whole surface ends (so "New York" and "New York City"
// both count in "New York City"). Safe for concurrent use.
type occurrenceCounter struct {
	r         fstReader // norm.fst: values are nExact + index
	nExact    uint64
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
	return &occurrenceCounter{r: tb.normR, nExact: uint64(len(tb.exactKeys)), maxTokens: tb.maxTokens,
		counts: make([]uint32, len(tb.normKeys)), cands: tb.normCands}
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
	for s := 0; s < len(norm); {
		addr, out := oc.r.root, uint64(0)
		tokens := 0
		for i := s; i <= len(norm); i++ {
			if i == len(norm) || norm[i] == ' ' {
				tokens++
				if ok, fin := oc.r.final(addr); ok {
					oc.hit(out+fin, norm[s:i], anchors, self, &linkedHere)
				}
				if i == len(norm) || tokens >= oc.maxTokens {
					break
				}
			}
			next, o := oc.r.step(addr, norm[i])
			if next == fstNone {
				break
			}
			addr, out = next, out+o
		}
		j := bytes.IndexByte(norm[s:], ' ')
		if j < 0 {
			break
		}
		s += j + 1
	}
}

func (oc *occurrenceCounter) hit(val uint64, phrase []byte, anchors string, self EntityID, linkedHere *map[string]uint32) {
	if val < oc.nExact || val-oc.nExact >= uint64(len(oc.counts)) {
		return
	}
	id := uint32(val - oc.nExact)
	if !oc.names(id, self) {
		atomic.AddUint32(&oc.counts[id], 1)
		return
	}
	if *linkedHere == nil {
		*linkedHere = map[string]uint32{}
		for _, a := range strings.Split(anchors, "\x00") {
			if n := Normalize(a); n != "" {
				(*linkedHere)[n]++
			}
		}
	}
	// each linked occurrence counts once: spend it
	if (*linkedHere)[string(phrase)] > 0 {
		(*linkedHere)[string(phrase)]--
		atomic.AddUint32(&oc.counts[id], 1)
	}
}

package pipeline

import (
	"cmp"
	"slices"
	"sync"

	"github.com/linkstream/linkstream/kb"
)

// Stream coherence: the seed paper's collective contexts across the recent
// documents of a stream. A news stream tells a story over many documents,
// and a short one ("Jordan scored 40 as the Bulls …") often leans on the
// ones before it ("the Chicago Bulls beat …"). With StreamMemory(n), the
// Linker keeps the confident entities of the last n documents it linked
// as one sparse vector, built as a document's profile is (coherence.go),
// and a candidate's coherence is the larger of its cosine with its own
// document's profile and streamShare times its cosine with the stream's.
// The stream never supports a candidate with that candidate's own entity:
// an entity linked yesterday, rightly or wrongly, does not vouch for
// itself today (the link-count expectation watches repeated links).
//
// Memory is bounded by n × streamEntitiesPerDoc entities and their
// vectors' terms; a document costs one pass over its candidates' terms to
// read and one over its confident entities' terms to remember. The order
// of documents is the order in which they finish, so with several in
// flight the result depends on timing: the option is off by default, and
// an evaluation that uses it should link one document at a time.

const (
	// streamShare weighs the stream's cosine against the document's.
	streamShare = 0.5
	// streamEntitiesPerDoc bounds what one document leaves in memory.
	streamEntitiesPerDoc = 16
)

// streamEntity is one remembered confident entity of a document: a copy
// of its candidate (whose vector the candidate cache shares, immutable)
// and its weight in the document's profile.
type streamEntity struct {
	c candidate
	w float64
}

// streamMemory is the profile of the last documents' confident entities.
type streamMemory struct {
	mu   sync.RWMutex
	ring [][]streamEntity // ring[i] is one document's entities; len(ring) is the capacity
	next int
	pr   profile
}

func newStreamMemory(docs int) *streamMemory {
	return &streamMemory{ring: make([][]streamEntity, docs), pr: emptyProfile()}
}

func emptyProfile() profile {
	return profile{terms: map[uint32]float64{}, weight: map[kb.EntityID]float64{}}
}

// streamEntities are a document profile's entities, the heaviest
// streamEntitiesPerDoc of them, for remember.
func streamEntities(pr *profile, byEntity map[kb.EntityID]candidate) []streamEntity {
	es := make([]streamEntity, 0, len(pr.weight))
	for e, w := range pr.weight {
		es = append(es, streamEntity{byEntity[e], w})
	}
	slices.SortFunc(es, func(a, b streamEntity) int {
		if a.w != b.w {
			return cmp.Compare(b.w, a.w)
		}
		return cmp.Compare(a.c.entity, b.c.entity)
	})
	return slices.Clone(es[:min(len(es), streamEntitiesPerDoc)]) // no more than that stays in memory
}

// ResetStream forgets the documents StreamMemory remembers, as when a new
// stream starts (an evaluation's next pass, another dataset); it does
// nothing when the option is off.
func (l *Linker) ResetStream() {
	if l.stream == nil {
		return
	}
	s := l.stream
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.ring)
	s.next = 0
	s.pr = emptyProfile()
}

// empty reports whether nothing is remembered yet.
func (s *streamMemory) empty() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.pr.weight) == 0
}

// cosine is the candidate's cosine with the remembered documents, less its
// own entity and the terms in skip.
func (s *streamMemory) cosine(c *candidate, skip []uint32) float64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.pr.weight) == 0 {
		return 0
	}
	return s.pr.cosineWithout(c, skip)
}

// remember adds a document's entities and forgets the oldest document's
// when the ring is full.
func (s *streamMemory) remember(entities []streamEntity) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.ring[s.next] {
		old := &s.ring[s.next][i]
		s.pr.remove(&old.c, old.w)
	}
	for i := range entities {
		e := &entities[i]
		s.pr.add(&e.c, e.w)
		s.pr.weight[e.c.entity] += e.w
	}
	s.ring[s.next] = entities
	s.next = (s.next + 1) % len(s.ring)
}

// remove takes w·unit(vec(c)) and c's weight out of the profile again,
// dropping the terms and entities left with nothing, so the maps stay the
// size of what is remembered.
func (p *profile) remove(c *candidate, w float64) {
	p.add(c, -w)
	for _, t := range c.vec.terms {
		if v := p.terms[t]; v < 1e-9 && v > -1e-9 {
			p.norm2 -= v * v
			delete(p.terms, t)
		}
	}
	if p.weight[c.entity] -= w; p.weight[c.entity] < 1e-9 {
		delete(p.weight, c.entity)
	}
	p.norm2 = max(p.norm2, 0)
}

package pipeline

import (
	"fmt"
	"slices"
	"strings"
	"unsafe"

	"github.com/dgraph-io/ristretto/v2"

	"github.com/linkstream/linkstream/kb"
)

// candidate is a KB entity as the scorer needs it: decoded once, kept in the
// cache with its description vector.
type candidate struct {
	entity kb.EntityID
	title  string
	// titleNorm and baseNorm are the title, and the title without its
	// qualifier, as kb.Normalize folds them: for the string match.
	titleNorm, baseNorm string
	qid                 string
	typ                 string
	prior               float64
	inlinks             uint32
	desc                string
	// anchorWords stand in for the description of an entity the KB knows
	// only by the strings naming it (kb.Entity.AnchorWords)
	anchorWords string
	vec         termVector // title and description
	anchorVec   termVector // anchor words
	// earlier: the candidate came from, or is shared with, an earlier and
	// longer name in the document (see earlier.go).
	earlier bool
	// qualified: the candidate is the mention's institution of a place
	// the document names (see qualified.go).
	qualified bool
}

// nameOf is what a title is called in running text: without its
// qualifier ("Cupertino, California" → "Cupertino") and without a
// company's legal suffix ("Apple Inc." → "Apple"), so that the string
// match does not favour a bare title over the company news means.
func nameOf(title string) string {
	base := kb.BaseTitle(title)
	if c := kb.CompanyName(base); c != "" {
		return c
	}
	return base
}

// smoothedLinkProb is the surface's link probability with a Laplace prior:
// (linked+1)/(occurrences+2). A surface seen a handful of times in a small KB
// is not condemned by a single unlinked occurrence, while one seen unlinked
// thousands of times (a common word) keeps its tiny probability.
func smoothedLinkProb(info kb.SurfaceInfo) float64 {
	return (float64(info.Linked) + 1) / (float64(info.Occurrences) + 2)
}

// surfaceEntry is what the cache holds per surface: its link probability and
// its top-k candidates by prior.
type surfaceEntry struct {
	linkProb float64
	// counted: the KB counted the surface's occurrences, so linkProb means
	// something; surfaces from sources without text (anchor-text tables) are
	// not counted and are not filtered by link probability.
	counted bool
	// lowerSense: the KB knows the surface as a common word too (its
	// lower-case form names something else: "same", "page")
	lowerSense bool
	// zipf: how common the surface is as a word (0 unknown)
	zipf float64
	// properNoun: the KB's strings write the word as a name
	// (kb.SurfaceInfo.ProperNoun), and it is no given name unless it
	// means a place first: "Iraq" and "India", not "John"
	properNoun bool
	// person: the entry of a person's name the KB does not know
	// (unknownperson.go): no candidates, and its NIL is a person
	person bool
	cands  []candidate
}

// candidateCache puts a Ristretto cache, bounded in bytes, in front of the
// KB's surface → candidates look-ups.
type candidateCache struct {
	kb    *kb.KB
	cache *ristretto.Cache[uint64, *surfaceEntry]
	topK  int
	idf   IDF
}

func newCandidateCache(k *kb.KB, maxBytes int64, topK int, idf IDF) (*candidateCache, error) {
	// Ristretto wants about ten counters per item it may hold; an entry
	// costs around 2 KiB (a few candidates with their descriptions).
	c, err := ristretto.NewCache(&ristretto.Config[uint64, *surfaceEntry]{
		NumCounters: max(maxBytes/2048*10, 1000),
		MaxCost:     maxBytes,
		BufferItems: 64,
		Metrics:     true,
	})
	if err != nil {
		return nil, fmt.Errorf("pipeline: candidate cache: %w", err)
	}
	return &candidateCache{kb: k, cache: c, topK: topK, idf: idf}, nil
}

func (c *candidateCache) get(key kb.SurfaceKey) *surfaceEntry {
	if e, ok := c.cache.Get(uint64(key)); ok {
		return e
	}
	e := c.load(c.kb.SurfaceOf(key), c.kb.CandidatesOf(key))
	c.cache.Set(uint64(key), e, e.cost())
	return e
}

// spelt returns the entry of tokens [from, to) of text, whose normalised
// key is key: the KB's record of the span exactly as written where it
// keeps one apart from the key (kb.KB.Cased: "ABC", the network, beside
// the key "abc", whose name "Abc" is a disambiguation page), else the
// key's. The KB gives such a record its key's statistics, so only the
// candidates differ. A span with an ampersand reads the record of its
// exact spelling too: the normalised key drops the "&", and so joins
// names that differ by it ("Johnson & Johnson", the company, and "Johnson
// Johnson", a series that the key's first sense is).
func (c *candidateCache) spelt(text string, toks []token, from, to int, key kb.SurfaceKey) *surfaceEntry {
	span := text[toks[from].start:toks[to-1].end]
	if cased, ok := c.kb.Cased(span); ok {
		key = cased
	} else if strings.Contains(span, "&") {
		if exact, ok := c.kb.Exact(span); ok {
			key = exact
		}
	}
	return c.get(key)
}

// load decodes the top-k candidates of a surface.
func (c *candidateCache) load(info kb.SurfaceInfo, cands []kb.Candidate) *surfaceEntry {
	e := &surfaceEntry{linkProb: smoothedLinkProb(info), counted: info.Occurrences > 0, lowerSense: info.LowerSense, zipf: float64(info.Zipf)}
	if len(cands) > c.topK {
		cands = cands[:c.topK]
	}
	e.cands = make([]candidate, len(cands))
	for i, kc := range cands {
		e.cands[i] = c.decode(kc)
	}
	e.properNoun = info.ProperNoun && (!info.GivenName || len(e.cands) > 0 && isPlace(&e.cands[0]))
	return e
}

// decode turns a KB candidate into the scorer's.
func (c *candidateCache) decode(kc kb.Candidate) candidate {
	ent := c.kb.Entity(kc.Entity)
	return candidate{
		entity:      kc.Entity,
		title:       ent.Title,
		titleNorm:   kb.Normalize(ent.Title),
		baseNorm:    kb.Normalize(nameOf(ent.Title)),
		qid:         ent.QID,
		typ:         ent.Type.String(),
		prior:       float64(kc.Prior),
		inlinks:     ent.Inlinks,
		desc:        ent.Description,
		anchorWords: ent.AnchorWords,
		vec:         vectorOf(ent.Title+" "+ent.Description, c.idf),
		anchorVec:   vectorOf(ent.AnchorWords, c.idf),
	}
}

// entity is one entity as a candidate outside any surface's list (prior 0).
func (c *candidateCache) entity(id kb.EntityID) candidate { return c.decode(kb.Candidate{Entity: id}) }

// narrowed is the entry with only the candidates keep accepts: e itself
// where it accepts them all (most mentions: no copy), nil where it
// accepts none, else a copy, as the cached entry is shared.
func (e *surfaceEntry) narrowed(keep func(c *candidate) bool) *surfaceEntry {
	first := 0 // the first candidate dropped
	for first < len(e.cands) && keep(&e.cands[first]) {
		first++
	}
	if first == len(e.cands) {
		return e
	}
	kept := slices.Clone(e.cands[:first])
	for j := first + 1; j < len(e.cands); j++ {
		if keep(&e.cands[j]) {
			kept = append(kept, e.cands[j])
		}
	}
	if len(kept) == 0 {
		return nil
	}
	n := *e
	n.cands = kept
	return &n
}

func (e *surfaceEntry) cost() int64 {
	n := int64(unsafe.Sizeof(*e))
	for i := range e.cands {
		cd := &e.cands[i]
		n += int64(unsafe.Sizeof(*cd)) + int64(len(cd.title)+len(cd.titleNorm)+len(cd.baseNorm)+len(cd.qid)+len(cd.desc)+len(cd.anchorWords)) + int64(len(cd.vec.terms)+len(cd.anchorVec.terms))*8
	}
	return n
}

// CacheStats reports the candidate cache's effectiveness.
type CacheStats struct {
	Hits, Misses uint64
	HitRatio     float64
	CostBytes    uint64
}

func (c *candidateCache) stats() CacheStats {
	m := c.cache.Metrics
	return CacheStats{Hits: m.Hits(), Misses: m.Misses(), HitRatio: m.Ratio(), CostBytes: m.CostAdded() - m.CostEvicted()}
}

package pipeline

import (
	"math"
	"sort"
	"sync"

	"github.com/linkstream/linkstream/kb"
)

// corpusStats keeps the paper's link-count expectation: across everything
// the Linker has linked, an entity's share of links should track its share
// of inlinks (its prominence). An entity linked far more often than its
// prominence predicts is usually a systematic error — a common word that
// happens to be a title ("Page" → Larry Page) — so the top outliers are
// reported, and optionally down-weighted.
type corpusStats struct {
	mu           sync.Mutex
	links        map[kb.EntityID]*entityCount
	total        uint64
	totalInlinks float64 // Σ (inlinks+1) over entities seen
}

type entityCount struct {
	title   string
	inlinks uint32
	links   uint64
}

// Outlier is an entity linked more often than its prominence predicts.
type Outlier struct {
	Title    string  `json:"title"`
	Links    uint64  `json:"links"`
	Inlinks  uint32  `json:"inlinks"`
	Expected float64 `json:"expected"`
	// Ratio is (Links+1)/(Expected+1): 1 is as predicted.
	Ratio float64 `json:"ratio"`
}

// outlierMinLinks keeps rare entities out of the outlier list: with a
// handful of links any ratio is noise.
const outlierMinLinks = 5

func newCorpusStats() *corpusStats {
	return &corpusStats{links: make(map[kb.EntityID]*entityCount)}
}

func (c *corpusStats) observe(id kb.EntityID, title string, inlinks uint32) {
	c.mu.Lock()
	e, ok := c.links[id]
	if !ok {
		e = &entityCount{title: title, inlinks: inlinks}
		c.links[id] = e
		c.totalInlinks += float64(inlinks) + 1
	}
	e.links++
	c.total++
	c.mu.Unlock()
}

func (c *corpusStats) expected(e *entityCount) float64 {
	return float64(c.total) * (float64(e.inlinks) + 1) / c.totalInlinks
}

// ratio is the entity's observed/expected link ratio, or 1 while it has too
// few links to judge.
func (c *corpusStats) ratio(id kb.EntityID) float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.links[id]
	if !ok || e.links < outlierMinLinks {
		return 1
	}
	return (float64(e.links) + 1) / (c.expected(e) + 1)
}

// penalty is the log-score the down-weighting option subtracts: nothing up
// to twice the expected count, then the log of the excess.
func (c *corpusStats) penalty(id kb.EntityID) float64 {
	r := c.ratio(id)
	if r <= 2 {
		return 0
	}
	return math.Log(r / 2)
}

func (c *corpusStats) top(n int) []Outlier {
	c.mu.Lock()
	out := make([]Outlier, 0, len(c.links))
	for _, e := range c.links {
		if e.links < outlierMinLinks {
			continue
		}
		exp := c.expected(e)
		out = append(out, Outlier{Title: e.title, Links: e.links, Inlinks: e.inlinks, Expected: exp, Ratio: (float64(e.links) + 1) / (exp + 1)})
	}
	c.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Ratio > out[j].Ratio })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// Corpus statistics: the seed paper's link-count expectation (Lin, Mausam
// and Etzioni 2012, §2.2.2), kept in bounded memory for a Wikipedia-scale
// KB and an endless stream.
//
// Across a stream, an entity's link count should follow its prominence
// (inlinks; for most entities of the alias-dictionary KB the number of
// distinct strings naming it). One linked far more often than that is
// usually a systematic error: a common word that is also a name (the
// paper's "the Page loaded in 0.23 seconds" → Jimmy Page).
//
// Counting. The links are counted by Space-Saving (Metwally, Agrawal and El
// Abbadi 2005) in a Stream-Summary: corpusCapacity counters in buckets of
// equal count, so a link costs O(1) (a map look-up and a move to the next
// bucket); an untracked entity takes over a counter of the smallest count,
// which it inherits as its possible error. Every entity linked more than
// total/corpusCapacity times in the window is tracked, and count − error is
// a lower bound of its links. Every corpusWindow links all counts halve (as
// TinyLFU's reset), an O(capacity) pass, so old documents fade with a
// half-life of corpusWindow links and the counts stay bounded. Memory is
// fixed by the capacity, whatever the stream's length or the KB's size: at
// most about 150 bytes per counter (the counter, its bucket, its index
// entry, free lists, the fit's scratch; titles share the candidate cache's
// strings), 600 KiB at the default capacity; 300 KiB measured after three
// million links of a Zipf stream over six million entities.
//
// Expectation. Over the tracked entities with at least outlierMinLinks
// links, ln links = a + α·ln(1 + prominence) is fitted by least squares,
// twice: the second fit leaves out the points more than three robust
// standard deviations (1.4826·MAD) above or below the first, so the
// outliers do not set the line they are judged by, and its intercept is
// moved to the median residual. The residuals' spread beyond Poisson noise
// is σ² (topicality: some entities are in the news). With fewer than
// minFitEntities such entities there is no slope to fit, and the
// expectation is the paper's: links in proportion to 1 + prominence,
// normalised over the tracked entities (α = 1, σ = 0).
//
// Outliers. An entity with g ≥ outlierMinLinks links and expectation μ is
// an outlier when the lower end of its rate's confidence interval, ln g −
// outlierZ·sd, with sd² = σ² + 1/g (Poisson noise of ln g), lies above ln
// μ. The penalty the down-weighting subtracts from its score
// (Weights.Outlier·penalty) is that margin, ln g − ln μ − outlierZ·sd: zero
// at the edge of significance, towards ln(g/μ) − outlierZ·σ as evidence
// accumulates. The fit runs every max(tracked entities, minRefit) links, so
// its O(tracked) cost (medians by selection) is O(1) per link amortised, and
// publishes the penalties of the flagged entities in an immutable map:
// scoring reads it without a lock.
//
// Feedback: what is counted is what the score would link without the
// penalty (observeLink), so the statistics measure the linker's own
// systematic errors. Counting the corrected links instead would close a
// loop: a down-weighted entity stops gaining links, its excess shrinks as
// the others' counts grow, its penalty falls to just what tips the choice,
// and the errors come back at that rate.

package pipeline

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/linkstream/linkstream/kb"
)

// Defaults of the Linker's corpus statistics.
const (
	// corpusCapacity is the number of entities tracked: with it every
	// entity with more than 1/4096 of the window's links is counted.
	corpusCapacity = 4096
	// corpusWindow is the number of links between two halvings of every
	// count: about 25,000 news documents.
	corpusWindow = 1 << 20
)

const (
	// outlierMinLinks keeps rare entities out of the fit and the outlier
	// list: with a handful of links any ratio is noise.
	outlierMinLinks = 5
	// outlierZ is the one-sided confidence of a flag: 4 standard
	// deviations, a false flag in 30,000 under the model, so that among
	// the 4,096 tracked entities one is rarely flagged by chance.
	outlierZ = 4
	// minFitEntities is the least number of entities a slope is fitted on.
	minFitEntities = 8
	// minRefit is the least number of links between two fits.
	minRefit = 16
)

// Outlier is an entity linked significantly more often than its prominence
// predicts.
type Outlier struct {
	Title string `json:"title"`
	// Links is the lower bound of its links in the window (counts halve
	// every corpusWindow links).
	Links   uint64 `json:"links"`
	Inlinks uint32 `json:"inlinks"`
	// Expected is the links its prominence predicts.
	Expected float64 `json:"expected"`
	// Ratio is (Links+1)/(Expected+1): 1 is as predicted.
	Ratio float64 `json:"ratio"`
	// Z is the evidence: ln(Links/Expected) in standard deviations.
	Z float64 `json:"z"`
	// Penalty is what DownweightOutliers subtracts from its log-score
	// (times Weights.Outlier).
	Penalty float64 `json:"penalty"`
}

// corpusStats is the Space-Saving summary with its last fit; see the
// comment at the top of the file. It is safe for concurrent use.
type corpusStats struct {
	capacity, window int

	mu       sync.Mutex
	index    map[kb.EntityID]int32 // tracked entity → its counter
	counters []ssCounter
	free     []int32 // unused counters (their bucket is -1)
	buckets  []ssBucket
	freeB    []int32
	head     int32  // the bucket of the smallest count, -1 when none
	total    uint64 // links in the window: the sum of all counts
	// links since the last halving and since the last fit
	sinceHalving, sinceFit int
	fit                    corpusFit
	// scratch of the fit, kept to spare the allocations
	pts      []fitPoint
	res, dev []float64
	outliers []Outlier

	// penalties of the flagged entities at the last fit; nil when none.
	flagged atomic.Pointer[map[kb.EntityID]float64]
}

type ssCounter struct {
	title   string
	entity  kb.EntityID
	inlinks uint32
	// err is how much of the bucket's count may belong to the entities
	// that held the counter before.
	err        uint64
	bucket     int32
	prev, next int32 // neighbours in the bucket
}

// ssBucket holds the counters of one count; buckets are listed by
// ascending count.
type ssBucket struct {
	count      uint64
	first      int32
	prev, next int32
}

func newCorpusStats(capacity, window int) *corpusStats {
	return &corpusStats{
		capacity: capacity, window: max(window, capacity), head: -1,
		index: make(map[kb.EntityID]int32, capacity),
	}
}

// observe counts one link to an entity.
func (c *corpusStats) observe(id kb.EntityID, title string, inlinks uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total++
	if slot, ok := c.index[id]; ok {
		c.increment(slot)
	} else if len(c.index) < c.capacity {
		slot := c.newCounter()
		c.counters[slot] = ssCounter{title: title, entity: id, inlinks: inlinks, bucket: -1}
		c.index[id] = slot
		b := c.head
		if b < 0 || c.buckets[b].count != 1 {
			b = c.insertBucket(-1, 1)
		}
		c.attach(slot, b)
	} else {
		// Space-Saving: take over a counter of the smallest count.
		slot := c.buckets[c.head].first
		ct := &c.counters[slot]
		delete(c.index, ct.entity)
		ct.title, ct.entity, ct.inlinks, ct.err = title, id, inlinks, c.buckets[c.head].count
		c.index[id] = slot
		c.increment(slot)
	}
	if c.sinceHalving++; c.sinceHalving >= c.window {
		c.halve()
	}
	if c.sinceFit++; c.sinceFit >= max(len(c.index), minRefit) {
		c.refit()
	}
}

func (c *corpusStats) newCounter() int32 {
	if n := len(c.free); n > 0 {
		slot := c.free[n-1]
		c.free = c.free[:n-1]
		return slot
	}
	c.counters = append(c.counters, ssCounter{})
	return int32(len(c.counters) - 1)
}

// insertBucket adds a bucket of the given count after bucket after (at the
// head when after is -1); the caller keeps the counts ascending.
func (c *corpusStats) insertBucket(after int32, count uint64) int32 {
	var b int32
	if n := len(c.freeB); n > 0 {
		b = c.freeB[n-1]
		c.freeB = c.freeB[:n-1]
	} else {
		c.buckets = append(c.buckets, ssBucket{})
		b = int32(len(c.buckets) - 1)
	}
	next := c.head
	if after >= 0 {
		next = c.buckets[after].next
		c.buckets[after].next = b
	} else {
		c.head = b
	}
	if next >= 0 {
		c.buckets[next].prev = b
	}
	c.buckets[b] = ssBucket{count: count, first: -1, prev: after, next: next}
	return b
}

// removeBucket unlinks an empty bucket.
func (c *corpusStats) removeBucket(b int32) {
	bk := &c.buckets[b]
	if bk.prev >= 0 {
		c.buckets[bk.prev].next = bk.next
	} else {
		c.head = bk.next
	}
	if bk.next >= 0 {
		c.buckets[bk.next].prev = bk.prev
	}
	c.freeB = append(c.freeB, b)
}

func (c *corpusStats) attach(slot, b int32) {
	ct := &c.counters[slot]
	ct.bucket, ct.prev, ct.next = b, -1, c.buckets[b].first
	if ct.next >= 0 {
		c.counters[ct.next].prev = slot
	}
	c.buckets[b].first = slot
}

// detach takes a counter out of its bucket, and drops the bucket if that
// left it empty.
func (c *corpusStats) detach(slot int32) {
	ct := &c.counters[slot]
	if ct.prev >= 0 {
		c.counters[ct.prev].next = ct.next
	} else {
		c.buckets[ct.bucket].first = ct.next
	}
	if ct.next >= 0 {
		c.counters[ct.next].prev = ct.prev
	}
	if c.buckets[ct.bucket].first < 0 {
		c.removeBucket(ct.bucket)
	}
	ct.bucket = -1
}

// increment moves a counter to the bucket of the next count: counts are
// integers, so that bucket is the next one or a new one between.
func (c *corpusStats) increment(slot int32) {
	b := c.counters[slot].bucket
	v := c.buckets[b].count + 1
	switch next := c.buckets[b].next; {
	case next >= 0 && c.buckets[next].count == v:
		c.detach(slot)
		c.attach(slot, next)
	case c.buckets[b].first == slot && c.counters[slot].next < 0:
		c.buckets[b].count = v // alone in its bucket: the order holds
	default:
		nb := c.insertBucket(b, v)
		c.detach(slot)
		c.attach(slot, nb)
	}
}

// halve halves every count and error, dropping the counters left at zero;
// halving keeps the buckets' order, so neighbours that meet merge.
func (c *corpusStats) halve() {
	c.sinceHalving, c.total = 0, 0
	kept := int32(-1)
	for b := c.head; b >= 0; {
		next, v := c.buckets[b].next, c.buckets[b].count/2
		switch {
		case v == 0:
			for s := c.buckets[b].first; s >= 0; s = c.counters[s].next {
				delete(c.index, c.counters[s].entity)
				c.counters[s].title, c.counters[s].bucket = "", -1
				c.free = append(c.free, s)
			}
			c.buckets[b].first = -1
			c.removeBucket(b)
		case kept >= 0 && c.buckets[kept].count == v:
			for s := c.buckets[b].first; s >= 0; {
				n := c.counters[s].next
				c.counters[s].err /= 2
				c.attach(s, kept)
				c.total += v
				s = n
			}
			c.buckets[b].first = -1
			c.removeBucket(b)
		default:
			c.buckets[b].count = v
			for s := c.buckets[b].first; s >= 0; s = c.counters[s].next {
				c.counters[s].err /= 2
				c.total += v
			}
			kept = b
		}
		b = next
	}
}

// corpusFit is the expectation ln μ = intercept + alpha·ln(1 + prominence)
// with the extra-Poisson variance sigma2 of ln links around it.
type corpusFit struct{ alpha, intercept, sigma2 float64 }

type fitPoint struct {
	slot int32
	x, y float64 // ln(1 + prominence), ln links
	g    float64 // links (lower bound)
}

// judge returns an entity's expectation, evidence and penalty.
func (f corpusFit) judge(g, x float64) (expected, z, penalty float64) {
	expected = math.Exp(f.intercept + f.alpha*x)
	sd := math.Sqrt(f.sigma2 + 1/g)
	excess := math.Log(g) - math.Log(expected)
	return expected, excess / sd, max(0, excess-outlierZ*sd)
}

// refit fits the expectation to the tracked entities, lists the outliers
// and publishes their penalties.
func (c *corpusStats) refit() {
	c.sinceFit = 0
	pts := c.pts[:0]
	var prominence float64 // Σ (1 + inlinks) over the tracked entities
	for slot := range c.counters {
		ct := &c.counters[slot]
		if ct.bucket < 0 {
			continue
		}
		prominence += 1 + float64(ct.inlinks)
		if g := c.buckets[ct.bucket].count - ct.err; g >= outlierMinLinks {
			pts = append(pts, fitPoint{slot: int32(slot), x: math.Log1p(float64(ct.inlinks)), y: math.Log(float64(g)), g: float64(g)})
		}
	}
	c.pts = pts
	if len(pts) >= minFitEntities {
		c.fit = c.robustFit(pts)
	} else if prominence > 0 {
		c.fit = corpusFit{alpha: 1, intercept: math.Log(float64(c.total) / prominence)}
	}
	c.outliers = c.outliers[:0]
	var flagged map[kb.EntityID]float64
	for _, p := range pts {
		exp, z, pen := c.fit.judge(p.g, p.x)
		if pen <= 0 {
			continue
		}
		ct := &c.counters[p.slot]
		if flagged == nil {
			flagged = make(map[kb.EntityID]float64)
		}
		flagged[ct.entity] = pen
		c.outliers = append(c.outliers, Outlier{Title: ct.title, Links: uint64(p.g), Inlinks: ct.inlinks,
			Expected: exp, Ratio: (p.g + 1) / (exp + 1), Z: z, Penalty: pen})
	}
	if flagged == nil {
		c.flagged.Store(nil)
	} else {
		c.flagged.Store(&flagged)
	}
}

// robustFit is the least-squares line of ln links on ln(1 + prominence),
// refitted without the points far from the first line.
func (c *corpusStats) robustFit(pts []fitPoint) corpusFit {
	first := olsFit(pts, nil)
	med0, s0 := c.spread(pts, first, nil)
	in := func(p fitPoint) bool { return math.Abs(p.y-first.intercept-first.alpha*p.x-med0) <= 3*s0 }
	f := olsFit(pts, in)
	med, s := c.spread(pts, f, in)
	f.intercept += med
	var poisson float64 // mean Poisson variance of ln links, 1/g
	n := 0
	for _, p := range pts {
		if in(p) {
			poisson += 1 / p.g
			n++
		}
	}
	f.sigma2 = max(0, s*s-poisson/float64(n))
	return f
}

// olsFit fits y = a + αx over the points in keeps (all when nil). The slope
// is held at 0 or above (more prominent entities are not linked less) and
// at 1, the paper's proportion, when the prominences do not vary.
func olsFit(pts []fitPoint, keep func(fitPoint) bool) corpusFit {
	var n, sx, sy, sxx, sxy float64
	for _, p := range pts {
		if keep == nil || keep(p) {
			n++
			sx, sy, sxx, sxy = sx+p.x, sy+p.y, sxx+p.x*p.x, sxy+p.x*p.y
		}
	}
	alpha := 1.0
	if vx := sxx - sx*sx/n; vx > 1e-9*n {
		alpha = max(0, (sxy-sx*sy/n)/vx)
	}
	return corpusFit{alpha: alpha, intercept: (sy - alpha*sx) / n}
}

// spread returns the median residual of the points in keep (all when nil)
// around f, and their robust standard deviation, 1.4826·MAD, never below
// the median point's Poisson noise: a stream that follows the line exactly
// still counts by chance.
func (c *corpusStats) spread(pts []fitPoint, f corpusFit, keep func(fitPoint) bool) (median, sd float64) {
	c.res, c.dev = c.res[:0], c.dev[:0]
	for _, p := range pts {
		if keep == nil || keep(p) {
			c.res = append(c.res, p.y-f.intercept-f.alpha*p.x)
			c.dev = append(c.dev, 1/p.g)
		}
	}
	noise := math.Sqrt(medianOf(c.dev))
	median = medianOf(c.res)
	c.dev = c.dev[:0]
	for _, r := range c.res {
		c.dev = append(c.dev, math.Abs(r-median))
	}
	return median, max(1.4826*medianOf(c.dev), noise)
}

// medianOf returns the median of xs, reordering it: Hoare's selection, in
// expected linear time, keeps the fit O(1) per link amortised where a sort
// would cost O(log n).
func medianOf(xs []float64) float64 {
	n := len(xs)
	upper := selectNth(xs, n/2)
	if n%2 == 1 {
		return upper
	}
	// xs[:n/2] now holds the lower half: its largest is the lower middle
	return (slices.Max(xs[:n/2]) + upper) / 2
}

// selectNth reorders xs so that xs[k] is the value a sort would put there,
// with no larger value before it, and returns it.
func selectNth(xs []float64, k int) float64 {
	lo, hi := 0, len(xs)-1
	for lo < hi {
		pivot := xs[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for xs[i] < pivot {
				i++
			}
			for xs[j] > pivot {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i, j = i+1, j-1
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return xs[k] // between the parts: equal to the pivot
		}
	}
	return xs[k]
}

// observeLink counts a mention's link as the score without the outlier
// penalty decides it (see the comment at the top of the file): the
// candidate it puts first, when that one's confidence clears the call's
// NIL threshold (always on gold spans).
func (l *Linker) observeLink(m *mention, entry *surfaceEntry, ms *mentionScores, gold bool, nilThreshold float64) {
	if ms.best < 0 {
		return
	}
	best, conf := ms.best, ms.confidence
	if l.cfg.downweight {
		var p float64
		best, p = undamped(l.weightsOf(ms), ms.feats)
		conf = l.cfg.link.Confidence(linkVector(m, &ms.feats[best], p))
	}
	if gold || conf >= nilThreshold {
		c := &entry.cands[best]
		l.corpus.observe(c.entity, c.title, c.inlinks)
	}
}

// undamped is the best candidate and its softmax probability with the
// outlier penalty taken out of the score.
func undamped(w Weights, feats []features) (best int, p float64) {
	z := func(f features) float64 { return w.score(f) + w.Outlier*f.outlier }
	top := math.Inf(-1)
	for j, f := range feats {
		if v := z(f); v > top {
			best, top = j, v
		}
	}
	var sum float64
	for _, f := range feats {
		sum += math.Exp(z(f) - top)
	}
	return best, 1 / sum
}

// penalty is the log-score the down-weighting subtracts: zero unless the
// entity was flagged at the last fit. It takes no lock.
func (c *corpusStats) penalty(id kb.EntityID) float64 {
	if m := c.flagged.Load(); m != nil {
		return (*m)[id]
	}
	return 0
}

// top fits the expectation to the counts as they are and returns the n
// outliers with the strongest evidence.
func (c *corpusStats) top(n int) []Outlier {
	c.mu.Lock()
	c.refit()
	out := slices.Clone(c.outliers)
	c.mu.Unlock()
	slices.SortFunc(out, func(a, b Outlier) int {
		switch {
		case a.Z > b.Z:
			return -1
		case a.Z < b.Z:
			return 1
		}
		return 0
	})
	return out[:min(n, len(out))]
}

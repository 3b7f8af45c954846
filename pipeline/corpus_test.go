package pipeline

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/linkstream/linkstream/kb"
)

// pageCountries are the genuine entities of the Page stream with the number
// of names each has in its dictionary: their prominence.
var pageCountries = []struct {
	title string
	names int
}{
	{"France", 24}, {"Germany", 16}, {"Italy", 12}, {"Spain", 8}, {"Japan", 6},
	{"Brazil", 5}, {"Canada", 4}, {"Egypt", 3}, {"Kenya", 2},
}

// pageKB is a KB built from an alias dictionary in the wikidict's layout:
// "Page" is Jimmy Page's surname and, in lower case, a web page (a sense
// many strings name); each country is named by its title and by
// invented strings, as many as its prominence.
func pageKB(t testing.TB) *kb.KB {
	t.Helper()
	var dict strings.Builder
	line := func(s, title string, p float64) { fmt.Fprintf(&dict, "%s\t%s\t%g\n", s, title, p) }
	line("Page", "Jimmy_Page", 0.85)
	line("Jimmy Page", "Jimmy_Page", 1)
	line("page", "Web_page", 0.9)
	for i := range 16 {
		line(fmt.Sprintf("web page name %d", i), "Web_page", 1)
	}
	for _, c := range pageCountries {
		line(c.title, c.title, 0.95)
		for i := 1; i < c.names; i++ {
			line(fmt.Sprintf("%s name %d", c.title, i), c.title, 1)
		}
	}
	return buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict.String())))
}

// pageStream is a news stream: sentences about countries, each chosen in
// proportion to its prominence, and now and then one about Jimmy Page by
// his full name; every other document has the seed paper's "the Page loaded
// in 0.23 seconds", which the spotter lets through mid-sentence (Jimmy
// Page's prior for "Page" is high) and the scorer links to Jimmy Page.
func pageStream(k *kb.KB, docs int) []string {
	rng := rand.New(rand.NewPCG(10, 5))
	var total int
	for _, c := range pageCountries {
		total += c.names
	}
	country := func() string {
		n := rng.IntN(total)
		for _, c := range pageCountries {
			if n -= c.names; n < 0 {
				return c.title
			}
		}
		panic("unreachable")
	}
	out := make([]string, docs)
	for i := range out {
		text := fmt.Sprintf("Officials said %s and %s signed the pact. Trade with %s grew.", country(), country(), country())
		switch {
		case i%2 == 1:
			text += " Users said the Page loaded in 0.23 seconds."
		case i%16 == 0:
			text += " Jimmy Page played the guitar."
		}
		out[i] = text
	}
	return out
}

func TestOutliersFlagWronglyLinkedPage(t *testing.T) {
	k := pageKB(t)
	stream := pageStream(k, 400)

	l := cheapLinker(t, k)
	wrong := 0
	for _, text := range stream {
		if titles(linkText(t, l, text))["Page"] == "Jimmy Page" {
			wrong++
		}
	}
	if wrong < 190 {
		t.Fatalf("precondition: %d of the 200 web pages linked to Jimmy Page, want them nearly all", wrong)
	}
	out := l.Outliers(10)
	if len(out) != 1 || out[0].Title != "Jimmy Page" || out[0].Penalty <= 0 {
		t.Fatalf("outliers %+v: want Jimmy Page alone, flagged with a penalty", out)
	}
	t.Logf("flagged %+v", out[0])
	exported := gathered(t, l)["linkstream_corpus_outlier_ratio"]
	if len(exported) != 1 || exported["Jimmy Page"] != out[0].Ratio {
		t.Fatalf("/metrics outliers %v, want Jimmy Page's ratio %v alone", exported, out[0].Ratio)
	}

	// With down-weighting, the web pages stop going to Jimmy Page once
	// he is flagged, while his full name and the countries, France the
	// most linked of all, keep their links and no penalty.
	dl := cheapLinker(t, k, DownweightOutliers(true))
	var late []string
	flip := -1 // the first document whose web page is not Jimmy Page's
	for i, text := range stream {
		got := titles(linkText(t, dl, text))
		if got["Jimmy Page"] != "" && got["Jimmy Page"] != "Jimmy Page" {
			t.Fatalf("document %d: the full name linked to %q", i, got["Jimmy Page"])
		}
		for mention, title := range got {
			if mention != "Page" && mention != "Jimmy Page" && mention != title {
				t.Fatalf("document %d: %q linked to %q", i, mention, title)
			}
		}
		if !strings.Contains(text, "the Page") {
			continue
		}
		if flip < 0 && got["Page"] != "Jimmy Page" {
			flip = i
		}
		if i >= len(stream)/2 {
			late = append(late, got["Page"])
		}
	}
	if flip < 20 {
		t.Fatalf("the first web page went elsewhere at document %d: before any evidence", flip)
	}
	for _, title := range late {
		if title == "Jimmy Page" {
			t.Fatalf("with down-weighting the late web pages still went to Jimmy Page: %q", late)
		}
	}
	france, _ := k.EntityByTitle("France")
	if p := dl.corpus.penalty(france); p != 0 {
		t.Fatalf("France, linked most and as its prominence predicts, penalised by %v", p)
	}
	t.Logf("web pages left Jimmy Page from document %d on; outliers %+v", flip, dl.Outliers(10))
}

// checkSummary holds the Stream-Summary to its invariants: buckets in
// strictly ascending count, every tracked counter in the bucket it names,
// the counts summing to the links of the window, and no more counters or
// buckets than the capacity.
func checkSummary(t *testing.T, c *corpusStats) {
	t.Helper()
	var sum uint64
	members, last := 0, uint64(0)
	for b := c.head; b >= 0; b = c.buckets[b].next {
		bk := c.buckets[b]
		if bk.count <= last || bk.first < 0 {
			t.Fatalf("bucket %d: count %d after %d, first %d", b, bk.count, last, bk.first)
		}
		last = bk.count
		for s := bk.first; s >= 0; s = c.counters[s].next {
			if ct := c.counters[s]; ct.bucket != b || ct.err > bk.count || c.index[ct.entity] != s {
				t.Fatalf("counter %d %+v in bucket %d (count %d)", s, ct, b, bk.count)
			}
			sum += bk.count
			members++
		}
	}
	if members != len(c.index) || sum != c.total {
		t.Fatalf("%d counters in buckets, %d indexed; counts sum to %d, total %d", members, len(c.index), sum, c.total)
	}
	if len(c.counters) > c.capacity || len(c.buckets) > c.capacity {
		t.Fatalf("%d counters and %d buckets for capacity %d", len(c.counters), len(c.buckets), c.capacity)
	}
}

// Heavy entities in a long tail of distinct ones are tracked, with counts
// that bound their true counts from both sides, in memory fixed by the
// capacity.
func TestCorpusStatsTracksHeavyHittersInBoundedMemory(t *testing.T) {
	c := newCorpusStats(64, 1<<30)
	rng := rand.New(rand.NewPCG(1, 2))
	truth := map[kb.EntityID]uint64{}
	tail := kb.EntityID(1000)
	for range 50000 {
		id := tail
		if rng.IntN(4) == 0 {
			id = kb.EntityID(rng.IntN(8)) // 8 heavy entities, 1/32 of the links each
		} else {
			tail++
		}
		truth[id]++
		c.observe(id, "", 1)
	}
	checkSummary(t, c)
	for id := range kb.EntityID(8) {
		slot, ok := c.index[id]
		if !ok {
			t.Fatalf("heavy entity %d (%d links) not tracked", id, truth[id])
		}
		ct := c.counters[slot]
		if n := c.buckets[ct.bucket].count; n-ct.err > truth[id] || n < truth[id] {
			t.Fatalf("entity %d: count %d, error %d, true %d", id, n, ct.err, truth[id])
		}
	}
}

// Every window all counts halve: an entity linked only long ago fades out
// while the current ones keep their share.
func TestCorpusStatsOldLinksFade(t *testing.T) {
	c := newCorpusStats(16, 64)
	for range 64 {
		c.observe(1, "old", 1) // the first window: entity 1 alone
	}
	if got := c.buckets[c.counters[c.index[1]].bucket].count; got != 32 || c.total != 32 {
		t.Fatalf("after one window: count %d, total %d; want both halved to 32", got, c.total)
	}
	for i := range 64 * 6 {
		c.observe(kb.EntityID(2+i%4), "new", 1)
	}
	checkSummary(t, c)
	if _, ok := c.index[1]; ok {
		t.Fatalf("entity 1, last linked six windows ago, is still tracked: %+v", c.counters[c.index[1]])
	}
	if len(c.index) != 4 {
		t.Fatalf("%d entities tracked, want the 4 current ones", len(c.index))
	}
}

// Links counted from many goroutines, with scoring and /metrics reading
// meanwhile, all arrive (the race detector watches the rest).
func TestCorpusStatsConcurrent(t *testing.T) {
	c := newCorpusStats(32, 1<<30)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				c.observe(kb.EntityID((g*7+i)%100), "e", uint32(i%5))
				c.penalty(kb.EntityID(i % 100))
				if i%500 == 0 {
					c.top(5)
				}
			}
		}()
	}
	wg.Wait()
	if c.total != 8*2000 {
		t.Fatalf("total %d, want %d", c.total, 8*2000)
	}
	checkSummary(t, c)
}

func TestMedianOfMatchesASort(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := 1; n < 60; n++ {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(rng.IntN(8)) // ties, as integer counts give
		}
		sorted := slices.Sorted(slices.Values(xs))
		want := sorted[n/2]
		if n%2 == 0 {
			want = (sorted[n/2-1] + sorted[n/2]) / 2
		}
		if got := medianOf(xs); got != want {
			t.Fatalf("median of %v = %v, want %v", sorted, got, want)
		}
	}
}

// BenchmarkCorpusObserve is one link counted at Wikipedia scale: entities
// drawn from 6 million by a Zipf law, as news links them, into the
// default summary (fits included, amortised).
func BenchmarkCorpusObserve(b *testing.B) {
	z := rand.NewZipf(rand.New(rand.NewPCG(3, 4)), 1.1, 1, 6_000_000)
	ids := make([]kb.EntityID, 1<<16)
	for i := range ids {
		ids[i] = kb.EntityID(z.Uint64())
	}
	c := newCorpusStats(corpusCapacity, corpusWindow)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := ids[i&(len(ids)-1)]
		c.observe(id, "", uint32(id%1000))
	}
}

// BenchmarkCorpusPenalty is what down-weighting adds to scoring one
// candidate: a look-up in the published map of flagged entities.
func BenchmarkCorpusPenalty(b *testing.B) {
	c := newCorpusStats(corpusCapacity, corpusWindow)
	for i := range 1 << 16 {
		c.observe(kb.EntityID(i%64), "", 1)
		if i%2 == 0 {
			c.observe(0, "", 1) // linked 33 times as often as its equals
		}
	}
	if c.penalty(0) == 0 {
		b.Fatal("precondition: entity 0 should be flagged")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.penalty(kb.EntityID(i & 127))
	}
}

package kb

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSynthesizeSmall(t *testing.T) {
	out := filepath.Join(t.TempDir(), "kb")
	sample, info, err := Synthesize(context.Background(), out, 20000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if info.Counts.ExactSurfaces < 20000 {
		t.Errorf("%d surfaces", info.Counts.ExactSurfaces)
	}
	k, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	for _, s := range sample[:2000] {
		cs := k.Lookup(s)
		if len(cs) == 0 {
			t.Fatalf("sample surface %q not found", s)
		}
		if !slices.IsSortedFunc(cs, func(a, b Candidate) int {
			if a.Prior > b.Prior {
				return -1
			}
			if a.Prior < b.Prior {
				return 1
			}
			return 0
		}) {
			t.Fatalf("%q candidates not sorted by prior", s)
		}
		if e := k.Entity(cs[0].Entity); e.Title == "" || e.QID == "" {
			t.Fatalf("entity %+v", e)
		}
		if lc := k.Lookup(strings.ToLower(s)); len(lc) == 0 {
			t.Fatalf("normalised %q not found", strings.ToLower(s))
		}
	}
}

// pct returns the p-th percentile of sorted durations.
func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[min(len(d)-1, int(p*float64(len(d))))]
}

func dirSize(dir string) int64 {
	var n int64
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if fi, err := e.Info(); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// TestScale measures a synthetic KB of LINKSTREAM_KB_SCALE surfaces
// (skipped when unset): build time, size on disk, open time, look-up
// latency percentiles (exact, normalised, misses), walker and entity
// decoding. Set LINKSTREAM_KB_SCALE_DIR to keep the KB between runs.
//
//	LINKSTREAM_KB_SCALE=1000000 go test ./kb -run TestScale -v -timeout 30m
func TestScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("LINKSTREAM_KB_SCALE"))
	if n <= 0 {
		t.Skip("set LINKSTREAM_KB_SCALE=1000000 to measure a synthetic KB of that many surfaces")
	}
	dir := os.Getenv("LINKSTREAM_KB_SCALE_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	out := filepath.Join(dir, "synthetic-"+strconv.Itoa(n))
	start := time.Now()
	sample, info, err := Synthesize(context.Background(), out, n, 7)
	if err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("synthesised %d exact / %d normalised surfaces, %d entities, %d candidates in %v (Go heap peak-ish %d MB)",
		info.Counts.ExactSurfaces, info.Counts.NormSurfaces, info.Counts.Entities, info.Counts.Candidates, time.Since(start).Round(time.Millisecond), ms.Sys>>20)
	size := dirSize(out)
	t.Logf("size on disk: %.1f MB = %.1f MB per million exact surfaces; files %v", float64(size)/1e6, float64(size)/1e6/(float64(info.Counts.ExactSurfaces)/1e6), info.Files)
	sample = sample[:min(len(sample), 100000)]
	k, opens, exact := measureKB(t, out, sample)
	defer k.Close()
	runtime.ReadMemStats(&ms)
	t.Logf("Go heap in use after the look-ups: %d MB (the KB itself is mapped, not on the heap)", ms.HeapInuse>>20)

	// The alternative the FST is measured against: load the surfaces into
	// a Go map at open (what a KB kept in memory, or a serialised map,
	// costs at every start).
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	m := make(map[string]uint32)
	it, err := k.exact.Iterator(nil, nil)
	for err == nil {
		key, val := it.Current()
		m[string(key)] = uint32(val)
		err = it.Next()
	}
	load := time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("Go map alternative: loading %d surfaces took %v and holds %d MB of heap (the FST: %v open, %.1f MB mapped)",
		len(m), load.Round(time.Millisecond), (after.HeapInuse-before.HeapInuse)>>20, pct(opens, 0.5), float64(info.Files[fileExact])/1e6)
	logLatency(t, "Go map (exact)", exact, func(s string) int {
		if _, ok := m[s]; ok {
			return 1
		}
		return 0
	})
	runtime.KeepAlive(m)
}

// measureKB logs open time and look-up latency percentiles of the KB in
// dir for queries drawn from sample; it returns the open KB, the open
// times and the exact queries.
func measureKB(t *testing.T, out string, sample []string) (*KB, []time.Duration, []string) {
	t.Helper()
	runtime.GC()

	// open time: the median of 21 opens (the files are in the page cache:
	// mmap reads nothing at open, so this is the cost whatever the size)
	var opens []time.Duration
	for i := 0; i < 21; i++ {
		t0 := time.Now()
		k, err := Open(out)
		opens = append(opens, time.Since(t0))
		if err != nil {
			t.Fatal(err)
		}
		k.Close()
	}
	slices.Sort(opens)
	t.Logf("open: median %v, max %v", pct(opens, 0.5), opens[len(opens)-1])

	k, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	queries := func(m int, f func(string) string) []string {
		q := make([]string, m)
		for i := range q {
			q[i] = f(sample[rng.IntN(len(sample))])
		}
		return q
	}
	exact := queries(200000, func(s string) string { return s })
	logLatency(t, "first 1000 after open", exact[:1000], func(s string) int { return len(k.Lookup(s)) })
	logLatency(t, "exact (warm)", exact, func(s string) int { return len(k.Lookup(s)) })
	logLatency(t, "normalised (lower-case)", queries(200000, strings.ToLower), func(s string) int { return len(k.Lookup(s)) })
	logLatency(t, "miss", queries(200000, func(s string) string { return s + "x" }), func(s string) int { return len(k.Lookup(s)) })
	logLatency(t, "lookup+entity of best", exact, func(s string) int {
		cs := k.Lookup(s)
		if len(cs) == 0 {
			return 0
		}
		return len(k.Entity(cs[0].Entity).Title)
	})
	logLatency(t, "walker (normalised key)", queries(200000, Normalize), func(s string) int {
		w := k.Walker()
		if !w.Step(s) {
			return 0
		}
		if key, ok := w.Match(); ok {
			return len(k.CandidatesOf(key))
		}
		return 0
	})
	logLatency(t, "fuzzy, 1 edit", queries(2000, func(s string) string { return s[:len(s)-1] + "q" }), func(s string) int { return len(k.LookupFuzzy(s, 1)) })
	return k, opens, exact
}

// TestLatencyOfKB measures a built KB, such as make kb's
// (skipped when LINKSTREAM_LATENCY_KB is unset): open time and look-up
// latency for every 50th surface of the KB.
//
//	LINKSTREAM_LATENCY_KB="$(scripts/kb.sh)" go test ./kb -run TestLatencyOfKB -v
func TestLatencyOfKB(t *testing.T) {
	dir := os.Getenv("LINKSTREAM_LATENCY_KB")
	if dir == "" {
		t.Skip("set LINKSTREAM_LATENCY_KB to a KB directory to measure it")
	}
	k, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var sample []string
	it, err := k.exact.Iterator(nil, nil)
	for i := 0; err == nil; i++ {
		if key, _ := it.Current(); i%50 == 0 {
			sample = append(sample, string(key))
		}
		err = it.Next()
	}
	k.Close()
	t.Logf("%s: %d surfaces sampled, %.1f MB on disk", dir, len(sample), float64(dirSize(dir))/1e6)
	k, _, _ = measureKB(t, dir, sample)
	k.Close()
}

// logLatency logs the latency percentiles of f over the queries.
func logLatency(t *testing.T, name string, queries []string, f func(string) int) {
	t.Helper()
	lat := make([]time.Duration, 0, len(queries))
	found := 0
	t0 := time.Now()
	for _, q := range queries {
		s := time.Now()
		found += min(1, f(q))
		lat = append(lat, time.Since(s))
	}
	total := time.Since(t0)
	slices.Sort(lat)
	t.Logf("%-26s n=%d found=%d  p50 %v  p90 %v  p99 %v  p99.9 %v  max %v  mean %v (incl. ~%v timer)",
		name, len(queries), found, pct(lat, .5), pct(lat, .9), pct(lat, .99), pct(lat, .999), lat[len(lat)-1], total/time.Duration(len(queries)), timerCost())
}

func timerCost() time.Duration {
	t0 := time.Now()
	for i := 0; i < 1000; i++ {
		_ = time.Since(t0)
	}
	return time.Since(t0) / 1000
}

// benchKB is a 200k-surface synthetic KB shared by the benchmarks.
var benchKB struct {
	k      *KB
	sample []string
	dir    string
}

func openBenchKB(b *testing.B) (*KB, []string) {
	if benchKB.k == nil {
		out := filepath.Join(os.TempDir(), "linkstream-kb-bench-200k")
		os.RemoveAll(out)
		sample, _, err := Synthesize(context.Background(), out, 200000, 3)
		if err != nil {
			b.Fatal(err)
		}
		k, err := Open(out)
		if err != nil {
			b.Fatal(err)
		}
		benchKB.k, benchKB.sample, benchKB.dir = k, sample, out
	}
	return benchKB.k, benchKB.sample
}

func BenchmarkLookupExact(b *testing.B) {
	k, s := openBenchKB(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k.Lookup(s[i%len(s)])
	}
}

func BenchmarkLookupNormalised(b *testing.B) {
	k, s := openBenchKB(b)
	low := make([]string, len(s))
	for i := range s {
		low[i] = strings.ToLower(s[i])
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k.Lookup(low[i%len(low)])
	}
}

func BenchmarkWalker(b *testing.B) {
	k, s := openBenchKB(b)
	norm := make([]string, len(s))
	var bytes int64
	for i := range s {
		norm[i] = Normalize(s[i])
		bytes += int64(len(norm[i]))
	}
	b.SetBytes(bytes / int64(len(norm)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		w := k.Walker()
		w.Step(norm[i%len(norm)])
		w.Match()
	}
}

func BenchmarkEntity(b *testing.B) {
	k, _ := openBenchKB(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k.Entity(EntityID(i % k.Len()))
	}
}

// TestTypeAgreement compares the types of a KB with those of a reference
// KB whose types come from dumps (infoboxes, categories, DBpedia classes):
// coverage (typed at all) and accuracy (the same type) over the reference's
// typed articles found in the KB (skipped unless LINKSTREAM_TYPES_KB and
// LINKSTREAM_TYPES_REF name the two KB directories).
//
//	LINKSTREAM_TYPES_KB="$(scripts/kb.sh)" LINKSTREAM_TYPES_REF=out/eval/kb go test ./kb -run TestTypeAgreement -v
func TestTypeAgreement(t *testing.T) {
	dir, ref := os.Getenv("LINKSTREAM_TYPES_KB"), os.Getenv("LINKSTREAM_TYPES_REF")
	if dir == "" || ref == "" {
		t.Skip("set LINKSTREAM_TYPES_KB and LINKSTREAM_TYPES_REF to compare a KB's types with a dump-typed reference KB")
	}
	k, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	r, err := Open(ref)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	type row struct{ found, typed, same int }
	rows := map[Type]*row{}
	for id := 0; id < r.Len(); id++ {
		e := r.Entity(EntityID(id))
		if e.NameOnly || e.Type == MISC {
			continue // the reference knows no type for it
		}
		rw := rows[e.Type]
		if rw == nil {
			rw = &row{}
			rows[e.Type] = rw
		}
		kid, ok := k.EntityByTitle(e.Title)
		if !ok {
			continue
		}
		rw.found++
		if got := k.TypeOf(kid); got != MISC {
			rw.typed++
			if got == e.Type {
				rw.same++
			}
		}
	}
	var all row
	for _, typ := range []Type{PER, ORG, LOC} {
		if rw := rows[typ]; rw != nil {
			t.Logf("%s: %d reference entities found, %d typed (%.1f%%), %d the same type (%.1f%% of typed)",
				typ, rw.found, rw.typed, 100*float64(rw.typed)/float64(max(rw.found, 1)), rw.same, 100*float64(rw.same)/float64(max(rw.typed, 1)))
			all.found, all.typed, all.same = all.found+rw.found, all.typed+rw.typed, all.same+rw.same
		}
	}
	t.Logf("all: %d found, coverage %.1f%%, accuracy %.1f%%", all.found, 100*float64(all.typed)/float64(max(all.found, 1)), 100*float64(all.same)/float64(max(all.typed, 1)))
}

package kb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Synthesize writes a synthetic KB with about the given number of exact
// surfaces to out, for measuring open time, look-up latency and size at
// scales no dump here reaches. Names are random pseudo-words built from
// syllables (1–3 words a surface, Zipf-like reuse of words), every entity
// has a title, a 200-byte description and 1–6 surfaces, and surfaces have
// 1–8 candidates with Zipf-like counts; occurrences are random multiples of
// the link counts. It returns the surfaces it created (a sample for
// look-ups) with the Info of the KB.
func Synthesize(ctx context.Context, out string, surfaces int, seed uint64) ([]string, Info, error) {
	if err := checkOutput(out); err != nil {
		return nil, Info{}, err
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	syl := []string{"ka", "lo", "mer", "tin", "sa", "ber", "gal", "ro", "vi", "an", "del", "mo", "ris", "ta", "nu", "pe", "lin", "cor", "ash", "ven", "qui", "zo", "hal", "dor", "el", "fra", "gus", "ir", "jem", "ok", "ul", "yen", "bri", "sto", "wal", "ter", "ni", "ca", "ho", "ma"}
	word := func() string {
		n := 2 + rng.IntN(3)
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(syl[rng.IntN(len(syl))])
		}
		w := b.String()
		return strings.ToUpper(w[:1]) + w[1:]
	}
	vocab := make([]string, max(1000, surfaces/4))
	for i := range vocab {
		vocab[i] = word()
	}
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(vocab)-1))
	name := func() string {
		n := 1 + rng.IntN(3)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = vocab[zipf.Uint64()]
		}
		return strings.Join(parts, " ")
	}
	a := newAccumulator()
	nEnt := max(1, surfaces/3)
	titles := make([]string, nEnt)
	desc := strings.Repeat("synthetic description text ", 8)[:200]
	for i := range titles {
		titles[i] = fmt.Sprintf("%s (%d)", name(), i)
		t := a.title(titles[i])
		a.accs[t].article = true
		a.accs[t].pageID = int64(i + 1)
		a.accs[t].description = desc
		a.accs[t].typ = Type(rng.IntN(4))
		a.accs[t].typeSrc = typeFromInfobox
		a.accs[t].inlinks = uint32(rng.IntN(1000))
		a.accs[t].qid = uint32(i + 1)
	}
	entZipf := rand.NewZipf(rng, 1.2, 4, uint64(nEnt-1))
	var sample []string
	for len(a.surf.strs) < surfaces {
		if len(a.surf.strs)%65536 == 0 && ctx.Err() != nil {
			return nil, Info{}, ctx.Err()
		}
		s := name()
		k := 1 + rng.IntN(8)
		for j := 0; j < k; j++ {
			a.addAnchor(s, titles[entZipf.Uint64()], uint32(1+rng.IntN(50)/(j+1)))
		}
		if len(sample) < 100000 {
			sample = append(sample, s)
		}
	}
	a.stats.Articles = int64(nEnt)
	tb, err := a.prepare()
	if err != nil {
		return nil, Info{}, err
	}
	for i := range tb.normRecs {
		tb.normRecs[i].occ = tb.normRecs[i].linked * uint32(1+rng.IntN(20))
	}
	parent := filepath.Dir(filepath.Clean(out))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, Info{}, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".building-")
	if err != nil {
		return nil, Info{}, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it private; a KB is shared read-only
		os.RemoveAll(tmp)
		return nil, Info{}, err
	}
	defer os.RemoveAll(tmp)
	info := Info{Created: time.Now().UTC().Truncate(time.Second), Inputs: []Input{{Kind: "synthetic", Name: fmt.Sprintf("seed-%d", seed)}},
		LinkProbability: "synthetic: occurrences are random multiples of link counts"}
	info.Counts.Articles = int64(nEnt)
	if err := writeTables(tmp, a, tb, &info); err != nil {
		return nil, Info{}, err
	}
	if err := replaceDir(tmp, out); err != nil {
		return nil, Info{}, err
	}
	return sample, info, nil
}

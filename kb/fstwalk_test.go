package kb

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/blevesearch/vellum"
)

// checkFSTReader walks key through both vellum and the allocation-free
// reader and fails at the first difference of address, output or
// finality.
func checkFSTReader(t *testing.T, f *vellum.FST, r *fstReader, key []byte) {
	t.Helper()
	va, ra := f.Start(), r.root
	if va != ra {
		t.Fatalf("root %d vs %d", va, ra)
	}
	for i, b := range key {
		vn, vo := f.AcceptWithVal(va, b)
		rn, ro := r.step(ra, b)
		vDead, rDead := !f.CanMatch(vn), rn == fstNone
		if vDead != rDead || (!vDead && (vn != rn || vo != ro)) {
			t.Fatalf("key %q byte %d: vellum (%d,%d,dead=%v), reader (%d,%d,dead=%v)", key, i, vn, vo, vDead, rn, ro, rDead)
		}
		if vDead {
			return
		}
		va, ra = vn, rn
		vm, vf := f.IsMatchWithVal(va)
		rm, rf := r.final(ra)
		if vm != rm || (vm && vf != rf) {
			t.Fatalf("key %q after byte %d: final vellum (%v,%d) reader (%v,%d)", key, i, vm, vf, rm, rf)
		}
	}
}

func fstOracle(t *testing.T, k *KB) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, x := range []struct {
		f *vellum.FST
		r *fstReader
	}{{k.exact, &k.exactR}, {k.norm, &k.normR}, {k.titles, &k.titlesR}} {
		it, err := x.f.Iterator(nil, nil)
		n := 0
		for err == nil {
			key, val := it.Current()
			key = append([]byte(nil), key...)
			if got, ok := x.r.get(key); !ok || got != val {
				t.Fatalf("get(%q) = %d,%v, want %d", key, got, ok, val)
			}
			checkFSTReader(t, x.f, x.r, key)
			// mutations: a changed byte, a longer key, a prefix
			if len(key) > 0 {
				m := append([]byte(nil), key...)
				m[rng.IntN(len(m))] = byte(rng.IntN(256))
				checkFSTReader(t, x.f, x.r, m)
				checkFSTReader(t, x.f, x.r, append(append([]byte(nil), key...), byte(rng.IntN(256))))
				checkFSTReader(t, x.f, x.r, key[:rng.IntN(len(key))])
			}
			n++
			err = it.Next()
		}
		if n == 0 {
			t.Fatal("empty FST")
		}
		for i := 0; i < 2000; i++ {
			b := make([]byte, rng.IntN(12))
			for j := range b {
				b[j] = "abcdefghijklmnopqrstuvwxyz  0123456789\xc3\xa9"[rng.IntN(40)]
			}
			checkFSTReader(t, x.f, x.r, b)
		}
	}
}

// TestFSTReaderMatchesVellum checks the allocation-free reader against
// vellum, step by step, on every key of real and synthetic KBs.
func TestFSTReaderMatchesVellum(t *testing.T) {
	t.Run("handmade", func(t *testing.T) {
		k, _ := buildTest(t, testPages)
		fstOracle(t, k)
	})
	t.Run("synthetic", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "kb")
		if _, _, err := Synthesize(context.Background(), out, 30000, 9); err != nil {
			t.Fatal(err)
		}
		k, err := Open(out)
		if err != nil {
			t.Fatal(err)
		}
		defer k.Close()
		fstOracle(t, k)
	})
	t.Run("gensim", func(t *testing.T) {
		fstOracle(t, openGensim(t))
	})
}

// FuzzFSTReader feeds arbitrary bytes as an FST: the reader may find
// nonsense but must not panic or loop.
func FuzzFSTReader(f *testing.F) {
	commonOnce.Do(learnCommonCodes)
	var buf []byte
	{
		var w bytesBuffer
		b, _ := vellum.New(&w, nil)
		for _, k := range []string{"a", "ab", "abc", "b", "new york", "new york city"} {
			b.Insert([]byte(k), uint64(len(k)))
		}
		b.Close()
		buf = w.b
	}
	f.Add(buf, []byte("new york"))
	f.Add(buf[:len(buf)/2], []byte("ab"))
	f.Fuzz(func(t *testing.T, data, key []byte) {
		r, err := newFSTReader(data)
		if err != nil {
			return
		}
		r.get(key)
		w := Walker{r: &r, addr: r.root, live: true}
		w.Step(string(key))
		w.Match()
	})
}

type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

package kb

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestCorruptKBDoesNotPanic flips bytes in every file of a KB: Verify must
// notice, and look-ups, walks and entity reads on the damaged KB must not
// panic (they may return nonsense).
func TestCorruptKBDoesNotPanic(t *testing.T) {
	_, out := buildTest(t, testPages)
	k0, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := k0.Verify(); err != nil {
		t.Fatalf("fresh KB fails Verify: %v", err)
	}
	k0.Close()
	rng := rand.New(rand.NewPCG(3, 4))
	queries := []string{"New York City", "paris", "Beatles", "São Paulo", "Lennon", "nothing here", "x"}
	for _, name := range dataFiles {
		p := filepath.Join(out, name)
		orig, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for round := 0; round < 30; round++ {
			b := append([]byte(nil), orig...)
			for i := 0; i < 1+rng.IntN(8); i++ {
				b[rng.IntN(len(b))] ^= byte(1 + rng.IntN(255))
			}
			os.WriteFile(p, b, 0o644)
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("%s corrupted: panic %v", name, r)
					}
				}()
				k, err := Open(out)
				if err != nil {
					return // refusing is fine
				}
				defer k.Close()
				if round == 0 && !errors.Is(k.Verify(), ErrContentHash) {
					t.Errorf("%s corrupted: Verify did not notice", name)
				}
				for _, q := range queries {
					for _, c := range k.Lookup(q) {
						k.Entity(c.Entity)
					}
					k.Surface(q)
					w := k.Walker()
					w.Step(Normalize(q))
					if key, ok := w.Match(); ok {
						k.CandidatesOf(key)
						k.SurfaceOf(key)
					}
					k.EntityByTitle(q)
				}
				for id := 0; id < k.Len(); id++ {
					k.Entity(EntityID(id))
				}
			}()
		}
		os.WriteFile(p, orig, 0o644)
	}
}

package kb

import (
	"strings"
	"testing"
	"testing/quick"
	"unicode/utf8"
)

func TestNormalizeExamples(t *testing.T) {
	for in, want := range map[string]string{
		"New York":        "new york",
		"  New   York  ":  "new york",
		"U.S.":            "us",
		"AT&T":            "att",
		"Coca-Cola":       "coca cola",
		"São Paulo":       "sao paulo",
		"Ferdinand Piëch": "ferdinand piech",
		"Straße":          "strasse",
		"Øresund":         "oresund",
		"Łódź":            "lodz",
		"The Beatles":     "the beatles",
		"McDonald's":      "mcdonalds",
		"Ranma ½":         "ranma",
		"2008–09 season":  "2008 09 season",
		"already clean":   "already clean",
		"":                "",
		"—":               "",
		"N.EX.T":          "next",
		"Émile Zola":      "emile zola",
		"Ren & Stimpy":    "ren stimpy",
		"Αθήνα":           "αθηνα",
		"東京":              "東京",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNormalizeTokenStable checks the guarantee the spotter relies on:
// Normalize(a+" "+b) == Normalize(a)+" "+Normalize(b) when both sides are
// non-empty.
func TestNormalizeTokenStable(t *testing.T) {
	prop := func(a, b string) bool {
		na, nb := Normalize(a), Normalize(b)
		if na == "" || nb == "" {
			return true
		}
		return Normalize(a+" "+b) == na+" "+nb
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 20000}); err != nil {
		t.Fatal(err)
	}
	for _, c := range [][2]string{{"New", "York"}, {"São", "Paulo"}, {"St.", "Louis"}, {"(The", "Who)"}, {"Coca-", "-Cola"}} {
		if !prop(c[0], c[1]) {
			t.Errorf("not token-stable on %q %q", c[0], c[1])
		}
	}
	if Normalize("New York") != Normalize("New")+" "+Normalize("York") {
		t.Fatal("New York")
	}
}

func TestNormalizeIdempotentAndAppend(t *testing.T) {
	prop := func(s string) bool {
		n := Normalize(s)
		buf := AppendNormalized([]byte("x"), s)
		return Normalize(n) == n && string(buf) == "x"+n && !strings.HasPrefix(n, " ") && !strings.HasSuffix(n, " ") && !strings.Contains(n, "  ") && utf8.ValidString(n) == utf8.ValidString(s) || !utf8.ValidString(s)
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 20000}); err != nil {
		t.Fatal(err)
	}
}

func TestNormalizeNoAllocWhenClean(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = Normalize("new york city") }); n != 0 {
		t.Errorf("Normalize of a clean string allocates %v times", n)
	}
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() { buf = AppendNormalized(buf[:0], "São Paulo, Brazil") }); n != 0 {
		t.Errorf("AppendNormalized allocates %v times", n)
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"New York", "São Paulo", "U.S.", "a  b", "Straße", "\xff\xfe", "—x—"} {
		f.Add(s, "York")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		na, nb := Normalize(a), Normalize(b)
		if Normalize(na) != na {
			t.Fatalf("not idempotent: %q → %q → %q", a, na, Normalize(na))
		}
		if na != "" && nb != "" && Normalize(a+" "+b) != na+" "+nb {
			t.Fatalf("not token-stable: %q %q", a, b)
		}
	})
}

// TestFoldStable checks every rune: what a rune folds to folds to itself,
// which makes Normalize idempotent.
func TestFoldStable(t *testing.T) {
	for r := rune(0x80); r < utf8.MaxRune; r++ {
		f := foldRune(r)
		if f == "" || f == " " {
			continue
		}
		if n := Normalize(f); n != f {
			t.Fatalf("%U folds to %q which normalises to %q", r, f, n)
		}
	}
}

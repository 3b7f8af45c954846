package kb

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// A word-frequency list gives how common each word is in running text:
// lines of "word TAB zipf", where zipf is the word's Zipf value, log10 of
// its frequency per billion words (the scale of the wordfreq lists: "the"
// 7.7, "page" 5.1, "tesla" 3.5). It says which one-word surfaces are also
// ordinary words, so that "Instead" or "Thousands" opening a sentence is
// not taken for a name: the KB keeps each single-token key's Zipf value
// (SurfaceInfo.Zipf), to one decimal.

// maxZipf is the largest Zipf value a surface record holds (one byte of
// tenths).
const maxZipf = 25.5

// loadWordFrequencies reads a word-frequency list into the accumulator.
func (a *accumulator) loadWordFrequencies(ctx context.Context, path string, prog func(int64)) (int, error) {
	r, closeFn, err := openText(path, prog)
	if err != nil {
		return 0, fmt.Errorf("word frequencies: %w", err)
	}
	defer closeFn()
	sc := bufio.NewScanner(r)
	n, line := 0, 0
	for sc.Scan() {
		line++
		if line&0xffff == 0 && ctx.Err() != nil {
			return n, ctx.Err()
		}
		word, z, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			return n, fmt.Errorf("word frequencies %s line %d: want word TAB zipf", path, line)
		}
		zipf, err := strconv.ParseFloat(strings.TrimSpace(z), 64)
		if err != nil || zipf < 0 {
			return n, fmt.Errorf("word frequencies %s line %d: bad Zipf value %q", path, line, z)
		}
		key := Normalize(word)
		if key == "" || strings.Contains(key, " ") {
			continue
		}
		tenths := uint8(math.Round(math.Min(zipf, maxZipf) * 10))
		if tenths > a.zipf[key] {
			a.zipf[key] = tenths
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return n, fmt.Errorf("word frequencies %s line %d: %w", path, line+1, err)
	}
	return n, nil
}

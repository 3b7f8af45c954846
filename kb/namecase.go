package kb

import "strings"

// A word's case inside the dictionary's strings tells a name from a
// common word where word frequencies cannot: the frequency lists fold
// case, so "iraq" (Zipf 4.4) looks as common as "instead", and both are
// dropped when they open a sentence. Inside a string ("War in Iraq",
// "Culture of Japan", "as well as", "oil well") a proper noun keeps its
// capital and a common word does not: "Iraq" is written capitalised in
// 99% of the strings that hold it after their first word, "well" in 34%.
// A word capitalised at least properNounShare of the time, in at least
// properNounMinStrings strings, is a proper noun (SurfaceInfo.ProperNoun).
const (
	properNounShare      = 0.95
	properNounMinStrings = 20
)

// nameCase counts, for the words that have word frequencies (the only
// ones whose commonness is in question), in how many strings each is
// written capitalised ("Japan") or in lower case ("japan") after the
// string's first word (words in capitals, "NATO", say nothing).
type nameCase struct {
	counts map[string]*[2]uint32 // normalised word → [capitalised, lower case]
}

func (c *nameCase) add(zipf map[string]uint8, surface string) {
	if !strings.Contains(surface, " ") {
		return
	}
	words := strings.Fields(surface)
	for _, w := range words[1:] {
		capitalised, lower := wordCase(w)
		if !capitalised && !lower {
			continue
		}
		key := Normalize(w)
		if _, ok := zipf[key]; !ok {
			continue
		}
		n := c.counts[key]
		if n == nil {
			if c.counts == nil {
				c.counts = map[string]*[2]uint32{}
			}
			n = &[2]uint32{}
			c.counts[key] = n
		}
		if capitalised {
			n[0]++
		} else {
			n[1]++
		}
	}
}

// wordCase: w is letters only, capitalised ("Japan") or all lower case.
// Other shapes ("iPhone", "NATO", "3D") are neither.
func wordCase(w string) (capitalised, lower bool) {
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= 'a' && c <= 'z':
		case c >= 'A' && c <= 'Z' && i == 0:
			capitalised = true
		default:
			return false, false
		}
	}
	return capitalised, !capitalised && w != ""
}

// properNouns returns the words capitalised in properNounShare of their
// strings.
func (c *nameCase) properNouns() map[string]bool {
	names := map[string]bool{}
	for w, n := range c.counts {
		total := n[0] + n[1]
		if total >= properNounMinStrings && float64(n[0]) >= properNounShare*float64(total) {
			names[w] = true
		}
	}
	return names
}

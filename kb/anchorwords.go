package kb

import (
	"cmp"
	"slices"
	"strings"
)

// Anchor words: what the web calls an entity besides its name. Most of a
// Wikipedia-scale KB's entities have no article in the inputs, only the
// strings that link to them, and those strings are more than names: the
// dictionary links "AFP news agency" and "oldest news source" to Agence
// France-Presse, "Tesla car" and "$60000 luxury sedan" to Tesla Motors.
// The words of these strings that the title lacks are a description of
// sorts where the KB has no text: the context similarity and the
// cross-encoder read them for such entities (Entity.AnchorWords).
//
// A word counts once per string, and only if it is an ordinary English
// word that says something: in the word-frequency list, neither rarer than
// anchorWordMinZipf (misspellings, other languages, tokens of URLs) nor
// as common as anchorWordMaxZipf (function words); a title's entity keeps
// its maxAnchorWords words named in most strings, the rarer word first
// between equals.

const (
	maxAnchorWords    = 8
	anchorWordMinZipf = 20 // tenths: Zipf 2.0
	anchorWordMaxZipf = 60 // tenths: Zipf 6.0 ("said", "new" and rarer)
	anchorWordMinLen  = 3
)

// anchorWords collects (title, word) pairs while a dictionary is read.
type anchorWords struct {
	words interner
	zipf  []uint8
	pairs []uint64 // title<<32 | word id
}

// add records the words of surface, one of the strings naming title (the
// loader's title id), that the title itself does not hold.
func (w *anchorWords) add(zipf map[string]uint8, titleID uint32, title, surface string) {
	key := Normalize(surface)
	if !strings.Contains(key, " ") && len(key) < anchorWordMinLen {
		return
	}
	own := Normalize(title)
	var seen [maxAliasWords + 1]uint32
	n := 0
	for word := range strings.FieldsSeq(key) {
		z := zipf[word]
		if len(word) < anchorWordMinLen || z < anchorWordMinZipf || z >= anchorWordMaxZipf || ContainsWords(own, word) {
			continue
		}
		id := w.words.id(word)
		if int(id) == len(w.zipf) {
			w.zipf = append(w.zipf, z)
		}
		if slices.Contains(seen[:n], id) || n == len(seen) {
			continue
		}
		seen[n] = id
		n++
		w.pairs = append(w.pairs, uint64(titleID)<<32|uint64(id))
	}
}

// each calls fn with every title that has anchor words and its words,
// space-separated, most named first.
func (w *anchorWords) each(fn func(titleID uint32, words string)) {
	slices.Sort(w.pairs)
	type counted struct {
		id uint32
		n  int
	}
	var top []counted
	var b strings.Builder
	for i := 0; i < len(w.pairs); {
		title := uint32(w.pairs[i] >> 32)
		top = top[:0]
		for ; i < len(w.pairs) && uint32(w.pairs[i]>>32) == title; i++ {
			id := uint32(w.pairs[i])
			if k := len(top) - 1; k >= 0 && top[k].id == id {
				top[k].n++
			} else {
				top = append(top, counted{id, 1})
			}
		}
		slices.SortFunc(top, func(x, y counted) int {
			if c := cmp.Compare(y.n, x.n); c != 0 {
				return c
			}
			if c := cmp.Compare(w.zipf[x.id], w.zipf[y.id]); c != 0 {
				return c
			}
			return strings.Compare(w.words.strs[x.id], w.words.strs[y.id])
		})
		b.Reset()
		for k, c := range top[:min(len(top), maxAnchorWords)] {
			if k > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w.words.strs[c.id])
		}
		fn(title, b.String())
	}
	w.pairs = nil
}

// ContainsWords reports whether the words of sub occur in s as a run, both
// normalised: "heat" in "miami heat", not in "heath".
func ContainsWords(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); {
		j := strings.Index(s[i:], sub)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(sub)
		if (j == 0 || s[j-1] == ' ') && (end == len(s) || s[end] == ' ') {
			return true
		}
		i = j + 1
	}
	return false
}

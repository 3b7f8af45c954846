package pipeline

import (
	"unicode"
	"unicode/utf8"
)

// token is one word of a document: a maximal run of letters, digits and
// combining marks. Offsets are byte offsets into the text; the Linker turns
// them into code-point offsets only when it writes a Result.
type token struct {
	start, end int
	// upper: the first letter is upper case (or the token is a number, which
	// news writes without case): the token may start or continue a name.
	upper bool
	// sentenceStart: the token opens a sentence, so its capital says nothing.
	sentenceStart bool
}

// tokenize splits text into tokens. Invalid UTF-8 bytes count as separators,
// so offsets always fall on rune boundaries of the valid parts.
func tokenize(text string, dst []token) []token {
	dst = dst[:0]
	sentenceStart := true
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) || (r == utf8.RuneError && size == 1) {
			if r == '.' || r == '!' || r == '?' || r == '\n' {
				sentenceStart = !isAbbreviationDot(text, i, dst)
			}
			i += size
			continue
		}
		start := i
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if !isWordRune(r) || (r == utf8.RuneError && size == 1) {
				break
			}
			i += size
		}
		first, _ := utf8.DecodeRuneInString(text[start:])
		dst = append(dst, token{
			start:         start,
			end:           i,
			upper:         unicode.IsUpper(first) || unicode.IsDigit(first),
			sentenceStart: sentenceStart,
		})
		sentenceStart = false
	}
	return dst
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isAbbreviationDot reports whether the '.' at byte i ends an abbreviation
// or an initial ("U.S.", "J. Smith", "Mr.") rather than a sentence: the word
// before it is a single letter, or a known title.
func isAbbreviationDot(text string, i int, toks []token) bool {
	if text[i] != '.' || len(toks) == 0 {
		return false
	}
	last := toks[len(toks)-1]
	if last.end != i {
		return false
	}
	word := text[last.start:last.end]
	if utf8.RuneCountInString(word) == 1 {
		return true
	}
	_, ok := titleAbbreviations[word]
	return ok
}

var titleAbbreviations = map[string]struct{}{
	"Mr": {}, "Mrs": {}, "Ms": {}, "Dr": {}, "Prof": {}, "St": {}, "Sen": {}, "Rep": {},
	"Gov": {}, "Gen": {}, "Lt": {}, "Col": {}, "Capt": {}, "Sgt": {}, "Jr": {}, "Sr": {},
	"Inc": {}, "Corp": {}, "Co": {}, "Ltd": {}, "Mt": {}, "Ft": {}, "Jan": {}, "Feb": {},
	"Aug": {}, "Sept": {}, "Sep": {}, "Oct": {}, "Nov": {}, "Dec": {}, "No": {}, "vs": {},
}

// runeOffsets converts byte offsets of text to code-point offsets. It walks
// the text once and answers a sorted stream of queries, which is how the
// Linker asks (mentions come in text order).
type runeOffsets struct {
	text      string
	bytePos   int
	runeCount int
}

func (r *runeOffsets) at(byteOff int) int {
	if byteOff < r.bytePos {
		r.bytePos, r.runeCount = 0, 0
	}
	r.runeCount += utf8.RuneCountInString(r.text[r.bytePos:byteOff])
	r.bytePos = byteOff
	return r.runeCount
}

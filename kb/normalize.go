package kb

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize folds a surface for the normalised index and for the spotter:
// lower case, diacritics removed (é→e, ß→ss, ø→o), letters and digits kept,
// dashes, slashes, underscores and white space turned into single spaces,
// all other punctuation and symbols dropped ("U.S." → "us", "AT&T" → "att",
// "Coca-Cola" → "coca cola").
//
// Guarantee (token stability): the fold of each character depends on that
// character alone, and separators collapse, so for any a and b whose
// normalisations are non-empty,
//
//	Normalize(a + " " + b) == Normalize(a) + " " + Normalize(b)
//
// A spotter may therefore normalise token by token, skip tokens that
// normalise to "", join the rest with single spaces and walk the result.
// Dropping a leading "The" would break this guarantee, so it is not done
// here: the index holds "the beatles" and "beatles" for "The Beatles", and
// Lookup retries without a leading "the ".
func Normalize(s string) string {
	// fast path: already normalised ASCII costs no allocation
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == ' ' && i > 0 && i < len(s)-1 && s[i-1] != ' ')) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var buf [128]byte
	return string(AppendNormalized(buf[:0], s))
}

// AppendNormalized appends Normalize(s) to dst; with a reused dst it does
// not allocate, for hot paths.
func AppendNormalized(dst []byte, s string) []byte {
	start := len(dst)
	space := false
	emit := func(b []byte, piece string) []byte {
		if space && len(b) > start {
			b = append(b, ' ')
		}
		space = false
		return append(b, piece...)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
				if space && len(dst) > start {
					dst = append(dst, ' ')
				}
				space = false
				dst = append(dst, c)
			case c >= 'A' && c <= 'Z':
				if space && len(dst) > start {
					dst = append(dst, ' ')
				}
				space = false
				dst = append(dst, c+'a'-'A')
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '-' || c == '/' || c == '_' || c == '\f' || c == '\v':
				space = true
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		f := foldRune(r)
		switch f {
		case "":
		case " ":
			space = true
		default:
			dst = emit(dst, f)
		}
	}
	return dst
}

// foldTable caches the fold of every rune below foldTableSize; computed once.
const foldTableSize = 0x3000

var foldTable = func() []string {
	t := make([]string, foldTableSize)
	for r := rune(0x80); r < foldTableSize; r++ {
		t[r] = computeFold(r)
	}
	return t
}()

func foldRune(r rune) string {
	if r >= 0 && r < foldTableSize {
		return foldTable[r]
	}
	return computeFold(r)
}

var specialFolds = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ø': "o", 'Ø': "o",
	'đ': "d", 'Đ': "d", 'ł': "l", 'Ł': "l", 'þ': "th", 'Þ': "th", 'ð': "d", 'Ð': "d",
	'ı': "i", 'ħ': "h", 'Ħ': "h", 'ŀ': "l", 'Ŀ': "l", 'ŧ': "t", 'Ŧ': "t",
	'‐': " ", '‑': " ", '‒': " ", '–': " ", '—': " ", '―': " ", '\u00a0': " ", '\u2009': " ", '\u200a': " ", '\u202f': " ",
}

func computeFold(r rune) string {
	if f, ok := specialFolds[r]; ok {
		return f
	}
	if unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) {
		return " "
	}
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return "" // punctuation, symbols, combining marks
	}
	d := norm.NFD.String(string(r))
	out := make([]rune, 0, 2)
	for _, x := range d {
		if unicode.Is(unicode.Mn, x) || !(unicode.IsLetter(x) || unicode.IsDigit(x)) {
			continue // marks of any kind, and anything the fold of x would drop
		}
		if f, ok := specialFolds[x]; ok && f != " " {
			out = append(out, []rune(f)...)
			continue
		}
		out = append(out, unicode.ToLower(x))
	}
	return string(out)
}

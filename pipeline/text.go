package pipeline

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of a document: a maximal run of letters, digits and
// combining marks. Offsets are byte offsets into the text; the Linker turns
// them into code-point offsets only when it writes a link.Result.
type token struct {
	start, end int
	// upper: the first letter is upper case (or the token is a number, which
	// news writes without case): the token may start or continue a name.
	upper bool
	// sentenceStart: the token opens a sentence, so its capital says nothing.
	sentenceStart bool
	// shouted: the token is on a line written in capitals (a headline,
	// markShouted), where no capital says anything.
	shouted bool
}

// tokenize splits text into tokens: the words that kb.Normalize keeps
// apart. The KB folds dashes, slashes and white space into separators and
// drops other punctuation, so a token runs through apostrophes, dots and
// ampersands between word characters ("O'Donnell", "U.S", "AT&T") and stops
// at everything else. A possessive "'s" is left out of the token, and the
// closing dot of a dotted abbreviation is kept in it ("U.S."). Invalid
// UTF-8 bytes count as separators, so offsets always fall on rune
// boundaries of the valid parts.
func tokenize(text string, dst []token) []token {
	dst = dst[:0]
	sentenceStart := true
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == '&' {
			if n := entityReference(text[i:]); n > 0 {
				i += n // "&QL;", "&amp;": markup, no word of the text
				continue
			}
		}
		if !isWordRune(r) || (r == utf8.RuneError && size == 1) {
			if r == '.' || r == '!' || r == '?' || r == '\n' {
				sentenceStart = !isAbbreviationDot(text, i, dst)
			} else if (r == '"' || r == '“' || r == '`') && quoteOpensSentence(text, i) {
				sentenceStart = true
			} else if isDash(r) && datelineBefore(text, i, i+size, dst) {
				sentenceStart = true
			}
			i += size
			continue
		}
		start, end, next := scanWord(text, i)
		first, _ := utf8.DecodeRuneInString(text[start:])
		dst = append(dst, token{
			start:         start,
			end:           end,
			upper:         unicode.IsUpper(first) || unicode.IsDigit(first),
			sentenceStart: sentenceStart,
		})
		sentenceStart = false
		i = next
	}
	markShouted(text, dst)
	return dst
}

// hasASCIILower: s holds a lower-case ASCII letter.
func hasASCIILower(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return true
		}
	}
	return false
}

// minShoutedWords is how many words of two capitals or more a line written
// in capitals has at least to be a headline ("SOCCER - JAPAN GET LUCKY
// WIN"), not a dateline's place ("FRANKFURT 1996-08-22") or an acronym.
const minShoutedWords = 3

// markShouted flags the tokens of each line that has no lower-case letter
// and minShoutedWords such words at least.
func markShouted(text string, toks []token) {
	for from := 0; from < len(toks); {
		to, words, lower := from+1, 0, false
		for ; to < len(toks) && !strings.Contains(text[toks[to-1].end:toks[to].start], "\n"); to++ {
		}
		if hasASCIILower(text[toks[from].start:toks[to-1].end]) {
			from = to // most lines: no headline
			continue
		}
		for _, t := range toks[from:to] {
			capitals := 0
			for _, r := range text[t.start:t.end] {
				if unicode.IsLower(r) {
					lower = true
				} else if unicode.IsUpper(r) {
					capitals++
				}
			}
			if capitals >= 2 {
				words++
			}
		}
		if !lower && words >= minShoutedWords {
			for k := from; k < to; k++ {
				toks[k].shouted = true
			}
		}
		from = to
	}
}

// capitalised is word with its first letter upper-cased.
func capitalised(word string) string {
	r, n := utf8.DecodeRuneInString(word)
	return string(unicode.ToUpper(r)) + word[n:]
}

// scanWord reads the token starting at i. It returns the token's bounds and
// where scanning goes on (past a possessive it left out).
func scanWord(text string, i int) (start, end, next int) {
	start, end = i, i
	dotted := false
	for j := i; j < len(text); {
		r, size := utf8.DecodeRuneInString(text[j:])
		if isWordRune(r) && !(r == utf8.RuneError && size == 1) {
			j += size
			end = j
			continue
		}
		if isJoiner(r) && j+size < len(text) {
			if r2, size2 := utf8.DecodeRuneInString(text[j+size:]); isWordRune(r2) && !(r2 == utf8.RuneError && size2 == 1) {
				dotted = dotted || r == '.'
				j += size
				continue
			}
		}
		break
	}
	next = end
	word := text[start:end]
	for _, suffix := range []string{"'s", "’s"} {
		if len(word) > len(suffix) && strings.HasSuffix(word, suffix) {
			return start, end - len(suffix), next
		}
	}
	if dotted && end < len(text) && text[end] == '.' {
		end++ // "U.S." keeps its closing dot
		next = end
	}
	return start, end, next
}

// maxEntityName is the longest name of a character reference read
// (entityReference): HTML's run to about thirty letters, the newswire's
// codes ("&QL;", "&UR;") to two.
const maxEntityName = 32

// entityReference is the length of the SGML or HTML character reference
// that s opens ("&amp;", "&#8212;", and the codes "&QL;", "&LR;" that news
// agency feeds leave in their texts), 0 where s opens none.
func entityReference(s string) int {
	i := 1
	if i < len(s) && s[i] == '#' {
		i++
	}
	start := i
	for i < len(s) && i-start <= maxEntityName && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9') {
		i++
	}
	if i == start || i >= len(s) || s[i] != ';' {
		return 0
	}
	return i + 1
}

// quoteOpensSentence: the double quote at byte i opens a quoted sentence
// after a comma or a colon ("Nardelli said, "Selling hammers.""), so the
// capital of the word after it says nothing. Newswire feeds write the
// opening quote as two backquotes (grave accents): the first opens it.
func quoteOpensSentence(text string, i int) bool {
	before := strings.TrimRight(text[:i], " ")
	return len(before) < i && (strings.HasSuffix(before, ",") || strings.HasSuffix(before, ":"))
}

// isJoiner: punctuation that kb.Normalize drops inside a word.
func isJoiner(r rune) bool {
	return r == '\'' || r == '’' || r == '.' || r == '&'
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
	rest := text[i+1:]
	if strings.HasPrefix(rest, "\"") || strings.HasPrefix(rest, "”") {
		return false // a quote closes after the dot: "… Acme Corp." Then
	}
	if next := strings.TrimLeft(rest, " "); len(next) < len(rest) && opensWithFunctionWord(next) {
		return false // "… at First Albany Corp. In London, …"
	}
	word := text[last.start:last.end]
	if r, size := utf8.DecodeRuneInString(word); size == len(word) && unicode.IsLetter(r) {
		return true // an initial; a digit's dot ends a sentence or a list number ("2. Know your numbers")
	}
	if _, ok := titleAbbreviations[word]; ok {
		return true
	}
	// a state after a place: "Vail, Colo., while"
	_, ok := stateAbbreviations[word]
	return ok && len(toks) > 1 && text[toks[len(toks)-2].end:last.start] == ", "
}

// opensWithFunctionWord: s opens with a capitalised function word ("In",
// "The", "A"), which only a sentence's start capitalises; "A." is an
// initial ("J. A. Smith").
func opensWithFunctionWord(s string) bool {
	end := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	if end < 0 {
		end = len(s)
	}
	w := s[:end]
	if end == 1 && end < len(s) && s[end] == '.' {
		return false
	}
	return w != "" && w[0] >= 'A' && w[0] <= 'Z' && isFunctionWord(strings.ToLower(w))
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

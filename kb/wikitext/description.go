package wikitext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultDescriptionLen is the description length the knowledge base uses,
// in bytes, about what a cross-encoder reads of an entity.
const DefaultDescriptionLen = 300

// Description makes a short description from plain lead text (Page.Lead or
// any plain text): the first paragraph that reads as prose, with empty
// parentheses left by removed pronunciations tidied away, cut at a sentence
// end before max bytes where possible, else at a word with "…". The result
// never contains "{{", "}}", "[[", "]]", "<ref" or "|".
func Description(lead string, max int) string {
	if max <= 0 {
		max = DefaultDescriptionLen
	}
	para := ""
	for _, p := range strings.Split(lead, "\n") {
		p = strings.TrimSpace(p)
		if letters(p) >= 20 {
			para = p
			break
		}
		if para == "" && letters(p) > 0 {
			para = p
		}
	}
	para = sanitize(tidyParens(para))
	if len(para) <= max {
		return para
	}
	cut := para[:max]
	for !utf8.ValidString(cut) && len(cut) > 0 {
		cut = cut[:len(cut)-1]
	}
	if k := strings.LastIndex(cut, ". "); k >= max/2 {
		return cut[:k+1]
	}
	if k := strings.LastIndexByte(cut, ' '); k > 0 {
		cut = cut[:k]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
}

func letters(s string) int {
	n := 0
	for _, c := range s {
		if unicode.IsLetter(c) {
			n++
		}
	}
	return n
}

// tidyParens removes what template removal leaves in a lead sentence:
// "Angela Merkel (; born 1954)" becomes "Angela Merkel (born 1954)",
// "X ( )" becomes "X", and space before punctuation goes.
func tidyParens(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '(' {
			j := i + 1
			for j < len(s) && (s[j] == ' ' || s[j] == ';' || s[j] == ',' || s[j] == ':') {
				j++
			}
			if j < len(s) && s[j] == ')' {
				// empty parentheses: drop them and one space before
				if n := len(b); n > 0 && b[n-1] == ' ' {
					b = b[:n-1]
				}
				i = j
				continue
			}
			b = append(b, '(')
			i = j - 1
			continue
		}
		if c == ' ' && i+1 < len(s) {
			// space before closing punctuation goes ("word ." → "word."),
			// but not before ".NET" or ",5": only when the mark ends a word
			n := s[i+1]
			if n == ')' || ((n == ',' || n == '.' || n == ';' || n == ':') && (i+2 == len(s) || s[i+2] == ' ')) {
				continue
			}
		}
		if c == '[' && i+1 < len(s) && s[i+1] == ']' {
			// empty brackets left by a removed pronunciation
			if n := len(b); n > 0 && b[n-1] == ' ' {
				b = b[:n-1]
			}
			i++
			continue
		}
		if c == ' ' && i+1 < len(s) && s[i+1] == ' ' {
			continue
		}
		b = append(b, c)
	}
	return strings.TrimSpace(string(b))
}

// sanitize removes any markup residue, so that a description is plain text
// whatever the input was.
func sanitize(s string) string {
	for _, bad := range []string{"{{", "}}", "[[", "]]", "|", "<ref", "<REF", "<Ref"} {
		for strings.Contains(s, bad) {
			s = strings.ReplaceAll(s, bad, " ")
		}
	}
	for strings.Contains(s, "  ") {
		s = strings.ReplaceAll(s, "  ", " ")
	}
	return strings.TrimSpace(s)
}

package pipeline

import "strings"

// WikipediaURL is the English Wikipedia address of a title, written the way
// Wikipedia writes its canonical links: spaces as underscores, punctuation
// such as ',' '(' ')' '/' kept, everything else outside ASCII letters and
// digits percent-encoded.
func WikipediaURL(title string) string {
	const base = "https://en.wikipedia.org/wiki/"
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(base) + len(title) + 8)
	b.WriteString(base)
	for i := 0; i < len(title); i++ {
		c := title[i]
		switch {
		case c == ' ':
			b.WriteByte('_')
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("-._~!$&'()*+,;=:@/", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

package pipeline

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/linkstream/linkstream/eval"
	"github.com/linkstream/linkstream/internal/kbtest"
	"github.com/linkstream/linkstream/kb"
)

func TestTokenizeOffsetsAndFlags(t *testing.T) {
	text := "Tim Cook met Angela Merkel in Berlin. The U.S. team won 3–1! Mr. Smith left\nSão Paulo"
	toks := tokenize(text, nil)
	var words []string
	for _, tk := range toks {
		words = append(words, text[tk.start:tk.end])
	}
	want := []string{"Tim", "Cook", "met", "Angela", "Merkel", "in", "Berlin", "The", "U.S.", "team", "won", "3", "1", "Mr", "Smith", "left", "São", "Paulo"}
	if len(words) != len(want) {
		t.Fatalf("tokens %q, want %q", words, want)
	}
	for i := range want {
		if words[i] != want[i] {
			t.Fatalf("token %d = %q, want %q (all: %q)", i, words[i], want[i], words)
		}
	}
	starts := map[string]bool{}
	for _, tk := range toks {
		starts[text[tk.start:tk.end]] = tk.sentenceStart
	}
	for word, start := range map[string]bool{"Tim": true, "The": true, "Mr": true, "Smith": false, "U.S.": false, "team": false, "São": true, "Merkel": false} {
		if starts[word] != start {
			t.Errorf("%q sentenceStart = %v, want %v", word, starts[word], start)
		}
	}
	if toks[2].upper || !toks[0].upper || !toks[11].upper {
		t.Errorf("upper flags wrong: met=%v Tim=%v 3=%v", toks[2].upper, toks[0].upper, toks[11].upper)
	}
}

func TestTokenizeJoinsWhatTheKBJoins(t *testing.T) {
	text := "O'Donnell told AT&T and Iran's envoy in Washington, D.C., that Coca-Cola's U.N. office (Geneva) opened."
	var words []string
	for _, tk := range tokenize(text, nil) {
		words = append(words, text[tk.start:tk.end])
	}
	want := "O'Donnell|told|AT&T|and|Iran|envoy|in|Washington|D.C.|that|Coca|Cola|U.N.|office|Geneva|opened"
	if got := strings.Join(words, "|"); got != want {
		t.Fatalf("tokens\n %s\nwant\n %s", got, want)
	}
}

// Character references are markup, not words of the text: the newswire's
// codes ("&QL;", "&UR;") and HTML's ("&amp;", "&#8212;") make no token,
// while "&" inside a name or standing alone keeps its place.
func TestTokenizeSkipsCharacterReferences(t *testing.T) {
	text := "&QL; &UR; By MARK LANDLER &LR; &QC; AT&T and Procter &amp; Gamble &#8212; Johnson & Johnson &QL; Smith &Wesson rifles &Co; " +
		"&Pneumonoultramicroscopicsilicovolcanoconiosis;"
	var words []string
	for _, tk := range tokenize(text, nil) {
		words = append(words, text[tk.start:tk.end])
	}
	// no ";", no reference; a name longer than any reference's is a word
	want := "By|MARK|LANDLER|AT&T|and|Procter|Gamble|Johnson|Johnson|Smith|Wesson|rifles|Pneumonoultramicroscopicsilicovolcanoconiosis"
	if got := strings.Join(words, "|"); got != want {
		t.Fatalf("tokens\n %s\nwant\n %s", got, want)
	}
}

// The spotter walks the KB's normalised surfaces token by token: each token
// must normalise to exactly one KB word. Checked on real news text.
func TestTokensNormaliseToOneKBWord(t *testing.T) {
	ds, err := eval.Open(kbtest.Need(t, "eval/wned/msnbc"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range ds.Docs {
		for _, tk := range tokenize(d.Text, nil) {
			word := d.Text[tk.start:tk.end]
			if norm := kb.Normalize(word); norm == "" || strings.Contains(norm, " ") {
				t.Fatalf("token %q normalises to %q", word, norm)
			}
			n++
		}
	}
	if n < 10000 {
		t.Fatalf("only %d tokens checked", n)
	}
}

func TestTokenizeInvalidUTF8IsSeparator(t *testing.T) {
	text := "Berlin\xffParis"
	toks := tokenize(text, nil)
	if len(toks) != 2 || text[toks[0].start:toks[0].end] != "Berlin" || text[toks[1].start:toks[1].end] != "Paris" {
		t.Fatalf("tokens %+v", toks)
	}
}

func TestRuneOffsets(t *testing.T) {
	text := "Zürich und São Paulo 東京 Tokyo"
	r := runeOffsets{text: text}
	for i := range text { // ascending byte offsets at rune starts
		if got, want := r.at(i), utf8.RuneCountInString(text[:i]); got != want {
			t.Fatalf("at(%d) = %d, want %d", i, got, want)
		}
	}
	if got := r.at(3); got != 2 { // going back restarts the walk
		t.Fatalf("at(3) after the end = %d, want 2", got)
	}
}

func TestWikipediaURL(t *testing.T) {
	for title, want := range map[string]string{
		"Tim Cook":              "https://en.wikipedia.org/wiki/Tim_Cook",
		"Cupertino, California": "https://en.wikipedia.org/wiki/Cupertino,_California",
		"AC/DC":                 "https://en.wikipedia.org/wiki/AC/DC",
		"Zürich":                "https://en.wikipedia.org/wiki/Z%C3%BCrich",
		"What?":                 "https://en.wikipedia.org/wiki/What%3F",
	} {
		if got := WikipediaURL(title); got != want {
			t.Errorf("WikipediaURL(%q) = %q, want %q", title, got, want)
		}
	}
}

// A quote after a comma or a colon opens a sentence, and so does a list
// number's dot, and a quote or a capitalised function word after an
// abbreviation's dot ends one; an initial's dot, an abbreviation's dot
// before a name and a quote inside a sentence do not.
func TestSentenceStartsAfterQuotesAndListNumbers(t *testing.T) {
	text := `He said, "Selling hammers." Fans yelled "Go home" at J. Smith. Tips: 2. Know your numbers. "Ask Acme Corp." Then go. He works at Acme Corp. In May he left Acme Corp. Berlin too. Ask Acme Corp. for more.` +
		" She told a columnist, ``Many ask.'' Pasta ``Lasagne'' was served."
	starts := map[string]bool{}
	for _, tk := range tokenize(text, nil) {
		starts[text[tk.start:tk.end]] = tk.sentenceStart
	}
	for word, start := range map[string]bool{"Selling": true, "Go": false, "Smith": false, "Know": true, "hammers": false, "Then": true, "In": true, "Berlin": false, "for": false,
		"Many": true, "Lasagne": false} { // the newswire's `` quotes as the double quote
		if starts[word] != start {
			t.Errorf("%q sentenceStart = %v, want %v", word, starts[word], start)
		}
	}
}

// A line without lower case and with three words of two capitals or more
// is shouted, every token on it; other lines are not.
func TestMarkShouted(t *testing.T) {
	text := "SOCCER - JAPAN WIN 2-1\nAL-AIN , UAE , United Arab Emirates\nFRANKFURT 1996-08-22\nIBM AND NATO\nSONY SAYS\nA B C D"
	want := map[string]bool{"SOCCER": true, "JAPAN": true, "WIN": true, "2": true, "1": true, "AL": false, "UAE": false, "United": false,
		"FRANKFURT": false, "1996": false, "IBM": true, "NATO": true, "SONY": false, "A": false, "D": false}
	for _, tk := range tokenize(text, nil) {
		w := text[tk.start:tk.end]
		if sh, ok := want[w]; ok && tk.shouted != sh {
			t.Errorf("%q shouted %v, want %v", w, tk.shouted, sh)
		}
	}
}

// After an abbreviation's dot, the article "A" opens a sentence, the
// initial "A." does not.
func TestInitialAfterAnAbbreviationIsNoArticle(t *testing.T) {
	for text, want := range map[string]bool{"He met Prof. A. Jones.": false, "Ask Acme Corp. A spokesman replied.": true} {
		for _, tk := range tokenize(text, nil) {
			if text[tk.start:tk.end] == "A" && tk.sentenceStart != want {
				t.Errorf("%q: A sentenceStart = %v, want %v", text, tk.sentenceStart, want)
			}
		}
	}
}

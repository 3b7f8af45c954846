package kb

import (
	"fmt"
	"strings"
	"testing"
)

// A word the strings write capitalised after their first word is a proper
// noun however common its frequency; one they write in lower case is not,
// nor is one seen in too few strings, nor one seen only in capitals, nor
// one without word frequencies.
func TestProperNounsFromTheStringsCase(t *testing.T) {
	var dict strings.Builder
	line := func(s, title string) { fmt.Fprintf(&dict, "%s\t%s\t1.0\n", s, title) }
	for i := range 30 {
		line(fmt.Sprintf("Place%d of Iraq", i), "Iraq")
		line(fmt.Sprintf("Thing%d in japan", i), "Japan") // careless case
		line(fmt.Sprintf("Oil%d well", i), "Oil_well")
		line(fmt.Sprintf("TOKYO%d NEWS", i), "Tokyo_News")
	}
	// Japan: 600 strings capitalised against the 30 careless ones, 95%
	for i := range 600 {
		line(fmt.Sprintf("Bank%d of Japan", i), "Bank_of_Japan")
		line(fmt.Sprintf("Well done%d", i), "Well_done") // a first word's capital says nothing
	}
	for i := range 10 {
		line(fmt.Sprintf("Town%d of Rareland", i), "Rareland")
	}
	for i := range 30 {
		line(fmt.Sprintf("Hall%d of Nofreq", i), "Nofreq")
	}
	for _, w := range []string{"Iraq", "Japan", "Well", "News", "Rareland", "Nofreq"} {
		line(w, w)
	}
	words := "iraq\t4.4\njapan\t4.9\nwell\t6.0\nnews\t5.4\nrareland\t1.0\n"
	k, info := buildAliasKB(t, AliasDictionary(writeFile(t, "dict.tab", dict.String())), WordFrequencies(writeFile(t, "words.tsv", words)))
	for w, want := range map[string]bool{"Iraq": true, "iraq": true, "Japan": true, "Well": false, "News": false, "Rareland": false, "Nofreq": false} {
		if si, ok := k.Surface(w); !ok || si.ProperNoun != want {
			t.Errorf("%s: found %v, proper noun %v, want %v", w, ok, si.ProperNoun, want)
		}
	}
	if st := info.Build.Aliases; st == nil || st.ProperNouns != 2 {
		t.Errorf("alias stats %+v: want 2 proper nouns (iraq, japan)", st)
	}
}

func TestWordCase(t *testing.T) {
	for w, want := range map[string][2]bool{"Japan": {true, false}, "well": {false, true}, "NATO": {}, "iPhone": {}, "3D": {}, "O'Neil": {}, "": {}} {
		if c, l := wordCase(w); c != want[0] || l != want[1] {
			t.Errorf("wordCase(%q) = %v, %v; want %v", w, c, l, want)
		}
	}
}

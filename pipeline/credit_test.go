package pipeline

import (
	"strings"
	"testing"

	"github.com/linkstream/linkstream/kb"
)

func TestCreditLine(t *testing.T) {
	for _, tc := range []struct {
		text, mention string
		want          bool
	}{
		{"BANDAR SERI BEGAWAN, Nov 15 (AFP) - The United States said", "AFP", true},
		{"WASHINGTON (AP) — The Senate voted", "AP", true},
		{"LONDON ( Reuters ): Shares fell", "Reuters", true},
		{"the protocol (AFP) that file servers speak", "AFP", false},
		{"AFP - the protocol", "AFP", false},
	} {
		i := strings.Index(tc.text, tc.mention)
		if got := creditLine(tc.text, i, i+len(tc.mention)); got != tc.want {
			t.Errorf("creditLine(%q, %q) = %v, want %v", tc.text, tc.mention, got, tc.want)
		}
	}
}

// A credit line's agency is the news agency, not what the web calls by its
// letters most.
func TestCreditLineMeansTheNewsAgency(t *testing.T) {
	dict := "AFP\tApple_Filing_Protocol\t0.95\nAfp\tApple_Filing_Protocol\t1.0\nfile server AFP\tApple_Filing_Protocol\t1.0\n" +
		"A.F.P.\tAgence_France-Presse\t0.3\nAFP news agency\tAgence_France-Presse\t1.0\n"
	words := "news\t5.6\nagency\t4.9\nfile\t5.1\nserver\t4.7\n"
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)), kb.WordFrequencies(writeTemp(t, "words.tsv", words)))
	l := cheapLinker(t, k, WithWeights(Weights{Prior: 1, Credit: 10}))
	text := "BANDAR SERI BEGAWAN, Nov 15 (AFP) - Servers there speak AFP to Macs."
	got := chosen(t, l, text, "AFP")
	if got["AFP"] != "Agence France-Presse" {
		t.Errorf("AFP of the credit line chose %q, want the news agency", got["AFP"])
	}
	if got := chosen(t, l, "Servers there speak AFP to Macs.", "AFP")["AFP"]; got != "Apple Filing Protocol" {
		t.Errorf("AFP outside a credit line chose %q, want the protocol", got)
	}
}

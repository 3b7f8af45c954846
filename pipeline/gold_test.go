package pipeline

import (
	"testing"

	"github.com/linkstream/linkstream/kb"
)

// The KB knows the organisation's name; news gives it with words of its
// own after it.
const leadingNameAliases = `Ocean Spray	Ocean_Spray_(cooperative)	0.9
State Street	State_Street_Corporation	0.6
MSN	MSN	0.9
Globalization	Globalization	0.9
`

func TestGoldSpansUnknownToTheKBFallBackToTheirLeadingName(t *testing.T) {
	l := cheapLinker(t, buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", leadingNameAliases))))
	text := "Ocean Spray Cranberries and State Street Research advertise on the MSN network, " +
		"the Globalization Studies Center said; ocean Spray Machines did not."
	want := map[string]string{
		"Ocean Spray Cranberries": "Ocean Spray (cooperative)",
		"State Street Research":   "State Street Corporation",
		"MSN network":             "MSN",
		// one capitalised word that is not an acronym names nothing here
		"Globalization Studies Center": "",
		// the run must open with a capital
		"ocean Spray Machines": "",
	}
	wantChosen(t, l, text, want)
}

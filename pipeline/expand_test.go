package pipeline

import (
	"testing"

	"github.com/linkstream/linkstream/kb"
)

// A person's name may lead to an untyped page (the KB has "Veronica Finn"
// only as a link to her band, and persons it knows by name only are often
// untyped): a given name opening the name makes its last word stand for
// the same entity after it all the same.
func TestUntypedPersonsSurnameFollowsTheFullName(t *testing.T) {
	dict := givenNamesDict("Veronica") + "Veronica Finn\tInnosense\t1.0\nFinn\tFinnish_language\t1.0\nFinn Street\tFinn_Street\t1.0\n"
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)))
	if typ := k.TypeOf(k.Lookup("Veronica Finn")[0].Entity); typ != kb.MISC {
		t.Fatalf("Veronica Finn's page typed %v: the test needs an untyped one", typ)
	}
	l := cheapLinker(t, k, WithWeights(Weights{Prior: 1}), NILThreshold(0))
	wantTitles(t, l, "The singer Veronica Finn spoke. Finn said the group split.",
		map[string]string{"Veronica Finn": "Innosense", "Finn": "Innosense"})
	// an untyped name that no given name opens lends its last word nothing
	wantTitles(t, l, "They met on Finn Street. Finn said the group split.",
		map[string]string{"Finn": "Finnish language"})
}

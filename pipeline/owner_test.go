package pipeline

import (
	"testing"

	"github.com/linkstream/linkstream/kb"
)

// What a possessive owns says whether its owner is a company: "Tesla's
// new factory" is the car maker, though "Tesla" means the inventor first.
func TestCompanyByWhatItOwns(t *testing.T) {
	dict := "Tesla\tNikola_Tesla\t0.8\nTESLA\tTesla_Motors\t0.2\nTesla Motors\tTesla_Motors\t1.0\n" +
		"Edison\tThomas_Edison\t0.99\nEDISON\tEdison_Company\t0.01\n"
	sums := `{"Nikola Tesla": {"title": "Nikola Tesla", "extract": "Nikola Tesla was a Serbian-American inventor.", "description": "Serbian-American inventor who founded a company", "topic": "People"},
"Thomas Edison": {"title": "Thomas Edison", "extract": "Thomas Edison was an American inventor.", "description": "American inventor", "topic": "People"},
"Edison Company": {"title": "Edison Company", "extract": "The Edison Company was an American electric company.", "description": "American electric company", "topic": "Business"},
"Tesla Motors": {"title": "Tesla Motors", "extract": "Tesla Motors is an American electric car maker.", "description": "American car company", "topic": "Business"}}`
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)), kb.Summaries(writeTemp(t, "sums.json", sums)))
	l := cheapLinker(t, k)

	for text, want := range map[string]string{
		"Elon Musk discussed Tesla's new factory in Berlin.": "Tesla Motors",
		"Tesla's CEO spoke.":   "Tesla Motors",
		"Tesla's shares rose.": "Tesla Motors",
		// no company's noun, or one too far or past the owner's phrase
		"Tesla's coil sparked.":                      "Nikola Tesla",
		"Tesla's old and rusty coil factory burned.": "Nikola Tesla",
		"Tesla's notes: factory records burned.":     "Nikola Tesla",
		"Tesla's Colorado Springs factory burned.":   "Nikola Tesla",
		"Tesla visited the factory.":                 "Nikola Tesla",
	} {
		wantChosen(t, l, text, map[string]string{"Tesla": want})
	}
	// a company the name rarely means is no sense of it
	wantChosen(t, l, "Edison's factory burned.", map[string]string{"Edison": "Thomas Edison"})
}

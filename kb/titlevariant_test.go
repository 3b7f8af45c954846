package kb

import "testing"

func TestTitleKey(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"Giant Panda", "Giant panda"},
		{"Council on American-Islamic Relations", "Council on American–Islamic Relations"},
		{"Minneapolis – Saint Paul", "Minneapolis–Saint Paul"},
		{"Spirit rover", "Spirit (rover)"},
		{"Washington, D.C.", "Washington, D.c."},
		{"Opportunity_rover", "Opportunity (rover)"},
	} {
		if TitleKey(tc.a) != TitleKey(tc.b) {
			t.Errorf("TitleKey(%q) = %q, TitleKey(%q) = %q: want one key", tc.a, TitleKey(tc.a), tc.b, TitleKey(tc.b))
		}
	}
	for _, tc := range []struct{ a, b string }{
		{"Georgia (country)", "Georgia"},
		{"Jason Williams (basketball)", "Jason Williams (basketball, born 1975)"},
		{"Red Planet", "Red Planet (film)"},
	} {
		if TitleKey(tc.a) == TitleKey(tc.b) {
			t.Errorf("%q and %q share the key %q", tc.a, tc.b, TitleKey(tc.a))
		}
	}
}

// A title of another year of Wikipedia finds the KB's page by its other
// spelling among the candidates of its name; an unknown page and a key
// two pages share find nothing.
func TestEntityByTitleVariant(t *testing.T) {
	const dict = `Spirit	Spirit_rover	0.4
spirit	Spirit	0.6
CAIR	Council_on_American-Islamic_Relations	0.9
Red Planet	Red_Planet_(film)	0.5
AIDS	AIDS	0.9
aids	Aids	0.9
`
	k, _ := buildAliasKB(t, AliasDictionary(writeFile(t, "dict.tab", dict)))
	for gold, want := range map[string]string{
		"Spirit (rover)": "Spirit rover",
		"Council on American–Islamic Relations": "Council on American-Islamic Relations",
		"spirit": "Spirit",
	} {
		id, ok := k.EntityByTitleVariant(gold)
		if !ok || k.Entity(id).Title != want {
			t.Errorf("EntityByTitleVariant(%q) = %q, %v; want %q", gold, k.Entity(id).Title, ok, want)
		}
	}
	for _, gold := range []string{"Red planet", "Opportunity (rover)", "AiDS"} {
		if id, ok := k.EntityByTitleVariant(gold); ok {
			t.Errorf("EntityByTitleVariant(%q) = %q: want none", gold, k.Entity(id).Title)
		}
	}
}

// A page renamed beyond spelling resolves through the page its other
// title names almost always; a title named ambiguously, or not at all,
// finds nothing, and a title the KB holds is never sent elsewhere.
func TestEntityByTitleOfAnyYear(t *testing.T) {
	const dict = `PacSun	Pacific_Sunwear	0.95
Pacific Sunwear	Pacific_Sunwear	1.0
Supreme Court of Florida	Florida_Supreme_Court	1.0
Red Planet	Red_Planet_(film)	0.6
Red Planet	Mars	0.4
Mars	Mars	1.0
Spirit	Spirit_rover	1.0
`
	k, _ := buildAliasKB(t, AliasDictionary(writeFile(t, "dict.tab", dict)))
	for gold, want := range map[string]string{
		"PacSun":                   "Pacific Sunwear",
		"Supreme Court of Florida": "Florida Supreme Court",
		"Spirit (rover)":           "Spirit rover",
		"Mars":                     "Mars",
	} {
		id, ok := k.EntityByTitleOfAnyYear(gold)
		if !ok || k.Entity(id).Title != want {
			t.Errorf("EntityByTitleOfAnyYear(%q) = %q, %v; want %q", gold, k.Entity(id).Title, ok, want)
		}
	}
	for _, gold := range []string{"Red Planet", "Daniel Pfeiffer"} {
		if id, ok := k.EntityByTitleOfAnyYear(gold); ok {
			t.Errorf("EntityByTitleOfAnyYear(%q) = %q: want none", gold, k.Entity(id).Title)
		}
	}
}

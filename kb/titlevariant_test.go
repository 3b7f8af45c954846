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

// The resolvers of gold titles the KB does not hold as they are.
// EntityByTitleVariant: a title of another year of Wikipedia finds the
// KB's page by its other spelling among the candidates of its name; an
// unknown page and a key two pages share find nothing.
// EntityByTitleOfAnyYear: a page renamed beyond spelling resolves through
// the page its other title names almost always; a title named
// ambiguously, or not at all, finds nothing, and a title the KB holds is
// never sent elsewhere.
func TestGoldTitleResolvers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		dict    string
		resolve func(*KB, string) (EntityID, bool)
		want    map[string]string
		none    []string
	}{{
		name: "EntityByTitleVariant",
		dict: "Spirit\tSpirit_rover\t0.4\nspirit\tSpirit\t0.6\nCAIR\tCouncil_on_American-Islamic_Relations\t0.9\n" +
			"Red Planet\tRed_Planet_(film)\t0.5\nAIDS\tAIDS\t0.9\naids\tAids\t0.9\n",
		resolve: (*KB).EntityByTitleVariant,
		want: map[string]string{
			"Spirit (rover)": "Spirit rover",
			"Council on American–Islamic Relations": "Council on American-Islamic Relations",
			"spirit": "Spirit",
		},
		none: []string{"Red planet", "Opportunity (rover)", "AiDS"},
	}, {
		name: "EntityByTitleOfAnyYear",
		dict: "PacSun\tPacific_Sunwear\t0.95\nPacific Sunwear\tPacific_Sunwear\t1.0\n" +
			"Supreme Court of Florida\tFlorida_Supreme_Court\t1.0\nRed Planet\tRed_Planet_(film)\t0.6\n" +
			"Red Planet\tMars\t0.4\nMars\tMars\t1.0\nSpirit\tSpirit_rover\t1.0\n",
		resolve: (*KB).EntityByTitleOfAnyYear,
		want: map[string]string{
			"PacSun":                   "Pacific Sunwear",
			"Supreme Court of Florida": "Florida Supreme Court",
			"Spirit (rover)":           "Spirit rover",
			"Mars":                     "Mars",
		},
		none: []string{"Red Planet", "Daniel Pfeiffer"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			k, _ := buildAliasKB(t, AliasDictionary(writeFile(t, "dict.tab", tc.dict)))
			for gold, title := range tc.want {
				id, ok := tc.resolve(k, gold)
				if !ok || k.Entity(id).Title != title {
					t.Errorf("%s(%q) = %q, %v; want %q", tc.name, gold, k.Entity(id).Title, ok, title)
				}
			}
			for _, gold := range tc.none {
				if id, ok := tc.resolve(k, gold); ok {
					t.Errorf("%s(%q) = %q: want none", tc.name, gold, k.Entity(id).Title)
				}
			}
		})
	}
}

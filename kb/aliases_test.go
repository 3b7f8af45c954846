package kb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// aliasLines is a hand-made dictionary in the layout of the CoreNLP KBP
// wikidict (one title per string, its probability), with the traps the
// real one has: case variants of one name meaning different entities, a
// common word, web noise, an address that tells a redirect, and an
// inverted person's name.
const aliasLines = `Georgia	Georgia_(U.S._state)	0.54
GEORGIA	Georgia_(country)	0.95
georgia	Georgia	0.69
Republic of Georgia	Georgia_(country)	1.0
Tbilisi's country	Georgia_(country)	1.0
Peach State	Georgia_(U.S._state)	1.0
Tesla	Nikola_Tesla	0.53
Nikola Tesla	Nikola_Tesla	1.0
N. Tesla	Nikola_Tesla	1.0
tesla	Tesla_(unit)	0.9
Tesla Motors Inc	Tesla_Motors	1.0
Tesla Roadster maker	Tesla_Motors	1.0
Elon Musk's car company	Tesla_Motors	1.0
Same	Same_(East_Timor)	0.3
same	Similarity	0.5
Apple	Apple_Inc.	0.57
apple	Apple_Inc.	0.66
Apple-	Apple	1.0
APPle	Apple	1.0
APPLE	Apple	1.0
Apple;	Apple	1.0
(Apple)	Apple	1.0
the Apple	Apple	1.0
An apple	Apple	1.0
apple.	Tree_of_Knowledge	1.0
Tim Cook	Timothy_D._Cook	0.71
Cook, Timothy	Timothy_D._Cook	1.0
http://en.wikipedia.org/wiki/Tim_Cook	Timothy_D._Cook	1.0
Timothy D. Cook - Wikipedia, the free encyclopedia	Timothy_D._Cook	1.0
Тим Кук	Timothy_D._Cook	1.0
Cupertino	Cupertino,_California	0.87
Atlanta	Atlanta	0.9
Atlanta, GA	Atlanta,_Georgia	1.0
http://en.wikipedia.org/wiki/Atlanta,_Georgia	Atlanta	1.0
Washington	Washington,_D.C.	0.4
washington	Washington	0.5
Washington state	Washington_(state)	1.0
Ala.	Alabama	0.9
ala	Allah	0.3
ALA	American_Library_Association	0.5
a line without enough fields
Bad	Number	x
`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func buildAliasKB(t *testing.T, opts ...BuildOption) (*KB, Info) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "kb")
	info, err := Build(context.Background(), dir, opts...)
	if err != nil {
		t.Fatal(err)
	}
	k, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k, info
}

func priorOf(k *KB, cands []Candidate, title string) float32 {
	for _, c := range cands {
		if k.Entity(c.Entity).Title == title {
			return c.Prior
		}
	}
	return -1
}

func TestAliasDictionaryCandidates(t *testing.T) {
	k, info := buildAliasKB(t, AliasDictionary(writeFile(t, "dict.tab", aliasLines)))
	st := info.Build.Aliases
	if st == nil || st.BadLines != 2 || st.Redirects != 2 {
		t.Fatalf("alias stats %+v: want 2 bad lines and 2 redirects", st)
	}

	// every case variant of the key is a candidate, the name as written
	// in news first
	geo := k.Lookup("Georgia")
	if got := titlesOf(k, geo); len(got) < 3 || got[0] != "Georgia (U.S. state)" {
		t.Fatalf("Georgia: %v, want the U.S. state first, the country and the bare title after", got)
	}
	if priorOf(k, geo, "Georgia (country)") <= 0 {
		t.Fatalf("Georgia: the country is no candidate: %v", titlesOf(k, geo))
	}

	// what "Tesla" leaves to other senses reaches the company, found by
	// its name without the suffix, and more of it than the unit gets from
	// "tesla" alone, since more strings name the company
	tesla := k.Lookup("Tesla")
	pm, pu := priorOf(k, tesla, "Tesla Motors"), priorOf(k, tesla, "Tesla (unit)")
	if pm <= derivedShare || priorOf(k, tesla, "Nikola Tesla") < pm {
		t.Fatalf("Tesla: %v; Tesla Motors prior %v, want above the floor %v and below Nikola Tesla", titlesOf(k, tesla), pm, derivedShare)
	}
	if pu <= 0 {
		t.Fatalf("Tesla: the unit is no candidate: %v", titlesOf(k, tesla))
	}

	// scraps of anchor text ("Apple-", "(Apple)") and another key ("the
	// Apple") do not outweigh the name itself
	if got := titlesOf(k, k.Lookup("apple")); len(got) < 2 || got[0] != "Apple Inc." {
		t.Fatalf("apple: %v, want Apple Inc. first", got)
	}

	// the qualifier-free name of a title is a surface of it
	if got := titlesOf(k, k.Lookup("Cupertino")); len(got) != 1 || got[0] != "Cupertino, California" {
		t.Fatalf("Cupertino: %v", got)
	}

	// an address string tells a redirect; noise is no surface
	if id, ok := k.EntityByTitle("Tim Cook"); !ok || k.Entity(id).Title != "Timothy D. Cook" {
		t.Fatalf("Tim Cook does not resolve to Timothy D. Cook")
	}
	for _, noise := range []string{"Timothy D. Cook - Wikipedia, the free encyclopedia", "Тим Кук", "http://en.wikipedia.org/wiki/Tim_Cook"} {
		if _, ok := k.exactR.get([]byte(noise)); ok {
			t.Errorf("noise %q became a surface", noise)
		}
	}

	// an address string merges a named title into the page it names
	if id, ok := k.EntityByTitle("Atlanta, Georgia"); !ok || k.Entity(id).Title != "Atlanta" {
		t.Errorf("Atlanta, Georgia does not resolve to Atlanta")
	}
	// a bare name whose written name means another title is taken for a
	// disambiguation page: it stays a candidate, far behind
	wash := k.Lookup("Washington")
	if pb, pd := priorOf(k, wash, "Washington"), priorOf(k, wash, "Washington, D.C."); pb < 0 || pb >= pd/5 {
		t.Errorf("Washington: bare title prior %v, D.C. %v: want the bare title far behind (%v)", pb, pd, titlesOf(k, wash))
	}
	// an abbreviation's dot is no scrap of punctuation
	if got := titlesOf(k, k.Lookup("Ala.")); len(got) == 0 || got[0] != "Alabama" {
		t.Errorf("Ala.: %v, want Alabama first", got)
	}

	// an inverted name makes a person
	if id, _ := k.EntityByTitle("Timothy D. Cook"); k.TypeOf(id) != PER {
		t.Errorf("Timothy D. Cook typed %v, want PER (from \"Cook, Timothy\")", k.TypeOf(id))
	}
	if id, _ := k.EntityByTitle("Tesla Motors"); k.TypeOf(id) != ORG {
		t.Errorf("Tesla Motors typed %v, want ORG (its suffix)", k.TypeOf(id))
	}
	if id, _ := k.EntityByTitle("Cupertino, California"); k.TypeOf(id) != LOC {
		t.Errorf("Cupertino, California typed %v, want LOC (its state)", k.TypeOf(id))
	}
}

func TestAliasDictionaryLowerSense(t *testing.T) {
	k, _ := buildAliasKB(t, AliasDictionary(writeFile(t, "dict.tab", aliasLines)))
	for surface, want := range map[string]bool{"Same": true, "same": true, "Apple": false, "Cupertino": false} {
		info, ok := k.Surface(surface)
		if !ok {
			t.Fatalf("%s: not a surface", surface)
		}
		if info.LowerSense != want {
			t.Errorf("%s: LowerSense %v, want %v", surface, info.LowerSense, want)
		}
	}
}

func TestAliasDictionaryWithCounts(t *testing.T) {
	// with a count column the counts are the masses: 30 against 10
	k, _ := buildAliasKB(t, AliasDictionary(writeFile(t, "dict.tab", "Lincoln\tAbraham_Lincoln\t0.75\t30\nlincoln\tLincoln,_Nebraska\t0.9\t10\n")))
	c := k.Lookup("Lincoln")
	if got := titlesOf(k, c); len(got) != 2 || got[0] != "Abraham Lincoln" {
		t.Fatalf("Lincoln: %v", got)
	}
	want := 30 / (30 + weightLower*10)
	if p := float64(priorOf(k, c, "Abraham Lincoln")); p < want-0.01 || p > want+0.01 {
		t.Fatalf("Lincoln → Abraham Lincoln prior %v, want 30/(30+%v·10) = %.3f", p, weightLower, want)
	}
}

func TestAliasDictionaryRejectsUnusable(t *testing.T) {
	_, err := Build(context.Background(), filepath.Join(t.TempDir(), "kb"), AliasDictionary(writeFile(t, "dict.tab", "no tabs here\nnor here\n")))
	if err == nil || !strings.Contains(err.Error(), "no usable line") {
		t.Fatalf("err = %v, want a no-usable-line error", err)
	}
	_, err = Build(context.Background(), filepath.Join(t.TempDir(), "kb"), AliasDictionary(filepath.Join(t.TempDir(), "missing.tab.gz")))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want not-exist", err)
	}
}

const summaryObject = `{
 "Berlin": {"title": "Berlin", "extract": "Berlin is the capital and largest city of Germany.", "description": "Capital and largest city of Germany", "topic": "Geography"},
 "Elon Musk": {"title": "Elon Musk", "extract": "Elon Reeve Musk is a businessman.", "description": "Businessman (born 1971)", "topic": "People"},
 "Tesla, Inc.": {"title": "Tesla, Inc.", "extract": "Tesla, Inc. is an American electric vehicle company.", "description": "American electric vehicle manufacturer", "topic": "Technology"}
}`

const summaryLines = `{"title": "Berlin", "extract": "Berlin is the capital and largest city of Germany.", "description": "Capital and largest city of Germany", "topic": "Geography"}
{"title": "Elon Musk", "extract": "Elon Reeve Musk is a businessman.", "description": "Businessman (born 1971)", "topic": "People"}
{"title": "Tesla, Inc.", "extract": "Tesla, Inc. is an American electric vehicle company.", "description": "American electric vehicle manufacturer", "topic": "Technology"}
`

func TestSummaries(t *testing.T) {
	for name, content := range map[string]string{"object.json": summaryObject, "lines.jsonl": summaryLines} {
		t.Run(name, func(t *testing.T) {
			k, info := buildAliasKB(t, Summaries(writeFile(t, name, content)), AliasDictionary(writeFile(t, "dict.tab", aliasLines)))
			if info.Build.Summaries != 3 {
				t.Fatalf("%d summaries read, want 3", info.Build.Summaries)
			}
			want := map[string]Type{"Berlin": LOC, "Elon Musk": PER, "Tesla, Inc.": ORG}
			for title, typ := range want {
				id, ok := k.EntityByTitle(title)
				if !ok {
					t.Fatalf("%s missing", title)
				}
				e := k.Entity(id)
				if e.NameOnly || !strings.Contains(e.Description, strings.Fields(title)[0]) {
					t.Errorf("%s: %+v, want a described entity", title, e)
				}
				if e.Type != typ {
					t.Errorf("%s typed %v, want %v", title, e.Type, typ)
				}
			}
			// a summarised title gets candidates from the dictionary's
			// view of its names: "Tesla" reaches "Tesla, Inc."
			if priorOf(k, k.Lookup("Tesla"), "Tesla, Inc.") <= 0 {
				t.Errorf("Tesla: %v, want Tesla, Inc. among them", titlesOf(k, k.Lookup("Tesla")))
			}
		})
	}
}

func TestTypeOfText(t *testing.T) {
	for text, want := range map[string]Type{
		"American businessman and inventor (1955–2011)": PER,
		"Capital and largest city of Germany":           LOC,
		"1968 film by Stanley Kubrick":                  MISC,
		"American multinational technology company":     ORG,
		"Country in Eastern Europe and West Asia":       LOC,
		"American electric vehicle manufacturer":        ORG,
		"English rock band from London":                 ORG,
		"River in Germany":                              LOC,
		"English rock band (1968–1980)":                 ORG,
		"Italian sculptor (1475–1564)":                  PER,
		"Serbian-American engineer (1856–1943)":         PER,
		"U.S. state": LOC,
		// the head noun decides, not a class word that modifies it
		"American business magnate (1918–1992)":        PER,
		"Leader of the Soviet Union from 1964 to 1982": PER,
		// a class phrase that runs past the head stop, where a name follows
		"King of France (1643–1715)":            PER,
		"State of the United States of America": LOC,
		// years after an agent noun are a life
		"Roman rhetorician (120–180)": PER,
	} {
		if got, ok := typeOfText(text); !ok || got != want {
			t.Errorf("typeOfText(%q) = %v, %v; want %v", text, got, ok, want)
		}
	}
	for _, text := range []string{
		"Decrease in the general price level",           // "general" modifies nothing of the head
		"Atomic model introduced by Niels Bohr in 1913", // a model, not a fashion model
		"Government system where political power lies with the people",
		"Nationwide armed struggle in Mexico (1910–1920)", // a period's years, not a life
		"State of being real",                             // no name after "of"
		"Area of mathematics",
	} {
		if got, ok := typeOfText(text); ok {
			t.Errorf("typeOfText(%q) = %v; want unknown", text, got)
		}
	}
	for name, want := range map[string]Type{"Lake Burton": LOC, "Charles River": LOC, "Grace Church": ORG, "Saint Mary": PER} {
		if got, ok := ClassOfName(name); !ok || got != want {
			t.Errorf("ClassOfName(%q) = %v, %v; want %v (a name may open with its class)", name, got, ok, want)
		}
	}
	if _, ok := typeOfText("ice hockey"); ok { // a sport names no class of entity: unknown
		t.Errorf("ice hockey was typed")
	}
	if _, ok := typeOfText("Something else entirely"); ok {
		t.Errorf("an unclassified description was typed")
	}
}

// A city known by its old title and its new one is one entity when the
// described article's lead names the region of the old title; a namesake
// elsewhere stays apart.
func TestPlaceTitlesMergeIntoTheirArticle(t *testing.T) {
	const dict = `Houston	Houston	0.8
Houston, TX	Houston,_Texas	1.0
Birmingham	Birmingham	0.7
Birmingham, AL	Birmingham,_Alabama	1.0
`
	const summaries = `{"title": "Houston", "extract": "Houston is the most populous city in the U.S. state of Texas.", "description": "City in Texas, United States"}
{"title": "Birmingham", "extract": "Birmingham is a city in the West Midlands of England.", "description": "City in England"}
`
	k, _ := buildAliasKB(t, Summaries(writeFile(t, "s.jsonl", summaries)), AliasDictionary(writeFile(t, "dict.tab", dict)))
	if id, ok := k.EntityByTitle("Houston, Texas"); !ok || k.Entity(id).Title != "Houston" {
		t.Errorf("Houston, Texas does not resolve to Houston")
	}
	if id, ok := k.EntityByTitle("Birmingham, Alabama"); !ok || k.Entity(id).Title != "Birmingham, Alabama" {
		t.Errorf("Birmingham, Alabama was merged into %q", k.Entity(id).Title)
	}
	if got := titlesOf(k, k.Lookup("Houston")); len(got) != 1 {
		t.Errorf("Houston: candidates %v, want the one city", got)
	}
}

// An article the summaries know by its new title (sentence case, an en
// dash) and the dictionary by its old one is one entity, with the old
// title's names and the new title's description; titles that differ
// inside a word are other pages.
// An article whose lead opens with a longer name holding its title's
// words had that name as its title before a rename: the dictionary's links
// to the old title are the article's. A lead that names something else,
// or an old title with an article of its own, merges nothing.
func TestOldTitleFromTheLeadMergesIntoTheArticle(t *testing.T) {
	const dict = `Frankfurt	Frankfurt_am_Main	0.9
Frankfurt am Main	Frankfurt_am_Main	1.0
Kremlin	Moscow_Kremlin	0.8
Paris	Paris	0.9
City of Paris	City_of_Paris	1.0
Samsung	Samsung_Group	0.9
Samsung Electronics	Samsung_Electronics	1.0
Galaxy	Galaxy	1.0
`
	const summaries = `{"title": "Frankfurt", "extract": "Frankfurt am Main, usually shortened to Frankfurt, is the largest city in Hesse.", "description": "City in Hesse, Germany"}
{"title": "Kremlin", "extract": "The Moscow Kremlin (Russian: Московский Кремль) is a fortress.", "description": "Fortress in Moscow"}
{"title": "Paris", "extract": "Paris is the capital of France.", "description": "Capital of France"}
{"title": "Samsung Electronics", "extract": "Samsung Electronics is a maker of phones.", "description": "Company"}
{"title": "Samsung", "extract": "Samsung Electronics, or Samsung, is a conglomerate.", "description": "Conglomerate"}
{"title": "Beijing", "extract": "Beijing City is the capital of China.", "description": "Capital of China"}
{"title": "Milky Way", "extract": "Galaxy, the Milky Way, is the galaxy of the Solar System.", "description": "Galaxy"}
`
	k, info := buildAliasKB(t, Summaries(writeFile(t, "s.jsonl", summaries)), AliasDictionary(writeFile(t, "dict.tab", dict)))
	for old, want := range map[string]string{"Frankfurt am Main": "Frankfurt", "Moscow Kremlin": "Kremlin", "City of Paris": "City of Paris",
		"Samsung Electronics": "Samsung Electronics", "Samsung Group": "Samsung Group", "Galaxy": "Galaxy"} {
		if id, ok := k.EntityByTitle(old); !ok || k.Entity(id).Title != want {
			t.Errorf("%s resolves to %q, want %q", old, k.Entity(id).Title, want)
		}
	}
	if _, ok := k.EntityByTitle("Beijing City"); ok {
		t.Errorf("Beijing City, which the dictionary does not link to, became a title")
	}
	if got := titlesOf(k, k.Lookup("Frankfurt")); len(got) != 1 || got[0] != "Frankfurt" {
		t.Errorf("Frankfurt: candidates %v, want the described article alone", got)
	}
	if st := info.Build.Aliases; st == nil || st.Renamed != 2 {
		t.Errorf("alias stats %+v: want 2 renamed by their leads", st)
	}
}

func TestRenamedTitlesMergeIntoTheirArticle(t *testing.T) {
	const dict = `Giant pandas	Giant_Panda	1.0
Austria-Hungary	Austria-Hungary	1.0
BlackBerry	BlackBerry	1.0
`
	const summaries = `{"title": "Giant panda", "extract": "The giant panda is a bear species endemic to China.", "description": "Species of bear"}
{"title": "Austria–Hungary", "extract": "Austria-Hungary was a monarchy in Central Europe.", "description": "Monarchy in Central Europe"}
{"title": "Blackberry", "extract": "The blackberry is an edible fruit.", "description": "Edible fruit"}
`
	k, info := buildAliasKB(t, Summaries(writeFile(t, "s.jsonl", summaries)), AliasDictionary(writeFile(t, "dict.tab", dict)))
	for old, want := range map[string]string{"Giant Panda": "Giant panda", "Austria-Hungary": "Austria–Hungary", "BlackBerry": "BlackBerry"} {
		if id, ok := k.EntityByTitle(old); !ok || k.Entity(id).Title != want {
			t.Errorf("%s resolves to %q, want %q", old, k.Entity(id).Title, want)
		}
	}
	if got := titlesOf(k, k.Lookup("Giant pandas")); len(got) != 1 || got[0] != "Giant panda" {
		t.Errorf("Giant pandas: candidates %v, want the described article", got)
	}
	if st := info.Build.Aliases; st == nil || st.Renamed != 2 {
		t.Errorf("alias stats %+v: want 2 renamed", st)
	}
}

// A person's title with middle initials is also found by the name without
// them; a title of another shape gains no such name.
func TestMiddleInitialsLeftOut(t *testing.T) {
	for title, want := range map[string]string{
		"William B. Caldwell": "William Caldwell",
		"George H. W. Bush":   "George Bush",
		"Timothy D. Cook":     "Timothy Cook",
		"Barack Obama":        "",
		"J. R. R. Tolkien":    "",
		"Washington, D.C.":    "",
		"Title of a Book":     "",
	} {
		if got := withoutMiddleInitials(title); got != want {
			t.Errorf("withoutMiddleInitials(%q) = %q, want %q", title, got, want)
		}
	}
	k, _ := buildAliasKB(t, AliasDictionary(writeFile(t, "dict.tab", "William B. Caldwell\tWilliam_B._Caldwell\t1.0\n")))
	if got := titlesOf(k, k.Lookup("William Caldwell")); len(got) != 1 || got[0] != "William B. Caldwell" {
		t.Errorf("William Caldwell: candidates %v, want William B. Caldwell", got)
	}
}

// The pages of Wikipedia's machinery are no entities, however many web
// anchors link to them.
func TestAliasDictionaryDropsWikipediaMachinery(t *testing.T) {
	dict := "Supreme Court\tMain_Page\t0.6\nsupreme court\tSupreme_Court_of_the_United_States\t0.9\nkot\tIPA_chart_for_Polish\t1.0\nAlive\tLiving_people\t1.0\n" +
		"Center\tWikipedia_Copyright\t0.4\ncenter\tCenter_(basketball)\t0.5\n"
	k, _ := buildAliasKB(t, AliasDictionary(writeFile(t, "dict.tab", dict)))
	if got := titlesOf(k, k.Lookup("Supreme Court")); len(got) != 1 || got[0] != "Supreme Court of the United States" {
		t.Errorf("Supreme Court: %v, want the court alone", got)
	}
	for _, title := range []string{"Main Page", "IPA chart for Polish", "Living people", "Wikipedia Copyright"} {
		if _, ok := k.EntityByTitle(title); ok {
			t.Errorf("%s is an entity", title)
		}
	}
	if got := titlesOf(k, k.Lookup("Center")); len(got) != 1 || got[0] != "Center (basketball)" {
		t.Errorf("Center: %v, want the basketball position alone", got)
	}
}

// A word that opens the titles of five persons (known by their inverted
// names) is a given name, so a name-only title it opens is a person;
// a word opening four is not yet, nor one opening more places' titles,
// nor a nobility's title, and a street is no person. Titles qualified by
// other than a place (a baronet's) do not count as places. The KB marks
// the given names' own strings (SurfaceInfo.GivenName).
func TestGivenNamesLearntFromPersons(t *testing.T) {
	var dict strings.Builder
	for _, surname := range []string{"Shaw", "Lovell", "Hopkins", "Kouchner", "Williams"} {
		dict.WriteString(surname + ", Bernard\tBernard_" + surname + "\t1.0\n")
	}
	for _, surname := range []string{"Reagan", "Colman", "Coase", "Dworkin"} {
		dict.WriteString(surname + ", Ronald\tRonald_" + surname + "\t1.0\n")
	}
	dict.WriteString("Bernie Marcus\tBernard_Marcus\t1.0\nRonald Foo\tRonald_Foo\t1.0\nbernard street\tBernard_Street\t1.0\n")
	// sports tables invert teams' names: "New" opens five "persons", and
	// more places
	for _, team := range []string{"Orleans Hornets", "York Rangers", "England Patriots", "Jersey Devils", "York Mets"} {
		surname, first, _ := strings.Cut(team, " ")
		dict.WriteString(first + ", New " + surname + "\tNew_" + strings.ReplaceAll(team, " ", "_") + "\t1.0\n")
	}
	for _, place := range []string{"New Haven, Connecticut", "New Albany, Indiana", "New Bern, North Carolina", "New Castle, Delaware", "New London, Connecticut", "New Ulm, Minnesota"} {
		dict.WriteString(place + "\t" + strings.ReplaceAll(place, " ", "_") + "\t1.0\n")
	}
	dict.WriteString("New Kensington Foo\tNew_Kensington_Foo\t1.0\n")
	for _, surname := range []string{"Stone", "North", "Reed", "Hardy", "Sacks"} {
		dict.WriteString(surname + ", Oliver\tOliver_" + surname + "\t1.0\n")
		dict.WriteString("Oliver " + surname + ", 2nd Baronet\tOliver_" + surname + ",_2nd_Baronet\t1.0\n")
		dict.WriteString(surname + ", Lord\tLord_" + surname + "\t1.0\n")
	}
	dict.WriteString("Oliver Kahn\tOliver_Kahn\t1.0\nLord Foo\tLord_Foo\t1.0\n")
	// "Saint" opens five persons' titles and, over four times as many,
	// titles qualified by what the KB does not know as a place
	for i := range 21 {
		if i < 5 {
			dict.WriteString(fmt.Sprintf("Person%c, Saint\tSaint_Person%c\t1.0\n", 'A'+i, 'A'+i))
		}
		dict.WriteString(fmt.Sprintf("Saint Parish%c, Barbados\tSaint_Parish%c,_Barbados\t1.0\n", 'A'+i, 'A'+i))
	}
	dict.WriteString("Saint Foo\tSaint_Foo\t1.0\n")
	// the words as strings of their own, whose records carry the flag
	dict.WriteString("Bernard\tBernard_Shaw\t1.0\nOliver\tOliver_Kahn\t1.0\nRonald\tRonald_Reagan\t1.0\nLord\tLord_Foo\t1.0\n")
	k, info := buildAliasKB(t, AliasDictionary(writeFile(t, "dict.tab", dict.String())))
	for word, want := range map[string]bool{"Bernard": true, "Oliver": true, "oliver": true, "Ronald": false, "Lord": false} {
		if info, ok := k.Surface(word); !ok || info.GivenName != want {
			t.Errorf("%s: found %v, given name %v, want %v", word, ok, info.GivenName, want)
		}
	}
	for title, person := range map[string]bool{"Bernard Marcus": true, "Ronald Foo": false, "Bernard Street": false, "New Kensington Foo": false,
		"Oliver Kahn": true, "Lord Foo": false, "Saint Foo": false} {
		id, ok := k.EntityByTitle(title)
		if !ok {
			t.Fatalf("%s is not in the KB", title)
		}
		if got := k.Entity(id).Type; (got == PER) != person {
			t.Errorf("%s typed %v, want a person %v", title, got, person)
		}
	}
	if st := info.Build.Aliases; st == nil || st.GivenNamesOfPersons != 2 {
		t.Errorf("alias stats %+v: want 2 given names learnt (Bernard, Oliver)", st)
	}
}

func TestIsNameWord(t *testing.T) {
	for w, want := range map[string]bool{"Robert": true, "Jean-Luc": true, "D'Arcy": true, "robert": false, "R.": false, "3M": false, "-Bob": false, "": false} {
		if got := isNameWord(w); got != want {
			t.Errorf("isNameWord(%q) = %v, want %v", w, got, want)
		}
	}
}

// Titles that no string names share at most derivedPool of their key's
// mass: forty ships and songs called "Memphis" leave the city, which the
// string itself names with 0.68, above one half.
func TestDerivedTitlesShareAPool(t *testing.T) {
	var dict strings.Builder
	dict.WriteString("Memphis\tMemphis,_Tennessee\t0.68\n")
	for i := range 40 {
		fmt.Fprintf(&dict, "USS Memphis %d\tMemphis_(ship_%d)\t1.0\n", i, i)
	}
	k, _ := buildAliasKB(t, AliasDictionary(writeFile(t, "dict.tab", dict.String())))
	cands := k.Lookup("Memphis")
	if p := priorOf(k, cands, "Memphis, Tennessee"); p < 0.5 {
		t.Fatalf("Memphis, Tennessee prior %v among %d candidates, want above 0.5", p, len(cands))
	}
	if p := priorOf(k, cands, "Memphis (ship 3)"); p <= 0 {
		t.Fatalf("a derived title must stay a candidate; candidates %v", titlesOf(k, cands))
	}
}

// An address string makes its title a redirect only when nearly all its
// links go to one title: Hodgkin's lymphoma, whose address sends 55% of its
// links to Hodgkin, stays an entity of its own.
func TestAddressWithAMixedShareIsNoRedirect(t *testing.T) {
	const dict = "Hodgkin\tHodgkin\t0.9\nHodgkin's lymphoma\tHodgkin's_lymphoma\t1.0\n" +
		"http://en.wikipedia.org/wiki/Hodgkin's_lymphoma\tHodgkin\t0.55\n" +
		"http://en.wikipedia.org/wiki/Tim_Cook\tTimothy_D._Cook\t1.0\n"
	k, _ := buildAliasKB(t, AliasDictionary(writeFile(t, "dict.tab", dict)))
	if id, ok := k.EntityByTitle("Hodgkin's lymphoma"); !ok || k.Entity(id).Title != "Hodgkin's lymphoma" {
		t.Errorf("Hodgkin's lymphoma resolves to %q, want itself", k.Entity(id).Title)
	}
	if id, ok := k.EntityByTitle("Tim Cook"); !ok || k.Entity(id).Title != "Timothy D. Cook" {
		t.Errorf("Tim Cook resolves to %q, want Timothy D. Cook", k.Entity(id).Title)
	}
}

// A spelling that means another entity than its key keeps candidates of
// its own, found by its exact text (KB.Cased), while the key and its name
// keep theirs: "ABC" is the network, "Abc" the disambiguation page, and
// the shouted "BRAN" decides nothing for "Bran".
func TestSpellingsWithASenseOfTheirOwn(t *testing.T) {
	const dict = "ABC\tAmerican_Broadcasting_Company\t0.78\nAbc\tABC\t0.79\nabc\tAlphabet\t0.2\n" +
		"Bran\tBran\t0.6\nBRAN\tBrandy_Norwood\t0.92\n" +
		"DAX\tDAX\t0.999\nDax\tDax_(Star_Trek)\t0.3\n" +
		"CBS\tCBS\t0.9\nCbs\tCBS\t0.5\n" +
		"Nerve Net\tNerve_Net\t0.8\nnerve net\tNerve_net\t0.9\n"
	// a page links the key under another spelling, so that the key has
	// link statistics the spelling's record must share
	pages := []page{{"American Broadcasting Company", "'''American Broadcasting Company''' is a network. [[American Broadcasting Company|Abc]] news, abc news."}}
	dir := t.TempDir()
	out := filepath.Join(dir, "kb")
	info, err := Build(context.Background(), out, Dump(writeDump(t, dir, pages)), AliasDictionary(writeFile(t, "dict.tab", dict)))
	if err != nil {
		t.Fatal(err)
	}
	k, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if got := info.Build.Aliases.Cased; got != 4 {
		t.Errorf("%d spellings with their own candidates, want 4 (ABC, BRAN, DAX, nerve net)", got)
	}
	for _, c := range []struct{ surface, first string }{
		{"ABC", "American Broadcasting Company"},
		{"Abc", "ABC"},
		{"BRAN", "Brandy Norwood"},
		{"Bran", "Bran"},
		{"DAX", "DAX"},
		// a lower-case spelling has a sense of its own too
		{"nerve net", "Nerve net"},
		{"Nerve Net", "Nerve Net"},
	} {
		if got := titlesOf(k, k.Lookup(c.surface)); len(got) == 0 || got[0] != c.first {
			t.Errorf("Lookup(%q) = %v, want %s first", c.surface, got, c.first)
		}
	}
	// the walkers' way in: the normalised key keeps the name's senses,
	// and the spelling is asked for by its text
	w := k.Walker()
	w.Step("abc")
	key, ok := w.Match()
	if !ok {
		t.Fatal("abc: no normalised key")
	}
	norm := k.CandidatesOf(key)
	if got := titlesOf(k, norm); len(got) == 0 || got[0] != "ABC" {
		t.Errorf("key abc: %v, want the name's sense (ABC) first", got)
	}
	// the spelling's own candidates are not counted in the key again:
	// its masses sum to the dictionary's scale once
	var sum uint32
	for _, c := range norm {
		sum += c.Count
	}
	if sum < dictionaryScale*0.99 || sum > dictionaryScale*1.01 {
		t.Errorf("key abc: counts sum to %d, want %d", sum, dictionaryScale)
	}
	cased, ok := k.Cased("ABC")
	if got := titlesOf(k, k.CandidatesOf(cased)); !ok || len(got) == 0 || got[0] != "American Broadcasting Company" {
		t.Fatalf("Cased(ABC) = %v, %v: want the network's record", cased, ok)
	}
	if info := k.SurfaceOf(cased); info.Linked == 0 || info.Occurrences != k.SurfaceOf(key).Occurrences || info.Linked != k.SurfaceOf(key).Linked {
		t.Errorf("Cased(ABC) statistics %+v, want its key's %+v", info, k.SurfaceOf(key))
	}
	for _, s := range []string{"Abc", "abc", "CBS", "Bran", "Nowhere"} {
		if _, ok := k.Cased(s); ok {
			t.Errorf("Cased(%q) found a record: only spellings with another sense than their key's have one", s)
		}
	}
}

// A catalogue's inverted string names a person where the title is names,
// initials and particles: not "Battle of Actium" nor "History of China",
// whose inverted strings the dictionary holds too.
func TestInvertedName(t *testing.T) {
	for _, tc := range []struct {
		s, title string
		want     bool
	}{
		{"Cook, Timothy", "Timothy D. Cook", true},
		{"Beethoven, Ludwig van", "Ludwig van Beethoven", true},
		{"Palmer, Arnold - Professional golfer", "Arnold Palmer", true},
		{"Actium, Battle of", "Battle of Actium", false},
		{"China, History of", "History of China", false},
		{"Bed, Bed, Bed", "Bed, Bed, Bed", false},
		{"Cook, Tim", "Cook", false},
		{"Cook, timothy", "Timothy Cook", false},
	} {
		if got := invertedName(tc.s, tc.title); got != tc.want {
			t.Errorf("invertedName(%q, %q) = %v, want %v", tc.s, tc.title, got, tc.want)
		}
	}
}

// A title shaped like a person's name (a known given name and a surname)
// is a firm's where it ends with a company's suffix or the strings naming
// it speak of a company: Merrill Lynch is no person, Merrill Kahn is.
func TestFirmsNamedAfterPersonsAreNoPersons(t *testing.T) {
	var dict strings.Builder
	dict.WriteString(invertedPersons("Merrill"))
	dict.WriteString("Merrill\tMerrill_Shaw\t1.0\nMerrill Lynch\tMerrill_Lynch\t0.9\nthe brokerage Merrill Lynch\tMerrill_Lynch\t1.0\n" +
		"Merrill Kahn\tMerrill_Kahn\t1.0\nthe painter Merrill Kahn\tMerrill_Kahn\t1.0\nMerrill Securities\tMerrill_Securities\t1.0\n")
	words := "brokerage\t3.1\npainter\t4.0\n"
	k, _ := buildAliasKB(t, AliasDictionary(writeFile(t, "dict.tab", dict.String())), WordFrequencies(writeFile(t, "words.tsv", words)))
	wantPersons(t, k, map[string]bool{"Merrill Lynch": false, "Merrill Kahn": true, "Merrill Securities": false})
}

// A summary whose topic is one of things ("Technology") keeps a title
// shaped like a person's from being typed a person ("London Underground",
// where "London" opens persons' names); a topic of stories' characters
// ("Arts") does not, nor does a title without a summary.
func TestSummaryTopicOfThingsIsNoPerson(t *testing.T) {
	var dict strings.Builder
	dict.WriteString(invertedPersons("London") + invertedPersons("Robin"))
	dict.WriteString("London Underground\tLondon_Underground\t1.0\nLondon Smith\tLondon_Smith\t1.0\nRobin Hood\tRobin_Hood\t1.0\n")
	sums := `{"title": "London Underground", "extract": "The London Underground is a rapid transit system.", "description": "Rapid transit system in England", "topic": "Technology"}
{"title": "Robin Hood", "extract": "Robin Hood is a legendary outlaw.", "description": "Heroic outlaw in English folklore", "topic": "Arts"}
`
	k, _ := buildAliasKB(t, AliasDictionary(writeFile(t, "dict.tab", dict.String())), Summaries(writeFile(t, "sums.jsonl", sums)))
	wantPersons(t, k, map[string]bool{"London Underground": false, "London Smith": true, "Robin Hood": true})
}

// A string's listed sense is its most frequent one: what the string
// leaves to other senses is spread by their prominence, but no other
// sense gets more of it than the listed one has. "Spirit" means the rover
// 45% of the time; the concept, named by thirty strings, does not take
// the other 55% and with it the lead.
func TestLeftoverSharesStayUnderTheListedSense(t *testing.T) {
	var dict strings.Builder
	dict.WriteString("Spirit\tSpirit_rover\t0.45\nSpirit rover\tSpirit_rover\t1.0\nSpirit (comics)\tSpirit_(comics)\t1.0\n")
	for _, w := range strings.Fields("soul ghost mind breath essence psyche anima vigour mettle spunk heart nerve morale temper mood") {
		fmt.Fprintf(&dict, "%s\tSpirit\t1.0\nthe %s\tSpirit\t1.0\n", w, w)
	}
	sums := `{"title": "Spirit", "extract": "A spirit is a supernatural being.", "description": "Supernatural being", "topic": "Philosophy and religion"}` + "\n"
	k, _ := buildAliasKB(t, AliasDictionary(writeFile(t, "dict.tab", dict.String())), Summaries(writeFile(t, "sums.jsonl", sums)))
	c := k.Lookup("Spirit")
	rover, concept := priorOf(k, c, "Spirit rover"), priorOf(k, c, "Spirit")
	if concept <= 0 || rover+0.001 < concept {
		t.Errorf("Spirit: rover %.3f, concept %.3f; want the concept a candidate under the listed sense (%v)", rover, concept, titlesOf(k, c))
	}
}

// invertedPersons is five persons' inverted names opened by given, so that
// the KB learns given as a given name.
func invertedPersons(given string) string {
	var dict strings.Builder
	for _, surname := range []string{"Shaw", "Lovell", "Hopkins", "Kouchner", "Williams"} {
		dict.WriteString(surname + ", " + given + "\t" + given + "_" + surname + "\t1.0\n")
	}
	return dict.String()
}

// wantPersons checks which of the titles the KB types as persons.
func wantPersons(t *testing.T, k *KB, want map[string]bool) {
	t.Helper()
	for title, person := range want {
		id, ok := k.EntityByTitle(title)
		if !ok {
			t.Fatalf("%s is not in the KB", title)
		}
		if got := k.Entity(id).Type; (got == PER) != person {
			t.Errorf("%s typed %v, want a person %v", title, got, person)
		}
	}
}

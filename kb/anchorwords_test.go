package kb

import "testing"

// The words of the strings naming an entity describe an entity that has no
// article: ordinary words count, the title's own words, function words
// and words missing from the frequency list (other languages, typos) do
// not; words named by more strings come first.
func TestAnchorWordsDescribeNameOnlyEntities(t *testing.T) {
	dict := `AFP news agency	Agence_France-Presse	1.0
AFP News Agency	Agence_France-Presse	1.0
oldest news source	Agence_France-Presse	1.0
francuska agencija	Agence_France-Presse	1.0
Agence France Presse	Agence_France-Presse	1.0
AFP	Apple_Filing_Protocol	0.9
file server AFP	Apple_Filing_Protocol	1.0
Tesla car	Tesla_Motors	1.0
the Tesla car	Tesla_Motors	1.0
Berlin	Berlin	0.9
capital of Germany	Berlin	1.0
Paris	Paris	1.0
`
	words := "news\t5.6\nagency\t4.9\noldest\t4.4\nsource\t5.0\nfile\t5.1\nserver\t4.7\ncar\t5.3\nthe\t7.7\ncapital\t5.0\ngermany\t5.0\nof\t7.4\nagence\t2.1\nfrance\t4.9\npresse\t2.4\n"
	summaries := `{"Berlin": {"title": "Berlin", "extract": "Berlin is the capital of Germany.", "description": "Capital of Germany", "topic": "Geography"}}`
	k, info := buildAliasKB(t, AliasDictionary(writeFile(t, "dict.tab", dict)), WordFrequencies(writeFile(t, "words.tsv", words)),
		Summaries(writeFile(t, "summaries.json", summaries)))
	for title, want := range map[string]string{
		"Agence France-Presse":  "news agency oldest source", // "news" twice; not "agence"/"france"/"presse" (the title's) nor "francuska"
		"Apple Filing Protocol": "server file",               // equal counts: the rarer word first
		"Tesla Motors":          "car",                       // "the" is no word that describes
		"Berlin":                "",                          // described: the description is its text
	} {
		id, ok := k.EntityByTitle(title)
		if !ok {
			t.Fatalf("%s is no entity", title)
		}
		e := k.Entity(id)
		if e.AnchorWords != want {
			t.Errorf("%s: anchor words %q, want %q", title, e.AnchorWords, want)
		}
		if want != "" && e.Description != "" {
			t.Errorf("%s: anchor words became a description %q", title, e.Description)
		}
	}
	if id, _ := k.EntityByTitle("Berlin"); k.Entity(id).Description == "" {
		t.Error("Berlin lost its description")
	}
	// Described reads the record: a description, not anchor words or nothing
	for id := range EntityID(k.Len()) {
		if e := k.Entity(id); k.Described(id) != (e.Description != "") {
			t.Errorf("%s: Described %v with description %q, anchor words %q", e.Title, k.Described(id), e.Description, e.AnchorWords)
		}
	}
	if info.Counts.WithAnchorWords != 3 || info.Counts.WithDescription != 1 {
		t.Errorf("counts: %d with anchor words, %d with a description; want 3 and 1", info.Counts.WithAnchorWords, info.Counts.WithDescription)
	}
}

package pipeline

import (
	"strings"
	"testing"

	"github.com/linkstream/linkstream/kb"
)

// givenNamesDict is an alias dictionary in which each name opens five
// persons' inverted names ("Gore, Al") and is a string of its own: the KB
// learns it as a given name (kb.SurfaceInfo.GivenName).
func givenNamesDict(names ...string) string {
	var dict strings.Builder
	for _, name := range names {
		for _, surname := range []string{"Gore", "Pacino", "Jolson", "Franken", "Sharpton"} {
			dict.WriteString(surname + ", " + name + "\t" + name + "_" + surname + "\t1.0\n")
		}
		dict.WriteString(name + "\t" + name + "_Gore\t1.0\n")
	}
	return dict.String()
}

// A given name before a surname the KB gives to something else is a
// person the KB does not know: the pair is a NIL person, and so is the
// surname alone later in the story. A pair with a class word is no
// person, and a surname whose candidates hold a person of that given
// name keeps its link.
func TestUnknownPersonsSurnameFollowsToNIL(t *testing.T) {
	var dict strings.Builder
	dict.WriteString(givenNamesDict("Al", "Hillary"))
	dict.WriteString("Rohling\tDomestic_violence\t1.0\nClinton\tHillary_Rodham_Clinton\t1.0\nHillary Rodham Clinton\tHillary_Rodham_Clinton\t1.0\n")
	dict.WriteString("Street\tStreet\t1.0\n")
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict.String())))
	l := cheapLinker(t, k, WithWeights(Weights{Prior: 1}), NILThreshold(0))

	res := linkText(t, l, "The program, said Al Rohling, is small. Rohling said it helps. Hillary Clinton agreed.")
	if len(res.Links) != 1 || res.Links[0].Mention != "Clinton" || res.Links[0].Title != "Hillary Rodham Clinton" {
		t.Errorf("links %+v, want Clinton alone, as Hillary Rodham Clinton", res.Links)
	}
	var nils []string
	for _, n := range res.NIL {
		nils = append(nils, n.Mention+"/"+n.Type)
	}
	if want := []string{"Al Rohling/PER", "Rohling/PER"}; strings.Join(nils, ",") != strings.Join(want, ",") {
		t.Errorf("NIL %v, want %v", nils, want)
	}

	res = linkText(t, l, "They met on Al Street.")
	for _, n := range res.NIL {
		if n.Type == "PER" {
			t.Errorf("NIL %+v: a street is no person", n)
		}
	}
}

// A given name that opens a sentence opens a person's name where the word
// is common only as a name: the KB's strings write "Ian" capitalised
// (kb.SurfaceInfo.ProperNoun), "will" mostly not.
func TestGivenNameOpeningASentence(t *testing.T) {
	var dict strings.Builder
	for _, surname := range strings.Fields("Gore Pacino Jolson Franken Sharpton Adams Baker Clark Davis Evans Fisher Grant Hughes Irwin Jones King Lewis Moore Nash Owen") {
		dict.WriteString(surname + ", Ian\tIan_" + surname + "\t1.0\n" + surname + ", Will\tWill_" + surname + "\t1.0\n")
		dict.WriteString("the will of " + surname + "\tWill_(law)\t1.0\n" + "a will for " + surname + "\tWill_(law)\t1.0\n")
	}
	dict.WriteString("Ian\tIan_Gore\t1.0\nWill\tWill_Gore\t1.0\nRohling\tDomestic_violence\t1.0\n")
	words := "ian\t4.32\nwill\t6.45\n"
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict.String())), kb.WordFrequencies(writeTemp(t, "words.tsv", words)))
	l := cheapLinker(t, k, WithWeights(Weights{Prior: 1}), NILThreshold(0))
	nilPersons := func(text string) []string {
		var out []string
		for _, n := range linkText(t, l, text).NIL {
			if n.Type == "PER" {
				out = append(out, n.Mention)
			}
		}
		return out
	}
	if got := nilPersons("Ian Rohling, chief economist at the bank, said no. Rohling left."); strings.Join(got, ",") != "Ian Rohling,Rohling" {
		t.Errorf("NIL persons %v, want Ian Rohling and Rohling", got)
	}
	if got := nilPersons("Will Rohling help? Nobody knows."); len(got) > 0 {
		t.Errorf("NIL persons %v, want none: \"Will\" opens the question as a word", got)
	}
	// inside a sentence a common given name is a name
	if got := nilPersons("The bank is sound, said Will Rohling on Monday."); strings.Join(got, ",") != "Will Rohling" {
		t.Errorf("NIL persons %v, want Will Rohling", got)
	}
}

// A person's name the KB does not know runs through the particles between
// the given name and the surname ("Nikolaus van der Pas"); particles
// without a capitalised word after them in the sentence end no name.
func TestUnknownPersonWithParticles(t *testing.T) {
	var dict strings.Builder
	dict.WriteString(givenNamesDict("Nikolaus"))
	dict.WriteString("Pas\tPAS_Tehran_F.C.\t1.0\n")
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict.String())))
	l := cheapLinker(t, k, WithWeights(Weights{Prior: 1}), NILThreshold(0))
	res := linkText(t, l, "The spokesman Nikolaus van der Pas told a briefing that Pas was right.")
	var nils []string
	for _, n := range res.NIL {
		nils = append(nils, n.Mention+"/"+n.Type)
	}
	if want := []string{"Nikolaus van der Pas/PER", "Pas/PER"}; strings.Join(nils, ",") != strings.Join(want, ",") || len(res.Links) != 0 {
		t.Errorf("NIL %v and links %+v, want %v and no link", nils, res.Links, want)
	}
	for _, text := range []string{"He met Nikolaus van der pas.", "He met Nikolaus van. Pas said so."} {
		for _, n := range linkText(t, l, text).NIL {
			if strings.Contains(n.Mention, "van") {
				t.Errorf("%q: NIL %+v, but the particles end in no surname", text, n)
			}
		}
	}
}

// A name the KB does not know and whose first word it does not flag as
// a given name is a person where the story tells so: it quotes the name,
// or a role stands before or after it; then its surname follows it to
// NIL. A common first word, or no such cue, leaves the words alone.
func TestPersonToldOfByTheStory(t *testing.T) {
	dict := "Hercules\tC-130_Hercules\t1.0\nMcAteer\tJason_McAteer\t1.0\nGrace\tGrace_Kelly\t1.0\n"
	words := "grace\t4.8\nhercules\t3.5\n"
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)), kb.WordFrequencies(writeTemp(t, "words.tsv", words)))
	l := cheapLinker(t, k, WithWeights(Weights{Prior: 1}), NILThreshold(0))
	for _, text := range []string{
		"Roxanne Hercules, a spokeswoman for the agency, spoke. Hercules left.",
		"The agency's spokeswoman Roxanne Hercules spoke. Hercules left.",
		"Roxanne Hercules is the agency's spokeswoman. Hercules left.",
		"The rescue was slow, said Roxanne Hercules. Hercules left.",
		"Roxanne Hercules said the rescue was slow. Hercules left.",
		"Roxanne Hercules, chief spokeswoman for the agency, spoke. Hercules left.",
		"Roxanne Hercules is a mine safety expert. Hercules left.",
	} {
		res := linkText(t, l, text)
		if len(res.Links) != 0 || len(res.NIL) != 2 || res.NIL[0].Mention != "Roxanne Hercules" || res.NIL[0].Type != "PER" {
			t.Errorf("%q: links %+v, NIL %+v; want Roxanne Hercules and Hercules NIL persons", text, res.Links, res.NIL)
		}
	}
	for _, text := range []string{
		"Roxanne Hercules flew the plane. Hercules left.",    // no cue
		"Roxanne Hercules, the plane, flew. Hercules left.",  // no role
		"They saw Grace Hercules, a spokeswoman.",            // a common first word
		"NASA Hercules, a spokeswoman, flew.",                // no given name's case
		"Roxanne Hercules is a fine old mine safety expert.", // too far
	} {
		for _, n := range linkText(t, l, text).NIL {
			if strings.Contains(n.Mention, " ") {
				t.Errorf("%q: NIL %+v, want no person", text, n)
			}
		}
	}
}

// A one-word name after "Mr." or "Dr." is a person: a person the KB does
// not know when none of its candidates is one, and the KB's person when
// one is.
func TestCourtesyTitleMakesAPerson(t *testing.T) {
	const dict = "Rohling\tDomestic_violence\t1.0\nClinton\tHillary_Rodham_Clinton\t1.0\nClinton, Hillary Rodham\tHillary_Rodham_Clinton\t1.0\n" +
		"Moore\tMoore's_law\t0.7\nmoore\tDemi_Moore\t0.3\nMoore, Demi\tDemi_Moore\t1.0\n"
	l := cheapLinker(t, buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict))), WithWeights(Weights{Prior: 1}), NILThreshold(0))
	res := linkText(t, l, "Mr. Rohling met Dr. Clinton. Rohling said no.")
	if len(res.Links) != 1 || res.Links[0].Title != "Hillary Rodham Clinton" {
		t.Errorf("links %+v, want Clinton alone", res.Links)
	}
	var nils []string
	for _, n := range res.NIL {
		nils = append(nils, n.Mention+"/"+n.Type)
	}
	if got := strings.Join(nils, ","); got != "Rohling/PER,Rohling/PER" {
		t.Errorf("NIL %s, want both Rohlings as persons", got)
	}
	if got := titles(linkText(t, l, "Dr. Moore spoke."))["Moore"]; got != "Demi Moore" {
		t.Errorf("Dr. Moore linked to %q, want the person", got)
	}
}

package pipeline

import (
	"testing"

	"github.com/linkstream/linkstream/kb"
)

// A state's abbreviation after a place names the state, and the place with
// it: the English city's prior no longer wins, and a place the spotter
// missed is found by its title.
func TestPlacesWithTheirState(t *testing.T) {
	dict := "Birmingham\tBirmingham\t0.9\nBIRMINGHAM\tBirmingham\t0.9\nBirmingham, Alabama\tBirmingham,_Alabama\t1.0\n" +
		"Alabama\tAlabama\t1.0\nColorado\tColorado\t1.0\nLouisiana\tLouisiana\t1.0\nLa\tLos_Angeles\t0.6\n" +
		"Vail, Colorado\tVail,_Colorado\t1.0\nBaton Rouge\tBaton_Rouge,_Louisiana\t1.0\n"
	l := cheapLinker(t, buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict))), NILThreshold(0))
	text := "BIRMINGHAM, Ala. - Officials in Vail, Colo., and Baton Rouge, La., met Pa in Birmingham."
	wantLinks(t, text, titles(linkText(t, l, text)), map[string]string{
		"BIRMINGHAM": "Birmingham, Alabama", "Ala.": "Alabama", "Vail": "Vail, Colorado", "Colo.": "Colorado",
		"Baton Rouge": "Baton Rouge, Louisiana", "La.": "Louisiana", "Birmingham": "Birmingham"})
}

func TestStateAbbreviationDotEndsNoSentence(t *testing.T) {
	text := "in Vail, Colo., while Officials met. Then Lakers won"
	for _, tk := range tokenize(text, nil) {
		w := text[tk.start:tk.end]
		if (w == "while" || w == "Officials") && tk.sentenceStart {
			t.Errorf("%q opens a sentence after a state's abbreviation", w)
		}
		if w == "Then" && !tk.sentenceStart {
			t.Errorf("%q after a full stop opens no sentence", w)
		}
	}
}

// A state written in full after a place names the place with it too
// ("Columbus, Ohio"); the state is left as the spotter found it, and a
// state that opens a longer name ("Ohio State University") is no state.
func TestPlacesWithTheirStateInFull(t *testing.T) {
	dict := "Columbus\tChristopher_Columbus\t0.95\nColumbus sailed\tChristopher_Columbus\t1.0\nChristopher Columbus\tChristopher_Columbus\t1.0\nColumbus, Ohio\tColumbus,_Ohio\t1.0\nOhio\tOhio\t1.0\n" +
		"Ohio State University\tOhio_State_University\t1.0\nNew Mexico\tNew_Mexico\t1.0\n" +
		"Santa Fe\tSanta_Fe_Railway\t0.7\nSanta Fe, New Mexico\tSanta_Fe,_New_Mexico\t1.0\n"
	l := cheapLinker(t, buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict))), NILThreshold(0))
	for text, want := range map[string]map[string]string{
		"Voters in Columbus, Ohio, and Santa Fe, New Mexico, chose.": {
			"Columbus": "Columbus, Ohio", "Ohio": "Ohio", "Santa Fe": "Santa Fe, New Mexico", "New Mexico": "New Mexico"},
		"Fans of Columbus, Ohio State University said so.": {
			"Columbus": "Christopher Columbus", "Ohio State University": "Ohio State University"},
	} {
		wantLinks(t, text, titles(linkText(t, l, text)), want)
	}
}

// A state in full after a place the KB qualifies by it is the U.S. state,
// though the name's likelier sense is a country ("Macon, Georgia"); after
// a place the KB does not qualify by it, the name keeps its candidates
// ("Tbilisi, Georgia").
func TestStateInFullAfterItsPlaceIsTheState(t *testing.T) {
	dict := "Georgia\tGeorgia_(country)\t0.6\nGEORGIA\tGeorgia_(U.S._state)\t0.9\nMacon, Georgia\tMacon,_Georgia\t1.0\n" +
		"Macon\tMacon,_Georgia\t0.8\nTbilisi\tTbilisi\t1.0\n"
	l := cheapLinker(t, buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict))), NILThreshold(0))
	for text, want := range map[string]map[string]string{
		"Storms hit Macon, Georgia, on Monday.":    {"Macon": "Macon, Georgia", "Georgia": "Georgia (U.S. state)"},
		"He flew home to Tbilisi, Georgia, today.": {"Tbilisi": "Tbilisi", "Georgia": "Georgia (country)"},
	} {
		wantLinks(t, text, titles(linkText(t, l, text)), want)
	}
}

// A senator or governor "of" a state's name is the state's, though the
// name's likelier sense is the city, and so is the governor "of" it;
// without the title, without "of", or with more than a name between the
// title and "of", the name keeps its candidates.
func TestOfficeHolderOfAState(t *testing.T) {
	dict := "New York\tNew_York_City\t0.6\nstate of New York\tNew_York\t1.0\nEmpire State\tNew_York\t1.0\nnew york\tNew_York\t0.4\n" +
		"Charles Schumer\tCharles_Schumer\t1.0\n"
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)))
	l := cheapLinker(t, k, NILThreshold(0))
	for text, want := range map[string]string{
		"Sen. Charles Schumer of New York spoke.":             "New York",
		"Senator Charles Schumer of New York spoke.":          "New York",
		"Charles Schumer of New York spoke.":                  "New York City",
		"Sen. Charles Schumer met the mayor of New York.":     "New York City",
		"Sen. Charles Schumer Told The Crowd of New York so.": "New York City",
		"Sen. Bob met the mayor of New York.":                 "New York City",
		"Sen. Charles Schumer in New York spoke.":             "New York City",
		"The Governor of New York spoke.":                     "New York",
		"Governor of New York is his title.":                  "New York",
	} {
		wantTitles(t, l, text, map[string]string{"New York": want})
	}
}

// A legislator's party and state after the name ("D-Mass.", "(R-Texas)")
// name the state: the abbreviation or name is its mention, not the
// dictionary's "D-Mass" (a district court); a letter and a state without
// the comma or bracket before them are left alone.
func TestPartyAndStateNameTheState(t *testing.T) {
	dict := "D-Mass\tUnited_States_District_Court_for_the_District_of_Massachusetts\t1.0\nMassachusetts\tMassachusetts\t0.9\n" +
		"Texas\tTexas\t0.9\nBarney Frank\tBarney_Frank\t1.0\nJohn Cornyn\tJohn_Cornyn\t1.0\n"
	l := cheapLinker(t, buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict))), NILThreshold(0))
	text := "Rep. Barney Frank, D-Mass., and Sen. John Cornyn (R-Texas) spoke."
	res := linkText(t, l, text)
	wantLinks(t, text, titles(res), map[string]string{"Barney Frank": "Barney Frank", "Mass.": "Massachusetts", "John Cornyn": "John Cornyn", "Texas": "Texas"})
	text = "Plan D-Mass was dropped."
	if got := titles(linkText(t, l, text)); got["Mass"] != "" || got["Mass."] != "" {
		t.Errorf("%q: %v, want no state", text, got)
	}
}

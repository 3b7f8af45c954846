package pipeline

import (
	"strings"
	"testing"

	"github.com/linkstream/linkstream/kb"
)

// A KB built the way make kb builds the Wikipedia-scale one: an alias
// dictionary (one title per string, with its probability), summaries and
// word frequencies, with the traps of the real data in small.
const spotAliases = `Berlin	Berlin	0.92
China	China	0.77
china	Porcelain	0.37
Instead	Instead_(song)	1.0
Thousands	Thousands_(band)	1.0
Wednesday	Wednesday	0.9
Page	Jimmy_Page	0.28
page	Page_(paper)	0.6
Jimmy Page	Jimmy_Page	0.99
Barbara Walters	Barbara_Walters	0.99
Walters	Larry_Walters	0.4
Barbara	Barbara_(given_name)	0.3
Jimmy	Jimmy_(given_name)	0.5
Dec. 26	December_26	1.0
38th	38th_Academy_Awards	1.0
British Airways	British_Airways	0.99
BA	Bachelor_of_Arts	0.5
Japan	Japan	0.9
al-Qaeda	Al-Qaeda	0.9
Qaeda	Qaeda_(village)	0.5
at-large	At-large	0.9
Dow	Dow_Jones_Industrial_Average	0.4
DOW	Dow_Chemical_Company	0.5
dow	Dhow	0.6
Heat	Heat_(film)	0.2
HEAT	Heat_(magazine)	0.2
Heat!	Heat_(band)	0.2
Heat?	Heat_(album)	0.2
heat	Heat	0.3
U.S.	United_States	0.9
us	Us_(album)	0.5
Israel	Israel	0.9
Israel in 1967	Six-Day_War	0.95
Apollo 11	Apollo_11	1.0
You Can	Terri_Schiavo	0.9
Schiavo, Terri	Terri_Schiavo	1.0
`

const spotWords = "us\t6.48\ninstead\t5.24\nthousands\t4.77\nchina\t5.10\nberlin\t4.38\npage\t5.12\nolympics\t4.6\n"

func spotKB(t *testing.T) *kb.KB {
	t.Helper()
	return buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", spotAliases)), kb.WordFrequencies(writeTemp(t, "words.tsv", spotWords)))
}

func TestSpottingOnDictionaryKB(t *testing.T) {
	l := cheapLinker(t, spotKB(t))
	for _, tc := range []struct {
		text string
		want map[string]string // mention → title; every other mention is a failure
	}{
		// ordinary words opening a sentence are no names; a name is
		{"Instead, thousands met. Thousands of people came to Berlin.", map[string]string{"Berlin": "Berlin"}},
		// a common word opening a sentence is a name where the document
		// capitalises it inside a sentence too
		{"China agreed. Officials in China said so.", map[string]string{"China": "China"}},
		// a dash between spaces ends a name: "Japan" is no piece of a
		// longer "Japan - Officials"
		{"Talks began in Japan - Officials met in Berlin.", map[string]string{"Japan": "Japan", "Berlin": "Berlin"}},
		// dates and numbers are not linked
		{"On Wednesday, Dec. 26, the 38th meeting was held in Berlin.", map[string]string{"Berlin": "Berlin"}},
		// "Page" alone is a common word, after the full name a short form
		{"The report's Page 2 was missing.", map[string]string{}},
		// after "the" a capitalised common word is a name if the name is
		// its likelier sense, and a clear one alone
		{"Stocks rose, and the Dow gained 30 points.", map[string]string{"Dow": "Dow Jones Industrial Average"}},
		{"Stocks rose, and Dow traders cheered.", map[string]string{}},
		{"Jimmy Page played a concert, and later Page said the tour would go on.", map[string]string{"Jimmy Page": "Jimmy Page", "Page": "Jimmy Page"}},
		// a surname follows the person named in full before it, typed PER
		// from its shape (given name + surname) where no source types it
		{"Barbara Walters hosted the show; Walters said it was her last.", map[string]string{"Barbara Walters": "Barbara Walters", "Walters": "Barbara Walters"}},
		// a possessive ends a name the KB does not know: "Japan" is no
		// piece of a longer "Japan Nikkei"
		{"Overseas, Japan's Nikkei index fell.", map[string]string{"Japan": "Japan"}},
		// an acronym of an earlier name stands for it
		{"British Airways cancelled flights, and BA said more would follow.", map[string]string{"British Airways": "British Airways", "BA": "British Airways"}},
		// an Arabic name's article joined by a hyphen is part of the name;
		// another lower-case word before a hyphen opens none
		{"A leader of al-Qaeda spoke to a member at-Large in Berlin.", map[string]string{"al-Qaeda": "Al-Qaeda", "Berlin": "Berlin"}},
		// dotted initials are no common word opening a sentence, whatever
		// word they spell ("us"); a number before a name does not lengthen it
		{"U.S. officials met in Berlin.", map[string]string{"U.S.": "United States", "Berlin": "Berlin"}},
		{"A survey of the 75 U.S. communities was released.", map[string]string{"U.S.": "United States"}},
		// a number after a lower-case word ends no name ("Israel in 1967"
		// is an anchor of the war); after a capitalised one it may
		{"The heights were captured by Israel in 1967 and kept.", map[string]string{"Israel": "Israel"}},
		{"The crew of Apollo 11 landed.", map[string]string{"Apollo 11": "Apollo 11"}},
		// a pronoun is no given name of a person's name it opens
		{"The headline said You Can Win in Berlin, and you know it; You were told.", map[string]string{"You Can": "Terri Schiavo", "Berlin": "Berlin"}},
	} {
		wantLinks(t, tc.text, titles(linkText(t, l, tc.text)), tc.want)
	}
	// after "the", a name the word means no more often than its other
	// senses is still none, though no NIL threshold would drop the link
	const heat = "Stocks rose, and the Heat came."
	wantLinks(t, heat, titles(linkText(t, cheapLinker(t, spotKB(t), NILThreshold(0)), heat)), map[string]string{})
}

// A word that is a name and, in lower case, something else ("China",
// "china") is linked at a sentence start where the document capitalises
// it inside a sentence too, and only there.
func TestSentenceStartNameTheDocumentCapitalisesInside(t *testing.T) {
	l := cheapLinker(t, spotKB(t))
	count := func(text string) int {
		n := 0
		for _, lk := range linkText(t, l, text).Links {
			if lk.Mention == "China" {
				n++
			}
		}
		return n
	}
	if n := count("China agreed. Officials in China said so."); n != 2 {
		t.Errorf("China linked %d times, want 2 (the sentence start too)", n)
	}
	if n := count("China agreed. Officials said so."); n != 0 {
		t.Errorf("China linked %d times at a sentence start the document gives no other capital, want 0", n)
	}
}

func TestCalendarOnly(t *testing.T) {
	for text, want := range map[string]bool{"Wednesday": true, "Dec. 26": true, "Sept. 11, 2001": true, "March Madness": false, "Berlin": false} {
		toks := tokenize(text, nil)
		if got := calendarOnly(text, toks, 0, len(toks)); got != want {
			t.Errorf("calendarOnly(%q) = %v, want %v", text, got, want)
		}
	}
}

// The dictionary's web anchors hold strings that open with words no name
// opens with; the name after them is what is linked.
func TestNoNameOpensWithAFunctionWordOrATitle(t *testing.T) {
	dict := "The Dow\tDow_Jones_Industrial_Average\t0.9\nDow\tDow_Jones_Industrial_Average\t0.8\nIn 1997\t1997_Red_River_Flood\t1.0\n" +
		"I'm\tI'm_Yours\t1.0\nRep. Barney Frank\tBarney_Frank\t1.0\nBarney Frank\tBarney_Frank\t1.0\nThe Apprentice\tThe_Apprentice\t0.9\n"
	l := cheapLinker(t, buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict))), NILThreshold(0))
	text := "The Dow rose. In 1997 it fell. I'm sure, said Rep. Barney Frank, who watches The Apprentice, and I'm too."
	wantLinks(t, text, titles(linkText(t, l, text)), map[string]string{"Dow": "Dow Jones Industrial Average", "Barney Frank": "Barney Frank",
		"The Apprentice": "The Apprentice"})
}

// wantLinks holds a text's links (mention → title) to want: every mention
// in it linked to its title, no other mention linked.
func wantLinks(t *testing.T, text string, got, want map[string]string) {
	t.Helper()
	for m, title := range want {
		if got[m] != title {
			t.Errorf("%q: %q linked to %q, want %q (all: %v)", text, m, got[m], title, got)
		}
	}
	for m := range got {
		if _, ok := want[m]; !ok {
			t.Errorf("%q: %q linked to %q, want no link (all: %v)", text, m, got[m], got)
		}
	}
}

// A title before a person's name is no part of the name, even where the
// web's anchors join them, and the title's words are no mention; a name
// before the title is one of its own ("Lakers" of "Lakers coach"). A
// title-like word in another kind of name stays.
func TestTitleBeforeAPersonIsLeftOut(t *testing.T) {
	dict := "Vice President Dick Cheney\tDick_Cheney\t1.0\nDick Cheney\tDick_Cheney\t1.0\nVice\tVice_(magazine)\t0.6\n" +
		"Lakers coach Phil Jackson\tPhil_Jackson\t1.0\nPhil Jackson\tPhil_Jackson\t1.0\nLakers\tLos_Angeles_Lakers\t0.9\n" +
		"General Electric Company\tGeneral_Electric\t1.0\nElectric Company\tThe_Electric_Company\t1.0\n"
	words := "vice\t4.6\npresident\t5.5\ncoach\t4.8\n"
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)), kb.WordFrequencies(writeTemp(t, "words.tsv", words)))
	l := cheapLinker(t, k, NILThreshold(0))
	text := "As planned, Vice President Dick Cheney met Lakers coach Phil Jackson at General Electric Company."
	wantLinks(t, text, titles(linkText(t, l, text)), map[string]string{"Dick Cheney": "Dick Cheney", "Phil Jackson": "Phil Jackson",
		"Lakers": "Los Angeles Lakers", "General Electric Company": "General Electric"})
}

// A team named by its place and a nickname goes by the nickname after
// "the"; the word alone, or the last word of a name that opens with no
// place, stays what it is.
func TestNicknameFollowsTheTeam(t *testing.T) {
	dict := "Miami Heat\tMiami_Heat\t1.0\nMiami\tMiami\t0.9\nheat\tThermal_energy\t0.9\n" +
		"Red Heat\tRed_Heat\t1.0\nRed\tRed\t0.9\n"
	sums := `{"title": "Miami", "extract": "Miami is a city in Florida.", "description": "City in Florida, United States"}
`
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)), kb.Summaries(writeTemp(t, "sums.jsonl", sums)),
		kb.WordFrequencies(writeTemp(t, "words.tsv", "heat\t4.9\nred\t5.2\n")))
	l := cheapLinker(t, k, NILThreshold(0))
	for _, tc := range []struct {
		text string
		want map[string]string
	}{
		{"Pat Riley coaches the Miami Heat. On Friday the Heat lost.", map[string]string{"Miami Heat": "Miami Heat", "Heat": "Miami Heat"}},
		{"Pat Riley coaches the Miami Heat. Heat waves hit the city.", map[string]string{"Miami Heat": "Miami Heat", "Heat": "Thermal energy"}},
		{"He starred in Red Heat, and the Heat of its title is a river's.", map[string]string{"Red Heat": "Red Heat", "Heat": "Thermal energy"}},
	} {
		wantLinks(t, tc.text, titles(linkText(t, l, tc.text)), tc.want)
	}
}

// A given name alone follows the person named in full before it, when no
// other person of the document shares it and it is no one's surname; an
// article that opens a nickname ("The Donald") is none.
func TestGivenNameFollowsThePerson(t *testing.T) {
	var dict strings.Builder
	for _, p := range []string{"Bob Nardelli", "George Clooney", "George Bush", "Barney Frank", "Frank Blake"} {
		given, surname, _ := strings.Cut(p, " ")
		under := strings.ReplaceAll(p, " ", "_")
		dict.WriteString(p + "\t" + under + "\t1.0\n" + surname + ", " + given + "\t" + under + "\t1.0\n")
	}
	dict.WriteString("The Donald\tDonald_Trump\t1.0\nTrump, Donald\tDonald_Trump\t1.0\n")
	l := cheapLinker(t, buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict.String()))), NILThreshold(0))
	for _, tc := range []struct {
		text string
		want map[string]string
	}{
		{`Bob Nardelli resigned. "Bob has run into some problems," she said.`, map[string]string{"Bob Nardelli": "Bob Nardelli", "Bob": "Bob Nardelli"}},
		// two Georges: "George" is neither
		{"George Bush met George Clooney. George said hello.", map[string]string{"George Bush": "George Bush", "George Clooney": "George Clooney"}},
		// a surname before a given name: "Frank" is Barney Frank
		{"Barney Frank met Frank Blake. Frank said no.", map[string]string{"Barney Frank": "Barney Frank", "Frank Blake": "Frank Blake", "Frank": "Barney Frank"}},
		// a nickname's article is no given name
		{"Fans of The Donald cheered. The crowd left.", map[string]string{"The Donald": "Donald Trump"}},
	} {
		wantLinks(t, tc.text, titles(linkText(t, l, tc.text)), tc.want)
	}
}

// A surname follows its person even before the full name, as a headline
// names by surname the person its story then names in full; a common word
// opening a sentence does not, whoever has it as a surname later.
func TestSurnameBeforeTheFullName(t *testing.T) {
	const dict = "Pat Riley\tPat_Riley\t1.0\nRiley, Pat\tPat_Riley\t1.0\nRiley\tRiley_(car)\t0.8\n" +
		"Maria Will\tMaria_Will\t1.0\nWill, Maria\tMaria_Will\t1.0\nWill\tWill_(law)\t0.6\n"
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)), kb.WordFrequencies(writeTemp(t, "words.tsv", "will\t6.5\nriley\t3.1\n")))
	l := cheapLinker(t, k, NILThreshold(0))
	for _, tc := range []struct {
		text string
		want map[string]string
	}{
		{"Riley to have surgery. MIAMI - Pat Riley is taking a break.", map[string]string{"Riley": "Pat Riley", "Pat Riley": "Pat Riley"}},
		{"Will the club sell? Maria Will said no.", map[string]string{"Maria Will": "Maria Will"}},
	} {
		wantLinks(t, tc.text, titles(linkText(t, l, tc.text)), tc.want)
	}
}

// A place's preposition or a possessive after a name that the longer KB
// string means too ends the name there ("University of Florida in
// Gainesville" is two names); a name's own lower-case words do not.
func TestModifierAfterANameIsLeftOut(t *testing.T) {
	const dict = "University of Florida in Gainesville\tUniversity_of_Florida\t1.0\nUniversity of Florida\tUniversity_of_Florida\t1.0\n" +
		"Gainesville\tGainesville,_Florida\t1.0\nJapan's Tokyo\tJapan\t1.0\nJapan\tJapan\t1.0\nTokyo Mitsubishi Bank\tBank_of_Tokyo-Mitsubishi\t1.0\n" +
		"Guinness Book of Records\tGuinness_World_Records\t1.0\nGuinness Book\tGuinness_World_Records\t1.0\n"
	l := cheapLinker(t, buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict))), NILThreshold(0))
	for _, tc := range []struct {
		text string
		want map[string]string
	}{
		{"She studied at the University of Florida in Gainesville.", map[string]string{"University of Florida": "University of Florida", "Gainesville": "Gainesville, Florida"}},
		{"Banks such as Japan's Tokyo Mitsubishi Bank lent.", map[string]string{"Japan": "Japan", "Tokyo Mitsubishi Bank": "Bank of Tokyo-Mitsubishi"}},
		{"It is in the Guinness Book of Records.", map[string]string{"Guinness Book of Records": "Guinness World Records"}},
	} {
		wantLinks(t, tc.text, titles(linkText(t, l, tc.text)), tc.want)
	}
}

// A name may end on the lower-case part of a hyphenated word after its
// first word ("Chen Shui-bian"), not on a first word's ("American-born").
func TestHyphenatedNameEndsLowerCase(t *testing.T) {
	const dict = "Chen Shui-bian\tChen_Shui-bian\t1.0\nShui\tShui_(river)\t1.0\n" +
		"American-born\tAmerican-born_Chinese\t1.0\nAmerican\tUnited_States\t0.9\n"
	l := cheapLinker(t, buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict))), NILThreshold(0))
	for _, tc := range []struct {
		text string
		want map[string]string
	}{
		{"The president, Chen Shui-bian, spoke.", map[string]string{"Chen Shui-bian": "Chen Shui-bian"}},
		{"His American-born daughter came.", map[string]string{"American": "United States"}},
	} {
		wantLinks(t, tc.text, titles(linkText(t, l, tc.text)), tc.want)
	}
}

// A name may end on a lower-case word where that word is its title's
// bracketed qualifier ("Star magazine" is Star (magazine)); a title
// without one is not enough ("Thursday morning" is no song).
func TestLowerCaseClassWordEndsATitledName(t *testing.T) {
	const dict = "Star\tStar\t0.9\nStar magazine\tStar_(magazine)\t1.0\nThursday morning\tThursday_Morning\t1.0\n" +
		"Thursday\tThursday\t0.2\n"
	l := cheapLinker(t, buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict))), NILThreshold(0))
	text := "According to a report in Star magazine, she left on Thursday morning."
	wantLinks(t, text, titles(linkText(t, l, text)), map[string]string{"Star magazine": "Star (magazine)"})
}

// Two persons' full names joined by "and" are two mentions, whatever the
// pair names in the dictionary (an album of theirs); a pair of single
// names ("Simon and Garfunkel") stays one.
func TestTwoPersonsJoinedByAnd(t *testing.T) {
	var dict strings.Builder
	// "Robert" opens five persons' inverted names: a given name, so
	// "Robert Plant", whom the KB leaves untyped, is a person's name too
	for _, surname := range []string{"Redford", "Duvall", "Frost", "Mugabe", "Kennedy"} {
		dict.WriteString(surname + ", Robert\tRobert_" + surname + "\t1.0\n")
	}
	dict.WriteString("Robert\tRobert_Redford\t1.0\nPage, Jimmy\tJimmy_Page\t1.0\nJimmy Page\tJimmy_Page\t1.0\nRobert Plant\tRobert_Plant\t1.0\n" +
		"Jimmy Page and Robert Plant\tWhole_Lotta_Love\t1.0\nSimon and Garfunkel\tSimon_&_Garfunkel\t1.0\n" +
		"Simon\tPaul_Simon\t0.5\nGarfunkel\tArt_Garfunkel\t0.9\n")
	sums := summariesJSON([3]string{"Paul Simon", "American singer-songwriter", "People"}, [3]string{"Art Garfunkel", "American singer", "People"})
	l := cheapLinker(t, buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict.String())), kb.Summaries(writeTemp(t, "summaries.json", sums))), NILThreshold(0))
	text := "Jimmy Page and Robert Plant played. Simon and Garfunkel sang."
	wantLinks(t, text, titles(linkText(t, l, text)),
		map[string]string{"Jimmy Page": "Jimmy Page", "Robert Plant": "Robert Plant", "Simon and Garfunkel": "Simon & Garfunkel"})
}

// Two places joined by "and" are two mentions, single words too, where
// the pair means first no place itself (the dictionary gives "India and
// Pakistan" to the Partition of India); a pair that is a place stays one.
func TestTwoPlacesJoinedByAnd(t *testing.T) {
	dict := "India\tIndia\t0.9\nPakistan\tPakistan\t0.9\nIndia and Pakistan\tPartition_of_India\t1.0\n" +
		"Trinidad\tTrinidad\t0.9\nTobago\tTobago\t0.9\nTrinidad and Tobago\tTrinidad_and_Tobago\t1.0\n"
	sums := summariesJSON([3]string{"India", "Country in South Asia", "Geography"}, [3]string{"Pakistan", "Country in South Asia", "Geography"},
		[3]string{"Trinidad", "Island of Trinidad and Tobago", "Geography"}, [3]string{"Tobago", "Island of Trinidad and Tobago", "Geography"},
		[3]string{"Trinidad and Tobago", "Country in the Caribbean", "Geography"},
		[3]string{"Partition of India", "1947 division of British India", "History"})
	l := cheapLinker(t, buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)), kb.Summaries(writeTemp(t, "summaries.json", sums))), NILThreshold(0))
	text := "Talks: India and Pakistan met envoys of Trinidad and Tobago."
	wantLinks(t, text, titles(linkText(t, l, text)),
		map[string]string{"India": "India", "Pakistan": "Pakistan", "Trinidad and Tobago": "Trinidad and Tobago"})
}

// properNounKB knows words that open sentences: proper nouns, as the
// dictionary's strings write them capitalised inside ("Qa of Iraq"), typed
// a place or a person by their summaries, and words the strings write in
// lower case or whose sense is no person, organisation or place; "Jordan"
// and "Stephanie" are proper nouns and given names too, of a country and
// of a person.
func properNounKB(t *testing.T) *kb.KB {
	t.Helper()
	var dict strings.Builder
	dict.WriteString("Iraq\tIraq\t0.9\niraq\tIraq_War\t0.5\nObama\tBarack_Obama\t0.9\nPage\tJimmy_Page\t0.6\nOlympics\tOlympic_Games\t0.9\nJordan\tJordan\t0.6\n" +
		"Stephanie\tStephanie_of_Monaco\t0.6\n" +
		"Economists\tEconomist\t0.9\nKirkuk\tKirkuk\t0.9\n" +
		"Turkey\tTurkey\t0.9\nBasra\tBasra\t0.9\nRamadan\tRamadan\t0.9\nJapan\tJapan\t0.9\nSoccer\tAssociation_football\t0.9\nGet Lucky\tGet_Lucky\t0.9\nUnited Arab Emirates\tUnited_Arab_Emirates\t0.9\nEuropean Union\tEuropean_Union\t0.9\nU.S.\tUnited_States\t0.9\n")
	for i := range 25 {
		q := "Q" + string(rune('a'+i))
		for _, s := range []string{q + " of Iraq\tIraq", q + " Obama\tBarack_Obama", q + " page\tPage_(paper)", q + " Olympics\tOlympic_Games", q + " of Jordan\tJordan", q + " Stephanie\tStephanie_of_Monaco", q + " of Japan\tJapan", q + " turkey\tTurkey", q + " Ramadan\tRamadan"} {
			dict.WriteString(s + "\t1.0\n")
		}
	}
	for _, surname := range []string{"Smith", "Jones", "Brown", "Green", "White"} {
		dict.WriteString(surname + ", Jordan\tJordan_" + surname + "\t1.0\n")
		dict.WriteString(surname + ", Stephanie\tStephanie_" + surname + "\t1.0\n")
	}
	sums := summariesJSON(
		[3]string{"Iraq", "Country in West Asia", "Geography"},
		[3]string{"Barack Obama", "President of the United States", "People"},
		[3]string{"Jimmy Page", "English guitarist", "People"},
		[3]string{"Jordan", "Country in West Asia", "Geography"},
		[3]string{"Stephanie of Monaco", "Princess of Monaco", "People"},
		[3]string{"Japan", "Country in East Asia", "Geography"},
		[3]string{"Turkey", "Country in West Asia", "Geography"},
		[3]string{"Basra", "City in Iraq", "Geography"},
	)
	words := "stephanie\t4.1\niraq\t4.4\nobama\t4.6\npage\t5.1\nolympics\t4.6\njordan\t4.5\njapan\t4.9\nturkey\t4.7\nbasra\t3.2\nramadan\t3.5\neconomists\t3.8\nkirkuk\t2.5\nsoccer\t4.5\nget\t6.3\nlucky\t4.9\n"
	return buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict.String())), kb.Summaries(writeTemp(t, "summaries.json", sums)),
		kb.WordFrequencies(writeTemp(t, "words.tsv", words)))
}

// A proper noun opening a sentence is a name, though the document gives
// it no other capital and word frequencies make it a common word; a word
// the strings write in lower case is not, nor a proper noun whose sense
// is no person, organisation or place, nor a given name unless it means a
// place first, nor a word of the language whose sense is a concept; a
// rare word is.
func TestProperNounOpensASentence(t *testing.T) {
	l := cheapLinker(t, properNounKB(t))
	for text, want := range map[string]map[string]string{
		"Iraq said on Monday it would let inspectors back.": {"Iraq": "Iraq"},
		"Obama said the talks would go on.":                 {"Obama": "Barack Obama"},
		"Page said the tour was over.":                      {},
		"Olympics open in Paris.":                           {},
		"Jordan said the border was open.":                  {"Jordan": "Jordan"},
		"Stephanie said the border was open.":               {},
		"Economists said rates would fall.":                 {},
		"Kirkuk was quiet.":                                 {"Kirkuk": "Kirkuk"},
		"Basra was quiet.":                                  {"Basra": "Basra"},
		"Ramadan began on Monday.":                          {"Ramadan": "Ramadan"},
	} {
		wantLinks(t, text, titles(linkText(t, l, text)), want)
	}
	// where the document capitalises it inside a sentence, it is a name
	// at the sentence start too
	const twice = "Economists said so, and the Economists were right."
	if got := linkText(t, l, twice).Links; len(got) != 2 {
		t.Errorf("%q: %d links (%v), want Economists twice", twice, len(got), got)
	}
}

// A headline written in capitals says nothing by its capitals: a proper
// noun of a person, organisation or place is a name in it, and so is a
// phrase whose words the story writes with capitals inside a sentence, or
// a dotted abbreviation, or the initials of a name the story gives; a
// common word, a song's title of common words
// and a given name are not, and the capitals after a name do not make it
// a piece of a longer one ("JAPAN GET").
func TestHeadlineInCapitals(t *testing.T) {
	l := cheapLinker(t, properNounKB(t))
	for text, want := range map[string]map[string]string{
		"SOCCER - JAPAN GET LUCKY WIN IN UNITED ARAB EMIRATES\nThe match was played in the United Arab Emirates.": {
			"JAPAN": "Japan", "UNITED ARAB EMIRATES": "United Arab Emirates", "United Arab Emirates": "United Arab Emirates"},
		"U.S. AND STEPHANIE TALK\nThe talks were long.":        {"U.S.": "United States"},
		"U.S. AND JORDAN TALK\nThe talks were long.":           {"U.S.": "United States", "JORDAN": "Jordan"},
		"PRICES RISE IN TURKEY FOR THE OLYMPICS\nPrices rose.": {},
		// a headline's initials stand for the story's name after it
		"EU REJECTS THE PLAN\nThe ministers of the European Union said no.": {"EU": "European Union", "European Union": "European Union"},
		// the same words in a line with lower case are names
		"Soccer fans saw Get Lucky win.": {"Get Lucky": "Get Lucky"},
	} {
		wantLinks(t, text, titles(linkText(t, l, text)), want)
	}
}

func TestDottedInitials(t *testing.T) {
	for word, want := range map[string]bool{"U.S.": true, "U.N.": true, "D.C": true, "A.": false, "No.": false, "USA": false, "U.s.": false} {
		if got := isDottedInitials(word); got != want {
			t.Errorf("isDottedInitials(%q) = %v, want %v", word, got, want)
		}
	}
}

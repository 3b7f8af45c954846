package pipeline

import (
	"strings"
	"testing"

	"github.com/linkstream/linkstream/kb"
)

func TestCreditLine(t *testing.T) {
	for _, tc := range []struct {
		text, mention string
		want          bool
	}{
		{"BANDAR SERI BEGAWAN, Nov 15 (AFP) - The United States said", "AFP", true},
		{"WASHINGTON (AP) — The Senate voted", "AP", true},
		{"CAIRO, Egypt (AP) _ In his foreign policy debut", "AP", true},
		{"the protocol (AFP) _files_ servers", "AFP", false},
		{"LONDON ( Reuters ): Shares fell", "Reuters", true},
		{"the protocol (AFP) that file servers speak", "AFP", false},
		{"AFP - the protocol", "AFP", false},
	} {
		i := strings.Index(tc.text, tc.mention)
		if got := creditLine(tc.text, i, i+len(tc.mention)); got != tc.want {
			t.Errorf("creditLine(%q, %q) = %v, want %v", tc.text, tc.mention, got, tc.want)
		}
	}
}

// A credit line's agency is the news agency, not what the web calls by its
// letters most.
func TestCreditLineMeansTheNewsAgency(t *testing.T) {
	dict := "AFP\tApple_Filing_Protocol\t0.95\nAfp\tApple_Filing_Protocol\t1.0\nfile server AFP\tApple_Filing_Protocol\t1.0\n" +
		"A.F.P.\tAgence_France-Presse\t0.3\nAFP news agency\tAgence_France-Presse\t1.0\n"
	words := "news\t5.6\nagency\t4.9\nfile\t5.1\nserver\t4.7\n"
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)), kb.WordFrequencies(writeTemp(t, "words.tsv", words)))
	l := cheapLinker(t, k, WithWeights(Weights{Prior: 1, Credit: 10}))
	text := "BANDAR SERI BEGAWAN, Nov 15 (AFP) - Servers there speak AFP to Macs."
	got := chosen(t, l, text, "AFP")
	if got["AFP"] != "Agence France-Presse" {
		t.Errorf("AFP of the credit line chose %q, want the news agency", got["AFP"])
	}
	if got := chosen(t, l, "Servers there speak AFP to Macs.", "AFP")["AFP"]; got != "Apple Filing Protocol" {
		t.Errorf("AFP outside a credit line chose %q, want the protocol", got)
	}
}

// A wire dateline's dash opens the story's first sentence; other dashes
// open nothing.
func TestDatelineDashOpensASentence(t *testing.T) {
	for _, tc := range []struct {
		text, word string
		start      bool
	}{
		{"BANDAR SERI BEGAWAN, Nov 15 (AFP) - The United States said", "The", true},
		{"LOS ANGELES - The twin rovers", "The", true},
		{"WASHINGTON — Senators voted", "Senators", true},
		// an American wire's place with its state or country
		{"Headline of the story\nBAGHDAD, Iraq - Iraq's adviser said", "adviser", false},
		{"Headline of the story\nBAGHDAD, Iraq - Nearly all said", "Nearly", true},
		{"BUCKHANNON, W. Va. - One year ago", "One", true},
		{"TALLAHASSEE, Fla. - Lawyers for the team", "Lawyers", true},
		// the LDC newswire's em dash
		{"TALLAHASSEE, Fla. _ Lawyers for the team", "Lawyers", true},
		{"CAIRO, Egypt (AP) _ In his debut", "In", true},
		{"He met Smith _ Nearly all said", "Nearly", false},
		{"He met Smith, Jones - Nearly all said", "Nearly", false},
		{"He said - The Times disagreed", "The", false},
		{"the NATO-Russia council", "Russia", false},
		{"(AFP)-The", "The", false},
	} {
		toks := tokenize(tc.text, nil)
		found := false
		for _, tk := range toks {
			if tc.text[tk.start:tk.end] == tc.word {
				found = true
				if tk.sentenceStart != tc.start {
					t.Errorf("%q: %q sentenceStart = %v, want %v", tc.text, tc.word, tk.sentenceStart, tc.start)
				}
			}
		}
		if !found {
			t.Errorf("%q: no token %q", tc.text, tc.word)
		}
	}
}

// The place of a wire dateline is a name, though it opens the text, is a
// common word and has numbers after it: "Beirut 8-15 (AFP) -". An ordinary
// word opening a sentence still is not.
func TestDatelinePlaceIsSpotted(t *testing.T) {
	dict := "Beirut\tBeirut\t0.9\nbeirut\tBeirut_(band)\t0.9\nAFP\tAgence_France-Presse\t0.9\nInstead\tInstead_(song)\t0.5\n"
	words := "beirut\t4.5\ninstead\t5.5\n"
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)), kb.WordFrequencies(writeTemp(t, "words.tsv", words)))
	l := cheapLinker(t, k, NILThreshold(0))
	text := "Beirut 8-15 (AFP) - Instead of talks, troops moved."
	wantLinks(t, text, titles(linkText(t, l, text)), map[string]string{"Beirut": "Beirut", "AFP": "Agence France-Presse"})
	// a dateline in capitals needs no date or agency before its dash
	text = "BEIRUT — Instead of talks, troops moved."
	wantLinks(t, text, titles(linkText(t, l, text)), map[string]string{"BEIRUT": "Beirut"})
	// a wire's dateline line in capitals that ends with the day's date
	// (the Reuters layout), its region after a comma, spaced or not
	for _, text := range []string{"BEIRUT 1996-08-22\nInstead of talks, troops moved.", "BEIRUT , Lebanon 1996-08-22\nInstead of talks, troops moved.",
		"BEIRUT, Lebanon 1996-08-22\nInstead of talks, troops moved."} {
		wantLinks(t, text, titles(linkText(t, l, text)), map[string]string{"BEIRUT": "Beirut"})
	}
	// a date inside a sentence makes no dateline
	text = "BEIRUT 1996-08-22 was a day of talks."
	wantLinks(t, text, titles(linkText(t, l, text)), map[string]string{})
	// a word in ordinary case before a dash is no dateline
	text = "Beirut — instead of talks, troops moved."
	if got := titles(linkText(t, l, text)); got["Beirut"] != "" {
		t.Errorf("%q: Beirut linked (%q), want it left as the common word the KB says it is", text, got["Beirut"])
	}
}

// A dateline's place is the city, whatever the web's anchors prefer; the
// same name in a sentence keeps its prior, and a name the KB knows no city
// of keeps its candidates.
func TestDatelinePlaceIsTheCity(t *testing.T) {
	const dict = `New York	New_York	0.7
NEW YORK	New_York_City	0.3
state of New York	New_York	1.0
Empire State	New_York	1.0
New York City	New_York_City	0.9
NYC	New_York_City	0.9
Washington	Washington	0.6
Washington state	Washington	1.0
Washington, DC	Washington,_D.C.	1.0
Washington, PA	Washington,_Pennsylvania	1.0
United Nations	United_Nations	0.9
`
	const summaries = `{"title": "New York City", "extract": "New York City is the most populous city in the United States.", "description": "Most populous city in the United States"}
{"title": "Washington, D.C.", "extract": "Washington, D.C. is the capital city of the United States.", "description": "Capital of the United States"}
{"title": "Washington, Pennsylvania", "extract": "Washington is a city in Pennsylvania.", "description": "City in Pennsylvania"}
{"title": "United Nations", "extract": "The United Nations is an intergovernmental organization.", "description": "Intergovernmental organization"}
`
	k := buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)), kb.Summaries(writeTemp(t, "summaries.jsonl", summaries)))
	l := cheapLinker(t, k, NILThreshold(0))
	for _, tc := range []struct{ text, mention, want string }{
		{"Stocks end higher\nNEW YORK — Stocks finished mixed on Tuesday.", "NEW YORK", "New York City"},
		{"WASHINGTON (AP) — The Senate voted on Tuesday.", "WASHINGTON", "Washington, D.C."},
		{"WASHINGTON _ The Senate voted on Tuesday.", "WASHINGTON", "Washington, D.C."},
		{"Washington, Nov 15 (AFP) - The Senate voted.", "Washington", "Washington, D.C."},
		{"Voters in New York chose a governor on Tuesday.", "New York", "New York"},
		{"UNITED NATIONS — The council met on Tuesday.", "UNITED NATIONS", "United Nations"},
		{"NEW YORK 1996-08-22\nStocks finished mixed on Tuesday.", "NEW YORK", "New York City"},
		{"New York chose a governor on Tuesday.", "New York", "New York"},
		{"Votes\nNew York 1996-08-22\nVoters chose a governor on Tuesday.", "New York", "New York"},
	} {
		got := titles(linkText(t, l, tc.text))[tc.mention]
		if got != tc.want {
			t.Errorf("%q: %s → %q, want %q", tc.text, tc.mention, got, tc.want)
		}
	}

	// The cross-encoder reads the story, which is about something else
	// than the dateline's city: it is not asked of a dateline's place,
	// and is of the same name in a sentence.
	rr := &fakeReranker{}
	lr := cheapLinker(t, k, CrossEncoderMode(Always), WithReranker(rr), NILThreshold(0))
	linkText(t, lr, "WASHINGTON (AP) — The Senate voted on Tuesday in New York.")
	if _, asked := rr.asked["WASHINGTON"]; asked || len(rr.asked["New York"]) == 0 {
		t.Errorf("reranker asked of %v, want New York and not the dateline's WASHINGTON", rr.asked)
	}
}

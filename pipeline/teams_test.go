package pipeline

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/linkstream/linkstream/kb"
)

// summariesJSON is a summaries file of entries {title, description,
// topic}, each extract saying what its description says.
func summariesJSON(entries ...[3]string) string {
	m := map[string]map[string]string{}
	for _, e := range entries {
		m[e[0]] = map[string]string{"title": e[0], "extract": e[0] + " is a " + strings.ToLower(e[1]) + ".", "description": e[1], "topic": e[2]}
	}
	b, _ := json.Marshal(m) // a map of strings always marshals
	return string(b)
}

// teamsKB knows two places, the teams named by them, a national team and
// a nickname that is an ordinary word too.
func teamsKB(t *testing.T) *kb.KB {
	t.Helper()
	dict := "Miami\tMiami\t0.9\nMiami Heat\tMiami_Heat\t1.0\nMiami Dolphins\tMiami_Dolphins\t1.0\nHeat\tHeat\t0.9\nChicago\tChicago\t0.9\n" +
		"Japan\tJapan\t0.95\nJAPAN\tJapan_national_football_team\t0.05\nJapan national football team\tJapan_national_football_team\t1.0\nSyria\tSyria\t0.9\n" +
		"Lebanon\tLebanon\t0.9\nLebanon national football team\tLebanon_national_football_team\t1.0\n" +
		"Alabama\tAlabama\t0.9\nAlabama state government\tAlabama\t0.1\nCrimson Tide\tUniversity_of_Alabama_traditions\t0.5\n" +
		"Tide\tTide\t0.9\nAlabama Crimson Tide\tAlabama_Crimson_Tide\t1.0\nTuscaloosa\tTuscaloosa,_Alabama\t1.0\n" +
		"Leeds\tLeeds\t0.95\nLEEDS\tLeeds_United_A.F.C.\t0.05\nMichigan\tMichigan\t0.9\nMichigan State\tMichigan_State_University\t1.0\n" +
		"Scotland\tScotland\t0.9\nScotland national rugby union team\tScotland_national_rugby_union_team\t1.0\n"
	sums := summariesJSON(
		[3]string{"Miami", "City in Florida, United States", "Geography"},
		[3]string{"Chicago", "City in Illinois, United States", "Geography"},
		[3]string{"Japan", "Country in East Asia", "Geography"},
		[3]string{"Syria", "Country in West Asia", "Geography"},
		[3]string{"Lebanon", "Country in West Asia", "Geography"},
		[3]string{"Leeds", "City in West Yorkshire, England", "Geography"},
		[3]string{"Michigan", "U.S. state", "Geography"},
		[3]string{"Miami Heat", "American basketball team", "Sports"},
		[3]string{"Miami Dolphins", "American football team", "Sports"},
		[3]string{"Japan national football team", "National association football team", "Sports"},
		[3]string{"Lebanon national football team", "National association football team", "Sports"},
		[3]string{"Scotland", "Country in the United Kingdom", "Geography"},
		[3]string{"Scotland national rugby union team", "National rugby union team", "Sports"},
		[3]string{"Leeds United A.F.C.", "English association football club", "Sports"},
		[3]string{"Alabama Crimson Tide", "College athletics team", "Sports"},
		[3]string{"Michigan State University", "Public university with a football team", "Education"})
	words := "state\t5.5\ngovernment\t5.4\n"
	return buildKB(t, kb.AliasDictionary(writeTemp(t, "dict.tab", dict)), kb.Summaries(writeTemp(t, "sums.json", sums)),
		kb.WordFrequencies(writeTemp(t, "words.tsv", words)))
}

// In a sports story a place names its team where the story or the KB says
// which; elsewhere, and where the text puts something in it, it is the
// place.
func TestTeamsNamedByTheirPlace(t *testing.T) {
	l := cheapLinker(t, teamsKB(t))
	const season = " The coach said the team played a great game this season."

	// a team the story names in full, then by its place and its nickname
	wantTitles(t, l, "The Miami Heat coach left. Miami's record fell after a loss in Chicago. Heat center Alonzo Mourning spoke."+season,
		map[string]string{"Miami": "Miami Heat", "Heat": "Miami Heat", "Chicago": "Chicago"})
	// (named in full only: "Dolphins" is no mention of its own to join)
	wantTitles(t, l, "Saban left the Miami Dolphins, and Miami hired a new coach."+season, map[string]string{"Miami": "Miami Dolphins"})
	wantTitles(t, l, "The Miami Heat coach left after a loss in Miami."+season, map[string]string{"Miami": "Miami"})
	wantTitles(t, l, "The Miami Heat coach left after a loss in north Miami."+season, map[string]string{"Miami": "Miami"})
	// the same names in a story about something else
	wantTitles(t, l, "The Miami Heat sold the arena. Miami's mayor spoke. Heat hit the city.",
		map[string]string{"Miami": "Miami", "Heat": "Heat"})

	// a nickname that the KB joins to the story's place (a state the KB
	// knows only by the strings naming it) names the team, and so do its
	// last words
	wantTitles(t, l, "Saban was introduced as Alabama's coach. Crimson Tide fans cheered, and the Tide won."+season,
		map[string]string{"Alabama": "Alabama Crimson Tide", "Crimson Tide": "Alabama Crimson Tide", "Tide": "Alabama Crimson Tide"})

	// a team named in full by an untyped place
	wantTitles(t, l, "The Alabama Crimson Tide hired Saban, and Alabama paid its coach."+season, map[string]string{"Alabama": "Alabama Crimson Tide"})
	// a region after a comma is the place's, and a school no team
	wantTitles(t, l, "Crimson Tide fans cheered their coach in Tuscaloosa, Alabama, and the Tide won."+season,
		map[string]string{"Alabama": "Alabama", "Crimson Tide": "Alabama Crimson Tide"})
	wantTitles(t, l, "Crimson Tide fans cheered their coach in Tuscaloosa , Alabama , and the Tide won."+season,
		map[string]string{"Alabama": "Alabama"}) // the spacing of tokenized corpora
	wantTitles(t, l, "Michigan State won the game. Michigan fans cheered."+season,
		map[string]string{"Michigan State": "Michigan State University", "Michigan": "Michigan"})

	// a country competing in a match of the story's sport is its national
	// team; a country that hosts it, or one without a team in the KB, is
	// the country
	const soccer = " The soccer coach said the team won the match, a great game this season."
	wantTitles(t, l, "Japan beat Syria in a match hosted by Lebanon."+soccer,
		map[string]string{"Japan": "Japan national football team", "Syria": "Syria", "Lebanon": "Lebanon"})
	wantTitles(t, l, "Leeds beat Lebanon in a match."+soccer, // a club of the place's own candidates, a team by its title
		map[string]string{"Leeds": "Leeds United A.F.C.", "Lebanon": "Lebanon national football team"})
	wantTitles(t, l, "Syria lost against Japan in a match hosted by Lebanon."+soccer,
		map[string]string{"Japan": "Japan national football team"})
	// where a country competes as its national team, the countries that
	// open a sentence or a headline are teams too, not those after "in",
	// nor a place without a national team, nor any without a competitor
	wantTitles(t, l, "Japan beat Syria in a match. But Lebanon saw its luck desert it in Miami."+soccer,
		map[string]string{"Japan": "Japan national football team", "Lebanon": "Lebanon national football team", "Miami": "Miami"})
	wantTitles(t, l, "JAPAN AND LEBANON FANS CHEER\nJapan beat Syria in a match, as fans of Lebanon watched."+soccer,
		map[string]string{"LEBANON": "Lebanon national football team"})
	wantTitles(t, l, "Japan saw a match. Lebanon saw its luck desert it."+soccer, map[string]string{"Japan": "Japan", "Lebanon": "Lebanon"})
	wantTitles(t, l, "Japan beat Syria in a match. Lebanon saw its luck desert it."+soccer, map[string]string{"Lebanon": "Lebanon national football team"})
	wantTitles(t, l, "Japan beat Syria in a match, and Lebanon saw its luck desert it."+soccer, map[string]string{"Lebanon": "Lebanon"})
	wantTitles(t, l, "Leeds beat Syria in a match. Lebanon saw its luck desert it."+soccer, map[string]string{"Lebanon": "Lebanon"}) // a club, no national team
	wantTitles(t, l, "JAPAN WIN , LEBANON CHEERS\nJapan beat Syria, as fans of Lebanon watched."+soccer,
		map[string]string{"LEBANON": "Lebanon national football team"}) // a headline's comma is no place's
	// a sport whose national teams' titles name it longer
	wantTitles(t, l, "Italy played against Scotland in the rugby match. The rugby coach said the team won the match, a great game this season.",
		map[string]string{"Scotland": "Scotland national rugby union team"})
	// a results line: in a sports story a score ends the name before it,
	// elsewhere a number lengthens it ("Page 2")
	wantTitles(t, l, "Japan 2 Syria 1."+soccer, map[string]string{"Japan": "Japan national football team", "Syria": "Syria"})
	wantTitles(t, l, soccer+" Syria 0 Japan 3", map[string]string{"Japan": "Japan national football team"}) // the text's last token
	wantTitles(t, l, "Japan 2 Syria 1.", map[string]string{"Japan": "", "Syria": ""})
	wantTitles(t, l, "They watched Heat 2 at the cinema."+soccer, map[string]string{"Heat": ""}) // a sequel's number, no score
	// a sports story of another sport takes no football team, whether
	// among the place's candidates (Japan's) or by its title (Lebanon's)
	wantTitles(t, l, "Japan beat Lebanon in the NBA game."+season, map[string]string{"Japan": "Japan", "Lebanon": "Lebanon"})
}

// wantTitles links text and checks that each of want's mentions is linked
// to its title ("" for none); every occurrence of a mention must agree.
func wantTitles(t *testing.T, l *Linker, text string, want map[string]string) {
	t.Helper()
	res := linkText(t, l, text)
	for m, title := range want {
		for _, k := range res.Links {
			if k.Mention == m && k.Title != title {
				t.Errorf("%q: %q linked to %q, want %q (all: %v)", text, m, k.Title, title, titles(res))
			}
		}
		if _, linked := titles(res)[m]; !linked && title != "" {
			t.Errorf("%q: %q not linked, want %q (all: %v)", text, m, title, titles(res))
		}
	}
}

// A sport's body or event is no team, though its title names the sport;
// a date after a place is no score.
func TestTeamsAndScoresByShape(t *testing.T) {
	for title, want := range map[string]bool{
		"Japan national football team": true, "Chinese Football Association": false, "Football League Cup": false,
		"Michigan State University": false, "Miami Dolphins": false, // no word of football in what the KB says
	} {
		c := candidate{typ: kb.ORG.String(), titleNorm: kb.Normalize(title)}
		if got := isTeam(&c, "football"); got != want {
			t.Errorf("isTeam(%q, football) = %v, want %v", title, got, want)
		}
	}
	for w, want := range map[string]bool{"2": true, "2-1": true, "10": true, "1996-12-06": false, "1996": false, "2-": false, "a": false} {
		if got := isScore(w); got != want {
			t.Errorf("isScore(%q) = %v, want %v", w, got, want)
		}
	}
}

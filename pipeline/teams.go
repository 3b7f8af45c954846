package pipeline

import (
	"strings"

	"github.com/linkstream/linkstream/kb"
)

// Teams named by their place. Sports news names a team by its town, state
// or country ("Miami's record fell to 13-18" is the Miami Heat, "Germany
// beat England" two national football teams) and by its nickname ("Heat
// center Alonzo Mourning", "the Tide"), while the KB's first sense of the
// place's name is the place, and the nickname's an ordinary word. So in a
// sports story (sportsWords, and one sport's own words), a place mention
// becomes the team it names where the story or the KB says which one:
//
//  1. a team of that place the story names: in full ("Miami Heat"), or by
//     a nickname that the KB joins to the place's name ("Crimson Tide"
//     and "Alabama": Alabama Crimson Tide);
//  2. else, where the place competes ("Leeds beat Chelsea") and the story
//     names its sport, a team of that sport among the place's own
//     candidates (Leeds United A.F.C.);
//  3. else the place's national team of that sport, by its title
//     ("Japan national football team").
//
// The team is then the mention's one candidate. The nicknames of a team
// of the first kind ("Crimson Tide", "Tide", "Heat") name it too. A place
// the text puts something in ("in Japan", "at Miami"), a dateline's and a
// region after a comma ("Tuscaloosa, Alabama") stay places.

// sportWords are the words of one sport, keyed to the word its teams'
// titles or the strings naming them use.
var sportWords = map[string]string{
	"football": "football", "soccer": "football", "striker": "football", "midfielder": "football",
	"goalkeeper": "football", "quarterback": "football", "touchdown": "football", "touchdowns": "football",
	"nfl": "football", "fifa": "football", "uefa": "football",
	"basketball": "basketball", "nba": "basketball", "wnba": "basketball", "rebounds": "basketball",
	"baseball": "baseball", "inning": "baseball", "mlb": "baseball", "homer": "baseball", "pitcher": "baseball",
	"hockey": "hockey", "nhl": "hockey", "puck": "hockey",
	"cricket": "cricket", "wicket": "cricket", "wickets": "cricket", "batsman": "cricket",
	"rugby": "rugby",
}

// sportsWords are the words of any sport's news.
var sportsWords = map[string]struct{}{
	"coach": {}, "coaches": {}, "coached": {}, "season": {}, "seasons": {}, "team": {}, "teams": {},
	"game": {}, "games": {}, "match": {}, "matches": {}, "championship": {}, "championships": {},
	"league": {}, "playoff": {}, "playoffs": {}, "tournament": {}, "scored": {}, "victory": {},
	"defeat": {}, "cup": {}, "players": {}, "player": {},
}

// teamWords, in what the KB says of an entity (title, description, the
// strings naming it), say it is a team of some sport.
var teamWords = [...]string{
	"team", "club", "coach", "coaches", "league", "squad", "franchise", "athletics", "football",
	"basketball", "baseball", "hockey", "soccer", "rugby", "cricket", "nba", "nfl", "nhl", "mlb", "ncaa",
}

// placingWords put something in a place: the place after them is no team.
var placingWords = map[string]struct{}{
	"in": {}, "at": {}, "near": {}, "across": {}, "around": {}, "throughout": {}, "of": {}, "outside": {}, "inside": {},
}

const (
	// minSportsWords is how many sportsWords make a story a sports story
	// (with one word of its sport at least): "the Great Pitcher Festival"
	// is none.
	minSportsWords = 5
	// maxNicknameLookups bounds the place × nickname strings looked up in
	// one story (a look-up costs about a microsecond).
	maxNicknameLookups = 256
)

// storySport is what a story's words say of its sport.
type storySport struct {
	// sports: a sports story
	sports bool
	// sport: the one whose words it uses most, "" where it names none
	sport string
}

// sportCue is what one word says of a story's sport: a word of any
// sport's news, a word of one sport, or both ("cup" is general, "nba"
// basketball's).
type sportCue struct {
	general bool
	sport   string
}

// sportCues joins sportsWords and sportWords, so that reading a story
// costs one look-up a word: it runs on every document.
var sportCues = func() map[string]sportCue {
	m := map[string]sportCue{}
	for w := range sportsWords {
		m[w] = sportCue{general: true}
	}
	for w, s := range sportWords {
		c := m[w]
		c.sport = s
		m[w] = c
	}
	return m
}()

// storySportOf reads the story's sport from its normalised tokens.
func storySportOf(norm *normTokens, tokens int) storySport {
	general := 0
	var counts map[string]int
	for i := range tokens {
		w := norm.of(i)
		if len(w) < 3 {
			continue // no sport word is shorter
		}
		c, ok := sportCues[w]
		if !ok {
			continue
		}
		if c.general {
			general++
		}
		if c.sport != "" {
			if counts == nil {
				counts = map[string]int{}
			}
			counts[c.sport]++
		}
	}
	if general < minSportsWords {
		return storySport{}
	}
	st := storySport{sports: true}
	for s, n := range counts {
		if n > counts[st.sport] || n == counts[st.sport] && s < st.sport {
			st.sport = s
		}
	}
	return st
}

// storyTeam is a team the story names, by its place's normalised name.
type storyTeam struct {
	team candidate
	// nickname: the team's name without its place ("crimson tide",
	// normalised), whose last words name it too
	nickname string
}

// teamsOfPlaces turns the story's places that name teams into those teams
// (see the top of this file) and scores those mentions anew.
func (l *Linker) teamsOfPlaces(text string, toks []token, norm *normTokens, story storySport, mentions []mention, scores []mentionScores) {
	if !story.sports {
		return
	}
	named, order := l.storyTeams(text, norm, mentions, scores)
	var redo []int
	var countries []int // places that may be countries, competing or not
	national := false   // a competing country is its national team
	for i := range mentions {
		m, ms := &mentions[i], &scores[i]
		if m.follows >= 0 || m.dateline || ms.best < 0 || !isPlace(&m.entry.cands[ms.best]) ||
			placed(text, toks, m.tokFrom) || afterPlace(text, toks, m.tokFrom) {
			continue
		}
		team, ok := named[m.norm]
		if !ok && story.sport != "" {
			if !competes(text, toks, m.tokFrom, m.tokTo) {
				if opensClause(text, toks, m.tokFrom) {
					countries = append(countries, i)
				}
				continue
			}
			if team.team, ok = l.teamAmong(m.entry, story.sport); !ok {
				team.team, ok = l.nationalTeam(m.entry, ms.best, story.sport)
			}
			national = national || ok && strings.Contains(team.team.title, " national ")
		}
		if ok {
			m.entry = &surfaceEntry{cands: []candidate{team.team}}
			redo = append(redo, i)
		}
	}
	// Where one country competes as its national team, the story is of
	// national teams, and so are the other countries it makes the subject
	// of a sentence or a headline ("Japan began the defence of their title
	// with a win against Syria", "But China saw their luck desert them");
	// a country the story names elsewhere may be a host ("hosted by
	// Lebanon").
	for _, i := range countries {
		if !national {
			break
		}
		if team, ok := l.nationalTeam(mentions[i].entry, scores[i].best, story.sport); ok {
			mentions[i].entry = &surfaceEntry{cands: []candidate{team}}
			redo = append(redo, i)
		}
	}
	for i := range mentions {
		m := &mentions[i]
		if _, place := named[m.norm]; place || m.follows >= 0 || len(m.entry.cands) == 0 {
			continue
		}
		for _, place := range order { // the story's order: the first team a nickname fits wins
			t := named[place]
			if t.nickname != "" && m.entry.cands[0].entity != t.team.entity && endsWithWords(t.nickname, m.norm) {
				m.entry = &surfaceEntry{cands: []candidate{t.team}}
				redo = append(redo, i)
				break
			}
		}
	}
	if len(redo) > 0 {
		l.scoreSome(text, toks, mentions, scores, redo)
	}
}

// storyTeams are the teams the story names with their place: a confident
// mention of a team whose first words name a place ("Miami Heat"), or a
// place and a nickname the KB joins into a team's name ("Alabama" …
// "Crimson Tide"). The first team of a place wins; order lists the places
// as they were found.
func (l *Linker) storyTeams(text string, norm *normTokens, mentions []mention, scores []mentionScores) (named map[string]storyTeam, order []string) {
	named = map[string]storyTeam{}
	name := func(place string, t storyTeam) {
		named[place] = t
		order = append(order, place)
	}
	var places, others []int
	for i := range mentions {
		m, ms := &mentions[i], &scores[i]
		if ms.best < 0 {
			continue
		}
		c := &m.entry.cands[ms.best]
		if isPlace(c) {
			if !m.dateline {
				places = append(places, i)
			}
			continue
		}
		if c.typ != kb.PER.String() {
			others = append(others, i)
		}
		if ms.p[ms.best] < fullFormMinProb || !isTeam(c, "") {
			continue
		}
		for k := m.tokTo - 1; k > m.tokFrom; k-- {
			place := norm.phrase(m.tokFrom, k)
			if _, seen := named[place]; !seen && l.namesPlace(norm, m.tokFrom, k) {
				name(place, storyTeam{team: *c, nickname: norm.phrase(k, m.tokTo)})
				break
			}
		}
	}
	lookups := 0
	tried := map[string]bool{}
	for _, p := range places {
		place := &mentions[p]
		// by the place's title: "Ala." is Alabama
		title := kb.BaseTitle(place.entry.cands[scores[p].best].title)
		if tried[title] {
			continue
		}
		tried[title] = true
		for _, o := range others {
			if _, seen := named[place.norm]; seen || lookups == maxNicknameLookups {
				break
			}
			lookups++
			nick := &mentions[o]
			cands := l.kb.Lookup(title + " " + text[nick.start:nick.end])
			if len(cands) == 0 {
				continue
			}
			if team := l.cands.decode(cands[0]); isTeam(&team, "") {
				name(place.norm, storyTeam{team: team, nickname: nick.norm})
			}
		}
	}
	return named, order
}

// teamAmong is a team of the sport among a place's candidates, the
// likeliest first.
func (l *Linker) teamAmong(e *surfaceEntry, sport string) (candidate, bool) {
	for j := range e.cands {
		if c := &e.cands[j]; c.prior > 0 && isTeam(c, sport) {
			return *c, true
		}
	}
	return candidate{}, false
}

// nationalTeam is the place's national team of the sport, by its title
// ("Japan national football team", "Scotland national rugby union team").
func (l *Linker) nationalTeam(e *surfaceEntry, best int, sport string) (candidate, bool) {
	place := kb.BaseTitle(e.cands[best].title)
	names, ok := sportTitleNames[sport]
	if !ok {
		names = []string{sport}
	}
	for _, name := range names {
		if cands := l.kb.Lookup(place + " national " + name + " team"); len(cands) > 0 {
			team := l.cands.decode(cands[0])
			return team, isTeam(&team, sport)
		}
	}
	return candidate{}, false
}

// sportTitleNames are the names national teams' titles give the sports
// whose news names them shorter.
var sportTitleNames = map[string][]string{
	"rugby":  {"rugby union", "rugby league"},
	"hockey": {"ice hockey", "field hockey"},
}

// notTeamWords in a title make it a school's, whose athletics the strings
// naming it mention ("Michigan State University"), or a sport's body,
// event or ground ("Chinese Football Association", "Asian Cup"): no
// team.
var notTeamWords = [...]string{
	"university", "college", "school", "institute", "academy", "association", "federation",
	"confederation", "cup", "championship", "championships", "stadium", "award",
}

// isTeam: what the KB says of the candidate, no person, place, school or
// sports body, names a team of the sport, or of any sport when sport is
// "".
func isTeam(c *candidate, sport string) bool {
	if c.typ == kb.PER.String() || c.typ == kb.LOC.String() {
		return false
	}
	for _, w := range notTeamWords {
		if kb.ContainsWords(c.titleNorm, w) {
			return false
		}
	}
	said := c.titleNorm + " " + kb.Normalize(c.desc+" "+c.anchorWords)
	if sport != "" {
		return kb.ContainsWords(said, sport)
	}
	for _, w := range teamWords {
		if kb.ContainsWords(said, w) {
			return true
		}
	}
	return false
}

// directionWords may stand between a placing word and its place ("in
// north Georgia").
var directionWords = map[string]struct{}{
	"north": {}, "south": {}, "east": {}, "west": {}, "northern": {}, "southern": {}, "eastern": {},
	"western": {}, "central": {},
}

// placed: the word before token i, a direction apart, puts something in
// the place it starts ("in Japan", "in north Georgia", "fans of Alabama").
func placed(text string, toks []token, i int) bool {
	before := func(k int) string { return strings.ToLower(text[toks[k].start:toks[k].end]) }
	if i > 1 {
		if _, ok := directionWords[before(i-1)]; ok {
			i--
		}
	}
	if i == 0 {
		return false
	}
	_, ok := placingWords[before(i-1)]
	return ok
}

// clauseOpeners are the words before a sentence's subject ("But China
// saw ...").
var clauseOpeners = map[string]struct{}{"but": {}, "and": {}, "while": {}, "meanwhile": {}, "then": {}}

// opensClause: token k opens a sentence or a headline, or follows a word
// of clauseOpeners that does.
func opensClause(text string, toks []token, k int) bool {
	if toks[k].sentenceStart || toks[k].shouted {
		return true
	}
	if k == 0 || !toks[k-1].sentenceStart {
		return false
	}
	_, ok := clauseOpeners[strings.ToLower(text[toks[k-1].start:toks[k-1].end])]
	return ok
}

// competingAfter, right after a name, and competingBefore, right before
// it, make it a competitor: "Japan beat Syria", "against England".
var (
	competingAfter = map[string]struct{}{
		"beat": {}, "beats": {}, "defeated": {}, "won": {}, "win": {}, "wins": {}, "lost": {}, "lose": {},
		"loses": {}, "drew": {}, "tied": {}, "play": {}, "plays": {}, "played": {}, "face": {}, "faces": {},
		"faced": {}, "edged": {}, "routed": {}, "thrashed": {}, "crushed": {}, "upset": {}, "vs": {}, "v": {},
		"against": {},
	}
	competingBefore = map[string]struct{}{
		"beat": {}, "beats": {}, "defeated": {}, "face": {}, "faces": {}, "faced": {}, "play": {}, "plays": {},
		"played": {}, "edged": {}, "routed": {}, "thrashed": {}, "crushed": {}, "upset": {}, "vs": {}, "v": {},
		"against": {}, "over": {},
	}
)

// competes: the name of tokens [from, to) is a competitor in a match,
// next to a competing word or before its score ("Japan 2 Syria 1").
// Without that a country in a sports story is a place ("hosted by
// Lebanon").
func competes(text string, toks []token, from, to int) bool {
	word := func(k int) string { return strings.ToLower(text[toks[k].start:toks[k].end]) }
	if to < len(toks) {
		w := word(to)
		if _, ok := competingAfter[w]; ok || isScore(w) {
			return true
		}
	}
	if from > 0 {
		_, ok := competingBefore[word(from-1)]
		return ok
	}
	return false
}

// isScore: w is a match score, "2" or "2-1", not a date ("1996-12-06")
// or a year.
func isScore(w string) bool {
	goals, against, two := strings.Cut(w, "-")
	short := func(n string) bool { return len(n) >= 1 && len(n) <= 2 && allDigits(n) }
	return short(goals) && (!two || short(against))
}

// placeWords, in the strings naming an untyped entity, say it is a place:
// the KB types by descriptions and title shapes, and knows many places,
// "Alabama" among them, only by the links to them ("state government
// info politics").
var placeWords = [...]string{"state", "city", "country", "county", "town", "province", "capital"}

// isPlace: the candidate is a location, by its type or, untyped, by the
// strings naming it.
func isPlace(c *candidate) bool {
	if c.typ == kb.LOC.String() {
		return true
	}
	if c.typ != kb.MISC.String() || c.desc != "" {
		return false
	}
	said := kb.Normalize(c.anchorWords)
	for _, w := range placeWords {
		if kb.ContainsWords(said, w) {
			return true
		}
	}
	return false
}

// endsWithWords: the normalised phrase s ends with the words of suffix.
func endsWithWords(s, suffix string) bool {
	return s == suffix || strings.HasSuffix(s, " "+suffix)
}

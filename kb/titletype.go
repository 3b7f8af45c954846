package kb

import (
	"regexp"
	"strings"
	"unicode"
)

// Types read from a title's shape and from the short descriptions of
// entity summaries: the evidence an alias dictionary and a summary file
// give where no infobox, category or ontology class is known. A rule
// answers only when the words are unambiguous; unknown stays unknown.

// qualifierWords maps words of a title's qualifier ("Jimmy Page
// (musician)", "Same (East Timor)") and of short descriptions to a type.
var (
	descPER  = regexp.MustCompile(`(?i)\b(born \d{3,4}|\d{3,4}\s*[–-]\s*\d{3,4}\)|politician|businessman|businesswoman|entrepreneur|footballer|soccer player|basketball player|baseball player|ice hockey player|tennis player|cricketer|golfer|boxer|wrestler|athlete|racing driver|cyclist|swimmer|actor|actress|singer|songwriter|rapper|musician|guitarist|drummer|pianist|composer|conductor|painter|sculptor|photographer|poet|novelist|writer|author|journalist|philosopher|theologian|scientist|physicist|chemist|mathematician|biologist|economist|historian|engineer|inventor|astronaut|explorer|lawyer|judge|diplomat|general|admiral|monarch|king of|queen of|emperor|empress|pharaoh|sultan|pope|saint|bishop|priest|rabbi|president of|prime minister|chancellor of|statesman|stateswoman|film director|director|producer|comedian|model|chef|activist|royal|prince|princess|duke|coach|manager|executive|chief executive|ceo|socialite|dancer|designer|architect|aviator|criminal|spy)\b`)
	descORG  = regexp.MustCompile(`(?i)\b(company|corporation|conglomerate|manufacturer|automaker|airline|bank|retailer|brand|business|firm|enterprise|organization|organisation|agency|political party|party|trade union|union|alliance|association|federation|league|club|football club|sports team|team|band|musical group|group|orchestra|choir|university|college|school|institute|academy|newspaper|magazine|broadcaster|television network|network|publisher|record label|studio|charity|foundation|non-profit|nonprofit|ngo|militant group|army|navy|air force|police|ministry|department|government|parliament|legislature|congress|senate|council|court|committee|commission|tribunal|church)\b`)
	descLOC  = regexp.MustCompile(`(?i)\b(city|town|village|hamlet|municipality|commune|capital|metropolis|suburb|neighbo(u)?rhood|borough|county|district|province|prefecture|state of|u\.s\. state|state in|federal state|region|country|nation|sovereign state|island|archipelago|peninsula|continent|river|lake|sea|ocean|bay|gulf|strait|mountain|mountain range|volcano|desert|valley|forest|national park|park|canyon|waterfall|glacier|airport|stadium|arena|bridge|building|skyscraper|tower|castle|palace|cathedral|temple|mosque|museum|square|street|road|highway|canal|dam|territory|colony|kingdom|empire|republic|emirate|place in|area of|location)\b`)
	descMISC = regexp.MustCompile(`(?i)\b(film|movie|album|song|single|novel|book|poem|play|opera|musical|television series|tv series|sitcom|video game|game|software|operating system|programming language|language|religion|war|battle|election|treaty|event|festival|award|prize|disease|drug|chemical|element|compound|species|genus|family of|plant|animal|concept|theory|method|technique|sport|cuisine|dish|food|beverage|currency|ship|aircraft|car|vehicle|weapon|painting|sculpture|holiday|ideology|movement|period|era|dynasty|century|revolution|crisis|disaster|earthquake|pandemic|epidemic|law|act|standard|protocol|unit)\b`)
)

// lifeYears: "(born 1971)", "(1955–2011)": only persons have them.
var lifeYears = regexp.MustCompile(`\((born \d{3,4}|c?\.? ?\d{3,4}\s*[–-]\s*\d{3,4})\)`)

// headEnd finds where the head phrase of a short description ends: at its
// first preposition, relative word, comma or bracket ("Capital and
// largest city | of Germany", "1968 film | by Stanley Kubrick").
var headEnd = regexp.MustCompile(`(?i)\s(of|in|by|from|for|on|at|with|that|which|who|based|located|near|founded|between)\s|[,(;:]`)

// typeOfText types a short description ("American businessman (born
// 1960)", "Capital and largest city of Germany", "American electric
// vehicle manufacturer") by the last class word of its head phrase: in
// English the head noun ends the phrase, and what precedes it modifies it.
func typeOfText(d string) (Type, bool) {
	if lifeYears.MatchString(d) {
		return PER, true
	}
	head := d
	if loc := headEnd.FindStringIndex(d); loc != nil && loc[0] > 0 {
		head = d[:loc[0]]
	}
	classes := []struct {
		re *regexp.Regexp
		t  Type
	}{{descPER, PER}, {descORG, ORG}, {descLOC, LOC}, {descMISC, MISC}}
	for _, text := range []string{head, d} {
		best, typ := -1, MISC
		for _, c := range classes {
			for _, loc := range c.re.FindAllStringIndex(text, -1) {
				if loc[1] > best {
					best, typ = loc[1], c.t
				}
			}
		}
		if best >= 0 {
			return typ, true
		}
	}
	return MISC, false
}

// usStates and countries often qualify place titles: "Cupertino,
// California", "Lincoln, Nebraska", "Kandahar, Afghanistan" are places.
var placeQualifier = regexp.MustCompile(`^(Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|D\.C\.|Ontario|Quebec|British Columbia|Alberta|England|Scotland|Wales|Northern Ireland|Ireland|Australia|New South Wales|Victoria|Queensland|India|Pakistan|Afghanistan|Iraq|Iran|Israel|France|Germany|Italy|Spain|Russia|China|Japan|Brazil|Mexico|Canada)$`)

// typeOfTitle types a title by its shape: a "(qualifier)" that names a
// class, a ", Place" qualifier, a company suffix, a leading year (an event).
func typeOfTitle(t string) (Type, bool) {
	if i := strings.Index(t, " ("); i > 0 && strings.HasSuffix(t, ")") {
		q := t[i+2 : len(t)-1]
		if q == "U.S. state" || strings.HasSuffix(q, " state") || strings.HasSuffix(q, " province") {
			return LOC, true
		}
		return typeOfText(q)
	}
	if i := strings.LastIndex(t, ", "); i > 0 && placeQualifier.MatchString(t[i+2:]) {
		return LOC, true
	}
	if companyName(t) != "" {
		return ORG, true
	}
	if len(t) > 5 && t[4] == ' ' && isDigits(t[:4]) {
		return MISC, true // "2004 Summer Olympics", "1973 French Open"
	}
	return MISC, false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// summaryTopicTypes maps the topics of summary files to a type when the
// description says nothing: only "People" is specific enough.
func typeOfTopic(topic string) (Type, bool) {
	if topic == "People" {
		return PER, true
	}
	if topic == "Geography" {
		return LOC, true
	}
	return MISC, false
}

// givenNames collects the given names the titles themselves list: the
// name pages "Barbara (given name)", "Aaron (name)" of Wikipedia.
func givenNames(titles []string) map[string]bool {
	given := map[string]bool{}
	for _, t := range titles {
		for _, q := range []string{" (given name)", " (name)", " (first name)", " (masculine given name)", " (feminine given name)"} {
			if strings.HasSuffix(t, q) {
				given[strings.TrimSuffix(t, q)] = true
			}
		}
	}
	return given
}

// personShaped reports whether a title reads as a person's name: two to
// four capitalised words, the first a known given name (or an initial),
// no digits, no class word ("Jordan River" is a river), and a qualifier,
// if any, that is no place or organisation ("Tim Cook (ice hockey)").
func personShaped(title string, given map[string]bool) bool {
	base := BaseTitle(title)
	if base != title && !strings.HasSuffix(title, ")") {
		return false // "Lincoln, Nebraska": a comma qualifier names a place
	}
	if base != title {
		if typ, ok := typeOfText(title[len(base)+2 : len(title)-1]); ok && (typ == LOC || typ == ORG) {
			return false
		}
	}
	words := strings.Fields(base)
	if len(words) < 2 || len(words) > 4 {
		return false
	}
	for _, w := range words {
		if !unicode.IsUpper(firstRune(w)) || strings.ContainsAny(w, "0123456789&") {
			return false
		}
	}
	if _, classWord := typeOfText(base); classWord {
		return false
	}
	first := words[0]
	return given[first] || (len(first) == 2 && first[1] == '.')
}

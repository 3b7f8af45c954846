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

// classWords maps the words and phrases (up to three words, lower case)
// of a title's qualifier ("Jimmy Page (musician)") or a short description
// ("American electric vehicle manufacturer") that name a class to a type.
var classWords = func() map[string]Type {
	m := map[string]Type{}
	for typ, words := range map[Type]string{
		PER:  "politician|businessman|businesswoman|entrepreneur|footballer|soccer player|basketball player|baseball player|ice hockey player|tennis player|cricketer|golfer|boxer|wrestler|athlete|racing driver|cyclist|swimmer|actor|actress|singer|songwriter|rapper|musician|guitarist|drummer|pianist|composer|conductor|painter|sculptor|photographer|poet|novelist|writer|author|journalist|philosopher|theologian|scientist|physicist|chemist|mathematician|biologist|economist|historian|engineer|inventor|astronaut|explorer|lawyer|judge|diplomat|general|admiral|monarch|king of|queen of|emperor|empress|pharaoh|sultan|pope|saint|bishop|priest|rabbi|president of|prime minister|chancellor of|statesman|stateswoman|film director|director|producer|comedian|fashion model|supermodel|chef|activist|royal|prince|princess|duke|coach|manager|executive|chief executive|ceo|socialite|dancer|designer|architect|aviator|criminal|spy|player|leader|ruler|magnate|industrialist|philanthropist|businessperson|founder|prophet|polymath|scholar|playwright|screenwriter|filmmaker|monk|nun|soldier|officer|commander|physician|surgeon|astronomer|psychologist|sociologist|linguist",
		ORG:  "company|corporation|conglomerate|manufacturer|automaker|airline|bank|retailer|brand|business|firm|enterprise|organization|organisation|agency|political party|party|trade union|union|alliance|association|federation|league|club|football club|sports team|team|band|musical group|group|orchestra|choir|university|college|school|institute|academy|newspaper|magazine|broadcaster|television network|network|publishing house|record label|studio|charity|foundation|non-profit|nonprofit|ngo|militant group|army|navy|air force|police|ministry|department|government|parliament|legislature|congress|senate|council|court|committee|commission|tribunal|church",
		LOC:  "city|town|village|hamlet|municipality|commune|capital|metropolis|suburb|neighborhood|neighbourhood|borough|county|district|province|prefecture|state of|u.s. state|state in|federal state|region|country|nation|sovereign state|island|archipelago|peninsula|continent|river|lake|sea|ocean|bay|gulf|strait|mountain|mountain range|volcano|desert|valley|forest|national park|park|canyon|waterfall|glacier|airport|stadium|arena|bridge|building|skyscraper|tower|castle|palace|cathedral|temple|mosque|museum|square|street|road|highway|canal|dam|territory|colony|kingdom|empire|republic|emirate|place in|area of|location",
		MISC: "film|movie|album|song|single|novel|book|poem|play|opera|musical|television series|tv series|sitcom|video game|game|software|operating system|programming language|language|religion|war|battle|election|treaty|event|festival|award|prize|disease|drug|chemical|element|compound|species|genus|family of|plant|animal|concept|theory|method|technique|sport|cuisine|dish|food|beverage|currency|ship|aircraft|car|vehicle|weapon|painting|sculpture|holiday|ideology|movement|period|era|dynasty|century|revolution|crisis|disaster|earthquake|pandemic|epidemic|law|act|standard|protocol|unit",
	} {
		for _, w := range strings.Split(words, "|") {
			tokens, _ := classTokens(w) // "u.s. state" as descriptions are read
			m[strings.Join(tokens, " ")] = typ
		}
	}
	return m
}()

// headStops end the head phrase of a short description: "Capital and
// largest city | of Germany", "1968 film | by Stanley Kubrick".
var headStops = map[string]bool{"of": true, "in": true, "by": true, "from": true, "for": true, "on": true, "at": true,
	"with": true, "that": true, "which": true, "who": true, "based": true, "located": true, "near": true, "founded": true, "between": true}

// lifeYears: "(born 1971)", "(1955–2011)": persons', where no class
// word says otherwise.
var lifeYears = regexp.MustCompile(`\((born \d{3,4}|c?\.? ?\d{3,4}\s*[–-]\s*\d{3,4})\)`)

// typeOfText types a short description ("American businessman (born
// 1960)", "Capital and largest city of Germany", "American electric
// vehicle manufacturer") or a title's qualifier ("musician", "1998 film")
// by the head noun of its head phrase: in English the head noun ends the
// phrase and what precedes it modifies it, so a class word counts only
// there ("American business magnate" is no business, "Atomic model
// introduced by Niels Bohr" no fashion model, "Decrease in the general
// price level" no general). A head of a class phrase that runs on into
// the next words ("King of France", "President of the United States")
// counts where a name follows. A head that names no class leaves the
// type unknown.
func typeOfText(d string) (Type, bool) {
	words, head := classTokens(d)
	if head == 0 {
		return MISC, false
	}
	for k := min(3, head); k >= 1; k-- {
		if t, ok := classWords[strings.Join(words[head-k:head], " ")]; ok {
			return t, true
		}
	}
	if head < len(words) && namedAfter(d, words[head]) {
		if t, ok := classWords[words[head-1]+" "+words[head]]; ok {
			return t, true
		}
	}
	// years in brackets after an agent noun: a life ("Italian
	// rhetorician (120–180)"); after any other head they are a period's
	// ("Nationwide armed struggle in Mexico (1910–1920)")
	if agentNoun(words[head-1]) && strings.ContainsAny(d, "0123456789") && lifeYears.MatchString(d) {
		return PER, true
	}
	return MISC, false
}

// typeOfName types a name by a class word anywhere in it: a name may open
// with its class ("Lake Burton", "Saint Mary", "Fort Worth") or end with
// it ("Charles River", "Grace Church"). False when it holds none.
func typeOfName(name string) (Type, bool) {
	words, _ := classTokens(name)
	best, typ := -1, MISC
	for i := range words {
		for k := min(3, len(words)-i); k >= 1; k-- {
			if t, ok := classWords[strings.Join(words[i:i+k], " ")]; ok {
				if end := i + k; end > best {
					best, typ = end, t
				}
				break
			}
		}
	}
	return typ, best >= 0
}

// namedAfter: the words of d after the head stop stop, past an article,
// start with a capital ("King of France", "President of the United
// States", not "State of being real").
func namedAfter(d, stop string) bool {
	i := strings.Index(strings.ToLower(d), " "+stop+" ")
	if i < 0 {
		return false
	}
	rest := strings.TrimPrefix(d[i+len(stop)+2:], "the ")
	return unicode.IsUpper(firstRune(rest))
}

// agentNoun: a word formed as a doer's ("reformer", "satirist",
// "rhetorician", "ruler"), the heads of persons' descriptions that no
// class list can hold in full.
func agentNoun(w string) bool {
	for _, suffix := range []string{"er", "or", "ist", "ian"} {
		if len(w) > len(suffix)+2 && strings.HasSuffix(w, suffix) {
			return true
		}
	}
	return false
}

// classTokens splits a description into lower-case words (letters,
// digits and inner dots, as in "u.s.") and says how many of them form the
// head phrase, which ends at a head stop or at , ( ; :.
func classTokens(d string) (words []string, head int) {
	head = -1
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			w := strings.TrimRight(string(cur), ".")
			cur = cur[:0]
			if w == "" {
				return
			}
			if head < 0 && headStops[w] && len(words) > 0 {
				head = len(words)
			}
			words = append(words, w)
		}
	}
	for _, r := range d {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || (r == '.' && len(cur) > 0):
			cur = append(cur, unicode.ToLower(r))
		default:
			flush()
			if head < 0 && len(words) > 0 && strings.ContainsRune(",(;:", r) {
				head = len(words)
			}
		}
	}
	flush()
	if head < 0 {
		head = len(words)
	}
	return words, head
}

// placeQualifier: states and countries often qualify place titles: "Cupertino,
// California", "Lincoln, Nebraska", "Kandahar, Afghanistan" are places.
var placeQualifier = regexp.MustCompile(`^(Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|D\.C\.|Ontario|Quebec|British Columbia|Alberta|England|Scotland|Wales|Northern Ireland|Ireland|Australia|New South Wales|Victoria|Queensland|India|Pakistan|Afghanistan|Iraq|Iran|Israel|France|Germany|Italy|Spain|Russia|China|Japan|Brazil|Mexico|Canada)$`)

// typedText is a typeOfText result.
type typedText struct {
	t  Type
	ok bool
}

// textTypes memoises typeOfText for the qualifiers of millions of titles,
// which repeat ("(film)", "(footballer)") and cost regular expressions.
type textTypes map[string]typedText

func (m textTypes) of(q string) (Type, bool) {
	r, seen := m[q]
	if !seen {
		r.t, r.ok = typeOfText(q)
		m[q] = r
	}
	return r.t, r.ok
}

// typeOfTitle types a title by its shape: a "(qualifier)" that names a
// class, a ", Place" qualifier, a company suffix, a leading year (an event).
func typeOfTitle(t string, qualifiers textTypes) (Type, bool) {
	if i := strings.Index(t, " ("); i > 0 && strings.HasSuffix(t, ")") {
		q := t[i+2 : len(t)-1]
		if q == "U.S. state" || strings.HasSuffix(q, " state") || strings.HasSuffix(q, " province") {
			return LOC, true
		}
		return qualifiers.of(q)
	}
	if i := strings.LastIndex(t, ", "); i > 0 && placeQualifier.MatchString(t[i+2:]) {
		return LOC, true
	}
	if CompanyName(t) != "" {
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

// typeOfTopic types a summary by its topic when the description says
// nothing: "People" are persons, "Geography" places; the topics of
// things ("Mathematics", "Technology", "History": "RGB color model",
// "London Underground", "Norman Conquest") hold no person, so a title's
// shape ("London" and "Norman" open persons' names) must not make one
// (MISC, known). Stories' characters are persons ("Arts": "Robin Hood";
// "Philosophy and religion": "Elijah"), and an uncategorised topic
// says nothing.
func typeOfTopic(topic string) (Type, bool) {
	switch topic {
	case "People":
		return PER, true
	case "Geography":
		return LOC, true
	case "Arts", "Philosophy and religion", "Uncategorized", "":
		return MISC, false
	}
	return MISC, true
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
func personShaped(title string, given map[string]bool, qualifiers textTypes) bool {
	// the cheap tests first: this runs on every untyped title (millions),
	// and the class-word regular expressions are the expensive part
	base := BaseTitle(title)
	if base != title && !strings.HasSuffix(title, ")") {
		return false // "Lincoln, Nebraska": a comma qualifier names a place
	}
	words := strings.Fields(base)
	if len(words) < 2 || len(words) > 4 {
		return false
	}
	if first := words[0]; !given[first] && (len(first) != 2 || first[1] != '.') {
		return false
	}
	for _, w := range words {
		if !unicode.IsUpper(firstRune(w)) || strings.ContainsAny(w, "0123456789&") {
			return false
		}
	}
	if _, classWord := typeOfName(base); classWord {
		return false
	}
	if base != title {
		if typ, ok := qualifiers.of(title[len(base)+2 : len(title)-1]); ok && (typ == LOC || typ == ORG) {
			return false
		}
	}
	return true
}

// ClassOfName types a name by the class word it holds ("Charles River"
// LOC, "Grace Church" ORG, "Saint Mary" PER); false when it holds none
// ("Stephanie Hoff"). The pipeline reads a pair of capitalised words
// the KB does not know with it.
func ClassOfName(name string) (Type, bool) { return typeOfName(name) }

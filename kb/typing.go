package kb

import (
	"regexp"
	"strings"
)

// Where a type came from, weakest first: a stronger source overrides a
// weaker one, never the reverse.
const (
	typeNone uint8 = iota
	typeFromTitle
	typeFromCategory
	typeFromSummary
	typeFromWikidata
	typeFromInfobox
	typeFromDBpedia
)

// infoboxWords maps words of an infobox name to a type; the first word of
// the name found here decides ("football club" before "football
// biography" is settled by the longer match below).
var infoboxExact = map[string]Type{
	"musical artist": PER, "person": PER, "officeholder": PER, "writer": PER, "scientist": PER,
	"philosopher": PER, "actor": PER, "politician": PER, "royalty": PER, "military person": PER,
	"judge": PER, "president": PER, "monarch": PER, "prime minister": PER, "governor": PER,
	"senator": PER, "artist": PER, "saint": PER, "pope": PER, "cricketer": PER, "astronaut": PER,
	"chess player": PER, "economist": PER, "architect": PER, "engineer": PER, "model": PER,
	"comedian": PER, "clergy": PER, "criminal": PER, "college coach": PER, "f1 driver": PER,
	"golfer": PER, "cyclist": PER, "swimmer": PER, "skier": PER, "boxer": PER, "wrestler": PER,
	"nfl player": PER, "sportsperson": PER, "religious biography": PER, "noble": PER, "journalist": PER,
	"company": ORG, "organization": ORG, "organisation": ORG, "newspaper": ORG, "football club": ORG,
	"sports team": ORG, "university": ORG, "school": ORG, "college": ORG, "airline": ORG,
	"political party": ORG, "record label": ORG, "government agency": ORG, "military unit": ORG,
	"non-profit": ORG, "union": ORG, "trade union": ORG, "museum": ORG, "hospital": ORG, "library": ORG,
	"broadcaster": ORG, "tv channel": ORG, "television channel": ORG, "radio station": ORG,
	"legislature": ORG, "magazine": ORG, "bank": ORG, "court": ORG, "unternehmen": ORG, "publisher": ORG,
	"basketball club": ORG, "rugby club": ORG, "ice hockey team": ORG, "band": ORG, "law enforcement agency": ORG,
	"settlement": LOC, "country": LOC, "city": LOC, "uk place": LOC, "french canton": LOC, "state": LOC,
	"province": LOC, "island": LOC, "river": LOC, "mountain": LOC, "lake": LOC, "body of water": LOC,
	"ocean": LOC, "sea": LOC, "region": LOC, "county": LOC, "district": LOC, "building": LOC,
	"stadium": LOC, "airport": LOC, "station": LOC, "bridge": LOC, "park": LOC, "protected area": LOC,
	"venue": LOC, "street": LOC, "road": LOC, "continent": LOC, "historic site": LOC, "church": LOC,
	"castle": LOC, "place": LOC, "municipality": LOC, "village": LOC, "town": LOC, "u.s. state": LOC,
	"former country": LOC, "geographic region": LOC, "ort": LOC, "gemeinde": LOC, "german state": LOC,
	"german location": LOC, "australian place": LOC, "indian jurisdiction": LOC, "italian comune": LOC,
	"capital": LOC, "state of germany": LOC, "u.s. county": LOC, "nrhp": LOC, "mountain range": LOC,
	"album": MISC, "film": MISC, "software": MISC, "book": MISC, "television": MISC, "video game": MISC,
	"award": MISC, "single": MISC, "song": MISC, "military conflict": MISC, "civilian attack": MISC,
	"event": MISC, "language": MISC, "automobile": MISC, "aircraft type": MISC, "ship begin": MISC,
	"grand prix motorcycle race report": MISC, "disease": MISC, "drug": MISC, "chemical": MISC,
	"enzyme": MISC, "website": MISC, "programming language": MISC, "religion": MISC, "election": MISC,
	"animanga/header": MISC, "character": MISC, "comics character": MISC, "weapon": MISC, "spaceflight": MISC,
	"ethnic group": MISC, "tournament": MISC, "olympic games": MISC, "treaty": MISC, "currency": MISC,
}

// typeOfInfobox maps an infobox kind ("football biography") to a type;
// ok is false when the infobox says nothing about the type.
func typeOfInfobox(kind string) (Type, bool) {
	kind = strings.TrimSpace(strings.ToLower(kind))
	if t, ok := infoboxExact[kind]; ok {
		return t, true
	}
	switch {
	case strings.HasSuffix(kind, "biography"), strings.HasSuffix(kind, " player"), strings.HasSuffix(kind, " person"),
		strings.HasSuffix(kind, " official"), strings.HasSuffix(kind, " coach"), strings.HasSuffix(kind, " manager"):
		return PER, true
	case strings.HasSuffix(kind, " club"), strings.HasSuffix(kind, " team"), strings.HasSuffix(kind, " company"),
		strings.HasSuffix(kind, " organization"), strings.HasSuffix(kind, " organisation"), strings.HasSuffix(kind, " university"),
		strings.HasSuffix(kind, " agency"), strings.HasSuffix(kind, " party"):
		return ORG, true
	case strings.HasSuffix(kind, " place"), strings.HasSuffix(kind, " settlement"), strings.HasSuffix(kind, " city"),
		strings.HasSuffix(kind, " state"), strings.HasSuffix(kind, " province"), strings.HasSuffix(kind, " county"),
		strings.HasSuffix(kind, " district"), strings.HasSuffix(kind, " region"), strings.HasSuffix(kind, " country"),
		strings.HasSuffix(kind, " canton"), strings.HasSuffix(kind, " municipality"), strings.HasSuffix(kind, " river"),
		strings.HasSuffix(kind, " island"), strings.HasSuffix(kind, " station"), strings.HasSuffix(kind, " airport"),
		strings.HasSuffix(kind, " building"), strings.HasSuffix(kind, " stadium"), strings.HasSuffix(kind, " location"):
		return LOC, true
	case strings.HasSuffix(kind, " album"), strings.HasSuffix(kind, " film"), strings.HasSuffix(kind, " award"),
		strings.HasSuffix(kind, " event"), strings.HasSuffix(kind, " season"), strings.HasSuffix(kind, " race report"):
		return MISC, true
	}
	return MISC, false
}

var (
	catPER = regexp.MustCompile(`(?i)^(living people$|\d+s? (bc )?births$|\d+s? (bc )?deaths$|people from |.*\b(politicians|actors|actresses|singers|writers|novelists|poets|philosophers|scientists|physicists|mathematicians|footballers|players|chancellors|presidents|monarchs|businesspeople|journalists|musicians|painters|composers|saints)\b)`)
	catORG = regexp.MustCompile(`(?i)(^|\b)(companies|organizations|organisations|political parties|universities|newspapers|airlines|football clubs|bands|record labels|broadcasters|agencies|manufacturers|retailers|brands)\b|establishments in`)
	catLOC = regexp.MustCompile(`(?i)(^|\b)(cities|countries|populated places|towns|villages|capitals|states of|islands|rivers|mountains|lakes|oceans|seas|regions of|counties of|provinces of|municipalities|communes|census-designated places|unincorporated communities|geography of)\b`)
)

// typeOfCategories guesses a type from category names, PER before ORG
// before LOC (a person's article is often filed under places too).
func typeOfCategories(cats []string) (Type, bool) {
	var org, loc bool
	for _, c := range cats {
		if catPER.MatchString(c) {
			return PER, true
		}
		if catLOC.MatchString(c) {
			loc = true
		} else if catORG.MatchString(c) {
			org = true
		}
	}
	switch {
	case loc && !org:
		return LOC, true
	case org:
		return ORG, true
	}
	return MISC, false
}

// dbpediaTypes maps DBpedia ontology classes to types.
var dbpediaTypes = map[string]Type{
	"Person": PER, "Agent": MISC, "Organisation": ORG, "Company": ORG, "Place": LOC,
	"PopulatedPlace": LOC, "Location": LOC, "Settlement": LOC, "Country": LOC,
	"EducationalInstitution": ORG, "SportsTeam": ORG, "Band": ORG, "PoliticalParty": ORG,
	"Work": MISC, "Event": MISC, "Species": MISC, "Device": MISC, "MeanOfTransportation": MISC,
}

// dbpediaRank orders DBpedia classes: specific classes decide over the
// generic ones ("Agent").
func dbpediaRank(class string) int {
	switch class {
	case "Person", "Organisation", "Place":
		return 2
	case "Agent":
		return 0
	}
	return 1
}

// wikidataTypes maps P31 (instance of) values to types.
var wikidataTypes = map[uint32]Type{
	5: PER, 15632617: PER, // human, fictional human
	43229: ORG, 4830453: ORG, 783794: ORG, 891723: ORG, 6881511: ORG, 3918: ORG, 11032: ORG,
	7278: ORG, 215380: ORG, 476028: ORG, 46970: ORG, 327333: ORG, 5633421: ORG, 163740: ORG,
	161726: ORG, 2085381: ORG, 1331793: ORG, 1616075: ORG, 875538: ORG, 902104: ORG, 18127: ORG,
	515: LOC, 6256: LOC, 1549591: LOC, 5119: LOC, 3624078: LOC, 35657: LOC, 486972: LOC, 532: LOC,
	3957: LOC, 1221156: LOC, 9430: LOC, 23397: LOC, 4022: LOC, 8502: LOC, 23442: LOC, 82794: LOC,
	1637706: LOC, 200250: LOC, 123705: LOC, 15284: LOC, 747074: LOC, 484170: LOC, 262166: LOC,
	7930989: LOC, 1093829: LOC, 3559: LOC, 4835091: LOC, 165: LOC, 7275: LOC,
}

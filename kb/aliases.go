package kb

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/linkstream/linkstream/kb/wikitext"
)

// An alias dictionary lists strings with the entity they name:
//
//	string TAB title TAB probability [TAB count]
//
// probability is p(title | string), the share of the string's uses that
// meant this title; the optional count is how often the string named the
// title. The Stanford/Google cross-lingual dictionary (Spitkovsky & Chang
// 2012, shipped in CoreNLP's KBP models as wikidict.tab.gz) is of this kind
// with one title per string: its most frequent sense.
//
// One title per string is no candidate set, so the loader builds the
// candidates of every normalised key (Normalize) from all strings that fold
// to it ("Georgia", "GEORGIA", "georgia"), from every title whose name
// folds to it (the title itself, the title without its qualifier,
// "Georgia (country)" → "Georgia", "Lincoln, Nebraska" → "Lincoln", and a
// company's name without its legal suffix, "Tesla Motors" → "Tesla"), and
// spreads the probability that each string leaves to other senses over
// those candidates in proportion to their prominence. The prior of a
// candidate is thus
//
//	mass(e) = Σ_s w(s)·p(e|s)  +  names(e) / Σ_c names(c) · Σ_s w(s)·(1 − p(top(s)|s))
//
// over the strings s of the key, where w(s) weighs a string by how it is
// written (lower-case and long all-capital strings are mostly the generic
// or shouted uses of a name, so they count less than names written as
// names) and names(e), the number of distinct strings that name e, is the
// prominence of an entity for which no inlink counts are known: an entity
// that the web calls by many names is one that many pages link to.
//
// Where a count column is given, w(s)·p becomes the count itself, so a
// dictionary with counts merges with the anchors of dumps (which are
// counts) on the same scale; without counts the masses are scaled to
// dictionaryScale pseudo-counts per key.

// dictionaryScale is the total pseudo-count of one normalised key of a
// dictionary without counts: priors keep four significant digits.
const dictionaryScale = 10000

// Weights of how a string is written (w above).
const (
	weightName  = 1.0
	weightLower = 0.1 // "georgia", "apple": generic or careless uses
	weightCaps  = 0.1 // "GEORGIA": headlines and shouting, not acronyms
	weightScrap = 0.05
	// another name-cased spelling than the key's best-written string
	weightVariant = 0.2
)

// derivedShare is the mass a candidate found only through a title's name
// gets when no string's leftover probability reaches it: enough to be a
// candidate that context can promote, too little to beat a real sense.
// derivedPool bounds what such candidates take together: "Memphis" has
// some thirty titles of that name no string names (ships, films, songs),
// and a floor each of them would take a third of the key's mass from the
// senses its strings name.
const (
	derivedShare = 0.02
	derivedPool  = 0.1
)

// addressMinShare is the share of its links an address string must send to
// one title to make the address a redirect of that title: a renamed page's
// old address sends it nearly all.
const addressMinShare = 0.9

// lowerSenseMin is how sure a lower-case string must be of its own sense
// to mark its key a common word (LowerSense): a lower-case string that
// names another entity only now and then is a careless use of the name.
const lowerSenseMin = 0.3

// disambiguationShare is what remains of the mass of a title that looks
// like a disambiguation page (disambiguationLike).
const disambiguationShare = 0.05

// maxAliasWords and maxAliasBytes bound the strings kept: longer ones are
// sentences of web anchor text, never a mention.
const (
	maxAliasWords = 6
	maxAliasBytes = 64
)

type aliasEntry struct {
	key     string  // Normalize(surface)
	surface string  // as written; "" for names derived from a title
	title   uint32  // index into aliasLoader.titles
	p       float32 // p(title | surface); the count when the input has counts
}

type aliasLoader struct {
	acc       *accumulator
	titleID   map[string]uint32
	titles    []string
	names     []uint32 // distinct strings naming each title
	person    []bool   // an inverted "Surname, Given" string names the title
	entries   []aliasEntry
	redirects map[string]string // alias title (from a URL string) → title
	counts    bool              // the input has a count column
	words     anchorWords
	cases     nameCase
	stats     AliasStats
}

// AliasStats are counted while an alias dictionary is read (format.json).
type AliasStats struct {
	Lines               int64 `json:"lines"`
	Kept                int64 `json:"kept"`
	Noise               int64 `json:"noise"`                  // URLs, strings naming Wikipedia, other scripts, sentences
	Redirects           int64 `json:"redirects"`              // alias titles learnt from URL strings, places and renames
	Renamed             int64 `json:"renamed"`                // old titles of articles renamed to sentence case or another dash, or named by their lead
	Titles              int64 `json:"titles"`                 // distinct titles named
	Keys                int64 `json:"keys"`                   // normalised keys written
	Derived             int64 `json:"derived"`                // candidates found through a title's name only
	Persons             int64 `json:"persons"`                // titles typed PER by an inverted name
	PersonShaped        int64 `json:"person_shaped"`          // titles typed PER as a given name and a surname
	GivenNamesOfPersons int64 `json:"given_names_of_persons"` // given names learnt from the persons' titles
	LowerSense          int64 `json:"lower_sense"`            // keys whose lower-case string means something else
	ProperNouns         int64 `json:"proper_nouns"`           // words with frequencies written capitalised inside strings (namecase.go)
	DisambiguationLike  int64 `json:"disambiguation_like"`    // bare titles taken for disambiguation pages
	Cased               int64 `json:"cased"`                  // spellings with candidates of their own (casedSenses)
	BadLines            int64 `json:"bad_lines"`              // lines without three fields or with a bad number
	WithAnchorWords     int64 `json:"with_anchor_words"`      // titles with anchor words (anchorwords.go)
}

// loadAliases reads one alias dictionary file into the accumulator,
// writing a line to logw (nil for none) as each phase ends.
func (a *accumulator) loadAliases(ctx context.Context, path string, prog func(int64), logw io.Writer) (AliasStats, error) {
	l := &aliasLoader{acc: a, titleID: map[string]uint32{}, redirects: map[string]string{}, words: anchorWords{words: newInterner()}}
	start := time.Now()
	phase := func(format string, args ...any) {
		if logw != nil {
			fmt.Fprintf(logw, "kb build: aliases: "+format+" (%s)\n", append(args, time.Since(start).Round(time.Second))...)
		}
	}
	r, closeFn, err := openText(path, prog)
	if err != nil {
		return l.stats, fmt.Errorf("alias dictionary: %w", err)
	}
	defer closeFn()
	if err := l.read(ctx, r, path); err != nil {
		return l.stats, err
	}
	phase("read %d lines: %d strings kept, %d noise, %d titles", l.stats.Lines, l.stats.Kept, l.stats.Noise, l.stats.Titles)
	l.words.each(func(t uint32, words string) {
		l.acc.accs[l.acc.title(l.titles[t])].anchorWords = words
		l.stats.WithAnchorWords++
	})
	phase("anchor words for %d titles", l.stats.WithAnchorWords)
	for w := range l.cases.properNouns() {
		l.acc.properNoun[w] = true
		l.stats.ProperNouns++
	}
	phase("%d proper nouns", l.stats.ProperNouns)
	l.derive()
	phase("%d names derived from titles; grouping by normalised key", len(l.entries)-int(l.stats.Kept))
	if err := l.emit(ctx); err != nil {
		return l.stats, err
	}
	phase("%d keys, %d redirects, %d persons by inverted names, %d common words", l.stats.Keys, l.stats.Redirects, l.stats.Persons, l.stats.LowerSense)
	return l.stats, nil
}

func (l *aliasLoader) title(t string) uint32 {
	if id, ok := l.titleID[t]; ok {
		return id
	}
	id := uint32(len(l.titles))
	l.titleID[t] = id
	l.titles = append(l.titles, t)
	l.names = append(l.names, 0)
	l.person = append(l.person, false)
	return id
}

func (l *aliasLoader) read(ctx context.Context, r io.Reader, path string) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var line int64
	for sc.Scan() {
		line++
		if line&0xffff == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		l.stats.Lines++
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 3 {
			l.stats.BadLines++
			continue
		}
		p, err := strconv.ParseFloat(f[2], 32)
		if err != nil || p < 0 || p > 1 {
			l.stats.BadLines++
			continue
		}
		if len(f) >= 4 {
			n, err := strconv.ParseUint(f[3], 10, 32)
			if err != nil {
				l.stats.BadLines++
				continue
			}
			l.counts = true
			p = float64(n)
		}
		title := wikitext.NormalizeTitle(f[1])
		if !entityTitle(title) {
			l.stats.Noise++
			continue
		}
		surface, alias := cleanAlias(f[0])
		if alias != "" {
			// an address that sends a good share of its links elsewhere
			// ("Hodgkin's_lymphoma" → Hodgkin 0.55) is no redirect but a
			// page of its own, or an address cut short
			if alias != title && entityTitle(alias) && (len(f) >= 4 || p >= addressMinShare) {
				l.redirects[alias] = title
			}
			l.stats.Noise++
			continue
		}
		if surface == "" {
			l.stats.Noise++
			continue
		}
		key := Normalize(surface)
		if key == "" {
			l.stats.Noise++
			continue
		}
		t := l.title(title)
		l.names[t]++
		if !l.person[t] && invertedName(surface, title) {
			l.person[t] = true
		}
		l.entries = append(l.entries, aliasEntry{key: key, surface: strings.Clone(surface), title: t, p: float32(p)})
		l.stats.Kept++
		l.words.add(l.acc.zipf, t, title, surface)
		l.cases.add(l.acc.zipf, surface)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("alias dictionary %s: line %d: %w", path, line+1, err)
	}
	if l.stats.Kept == 0 {
		return fmt.Errorf("alias dictionary %s: no usable line among %d (want string TAB title TAB probability [TAB count])", path, l.stats.Lines)
	}
	l.stats.Titles = int64(len(l.titles))
	return nil
}

// entityTitle rejects titles of pages that are not entities: lists,
// disambiguation pages, other namespaces, and the pages of Wikipedia's own
// machinery that web anchors link to by the thousand, whatever they say
// (6,069 strings of the dictionary name the Main Page, "Supreme Court"
// and "I'm" among them; 33,369 Polish words the IPA chart for Polish).
// The project's pages also come with their namespace's colon lost
// ("Wikipedia Copyright" is the first sense of "Center", "Wikipedia Help"
// of "Help"): every "Wikipedia …" title goes, the few articles among them
// ("Wikipedia in culture") with them.
func entityTitle(t string) bool {
	if t == "" || strings.HasPrefix(t, "List of ") || strings.HasSuffix(t, "(disambiguation)") || strings.HasPrefix(t, "Wikipedia ") {
		return false
	}
	switch {
	case t == "Main Page", t == "Living people", strings.HasPrefix(t, "IPA chart for "), strings.HasPrefix(t, "IPA for "):
		return false
	}
	if i := strings.IndexByte(t, ':'); i > 0 {
		switch t[:i] {
		case "Category", "File", "Image", "Template", "Wikipedia", "Portal", "Help", "Talk", "User", "Special", "Media", "Draft", "Module", "MediaWiki", "Book":
			return false
		}
	}
	return true
}

// cleanAlias returns the string as a surface, or "" when it is noise; a
// string that is a Wikipedia address or page name ("http://en.wikipedia.org/
// wiki/Tim_Cook", "en:Tim Cook") returns the title it names as alias
// instead: the dictionary then tells that this title is another name
// (a redirect) of the entity.
func cleanAlias(s string) (surface, alias string) {
	s = strings.TrimSpace(s)
	low := strings.ToLower(s)
	if i := strings.Index(low, "wikipedia.org/wiki/"); i >= 0 {
		t := s[i+len("wikipedia.org/wiki/"):]
		if j := strings.IndexAny(t, "#?"); j >= 0 {
			t = t[:j]
		}
		if u, err := url.PathUnescape(t); err == nil {
			t = u
		}
		if strings.HasSuffix(t, "...") {
			return "", ""
		}
		return "", wikitext.NormalizeTitle(t)
	}
	if strings.Contains(low, "wiki") || strings.Contains(low, "http") || strings.Contains(low, "www.") ||
		strings.HasPrefix(low, "en:") || strings.HasPrefix(low, "yago:") {
		return "", ""
	}
	if len(s) > maxAliasBytes || strings.Count(s, " ") >= maxAliasWords || strings.ContainsAny(s, "\"<>[]{}|=;*#@\\…") || strings.Contains(s, "...") {
		return "", ""
	}
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.Is(unicode.Latin, r) {
				return "", "" // another script: not English text
			}
			letters++
		}
	}
	if letters == 0 {
		return "", ""
	}
	return s, ""
}

// invertedName reports whether s is the title's name inverted, as
// catalogues write persons: "Cook, Timothy" of "Timothy D. Cook".
func invertedName(s, title string) bool {
	i := strings.Index(s, ", ")
	if i <= 0 || !unicode.IsUpper(firstRune(s)) {
		return false
	}
	surname, given := s[:i], s[i+2:]
	if strings.ContainsAny(surname, " ,") || given == "" || !unicode.IsUpper(firstRune(given)) {
		return false
	}
	words := strings.Fields(BaseTitle(title))
	if len(words) < 2 {
		return false
	}
	// a person's title is names, initials and particles: "Actium, Battle
	// of" inverts "Battle of Actium", "China, History of" "History of
	// China", and neither is a person
	for _, w := range words {
		if strings.Contains(w, ",") || !unicode.IsUpper(firstRune(w)) && !IsNameParticle(w) {
			return false
		}
	}
	return words[len(words)-1] == surname && words[0] == strings.Fields(given)[0]
}

// IsNameParticle: w is a lower-case word of persons' names between the
// given name and the surname ("Ludwig van Beethoven", "Yahya ibn Sharaf",
// "Alie te Riet").
func IsNameParticle(w string) bool {
	switch w {
	case "van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del", "della", "dos", "das", "do",
		"ter", "te", "ten", "zu", "af", "bin", "ibn", "al", "el", "y":
		return true
	}
	return false
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

// BaseTitle strips a title's qualifier: "Georgia (country)" → "Georgia",
// "Lincoln, Nebraska" → "Lincoln".
func BaseTitle(t string) string {
	if i := strings.Index(t, " ("); i > 0 && strings.HasSuffix(t, ")") {
		return t[:i]
	}
	if i := strings.Index(t, ", "); i > 0 {
		return t[:i]
	}
	return t
}

// firmNamed: a title shaped like a person's name is a firm's, named after
// its founders ("Merrill Lynch", "Morgan Stanley", "Dean Witter
// Reynolds", "Edward Jones Investments"), where it ends with a company's
// suffix or the strings naming it speak of a company (its anchor words).
func firmNamed(title, anchorWords string) bool {
	if CompanyName(title) != "" || strings.HasSuffix(title, " Investments") || strings.HasSuffix(title, " Securities") {
		return true
	}
	for _, w := range firmAnchorWords {
		if containsWord(anchorWords, w) {
			return true
		}
	}
	return false
}

// firmAnchorWords, among an entity's anchor words, say it is a firm.
var firmAnchorWords = [...]string{"inc", "corp", "corporation", "company", "ltd", "llc", "plc", "brokerage"}

// companySuffixes are legal and generic endings of company names that
// news leaves out: "Tesla Motors" is "Tesla", "Apple Inc." is "Apple".
var companySuffixes = []string{
	" Inc.", " Inc", ", Inc.", " Corporation", " Corp.", " Company", " Co.", " Ltd.", " Ltd", " Limited",
	" plc", " PLC", " AG", " SE", " S.A.", " N.V.", " Group", " Holdings", " Motors", " Motor Company",
	" Airlines", " Airways", " Incorporated",
}

// CompanyName strips a company suffix: "Tesla Motors" → "Tesla", "Apple
// Inc." → "Apple" ("" when there is none).
func CompanyName(t string) string {
	for _, s := range companySuffixes {
		if strings.HasSuffix(t, s) && len(t) > len(s)+1 {
			return strings.TrimSuffix(t, s)
		}
	}
	return ""
}

// derive adds, for every title, the names it is known by through its own
// shape, as entries without a surface; titles that summaries or dumps
// brought in are included, so they get candidates too, and so are the
// alias titles learnt from URL strings, for the entity they name.
func (l *aliasLoader) derive() {
	for t := range l.acc.accs {
		if acc := &l.acc.accs[t]; acc.article && !acc.disambig {
			l.title(l.acc.titles.strs[t])
		}
	}
	n := len(l.titles)
	for t := 0; t < n; t++ {
		l.deriveNames(l.titles[t], uint32(t))
	}
	for _, alias := range sortedKeys(l.redirects) {
		if _, ok := l.titleID[alias]; !ok {
			l.deriveNames(alias, l.title(l.redirects[alias]))
		}
	}
}

// deriveNames adds the entries of a title's own names for entity id.
func (l *aliasLoader) deriveNames(title string, id uint32) {
	var seen ownNames
	for i, name := range namesOfTitle(title) {
		if name == "" {
			continue
		}
		k := Normalize(name)
		if k == "" || slices.Contains(seen[:i], k) {
			continue
		}
		seen[i] = k
		l.entries = append(l.entries, aliasEntry{key: k, title: id})
	}
}

// ownNames are the names a title gives its entity by its shape alone.
type ownNames [4]string

// namesOfTitle is the title itself, without its qualifier, without a
// company suffix and without middle initials ("" where a shape is absent).
func namesOfTitle(title string) ownNames {
	return ownNames{title, BaseTitle(title), CompanyName(title), withoutMiddleInitials(BaseTitle(title))}
}

// withoutMiddleInitials is a person's name as news writes it on second
// thought, without the middle initials that titles keep: "William B.
// Caldwell" → "William Caldwell", "George H. W. Bush" → "George Bush"
// ("" when the title has no such shape).
func withoutMiddleInitials(title string) string {
	words := strings.Fields(title)
	if len(words) < 3 {
		return ""
	}
	first, last := words[0], words[len(words)-1]
	if len(first) < 2 || len(last) < 2 || !unicode.IsUpper(rune(first[0])) || !unicode.IsUpper(rune(last[0])) || strings.HasSuffix(first, ".") || strings.HasSuffix(last, ".") {
		return ""
	}
	for _, w := range words[1 : len(words)-1] {
		if len(w) != 2 || w[1] != '.' || !unicode.IsUpper(rune(w[0])) {
			return ""
		}
	}
	return first + " " + last
}

// stringWeight is w(s): how much a string's senses count towards its
// key. Names written as names count fully; lower-case and long all-capital
// strings are mostly generic or shouted uses; and a string with more
// punctuation than the cleanest string of its key ("Apple-", "Apple;",
// "(Apple)" beside "Apple") is a one-off scrap of web anchor text whose
// probability of 1 says only that it was seen once.
func stringWeight(s string, cleanest int) float64 {
	w := weightName
	upper, lower := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r):
			lower++
		}
	}
	switch {
	case upper == 0:
		w = weightLower
	case lower == 0 && upper > 4:
		w = weightCaps
	}
	if punctuation(s) > cleanest {
		w *= weightScrap
	}
	return w
}

// disambiguationLike reports whether title is the bare name of its key
// ("Washington", "Tesla") while the name written as a name means another
// title ("Washington" → Washington, D.C.) and no summary describes it: on
// Wikipedia such a page is nearly always a disambiguation page, which is
// never the entity a text means. Described articles ("Apple", the fruit)
// are real entities whatever the name's first sense.
func (l *aliasLoader) disambiguationLike(t uint32, key string) bool {
	title := l.titles[t]
	if BaseTitle(title) != title || Normalize(title) != key {
		return false
	}
	if id, ok := l.acc.titles.ids[title]; ok && l.acc.accs[id].article {
		return false
	}
	return true
}

// betterWritten prefers, among strings of one key, the one with the
// fewest characters that are not letters, digits or spaces ("Apple" over
// "(Apple)" or "Apple,"), then the one written in title case ("Ala." over
// "ALA", "Apple" over "APPle"), then the shorter, then byte order: the
// exact surface a key is stored under is then the name as news writes it.
func betterWritten(s, than string) bool {
	if than == "" {
		return true
	}
	if ps, pt := punctuation(s), punctuation(than); ps != pt {
		return ps < pt
	}
	if cs, ct := casingRank(s), casingRank(than); cs != ct {
		return cs < ct
	}
	if len(s) != len(than) {
		return len(s) < len(than)
	}
	return s < than
}

// casingRank: 0 for title case (each word's first letter upper, the
// others lower: "Apple", "New York", "Ala."), 1 for all capitals ("ALA",
// "IBM"), 2 for anything else ("APPle", "iPod").
func casingRank(s string) int {
	title, caps := true, true
	start := true
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			if !start {
				title = false
			}
		case unicode.IsLower(r):
			caps = false
			if start {
				title = false
			}
		}
		start = !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	}
	switch {
	case title:
		return 0
	case caps:
		return 1
	}
	return 2
}

func punctuation(s string) int {
	n := 0
	var prev rune
	for _, r := range s {
		// a dot after a letter is an abbreviation's ("Ala.", "U.S.",
		// "Inc."): part of the name as news writes it
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ' ' && (r != '.' || !unicode.IsLetter(prev)) {
			n++
		}
		prev = r
	}
	return n
}

// emit groups the entries by key, computes each key's candidate masses
// and adds them to the accumulator under the key's best-written string,
// and under each spelling of the key that means another entity than the
// key does (casedSenses).
func (l *aliasLoader) emit(ctx context.Context) error {
	// A total order (not a stable sort, several times slower at this size):
	// the masses are sums whose rounding depends on their order, and
	// builds must not depend on anything but their inputs.
	slices.SortFunc(l.entries, func(x, y aliasEntry) int {
		if c := strings.Compare(x.key, y.key); c != 0 {
			return c
		}
		if c := strings.Compare(x.surface, y.surface); c != 0 {
			return c
		}
		if x.title != y.title {
			return cmp.Compare(x.title, y.title)
		}
		return cmp.Compare(x.p, y.p)
	})
	s := &keySenses{l: l, pos: map[uint32]int{}}
	for i, groups := 0, 0; i < len(l.entries); groups++ {
		if groups&0xffff == 0 && ctx.Err() != nil {
			return ctx.Err() // a stopped build stops here too, not minutes later
		}
		j := i
		for j < len(l.entries) && l.entries[j].key == l.entries[i].key {
			j++
		}
		group := l.entries[i:j]
		i = j
		cleanest := math.MaxInt
		for _, e := range group {
			if e.surface != "" {
				cleanest = min(cleanest, punctuation(e.surface))
			}
		}
		// the key's name as news writes it first: it speaks for the key,
		// other spellings ("APPle" beside "Apple") only a little
		rep, repWeight, repTitle := "", -1.0, uint32(0)
		for _, e := range group {
			if e.surface == "" {
				continue
			}
			if w := stringWeight(e.surface, cleanest); w > repWeight || (w == repWeight && betterWritten(e.surface, rep)) {
				rep, repWeight, repTitle = e.surface, w, e.title
			}
		}
		named := repWeight >= weightName
		s.weigh(group, rep, repTitle, named, cleanest)
		for _, c := range s.cands {
			if c.derived {
				l.stats.Derived++
			}
			if c.dab {
				l.stats.DisambiguationLike++
			}
		}
		if rep == "" {
			// only titles' names: "Cupertino" of "Cupertino, California"
			rep = l.titles[group[0].title]
			own := namesOfTitle(rep)
			for _, d := range own[1:] {
				if d != "" && Normalize(d) == group[0].key {
					rep = d
					break
				}
			}
		}
		if named {
			// a lower-case string that means something else than the name:
			// "same" (Similarity) beside "Same" (Same, East Timor), "page"
			// beside "Page" (Jimmy Page): the word is a common one
			for _, e := range group {
				if e.surface == group[0].key && e.title != repTitle && e.p >= lowerSenseMin {
					l.acc.lowerSense[group[0].key] = true
					l.stats.LowerSense++
					break
				}
			}
		}
		top := s.add(rep, l.acc.addAlias)
		l.stats.Keys++
		for _, e := range l.casedSenses(group, rep, top, cleanest) {
			s.weigh(group, e.surface, e.title, true, cleanest)
			s.add(e.surface, l.acc.addCased)
			l.stats.Cased++
		}
	}
	l.entries = nil
	given, qualifiers := givenNames(l.titles), textTypes{}
	l.stats.GivenNamesOfPersons = l.givenNamesOfPersons(given)
	for w := range given {
		l.acc.givenName[Normalize(w)] = true
	}
	for t, title := range l.titles {
		id := l.acc.title(title)
		l.acc.accs[id].inlinks += l.names[t]
		typ, ok := typeOfTitle(title, qualifiers)
		switch {
		case l.person[t]:
			typ, ok = PER, true
			l.stats.Persons++
		case (!ok || typ == MISC) && personShaped(title, given, qualifiers) && !firmNamed(title, l.acc.accs[id].anchorWords):
			typ, ok = PER, true
			l.stats.PersonShaped++
		}
		if ok {
			l.acc.setType(id, typ, typeFromTitle)
		}
	}
	l.placeRedirects()
	l.renamedRedirects()
	l.leadRedirects()
	// An address string tells that its title and the string's title are
	// one page (a redirect and its article, an old title and the new one,
	// "Atlanta" and "Atlanta, Georgia"): they become one entity, the names
	// of both with it. A pair that points both ways keeps the first.
	for _, alias := range sortedKeys(l.redirects) {
		al, tg := l.acc.title(alias), l.acc.title(l.redirects[alias])
		if l.acc.resolve(tg) == al {
			continue
		}
		l.acc.setRedirect(alias, l.redirects[alias])
		l.stats.Redirects++
	}
	return nil
}

// casedMinShare is how sure a spelling that is not the key's name must be
// of its own sense to keep a record of its own (casedSenses).
const casedMinShare = 0.5

// casedSenses returns the spellings of a key, one entry each, that keep a
// record of their own: written neither in title case nor shouted at
// length ("ABC", "AP", "iPod", "nerve net"), free of scraps of punctuation,
// and meaning, with at least casedMinShare of their uses, another entity
// than the key's first candidate. The dictionary is case-exact and
// right about them where the folded key is not: "ABC" is the American
// Broadcasting Company (0.78) while "Abc", the key's name, is the
// disambiguation page; "AP" is the Associated Press, "Ap" the Norwegian
// Labour Party; "nerve net" is the nerve net, "Nerve Net" an album. Any
// weighting of one folded key would help one spelling by hurting the
// other ("BRAN" is Brandy Norwood, "Bran" is not), so the spelling gets
// its own candidates, weighed as if it were the key's name. The spotter
// asks for capitalised spellings only; a lower-case one is asked for by
// a gold span.
func (l *aliasLoader) casedSenses(group []aliasEntry, rep string, top uint32, cleanest int) []aliasEntry {
	var out []aliasEntry
	for i := 0; i < len(group); {
		j := i
		for j < len(group) && group[j].surface == group[i].surface {
			j++
		}
		spelling := group[i:j]
		i = j
		s := spelling[0].surface
		if w := stringWeight(s, cleanest); s == "" || s == rep || casingRank(s) == 0 || w != weightName && w != weightLower {
			continue
		}
		// its most frequent sense and the share of its uses that sense has
		best, sum := spelling[0], 0.0
		for _, e := range spelling {
			sum += float64(e.p)
			if e.p > best.p {
				best = e
			}
		}
		share := float64(best.p)
		if l.counts {
			share /= sum
		}
		if share >= casedMinShare && best.title != top {
			out = append(out, best)
		}
	}
	return out
}

// keySenses computes the candidates of one key, reusing its buffers from
// key to key.
type keySenses struct {
	l     *aliasLoader
	cands []sense
	pos   map[uint32]int // title → index in cands
	total float64        // the weights (or counts) of the key's strings
	// what each string leaves to its other senses
	leftovers []leftover
}

type sense struct {
	title uint32
	mass  float64
	// derived: no string of the key names the title, only its name does
	derived bool
	// dab: taken for a disambiguation page (disambiguationLike)
	dab bool
}

type leftover struct {
	top  uint32
	mass float64
	// most is what one other sense may take of mass: the string's own
	// sense is its most frequent one, so no other sense gets more of the
	// string than it has
	most float64
}

// weigh computes the masses of a key's candidates as the string rep speaks
// for the key: rep and repTitle are the string and its sense ("" when only
// titles name the key); named says that rep is written as a name.
func (s *keySenses) weigh(group []aliasEntry, rep string, repTitle uint32, named bool, cleanest int) {
	l := s.l
	s.cands, s.leftovers, s.total = s.cands[:0], s.leftovers[:0], 0
	// clear costs what the map once grew to: after one key with
	// thousands of candidates, clearing it for each of millions of
	// small keys would take minutes
	if len(s.pos) > 64 {
		s.pos = map[uint32]int{}
	} else {
		clear(s.pos)
	}
	at := func(t uint32) *sense {
		k, ok := s.pos[t]
		if !ok {
			k = len(s.cands)
			s.pos[t] = k
			s.cands = append(s.cands, sense{title: t, derived: true})
		}
		return &s.cands[k]
	}
	for _, e := range group {
		c := at(e.title)
		if e.surface == "" {
			continue
		}
		w := stringWeight(e.surface, cleanest)
		if e.surface != rep && w == weightName {
			w = weightVariant
		}
		c.derived = false
		if l.counts {
			c.mass += w * float64(e.p)
			s.total += w * float64(e.p)
			continue
		}
		c.mass += w * float64(e.p)
		s.total += w
		if e.p < 1 {
			s.leftovers = append(s.leftovers, leftover{e.title, w * (1 - float64(e.p)), w * float64(e.p)})
		}
	}
	if rep == "" {
		// only titles' names: all of the key's mass is left over
		s.total = 1
		s.leftovers = append(s.leftovers, leftover{^uint32(0), 1, 1})
	}
	// spread each string's leftover over the key's other candidates by
	// prominence (names + 1, so that an entity named once still counts),
	// none taking more than the string's own sense has: "Manuel" means
	// Manuel of Fawlty Towers 33% of the time, and the Diagnostic and
	// Statistical Manual, named by many strings, took the key's lead
	// with 0.57 of it (0.42 now)
	var names float64
	for _, c := range s.cands {
		names += float64(l.names[c.title]) + 1
	}
	for _, r := range s.leftovers {
		others := names
		if k, ok := s.pos[r.top]; ok {
			others -= float64(l.names[s.cands[k].title]) + 1
		}
		if others <= 0 {
			continue
		}
		for k := range s.cands {
			if s.cands[k].title != r.top {
				s.cands[k].mass += min(r.mass*(float64(l.names[s.cands[k].title])+1)/others, r.most)
			}
		}
	}
	derived := 0
	for _, c := range s.cands {
		if c.derived {
			derived++
		}
	}
	floor := s.total * min(derivedShare, derivedPool/float64(max(derived, 1)))
	for k := range s.cands {
		c := &s.cands[k]
		if c.derived {
			c.mass = math.Max(c.mass, floor)
		}
		if c.title != repTitle && named && l.disambiguationLike(c.title, group[0].key) {
			c.mass *= disambiguationShare
			c.dab = true
		}
	}
}

// add writes the weighed candidates, best first and at most
// maxCandidates, under surface with addTo, and returns the first one's
// title.
func (s *keySenses) add(surface string, addTo func(surface, title string, n uint32)) uint32 {
	l := s.l
	cands := s.cands
	slices.SortFunc(cands, func(x, y sense) int {
		if x.mass != y.mass {
			if x.mass > y.mass {
				return -1
			}
			return 1
		}
		return strings.Compare(l.titles[x.title], l.titles[y.title])
	})
	if len(cands) > maxCandidates {
		cands = cands[:maxCandidates]
	}
	var sum float64
	for _, c := range cands {
		sum += c.mass
	}
	scale := dictionaryScale / sum
	if l.counts {
		scale = 1
	}
	for _, c := range cands {
		n := uint32(math.Max(1, math.Round(c.mass*scale)))
		addTo(surface, l.titles[c.title], n)
	}
	return cands[0].title
}

// minPersonsOfGivenName is how many persons' titles a word must open to
// count as a given name: "Robert", "Bernard" and "Ron" open hundreds.
const minPersonsOfGivenName = 5

// maxQualifiedPerPerson bounds the comma-qualified titles a given name
// opens per person's title: "Oliver" opens 38 persons' and 57 such titles
// ("Oliver Springs, Tennessee", "Oliver St John, 1st Earl of
// Bolingbroke"), "Sir" 7 and 5,533.
const maxQualifiedPerPerson = 4

// notGivenNames open persons' inverted names in the dictionary, and few
// places', yet are no given names: a nobility's title, a region's
// adjective, an article ("Lord Nelson" is a person, "Mid Wales" and
// "People's Daily" are not, and neither helps to tell).
var notGivenNames = map[string]bool{
	"The": true, "Lord": true, "Lady": true, "Sir": true, "History": true, "City": true, "Republic": true,
	"People's": true, "Mid": true, "Southern": true, "Northern": true, "Eastern": true, "Western": true,
}

// givenNamesOfPersons adds to given the first words of the titles known as
// persons (by an inverted name) that open at least minPersonsOfGivenName
// of them, and more of them than of places' titles ("Town, State"), and
// returns how many it added. Wikipedia's name pages ("Barbara (given
// name)") miss many common names, whose page has no qualifier ("Robert",
// "Oliver"), so "Bernard Marcus" and "Oliver Kahn", name-only titles,
// were not typed persons, and their surnames later in a story followed
// nobody. The places' count keeps out the first words of teams that
// sports tables write inverted ("Hornets, New Orleans"): "New", "San",
// "Los". A place's title is one qualified by a state or country
// (placeQualifier): every comma-qualified title would count the
// baronets and earls too, and the towns named after a person
// ("Oliver, British Columbia"), which kept "Oliver" out; those count
// only against maxQualifiedPerPerson.
func (l *aliasLoader) givenNamesOfPersons(given map[string]bool) int64 {
	opens, places, qualified := map[string]int{}, map[string]int{}, map[string]int{}
	for t, title := range l.titles {
		base := BaseTitle(title)
		words := strings.Fields(base)
		if len(words) < 2 || !isNameWord(words[0]) {
			continue
		}
		switch {
		case l.person[t]:
			opens[words[0]]++
		case base != title && !strings.HasSuffix(title, ")"):
			qualified[words[0]]++
			if placeQualifier.MatchString(title[strings.LastIndex(title, ", ")+2:]) {
				places[words[0]]++
			}
		}
	}
	var added int64
	for w, n := range opens {
		if n >= minPersonsOfGivenName && n > places[w] && n*maxQualifiedPerPerson > qualified[w] && !notGivenNames[w] && !given[w] {
			given[w] = true
			added++
		}
	}
	return added
}

// isNameWord reports whether w is a capitalised word of letters (an
// apostrophe or a hyphen inside allowed: "D'Arcy", "Jean-Luc").
func isNameWord(w string) bool {
	for i, r := range w {
		switch {
		case i == 0 && !unicode.IsUpper(r):
			return false
		case unicode.IsLetter(r), i > 0 && (r == '\'' || r == '-'):
		default:
			return false
		}
	}
	return w != ""
}

// placeRedirects takes a name-only title "Place, Region" for the
// described article "Place" when that article's lead names the region:
// the dictionary, of several years of Wikipedia, knows many cities both by
// their old title and their new one ("Los Angeles, California" and "Los
// Angeles", "Houston, Texas" and "Houston"), as two entities that split
// one city's names and prior. "Birmingham, Alabama" stays apart from
// "Birmingham", whose lead is about England.
func (l *aliasLoader) placeRedirects() {
	for _, t := range l.titles {
		base := BaseTitle(t)
		if base == t || !strings.Contains(t, ", ") || CompanyName(t) != "" || l.redirects[t] != "" || l.described(t) != "" {
			continue
		}
		region := t[len(base)+2:]
		if lead := l.described(base); lead != "" && containsWord(lead, region) {
			l.redirects[t] = base
		}
	}
}

// leadRedirects makes the longer name a summary's lead opens with
// (accumulator.leadNames) a redirect of the article, where the dictionary
// links to it as a title of its own and has no article or redirect for
// it: "Frankfurt am Main", the 2012 title, is the article Frankfurt.
func (l *aliasLoader) leadRedirects() {
	for _, title := range sortedKeys(l.acc.leadNames) {
		old := l.acc.leadNames[title]
		if _, linked := l.titleID[old]; !linked || l.redirects[old] != "" || l.described(old) != "" {
			continue
		}
		l.redirects[old] = title
		l.stats.Renamed++
	}
}

// renamedRedirects takes a name-only title for the described article
// whose title differs from it only as Wikipedia's renames do: to sentence
// case ("Giant Panda" → "Giant panda", "Armenian Genocide" → "Armenian
// genocide") or to another dash ("Austria-Hungary" → "Austria–Hungary").
// The dictionary knows such an article by its old title, with the web's
// anchors, and the summaries by the new one, with its description: one
// entity split in two. Only the first letters of words may differ, so
// "BlackBerry" and "Blackberry", "ACID" and "Acid" stay apart.
func (l *aliasLoader) renamedRedirects() {
	articles := map[string]string{} // rename key → the one article with it ("" when several)
	for id := range l.acc.accs {
		acc := &l.acc.accs[id]
		if !acc.article || acc.description == "" {
			continue
		}
		t := l.acc.titles.strs[id]
		k := renameKey(t)
		if _, dup := articles[k]; dup {
			articles[k] = ""
		} else {
			articles[k] = t
		}
	}
	for _, t := range l.titles {
		a := articles[renameKey(t)]
		if a == "" || a == t || l.redirects[t] != "" || l.described(t) != "" {
			continue
		}
		l.redirects[t] = a
		l.stats.Renamed++
	}
}

// renameKey is a title with the first letter of every word in lower case
// and every dash a hyphen without spaces around it.
func renameKey(t string) string { return foldTitle(t, false) }

// described is the description of an article the summaries or dumps
// brought in, "" for a name-only title.
func (l *aliasLoader) described(title string) string {
	if id, ok := l.acc.titles.ids[title]; ok && l.acc.accs[id].article {
		return l.acc.accs[id].description
	}
	return ""
}

// containsWord reports whether w occurs in s between non-letters.
func containsWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(w)
		if (j == 0 || !isLetter(s[j-1])) && (end == len(s) || !isLetter(s[end])) {
			return true
		}
		i = j + 1
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 }

// mergeAliasStats adds the stats of one more dictionary to a total (nil
// when there was none yet).
func mergeAliasStats(total *AliasStats, s AliasStats) *AliasStats {
	if total == nil {
		return &s
	}
	total.Lines += s.Lines
	total.Kept += s.Kept
	total.Noise += s.Noise
	total.Redirects += s.Redirects
	total.Renamed += s.Renamed
	total.Titles += s.Titles
	total.Keys += s.Keys
	total.Derived += s.Derived
	total.Persons += s.Persons
	total.PersonShaped += s.PersonShaped
	total.BadLines += s.BadLines
	total.LowerSense += s.LowerSense
	total.DisambiguationLike += s.DisambiguationLike
	total.WithAnchorWords += s.WithAnchorWords
	return total
}

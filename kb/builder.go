package kb

import (
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/linkstream/linkstream/kb/wikitext"
)

// interner gives strings dense ids; titles and surfaces are stored once.
type interner struct {
	ids  map[string]uint32
	strs []string
}

func newInterner() interner { return interner{ids: map[string]uint32{}} }

func (in *interner) id(s string) uint32 {
	if id, ok := in.ids[s]; ok {
		return id
	}
	id := uint32(len(in.strs))
	s = strings.Clone(s)
	in.ids[s] = id
	in.strs = append(in.strs, s)
	return id
}

// titleAcc is what is known of one title while building.
type titleAcc struct {
	pageID      int64
	redirect    int32 // title id of the redirect target, -1 when none
	article     bool  // an article (not redirect) exists in some input
	disambig    bool
	typ         Type
	typeSrc     uint8
	dbpRank     int8
	qid         uint32
	inlinks     uint32
	description string
	descRank    uint8 // descFrom…
	// anchorWords: the words of the strings naming it (anchorwords.go),
	// written where the entity has no description
	anchorWords string
}

// text is what the entity record's text slot holds: the description, else
// the anchor words (anchors true).
func (acc *titleAcc) text() (s string, anchors bool) {
	if acc.description == "" && acc.anchorWords != "" {
		return acc.anchorWords, true
	}
	return clip(acc.description, math.MaxUint16), false
}

// pageFacts is what one article contributes, computed concurrently by
// workers; the accumulator merges it under a lock.
type pageFacts struct {
	title       string
	pageID      int64
	redirect    string
	disambig    bool
	links       []wikitext.Link // anchor → target
	targets     []string        // distinct link targets (for inlinks)
	description string
	typ         Type
	typeSrc     uint8
	text        string // plain text, for pass 2
}

// accumulator gathers the counts of pass 1. Its methods are safe for
// concurrent use (one mutex: merging is cheap next to parsing).
type accumulator struct {
	mu      sync.Mutex
	titles  interner
	accs    []titleAcc
	surf    interner
	anchors map[uint64]uint32 // surface<<32 | title → anchor count
	pseudo  map[uint64]uint32 // title, redirect and disambiguation entries
	// cased: the candidates of spellings that keep a record of their
	// own, apart from their normalised key (addCased)
	cased  map[uint64]uint32
	linked []uint32 // per surface: anchor count
	dabs   map[uint32][]uint32
	// leadNames: articles whose summary opens with a longer name of
	// theirs, their title before a rename (leadName)
	leadNames map[string]string
	// lowerSense: normalised keys whose lower-case form names another
	// entity than the name does (SurfaceInfo.LowerSense)
	lowerSense map[string]bool
	// givenName: normalised keys that are persons' given names
	// (SurfaceInfo.GivenName)
	givenName map[string]bool
	// properNoun: single words written capitalised inside the alias
	// dictionary's strings (SurfaceInfo.ProperNoun)
	properNoun map[string]bool
	// zipf: tenths of the Zipf value of single words (word frequencies)
	zipf map[string]uint8
	// aliasSurf: surfaces an alias dictionary gave (addAlias)
	aliasSurf map[uint32]struct{}
	stats     buildStats
}

type buildStats struct {
	Articles, Redirects, Disambiguations, Links, Skipped int64
}

func newAccumulator() *accumulator {
	return &accumulator{
		titles:     newInterner(),
		surf:       newInterner(),
		anchors:    map[uint64]uint32{},
		pseudo:     map[uint64]uint32{},
		cased:      map[uint64]uint32{},
		dabs:       map[uint32][]uint32{},
		lowerSense: map[string]bool{},
		leadNames:  map[string]string{},
		givenName:  map[string]bool{},
		properNoun: map[string]bool{},
		aliasSurf:  map[uint32]struct{}{},
		zipf:       map[string]uint8{},
	}
}

// title returns the id of a (normalised) title, creating its record.
func (a *accumulator) title(t string) uint32 {
	id := a.titles.id(t)
	for int(id) >= len(a.accs) {
		a.accs = append(a.accs, titleAcc{redirect: -1})
	}
	return id
}

func (a *accumulator) surface(s string) uint32 {
	id := a.surf.id(s)
	for int(id) >= len(a.linked) {
		a.linked = append(a.linked, 0)
	}
	return id
}

const maxSurfaceLen = 128

// usableSurface filters anchor texts that cannot be mentions.
func usableSurface(s string) bool {
	if s == "" || len(s) > maxSurfaceLen {
		return false
	}
	var buf [maxSurfaceLen * 2]byte
	return len(AppendNormalized(buf[:0], s)) > 0
}

// count adds n to the count of a surface naming a title in m and returns
// the surface's id; an unusable surface (usableSurface) counts nothing.
func (a *accumulator) count(m map[uint64]uint32, surface, target string, n uint32) (uint32, bool) {
	if !usableSurface(surface) {
		return 0, false
	}
	s := a.surface(surface)
	m[uint64(s)<<32|uint64(a.title(target))] += n
	return s, true
}

func (a *accumulator) addAnchor(surface, target string, n uint32) {
	if s, ok := a.count(a.anchors, surface, target, n); ok {
		a.linked[s] += n
	}
}

func (a *accumulator) addPseudo(surface, target string) {
	a.count(a.pseudo, surface, target, 1)
}

// addAlias adds n to the pseudo-count of a surface naming a title, as an
// alias dictionary says; unlike anchors these are not link counts, so the
// surface's link count stays as it is.
func (a *accumulator) addAlias(surface, target string, n uint32) {
	if s, ok := a.count(a.pseudo, surface, target, n); ok {
		a.aliasSurf[s] = struct{}{}
	}
}

// addCased adds n to the pseudo-count of a title among the candidates of
// a surface exactly as written, kept apart from its normalised key: the
// exact record of the surface holds them (flagged surfaceFlagCased), and
// the key's candidates do not count them again.
func (a *accumulator) addCased(surface, target string, n uint32) {
	a.count(a.cased, surface, target, n)
}

func (a *accumulator) setRedirect(alias, target string) {
	if alias == "" || target == "" || alias == target {
		return
	}
	al := a.title(alias)
	tg := a.title(target)
	if a.accs[al].article {
		return // an article beats a redirect of the same name
	}
	if a.accs[al].redirect < 0 {
		a.stats.Redirects++
	}
	a.accs[al].redirect = int32(tg)
}

// Description sources, weakest first.
const (
	descFromWikidata uint8 = 1 + iota
	descFromAbstract
	descFromArticle
)

// setType keeps the type from the strongest source; between equal sources
// (the same title in two dumps read concurrently) the smaller type wins, so
// that the result does not depend on which file was read first.
func (a *accumulator) setType(t uint32, typ Type, src uint8) {
	acc := &a.accs[t]
	if src > acc.typeSrc || (src == acc.typeSrc && src != typeNone && typ < acc.typ) {
		acc.typ, acc.typeSrc = typ, src
	}
}

// setDescription keeps the description from the strongest source; between
// equal sources the smaller string wins (deterministic, as for setType).
func (a *accumulator) setDescription(t uint32, d string, rank uint8) {
	acc := &a.accs[t]
	if d != "" && (rank > acc.descRank || (rank == acc.descRank && d < acc.description)) {
		acc.description, acc.descRank = d, rank
	}
}

// setPageID keeps the smallest page id seen for a title.
func (a *accumulator) setPageID(t uint32, id int64) {
	if acc := &a.accs[t]; id > 0 && (acc.pageID <= 0 || id < acc.pageID) {
		acc.pageID = id
	}
}

// addPage merges the facts of one page.
func (a *accumulator) addPage(f *pageFacts) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if f.redirect != "" {
		a.setRedirect(f.title, f.redirect)
		a.addPseudo(f.title, f.redirect)
		return
	}
	t := a.title(f.title)
	acc := &a.accs[t]
	if f.disambig {
		acc.disambig = true
		a.stats.Disambiguations++
		name := disambigName(f.title)
		nn := Normalize(name)
		var picked []wikitext.Link
		for _, l := range f.links {
			if strings.Contains(Normalize(l.Target), nn) || strings.Contains(Normalize(l.Anchor), nn) {
				picked = append(picked, l)
			}
		}
		if len(picked) == 0 {
			picked = f.links
		}
		for _, l := range picked {
			a.addPseudo(name, l.Target)
			a.dabs[t] = append(a.dabs[t], a.title(l.Target))
		}
		return
	}
	if acc.redirect >= 0 {
		acc.redirect = -1
		a.stats.Redirects--
	}
	if !acc.article {
		a.stats.Articles++
	}
	acc.article = true
	a.setPageID(t, f.pageID)
	a.setDescription(t, f.description, descFromArticle)
	if f.typeSrc > 0 {
		a.setType(t, f.typ, f.typeSrc)
	}
	a.addPseudo(f.title, f.title)
	if k := strings.Index(f.title, " ("); k > 0 && strings.HasSuffix(f.title, ")") {
		a.addPseudo(f.title[:k], f.title)
	}
	for _, l := range f.links {
		a.addAnchor(l.Anchor, l.Target, 1)
		a.stats.Links++
	}
	for _, tg := range f.targets {
		a.accs[a.title(tg)].inlinks++
	}
}

// disambigName turns "Lincoln (disambiguation)" into "Lincoln".
func disambigName(title string) string {
	for _, suf := range []string{" (disambiguation)", " (Begriffsklärung)", " (homonymie)"} {
		if strings.HasSuffix(title, suf) {
			return strings.TrimSuffix(title, suf)
		}
	}
	return title
}

// isDisambiguation recognises disambiguation pages by their templates or
// title.
func isDisambiguation(title string, templates []string) bool {
	if disambigName(title) != title {
		return true
	}
	for _, t := range templates {
		switch t {
		case "disambiguation", "disambig", "dab", "disamb", "hndis", "geodis", "surname", "given name",
			"disambiguation cleanup", "mathdab", "hospitaldis", "schooldis", "roaddis", "shipindex",
			"begriffsklärung", "homonymie":
			return true
		}
		if strings.HasPrefix(t, "disambiguation|") || strings.HasSuffix(t, " disambiguation") {
			return true
		}
	}
	return false
}

// resolve follows redirects from title id t (at most 8 hops, cycles stop).
func (a *accumulator) resolve(t uint32) uint32 {
	for hop := 0; hop < 8; hop++ {
		r := a.accs[t].redirect
		if r < 0 || a.accs[t].article {
			return t
		}
		t = uint32(r)
	}
	return t
}

// analyse turns one page of wikitext into facts; pure, run by workers.
func analyse(title string, pageID int64, text string, descLen int) *pageFacts {
	p := wikitext.Parse(text)
	f := &pageFacts{title: title, pageID: pageID}
	if p.Redirect != "" {
		f.redirect = p.Redirect
		return f
	}
	f.disambig = isDisambiguation(title, p.Templates)
	f.links = p.Links
	f.text = p.Text
	seen := make(map[string]bool, len(p.Links))
	for _, l := range p.Links {
		if !seen[l.Target] {
			seen[l.Target] = true
			f.targets = append(f.targets, l.Target)
		}
	}
	if f.disambig {
		return f
	}
	f.description = wikitext.Description(p.Lead, descLen)
	if f.description == "" {
		f.description = wikitext.Description(p.Text, descLen)
	}
	if t, ok := typeOfInfobox(p.Infobox); ok && p.HasInfobox {
		f.typ, f.typeSrc = t, typeFromInfobox
	} else if t, ok := typeOfCategories(p.Categories); ok {
		f.typ, f.typeSrc = t, typeFromCategory
	}
	return f
}

// settleTitle picks the real title of a raw wikitext file: the bold lead
// name when it normalises like the file name (it has the right case and
// punctuation), else the file name with its first letter upper-cased.
func settleTitle(fileTitle, text string) string {
	want := Normalize(fileTitle)
	for i := 0; i < 3; i++ {
		a := strings.Index(text, "'''")
		if a < 0 {
			break
		}
		text = text[a+3:]
		text = strings.TrimLeft(text, "'")
		b := strings.Index(text, "'''")
		if b < 0 {
			break
		}
		cand := wikitext.Clean(text[:b])
		if Normalize(cand) == want && cand != "" {
			return wikitext.NormalizeTitle(cand)
		}
		text = text[b+3:]
	}
	return wikitext.NormalizeTitle(fileTitle)
}

// sortedKeys returns the keys of m in byte order (the order FSTs need).
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

package kb

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// maxCandidates caps the candidates stored per surface; priors are computed
// over all of them before the cap.
const maxCandidates = 64

// tables is the KB in memory, ready to be written.
type tables struct {
	entTitle   []uint32 // entity id → title id
	eidOf      []uint32 // title id → entity id or NoEntity
	exactKeys  []string
	exactRecs  []surfRec
	normKeys   []string
	normIdx    map[string]uint32 // norm key → index in normKeys; nil once normFST is built
	normFST    []byte            // norm.fst as written: key → len(exactKeys) + index
	normR      fstReader         // reads normFST
	normRecs   []surfRec
	exactCands [][]Candidate
	normCands  [][]Candidate
	titleKeys  []string // titles and redirect aliases, sorted
	titleVals  []uint32
	nameOnly   int
	maxTokens  int // longest normalised surface, in tokens
}

type surfRec struct {
	linked, occ uint32
	flags       uint16 // surfaceFlag*
}

type triple struct {
	s, e  uint32
	count uint32
}

// prepare assigns entity ids and builds the candidate lists of every exact
// and normalised surface. Occurrences are filled in later (pass 2).
func (a *accumulator) prepare() (*tables, error) {
	n := len(a.accs)
	referenced := make([]bool, n)
	mark := func(m map[uint64]uint32) {
		for k := range m {
			referenced[a.resolve(uint32(k))] = true
		}
	}
	mark(a.anchors)
	mark(a.pseudo)
	mark(a.cased)
	for t := range a.accs {
		if a.accs[t].inlinks > 0 || a.accs[t].redirect >= 0 {
			referenced[a.resolve(uint32(t))] = true
		}
	}
	a.addSurnames()
	isEntity := func(t int) bool {
		acc := &a.accs[t]
		if acc.disambig {
			return false
		}
		if acc.article {
			return true
		}
		return acc.redirect < 0 && referenced[t]
	}
	var ents []uint32
	for t := 0; t < n; t++ {
		if isEntity(t) {
			ents = append(ents, uint32(t))
		}
	}
	slices.SortFunc(ents, func(x, y uint32) int { return strings.Compare(a.titles.strs[x], a.titles.strs[y]) })
	tb := &tables{entTitle: ents, eidOf: make([]uint32, n)}
	for i := range tb.eidOf {
		tb.eidOf[i] = uint32(NoEntity)
	}
	for i, t := range ents {
		tb.eidOf[t] = uint32(i)
		if !a.accs[t].article {
			tb.nameOnly++
			// a name-only entity is at least called by its title
			a.pseudo[uint64(a.surface(a.titles.strs[t]))<<32|uint64(t)]++
		}
	}
	// inlinks pass through redirects to their targets
	inl := make([]uint32, len(ents))
	for t := range a.accs {
		if c := a.accs[t].inlinks; c > 0 {
			if e := tb.eidOf[a.resolve(uint32(t))]; e != uint32(NoEntity) {
				inl[e] += c
			}
		}
	}
	for i, t := range ents {
		a.accs[t].inlinks = inl[i]
	}

	// exact surfaces
	trip := make([]triple, 0, len(a.anchors)+len(a.pseudo))
	add := func(trip []triple, m map[uint64]uint32) []triple {
		for k, c := range m {
			e := tb.eidOf[a.resolve(uint32(k))]
			if e == uint32(NoEntity) {
				continue
			}
			trip = append(trip, triple{s: uint32(k >> 32), e: e, count: c})
		}
		return trip
	}
	trip = sortTriples(add(add(trip, a.anchors), a.pseudo))
	casedTrip := sortTriples(add(nil, a.cased))
	// the accumulator's maps are done with: let the collector have them
	a.anchors, a.pseudo, a.cased, a.surf.ids = nil, nil, nil, nil
	// groups of trip by surface, as dense [start, end) ranges, and of
	// casedTrip (few: a map); the surfaces that have either, ordered by
	// string
	span := make([][2]uint32, len(a.surf.strs))
	var sids []uint32
	eachGroup(trip, func(s uint32, from, to int) {
		span[s] = [2]uint32{uint32(from), uint32(to)}
		sids = append(sids, s)
	})
	casedSpan := map[uint32][2]uint32{}
	eachGroup(casedTrip, func(s uint32, from, to int) {
		casedSpan[s] = [2]uint32{uint32(from), uint32(to)}
		if span[s] == ([2]uint32{}) {
			sids = append(sids, s)
		}
	})
	slices.SortFunc(sids, func(x, y uint32) int { return strings.Compare(a.surf.strs[x], a.surf.strs[y]) })
	normTrip := make([]triple, 0, len(trip))
	tb.normIdx = map[string]uint32{}
	var normLinked []uint32
	nid := func(k string) uint32 {
		if id, ok := tb.normIdx[k]; ok {
			return id
		}
		id := uint32(len(tb.normKeys))
		tb.normIdx[k] = id
		tb.normKeys = append(tb.normKeys, k)
		normLinked = append(normLinked, 0)
		if t := strings.Count(k, " ") + 1; t > tb.maxTokens {
			tb.maxTokens = t
		}
		return id
	}
	for _, s := range sids {
		ts := trip[span[s][0]:span[s][1]]
		tb.exactKeys = append(tb.exactKeys, a.surf.strs[s])
		nk := Normalize(a.surf.strs[s])
		rec := surfRec{linked: a.linked[s]}
		if a.lowerSense[nk] {
			rec.flags |= surfaceFlagLowerSense
		}
		if a.givenName[nk] {
			rec.flags |= surfaceFlagGivenName
		}
		if a.properNoun[nk] {
			rec.flags |= surfaceFlagProperNoun
		}
		rec.flags |= uint16(a.zipf[nk]) << 8
		cs := ts
		if r, ok := casedSpan[s]; ok {
			// a spelling with a sense of its own: its exact record holds
			// it, the normalised key counts only the rest
			rec.flags |= surfaceFlagCased
			cs = casedTrip[r[0]:r[1]]
		}
		tb.exactRecs = append(tb.exactRecs, rec)
		tb.exactCands = append(tb.exactCands, a.rank(cs, inl, tb.entTitle, nk))
		if len(ts) == 0 {
			continue
		}
		keys := []string{nk}
		// "The Beatles" is also "Beatles"; an alias dictionary lists both
		// strings with their own senses, so its surfaces are not folded
		if _, alias := a.aliasSurf[s]; !alias && strings.HasPrefix(nk, "the ") && len(nk) > 4 {
			keys = append(keys, nk[4:])
		}
		for _, k := range keys {
			id := nid(k)
			normLinked[id] += a.linked[s]
			for _, t := range ts {
				normTrip = append(normTrip, triple{s: id, e: t.e, count: t.count})
			}
		}
	}
	// normalised surfaces, in key order
	normTrip = sortTriples(normTrip)
	byNorm := make([][]triple, len(tb.normKeys))
	eachGroup(normTrip, func(s uint32, from, to int) { byNorm[s] = normTrip[from:to] })
	order := make([]uint32, len(tb.normKeys))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(x, y uint32) int { return strings.Compare(tb.normKeys[x], tb.normKeys[y]) })
	keys := make([]string, len(order))
	tb.normRecs = make([]surfRec, len(order))
	tb.normCands = make([][]Candidate, len(order))
	for newID, old := range order {
		keys[newID] = tb.normKeys[old]
		tb.normRecs[newID] = surfRec{linked: normLinked[old]}
		if a.lowerSense[keys[newID]] {
			tb.normRecs[newID].flags |= surfaceFlagLowerSense
		}
		if a.givenName[keys[newID]] {
			tb.normRecs[newID].flags |= surfaceFlagGivenName
		}
		if a.properNoun[keys[newID]] {
			tb.normRecs[newID].flags |= surfaceFlagProperNoun
		}
		tb.normRecs[newID].flags |= uint16(a.zipf[keys[newID]]) << 8
		tb.normCands[newID] = a.rank(byNorm[old], inl, tb.entTitle, keys[newID])
		tb.normIdx[keys[newID]] = uint32(newID)
	}
	tb.normKeys = keys
	// The normalised FST is built now: pass 2 walks it to count
	// occurrences, and it replaces the map (much smaller at scale).
	var buf bytes.Buffer
	if err := buildFST(&buf, tb.normKeys, func(i int) uint64 { return uint64(len(tb.exactKeys) + i) }); err != nil {
		return nil, fmt.Errorf("kb: build: normalised surfaces: %w", err)
	}
	tb.normFST = buf.Bytes()
	commonOnce.Do(learnCommonCodes)
	if commonErr != nil {
		return nil, commonErr
	}
	r, err := newFSTReader(tb.normFST)
	if err != nil {
		return nil, err
	}
	tb.normR, tb.normIdx = r, nil

	// titles: entities and the redirects that reach one
	tm := map[string]uint32{}
	for t := range a.accs {
		if e := tb.eidOf[a.resolve(uint32(t))]; e != uint32(NoEntity) {
			tm[a.titles.strs[t]] = e
		}
	}
	tb.titleKeys = sortedKeys(tm)
	tb.titleVals = make([]uint32, len(tb.titleKeys))
	for i, k := range tb.titleKeys {
		tb.titleVals[i] = tm[k]
	}
	return tb, nil
}

// normID returns the index of a normalised surface.
func (tb *tables) normID(key string) (uint32, bool) {
	v, ok := tb.normR.get([]byte(key))
	if !ok || v < uint64(len(tb.exactKeys)) || v-uint64(len(tb.exactKeys)) >= uint64(len(tb.normKeys)) {
		return 0, false
	}
	return uint32(v - uint64(len(tb.exactKeys))), true
}

// addSurnames makes the family name of every person with an article a
// surface of that person (count 1), as news refers to "Lincoln" or
// "Merkel" alone: "Angela Merkel" gives "Merkel", "Clint Murchison Sr."
// gives "Murchison". Persons are those typed PER by any source.
func (a *accumulator) addSurnames() {
	n := len(a.accs)
	for t := 0; t < n; t++ {
		acc := &a.accs[t]
		if !acc.article || acc.disambig || acc.typ != PER || acc.typeSrc == typeNone {
			continue
		}
		title := a.titles.strs[t]
		if k := strings.Index(title, " ("); k > 0 {
			title = title[:k]
		}
		if k := strings.IndexByte(title, ','); k > 0 {
			title = title[:k]
		}
		f := strings.Fields(title)
		for len(f) > 2 {
			switch strings.TrimSuffix(f[len(f)-1], ".") {
			case "Jr", "Sr", "II", "III", "IV":
				f = f[:len(f)-1]
				continue
			}
			break
		}
		if len(f) < 2 {
			continue
		}
		a.addPseudo(f[len(f)-1], a.titles.strs[t])
	}
}

// sortTriples orders triples by surface and entity and merges those of
// one pair.
func sortTriples(t []triple) []triple {
	slices.SortFunc(t, func(x, y triple) int {
		if c := cmp.Compare(x.s, y.s); c != 0 {
			return c
		}
		return cmp.Compare(x.e, y.e)
	})
	return mergeTriples(t)
}

// eachGroup calls f with the [from, to) range of each surface's triples
// in t, which is sorted by surface.
func eachGroup(t []triple, f func(s uint32, from, to int)) {
	for i := 0; i < len(t); {
		j := i
		for j < len(t) && t[j].s == t[i].s {
			j++
		}
		f(t[i].s, i, j)
		i = j
	}
}

func mergeTriples(t []triple) []triple {
	out := t[:0]
	for _, x := range t {
		if n := len(out); n > 0 && out[n-1].s == x.s && out[n-1].e == x.e {
			out[n-1].count += x.count
			continue
		}
		out = append(out, x)
	}
	return out
}

// rank turns the (entity, count) pairs of one surface into candidates
// sorted by prior; equal counts go first to the entity whose title (without
// its "(qualifier)") is the surface, then by inlinks, then by id. At most
// maxCandidates. norm is the surface's normalised form.
func (a *accumulator) rank(ts []triple, inl []uint32, entTitle []uint32, norm string) []Candidate {
	var total uint64
	for _, t := range ts {
		total += uint64(t.count)
	}
	c := make([]Candidate, len(ts))
	for i, t := range ts {
		c[i] = Candidate{Entity: EntityID(t.e), Count: t.count, Prior: float32(float64(t.count) / float64(total))}
	}
	named := func(e EntityID) bool {
		t := a.titles.strs[entTitle[e]]
		if k := strings.Index(t, " ("); k > 0 {
			t = t[:k]
		}
		return Normalize(t) == norm || Normalize(strings.TrimPrefix(t, "The ")) == norm
	}
	slices.SortFunc(c, func(x, y Candidate) int {
		if x.Count != y.Count {
			return cmp.Compare(y.Count, x.Count)
		}
		if nx, ny := named(x.Entity), named(y.Entity); nx != ny {
			if nx {
				return -1
			}
			return 1
		}
		if inl[x.Entity] != inl[y.Entity] {
			return cmp.Compare(inl[y.Entity], inl[x.Entity])
		}
		return cmp.Compare(x.Entity, y.Entity)
	})
	if len(c) > maxCandidates {
		c = c[:maxCandidates]
	}
	return c
}

// linkProbability is linked/occurrences, 1 when the surface was never
// counted in text (known from anchor lists only) and clamped to [0, 1].
func linkProbability(linked, occ uint32) float32 {
	if occ == 0 {
		if linked == 0 {
			return 0
		}
		return 1
	}
	return float32(math.Min(1, float64(linked)/float64(occ)))
}

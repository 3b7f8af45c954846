package kb

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/blevesearch/vellum"
	"github.com/linkstream/linkstream/kb/wikitext"
)

// ErrFormatVersion is returned by Open when the directory was written with
// another format version than FormatVersion: rebuild the KB with this
// binary's "linkstream kb build".
var ErrFormatVersion = errors.New("kb: unsupported format version")

// ErrNotKB is returned by Open when the directory has no format.json: it is
// not a KB, or its build failed or was interrupted before the end.
var ErrNotKB = errors.New("kb: not a knowledge base directory (no format.json)")

// ErrCorruptKB is returned by Open when a file of the KB has a size that
// does not match its format.
var ErrCorruptKB = errors.New("kb: corrupt knowledge base")

// KB is an open, read-only knowledge base. All methods are safe for
// concurrent use. Slices of candidates it returns point into the memory
// map: do not modify them, and do not use them after Close.
type KB struct {
	dir      string
	info     Info
	exact    *vellum.FST
	norm     *vellum.FST
	titles   *vellum.FST
	surfaces []byte
	cands    []byte
	ents     []byte
	strs     []byte
	nExact   uint32
	unmap    []func() error
	// allocation-free readers of the three FSTs for look-ups and walks;
	// the vellum values above serve fuzzy search and iteration
	exactR, normR, titlesR fstReader
	levOnce                [3]sync.Once
	lev                    [3]levBuilder
}

var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// Open maps the KB in dir. It reads format.json and maps the other files
// without reading them, so it costs about the same whatever the KB's size.
func Open(dir string) (*KB, error) {
	if !littleEndian {
		return nil, fmt.Errorf("kb: open %s: big-endian machines are not supported by format version %d", dir, FormatVersion)
	}
	b, err := os.ReadFile(filepath.Join(dir, fileFormat))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("kb: open %s: %w", dir, ErrNotKB)
	}
	if err != nil {
		return nil, fmt.Errorf("kb: open %s: %w", dir, err)
	}
	var info Info
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, fmt.Errorf("kb: open %s: format.json: %v: %w", dir, err, ErrCorruptKB)
	}
	if info.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("kb: open %s: it has format version %d, this linkstream reads version %d; rebuild it with 'linkstream kb build': %w",
			dir, info.FormatVersion, FormatVersion, ErrFormatVersion)
	}
	k := &KB{dir: dir, info: info}
	ok := false
	defer func() {
		if !ok {
			k.Close()
		}
	}()
	mapped := map[string][]byte{}
	load := func(name string) ([]byte, error) {
		data, unmap, err := mapFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("kb: open %s: %w", dir, err)
		}
		k.unmap = append(k.unmap, unmap)
		mapped[name] = data
		if want, ok := info.Files[name]; ok && want != int64(len(data)) {
			return nil, fmt.Errorf("kb: open %s: %s has %d bytes, format.json says %d: %w", dir, name, len(data), want, ErrCorruptKB)
		}
		return data, nil
	}
	fst := func(name string) (*vellum.FST, error) {
		data, err := load(name)
		if err != nil {
			return nil, err
		}
		f, err := vellum.Load(data)
		if err != nil {
			return nil, fmt.Errorf("kb: open %s: %s: %v: %w", dir, name, err, ErrCorruptKB)
		}
		return f, nil
	}
	if k.exact, err = fst(fileExact); err != nil {
		return nil, err
	}
	if k.norm, err = fst(fileNorm); err != nil {
		return nil, err
	}
	if k.titles, err = fst(fileTitles); err != nil {
		return nil, err
	}
	if k.surfaces, err = load(fileSurfaces); err != nil {
		return nil, err
	}
	if k.cands, err = load(fileCandidates); err != nil {
		return nil, err
	}
	if k.ents, err = load(fileEntities); err != nil {
		return nil, err
	}
	if k.strs, err = load(fileStrings); err != nil {
		return nil, err
	}
	if len(k.surfaces)%surfaceRecSize != 0 || len(k.cands)%candidateRecSize != 0 || len(k.ents)%entityRecSize != 0 {
		return nil, fmt.Errorf("kb: open %s: record files are not whole records: %w", dir, ErrCorruptKB)
	}
	k.nExact = uint32(info.Counts.ExactSurfaces)
	if commonOnce.Do(learnCommonCodes); commonErr != nil {
		return nil, fmt.Errorf("kb: open %s: %w", dir, commonErr)
	}
	for _, x := range []struct {
		f *vellum.FST
		r *fstReader
		n string
	}{{k.exact, &k.exactR, fileExact}, {k.norm, &k.normR, fileNorm}, {k.titles, &k.titlesR, fileTitles}} {
		data, _ := mapped[x.n]
		if *x.r, err = newFSTReader(data); err != nil {
			return nil, fmt.Errorf("kb: open %s: %s: %v: %w", dir, x.n, err, ErrCorruptKB)
		}
	}
	ok = true
	return k, nil
}

// Close unmaps the KB. Candidate slices obtained before must not be used
// after.
func (k *KB) Close() error {
	var first error
	for _, u := range k.unmap {
		if err := u(); err != nil && first == nil {
			first = fmt.Errorf("kb: close %s: %w", k.dir, err)
		}
	}
	k.unmap = nil
	return first
}

// Info returns the KB's format.json: version, inputs, counts, content hash.
func (k *KB) Info() Info { return k.info }

// Len returns the number of entities; ids run from 0 to Len()-1.
func (k *KB) Len() int { return len(k.ents) / entityRecSize }

// record returns the surface record n, ok false when out of range.
func (k *KB) record(n uint64) (off, cnt, linked, occ uint32, flags uint16, ok bool) {
	if n >= uint64(len(k.surfaces)/surfaceRecSize) {
		return 0, 0, 0, 0, 0, false
	}
	r := k.surfaces[n*surfaceRecSize:]
	return binary.LittleEndian.Uint32(r), uint32(binary.LittleEndian.Uint16(r[4:])), binary.LittleEndian.Uint32(r[8:]), binary.LittleEndian.Uint32(r[12:]), binary.LittleEndian.Uint16(r[6:]), true
}

// candidates returns the candidates of surface record n without copying.
func (k *KB) candidates(n uint64) []Candidate {
	off, cnt, _, _, _, ok := k.record(n)
	if !ok || cnt == 0 {
		return nil
	}
	end := (uint64(off) + uint64(cnt)) * candidateRecSize
	if end > uint64(len(k.cands)) {
		return nil
	}
	return unsafe.Slice((*Candidate)(unsafe.Pointer(&k.cands[uint64(off)*candidateRecSize])), cnt)
}

func (k *KB) surfaceInfo(n uint64) SurfaceInfo {
	_, cnt, linked, occ, flags, ok := k.record(n)
	if !ok {
		return SurfaceInfo{}
	}
	return SurfaceInfo{LinkProbability: linkProbability(linked, occ), Linked: linked, Occurrences: occ, Candidates: int(cnt),
		LowerSense: flags&surfaceFlagLowerSense != 0, GivenName: flags&surfaceFlagGivenName != 0,
		ProperNoun: flags&surfaceFlagProperNoun != 0, Zipf: float32(flags>>8) / 10}
}

// find resolves a surface to its record: the exact surface first, then
// its normalised form, then the normalised form without a leading "the".
func (k *KB) find(surface string) (uint64, bool) {
	s := strings.TrimSpace(surface)
	if s == "" {
		return 0, false
	}
	var buf [128]byte
	key := append(buf[:0], s...)
	if n, ok := k.exactR.get(key); ok {
		return n, true
	}
	nk := AppendNormalized(buf[:0], s)
	if len(nk) == 0 {
		return 0, false
	}
	if n, ok := k.normR.get(nk); ok {
		return n, true
	}
	if len(nk) > 4 && string(nk[:4]) == "the " {
		if n, ok := k.normR.get(nk[4:]); ok {
			return n, true
		}
	}
	return 0, false
}

// Lookup returns the candidates of a surface, best prior first: those of
// the exact surface if it is known, else those of its normalised form
// (case, diacritics, punctuation), else of the normalised form without a
// leading "The". The slice is read-only and shared; nil when unknown.
func (k *KB) Lookup(surface string) []Candidate {
	n, ok := k.find(surface)
	if !ok {
		return nil
	}
	return k.candidates(n)
}

// Cased returns the record of a surface exactly as written when the KB
// keeps one apart from its normalised key: a spelling, never in title
// case, that means another entity than the key ("ABC" the network where
// "Abc" is a disambiguation page). Walkers find normalised keys only;
// a caller that has the mention's text asks here for its own candidates.
func (k *KB) Cased(surface string) (SurfaceKey, bool) {
	if casingRank(surface) == 0 {
		return 0, false // title case is never kept apart: no look-up
	}
	n, ok := k.Exact(surface)
	if !ok {
		return 0, false
	}
	if _, _, _, _, flags, ok := k.record(uint64(n)); !ok || flags&surfaceFlagCased == 0 {
		return 0, false
	}
	return n, true
}

// Exact returns the record of a surface exactly as written, if the KB
// has one: for a caller that knows the normalised key joins spellings
// that differ by more than case ("Johnson & Johnson" and "Johnson
// Johnson" share the key "johnson johnson").
func (k *KB) Exact(surface string) (SurfaceKey, bool) {
	n, ok := k.exactR.get([]byte(surface))
	return SurfaceKey(n), ok
}

// Surface returns how the surface behaves as a link (found as Lookup finds
// it).
func (k *KB) Surface(surface string) (SurfaceInfo, bool) {
	n, ok := k.find(surface)
	if !ok {
		return SurfaceInfo{}, false
	}
	return k.surfaceInfo(n), true
}

// CandidatesOf returns the candidates of a normalised surface found by a
// Walker; read-only and shared.
func (k *KB) CandidatesOf(key SurfaceKey) []Candidate { return k.candidates(uint64(key)) }

// SurfaceOf returns the statistics of a normalised surface found by a
// Walker.
func (k *KB) SurfaceOf(key SurfaceKey) SurfaceInfo { return k.surfaceInfo(uint64(key)) }

// Entity returns the entity with the given id; the zero Entity with ID
// NoEntity when out of range. Title and Description are copies.
func (k *KB) Entity(id EntityID) Entity {
	r, ok := k.entRec(id)
	if !ok {
		return Entity{ID: NoEntity}
	}
	e := Entity{ID: id, Inlinks: binary.LittleEndian.Uint32(r), Type: Type(r[24]), NameOnly: r[25]&flagNameOnly != 0}
	if q := binary.LittleEndian.Uint32(r[4:]); q != 0 {
		e.QID = "Q" + strconv.FormatUint(uint64(q), 10)
	}
	tl, dl := uint64(binary.LittleEndian.Uint16(r[12:])), uint64(binary.LittleEndian.Uint16(r[14:]))
	off := binary.LittleEndian.Uint64(r[16:])
	if off+tl+dl <= uint64(len(k.strs)) {
		e.Title = string(k.strs[off : off+tl])
		if text := string(k.strs[off+tl : off+tl+dl]); r[25]&flagAnchorWords != 0 {
			e.AnchorWords = text
		} else {
			e.Description = text
		}
	}
	return e
}

// Inlinks returns the prominence of an entity without decoding the rest;
// it does not allocate.
func (k *KB) Inlinks(id EntityID) uint32 {
	if r, ok := k.entRec(id); ok {
		return binary.LittleEndian.Uint32(r)
	}
	return 0
}

// TypeOf returns the coarse type of an entity without decoding the rest.
func (k *KB) TypeOf(id EntityID) Type {
	if r, ok := k.entRec(id); ok {
		return Type(r[24])
	}
	return MISC
}

// Described reports whether the KB holds a description of an entity (not
// only anchor words), without decoding it; it does not allocate.
func (k *KB) Described(id EntityID) bool {
	if r, ok := k.entRec(id); ok {
		return binary.LittleEndian.Uint16(r[14:]) > 0 && r[25]&flagAnchorWords == 0
	}
	return false
}

// PageID returns the Wikipedia page id of an entity, 0 when unknown.
func (k *KB) PageID(id EntityID) uint32 {
	if r, ok := k.entRec(id); ok {
		return binary.LittleEndian.Uint32(r[8:])
	}
	return 0
}

func (k *KB) entRec(id EntityID) ([]byte, bool) {
	if uint64(id) >= uint64(len(k.ents)/entityRecSize) {
		return nil, false
	}
	return k.ents[uint64(id)*entityRecSize : uint64(id+1)*entityRecSize], true
}

// EntityByTitle finds an entity by its Wikipedia title (underscores or
// spaces, first letter in either case); redirects resolve to their target.
func (k *KB) EntityByTitle(title string) (EntityID, bool) {
	t := wikitext.NormalizeTitle(title)
	if t == "" {
		return NoEntity, false
	}
	v, ok := k.titlesR.get([]byte(t))
	if !ok || v > math.MaxUint32 || v >= uint64(k.Len()) {
		return NoEntity, false
	}
	return EntityID(v), true
}

// Walker walks the normalised surfaces byte by byte, for longest-match
// spotting. It is a small value: copy it to remember a position and try a
// longer continuation from the copy. It does not allocate. The zero Walker
// is dead.
type Walker struct {
	r    *fstReader
	addr int
	out  uint64
	live bool
}

// Walker returns a walker at the empty prefix.
func (k *KB) Walker() Walker {
	return Walker{r: &k.normR, addr: k.normR.root, live: true}
}

// Step consumes the bytes of s. It returns false, and the walker is dead
// from then on, when no normalised surface starts with what was consumed.
func (w *Walker) Step(s string) bool {
	if !w.live {
		return false
	}
	for i := 0; i < len(s); i++ {
		next, out := w.r.step(w.addr, s[i])
		if next == fstNone {
			w.live = false
			return false
		}
		w.addr = next
		w.out += out
	}
	return true
}

// Alive reports whether some surface still starts with the consumed bytes.
func (w Walker) Alive() bool { return w.live }

// Match reports whether the bytes consumed so far are a whole normalised
// surface, and which.
func (w Walker) Match() (SurfaceKey, bool) {
	if !w.live {
		return 0, false
	}
	ok, fin := w.r.final(w.addr)
	if !ok {
		return 0, false
	}
	return SurfaceKey(w.out + fin), true
}

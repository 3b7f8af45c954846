package kb

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/blevesearch/vellum"
)

// FormatVersion is the version of the KB directory layout this package
// writes and reads. Open refuses any other (ErrFormatVersion).
const FormatVersion = 3

// File names inside a KB directory.
const (
	fileFormat     = "format.json"
	fileExact      = "exact.fst"
	fileNorm       = "norm.fst"
	fileTitles     = "titles.fst"
	fileSurfaces   = "surfaces.bin"
	fileCandidates = "candidates.bin"
	fileEntities   = "entities.bin"
	fileStrings    = "strings.bin"
)

// dataFiles in the order the content hash covers them.
var dataFiles = []string{fileExact, fileNorm, fileTitles, fileSurfaces, fileCandidates, fileEntities, fileStrings}

// Record sizes; all integers little-endian.
const (
	// surface record: candidate offset u32 (index into candidates.bin),
	// candidate count u16, flags u16, linked u32, occurrences u32
	surfaceRecSize = 16
	// candidate: entity u32, count u32, prior f32
	candidateRecSize = 12
	// entity: inlinks u32, qid u32, page id u32, title length u16,
	// text length u16, string offset u64 (title then text in strings.bin:
	// the description, or the anchor words under flagAnchorWords), type
	// u8, flags u8, 6 bytes reserved
	entityRecSize = 32
)

// Flags of an entity record.
const (
	flagNameOnly = 1
	// flagAnchorWords: the text slot holds the entity's anchor words, not
	// a description (anchorwords.go)
	flagAnchorWords = 2
)

// Flags of a surface record: bits 0-7 flags, bits 8-15 the tenths of the
// surface's Zipf value (single words with word frequencies only).
const (
	surfaceFlagLowerSense = 1
	// surfaceFlagCased: an exact surface whose candidates are its own
	// spelling's, not counted in its normalised key's (KB.Cased)
	surfaceFlagCased = 2
	// surfaceFlagGivenName: the surface is a persons' given name
	// (SurfaceInfo.GivenName)
	surfaceFlagGivenName = 4
	// surfaceFlagProperNoun: the word is written as a name inside the
	// alias dictionary's strings (SurfaceInfo.ProperNoun)
	surfaceFlagProperNoun = 8
)

// Input describes one build input in format.json.
type Input struct {
	Kind  string `json:"kind"` // dump, wikitext, dbpedia, wikidata
	Name  string `json:"name"` // base name, never a full path
	Bytes int64  `json:"bytes"`
}

// Counts are the sizes of a KB.
type Counts struct {
	Entities        int   `json:"entities"`
	NameOnly        int   `json:"name_only_entities"`
	Articles        int64 `json:"articles"`
	Redirects       int64 `json:"redirects"`
	Disambiguations int64 `json:"disambiguation_pages"`
	Links           int64 `json:"links"`
	ExactSurfaces   int   `json:"exact_surfaces"`
	NormSurfaces    int   `json:"normalised_surfaces"`
	Candidates      int   `json:"candidates"`
	Titles          int   `json:"titles"`
	WithQID         int   `json:"entities_with_qid"`
	WithDescription int   `json:"entities_with_description"`
	WithAnchorWords int   `json:"entities_with_anchor_words"`
}

// Info is the content of format.json.
type Info struct {
	FormatVersion   int              `json:"format_version"`
	Created         time.Time        `json:"created"`
	Inputs          []Input          `json:"inputs"`
	Counts          Counts           `json:"counts"`
	ContentHash     string           `json:"content_hash"` // sha256 over the data files, in dataFiles order
	LinkProbability string           `json:"link_probability"`
	Files           map[string]int64 `json:"files"` // bytes per data file
	Build           BuildStats       `json:"build"`
}

// writeTables writes the KB into dir (which must exist and be empty) and
// writes format.json last; a directory without format.json never opens.
func writeTables(dir string, a *accumulator, tb *tables, info *Info) error {
	start := time.Now()
	h := sha256.New()
	info.Files = map[string]int64{}
	writeFile := func(name string, fill func(w io.Writer) error) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("kb: write: %w", err)
		}
		fh := sha256.New()
		cw := &countWriter{}
		bw := bufio.NewWriterSize(io.MultiWriter(f, fh, cw), 1<<20)
		if err := fill(bw); err != nil {
			f.Close()
			return fmt.Errorf("kb: write %s: %w", name, err)
		}
		if err := bw.Flush(); err != nil {
			f.Close()
			return fmt.Errorf("kb: write %s: %w", name, err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return fmt.Errorf("kb: write %s: %w", name, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("kb: write %s: %w", name, err)
		}
		info.Files[name] = cw.n
		fmt.Fprintf(h, "%s %d %x\n", name, cw.n, fh.Sum(nil))
		return nil
	}
	fst := func(keys []string, val func(i int) uint64) func(io.Writer) error {
		return func(w io.Writer) error { return buildFST(w, keys, val) }
	}
	if err := writeFile(fileExact, fst(tb.exactKeys, func(i int) uint64 { return uint64(i) })); err != nil {
		return err
	}
	if err := writeFile(fileNorm, func(w io.Writer) error { _, err := w.Write(tb.normFST); return err }); err != nil {
		return err
	}
	if err := writeFile(fileTitles, fst(tb.titleKeys, func(i int) uint64 { return uint64(tb.titleVals[i]) })); err != nil {
		return err
	}
	// Candidate lists: the normalised surfaces' lists first, then the
	// exact surfaces' lists that differ from their normalised one (most do
	// not: a surface is often the only spelling of its normalised form, and
	// then the exact record shares the list).
	normOff := make([]uint64, len(tb.normCands))
	var ncand uint64
	for i, cs := range tb.normCands {
		normOff[i] = ncand
		ncand += uint64(len(cs))
	}
	exactOff := make([]uint64, len(tb.exactCands))
	var extra [][]Candidate
	for i, cs := range tb.exactCands {
		if id, ok := tb.normID(Normalize(tb.exactKeys[i])); ok && slices.Equal(cs, tb.normCands[id]) {
			exactOff[i] = normOff[id]
			continue
		}
		exactOff[i] = ncand
		ncand += uint64(len(cs))
		extra = append(extra, cs)
	}
	if ncand > math.MaxUint32 {
		return fmt.Errorf("kb: %d candidates do not fit format version %d", ncand, FormatVersion)
	}
	if err := writeFile(fileSurfaces, func(w io.Writer) error {
		var rec [surfaceRecSize]byte
		emit := func(r surfRec, off uint64, c []Candidate) error {
			binary.LittleEndian.PutUint32(rec[0:], uint32(off))
			binary.LittleEndian.PutUint16(rec[4:], uint16(len(c)))
			binary.LittleEndian.PutUint16(rec[6:], r.flags)
			binary.LittleEndian.PutUint32(rec[8:], r.linked)
			binary.LittleEndian.PutUint32(rec[12:], r.occ)
			_, err := w.Write(rec[:])
			return err
		}
		for i := range tb.exactRecs {
			if err := emit(tb.exactRecs[i], exactOff[i], tb.exactCands[i]); err != nil {
				return err
			}
		}
		for i := range tb.normRecs {
			if err := emit(tb.normRecs[i], normOff[i], tb.normCands[i]); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := writeFile(fileCandidates, func(w io.Writer) error {
		var rec [candidateRecSize]byte
		for _, list := range [][][]Candidate{tb.normCands, extra} {
			for _, cs := range list {
				for _, c := range cs {
					binary.LittleEndian.PutUint32(rec[0:], uint32(c.Entity))
					binary.LittleEndian.PutUint32(rec[4:], c.Count)
					binary.LittleEndian.PutUint32(rec[8:], math.Float32bits(c.Prior))
					if _, err := w.Write(rec[:]); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}); err != nil {
		return err
	}
	withQID, withDesc, withAnchors := 0, 0, 0
	if err := writeFile(fileEntities, func(w io.Writer) error {
		var rec [entityRecSize]byte
		var off uint64
		for _, t := range tb.entTitle {
			acc := &a.accs[t]
			title := a.titles.strs[t]
			desc, anchors := acc.text()
			if len(title) > math.MaxUint16 {
				title = clip(title, math.MaxUint16)
			}
			clear(rec[:])
			binary.LittleEndian.PutUint32(rec[0:], acc.inlinks)
			binary.LittleEndian.PutUint32(rec[4:], acc.qid)
			if acc.pageID > 0 && acc.pageID <= math.MaxUint32 {
				binary.LittleEndian.PutUint32(rec[8:], uint32(acc.pageID))
			}
			binary.LittleEndian.PutUint16(rec[12:], uint16(len(title)))
			binary.LittleEndian.PutUint16(rec[14:], uint16(len(desc)))
			binary.LittleEndian.PutUint64(rec[16:], off)
			rec[24] = byte(acc.typ)
			if !acc.article {
				rec[25] |= flagNameOnly
			}
			if anchors {
				rec[25] |= flagAnchorWords
				withAnchors++
			}
			off += uint64(len(title) + len(desc))
			if acc.qid != 0 {
				withQID++
			}
			if desc != "" && !anchors {
				withDesc++
			}
			if _, err := w.Write(rec[:]); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := writeFile(fileStrings, func(w io.Writer) error {
		for _, t := range tb.entTitle {
			acc := &a.accs[t]
			title := a.titles.strs[t]
			if len(title) > math.MaxUint16 {
				title = clip(title, math.MaxUint16)
			}
			if _, err := io.WriteString(w, title); err != nil {
				return err
			}
			text, _ := acc.text()
			if _, err := io.WriteString(w, text); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	info.FormatVersion = FormatVersion
	info.ContentHash = "sha256:" + hex.EncodeToString(h.Sum(nil))
	info.Counts.Entities = len(tb.entTitle)
	info.Counts.NameOnly = tb.nameOnly
	info.Counts.ExactSurfaces = len(tb.exactKeys)
	info.Counts.NormSurfaces = len(tb.normKeys)
	info.Counts.Candidates = int(ncand)
	info.Counts.Titles = len(tb.titleKeys)
	info.Counts.WithQID = withQID
	info.Counts.WithDescription = withDesc
	info.Counts.WithAnchorWords = withAnchors
	info.Build.WriteSec = time.Since(start).Seconds()
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return fmt.Errorf("kb: write format.json: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, fileFormat), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("kb: write format.json: %w", err)
	}
	return nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && s[len(s)-1]&0xc0 == 0x80 {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && s[len(s)-1] >= 0xc0 {
		s = s[:len(s)-1]
	}
	return s
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(b []byte) (int, error) { c.n += int64(len(b)); return len(b), nil }

var _ hash.Hash = sha256.New()

// buildFST writes an FST of keys (sorted, distinct) with the given values.
func buildFST(w io.Writer, keys []string, val func(i int) uint64) error {
	b, err := vellum.New(w, nil)
	if err != nil {
		return err
	}
	for i, k := range keys {
		if err := b.Insert([]byte(k), val(i)); err != nil {
			return fmt.Errorf("key %q: %w", k, err)
		}
	}
	return b.Close()
}

package eval

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// WNED XML (the format of the MSNBC, AQUAINT and ACE2004 files of the WNED
// collection):
//
//	<X.entityAnnotation>
//	  <document docName="NAME">
//	    <annotation><mention>..</mention><wikiName>Title|NIL|(empty)</wikiName>
//	      <offset>N</offset><length>N</length></annotation>
//
// with the text of each document in RawText/NAME. Offsets and lengths count
// characters. Checked on the shared files: they index the text as Python
// string indices do, i.e. Unicode code points, not bytes (MSNBC has many
// non-ASCII texts; every annotation that matches as characters also fails to
// match as bytes once a multi-byte character precedes it). No text there has
// a character outside the Basic Multilingual Plane, so code points and UTF-16
// units agree on these files.

type wnedAnnotation struct {
	Mention  string `xml:"mention"`
	WikiName string `xml:"wikiName"`
	Offset   string `xml:"offset"`
	Length   string `xml:"length"`
}

type wnedDocument struct {
	Name        string           `xml:"docName,attr"`
	Annotations []wnedAnnotation `xml:"annotation"`
}

// ReadWNEDDir reads a WNED dataset folder: the one *.xml file in dir and the
// texts in dir/RawText.
func ReadWNEDDir(dir string) (*Dataset, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil {
		return nil, fmt.Errorf("eval: wned %s: %w", dir, err)
	}
	if len(matches) != 1 {
		return nil, fmt.Errorf("eval: wned %s: want exactly one .xml file, found %d", dir, len(matches))
	}
	ds, err := ReadWNEDFile(matches[0], filepath.Join(dir, "RawText"))
	if err != nil {
		return nil, err
	}
	ds.Name = datasetName(dir)
	return ds, nil
}

// ReadWNEDFile reads a WNED annotation file, taking each document's text from
// rawDir/<docName>. A document whose text cannot be read is kept with empty
// text and all its annotations dropped (counted in ReadStats).
func ReadWNEDFile(xmlPath, rawDir string) (*Dataset, error) {
	f, err := os.Open(xmlPath)
	if err != nil {
		return nil, fmt.Errorf("eval: wned: %w", err)
	}
	defer f.Close()
	ds := &Dataset{Name: datasetName(xmlPath), Source: xmlPath, Format: "wned"}
	err = ReadWNED(f, func(name string) (string, error) {
		b, err := os.ReadFile(filepath.Join(rawDir, filepath.Base(name)))
		return string(b), err
	}, ds)
	if err != nil {
		return nil, fmt.Errorf("eval: wned %s: %w", xmlPath, err)
	}
	return ds, nil
}

// ReadWNED streams WNED XML from r into ds, asking text for each document's
// raw text by its docName.
func ReadWNED(r io.Reader, text func(docName string) (string, error), ds *Dataset) error {
	dec := xml.NewDecoder(r)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("xml: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "document" {
			continue
		}
		var wd wnedDocument
		if err := dec.DecodeElement(&wd, &se); err != nil {
			return fmt.Errorf("xml document: %w", err)
		}
		ds.Docs = append(ds.Docs, wnedToDoc(wd, text, &ds.Read))
	}
	ds.Read.count(ds.Docs)
	return nil
}

func wnedToDoc(wd wnedDocument, text func(string) (string, error), st *ReadStats) Doc {
	doc := Doc{ID: wd.Name}
	raw, err := text(wd.Name)
	if err != nil {
		st.MissingText++
		st.Dropped += len(wd.Annotations)
		st.problem("%s: no text: %v", wd.Name, err)
		return doc
	}
	if !utf8.ValidString(raw) {
		st.problem("%s: text is not valid UTF-8; invalid bytes replaced", wd.Name)
		raw = strings.ToValidUTF8(raw, "\uFFFD")
	}
	doc.Text = raw
	runes := []rune(raw)
	for _, a := range wd.Annotations {
		off, err1 := strconv.Atoi(strings.TrimSpace(a.Offset))
		n, err2 := strconv.Atoi(strings.TrimSpace(a.Length))
		if err1 != nil || err2 != nil || off < 0 || n <= 0 {
			st.Dropped++
			st.problem("%s: bad offset/length %q/%q for %q", wd.Name, a.Offset, a.Length, a.Mention)
			continue
		}
		g := Gold{Start: off, End: off + n, Mention: a.Mention, Title: strings.TrimSpace(a.WikiName)}
		if g, ok := placeSpan(runes, g, wd.Name, st); ok {
			doc.Gold = append(doc.Gold, g)
		}
	}
	return doc
}

// repairWindow bounds how far (in code points) placeSpan looks for the
// mention string when the given offsets do not hold it.
const repairWindow = 200

// placeSpan checks that runes[g.Start:g.End] is g.Mention. When it is not,
// it repairs the span if it can (the mention starts at Start but the length
// is off, as when a length counted "&amp;" as five characters; or the mention
// occurs within repairWindow of Start), keeps it unchanged when it is inside
// the text but cannot be repaired, and drops it when it lies outside the text.
func placeSpan(runes []rune, g Gold, docID string, st *ReadStats) (Gold, bool) {
	if g.Mention == "" {
		if g.End > len(runes) {
			st.Dropped++
			st.problem("%s: span %d-%d beyond text length %d", docID, g.Start, g.End, len(runes))
			return g, false
		}
		g.Mention = string(runes[g.Start:g.End])
		return g, true
	}
	if g.End <= len(runes) && string(runes[g.Start:g.End]) == g.Mention {
		return g, true
	}
	st.Mismatched++
	m := []rune(g.Mention)
	if hasRunesAt(runes, m, g.Start) {
		st.Repaired++
		st.problem("%s: %q at %d: length %d corrected to %d", docID, g.Mention, g.Start, g.End-g.Start, len(m))
		g.End = g.Start + len(m)
		return g, true
	}
	if p := nearestRunes(runes, m, g.Start, repairWindow); p >= 0 {
		st.Repaired++
		st.problem("%s: %q moved from %d to %d", docID, g.Mention, g.Start, p)
		g.Start, g.End = p, p+len(m)
		return g, true
	}
	if g.End > len(runes) {
		st.Dropped++
		st.problem("%s: %q at %d-%d beyond text length %d, not found nearby", docID, g.Mention, g.Start, g.End, len(runes))
		return g, false
	}
	st.problem("%s: %q at %d-%d reads %q; kept as given", docID, g.Mention, g.Start, g.End, string(runes[g.Start:g.End]))
	return g, true
}

func hasRunesAt(text, m []rune, at int) bool {
	if at < 0 || at+len(m) > len(text) {
		return false
	}
	for i, r := range m {
		if text[at+i] != r {
			return false
		}
	}
	return true
}

// nearestRunes returns the start of the occurrence of m in text closest to
// at, within window code points, or -1.
func nearestRunes(text, m []rune, at, window int) int {
	for d := 0; d <= window; d++ {
		if hasRunesAt(text, m, at-d) {
			return at - d
		}
		if d > 0 && hasRunesAt(text, m, at+d) {
			return at + d
		}
	}
	return -1
}

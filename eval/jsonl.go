package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"unicode/utf8"
)

// JSONL gold: one document a line,
//
//	{"id": "d1", "text": "...", "gold": [{"start": 0, "end": 8, "title": "Tim Cook", "type"?: "PER"}]}
//
// with start/end in Unicode code points (end exclusive) and title "" , null
// or "NIL" for a mention that must not be linked. Any benchmark converted to
// this shape can be scored; the self-linking generator writes it too.

type jsonlGold struct {
	Start   int     `json:"start"`
	End     int     `json:"end"`
	Title   *string `json:"title"`
	Mention string  `json:"mention,omitempty"`
	Type    string  `json:"type,omitempty"`
	Foreign bool    `json:"foreign,omitempty"`
}

type jsonlDoc struct {
	ID   string      `json:"id"`
	Text string      `json:"text"`
	Gold []jsonlGold `json:"gold"`
}

// maxJSONLLine bounds one JSONL line (a document with its gold).
const maxJSONLLine = 64 << 20

// ReadJSONLFile reads a JSONL gold file.
func ReadJSONLFile(path string) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("eval: jsonl: %w", err)
	}
	defer f.Close()
	ds, err := ReadJSONL(f)
	if err != nil {
		return nil, fmt.Errorf("eval: jsonl %s: %w", path, err)
	}
	ds.Name = datasetName(path)
	ds.Source = path
	return ds, nil
}

// ReadJSONL reads JSONL gold from r. A line that is not valid JSON is an
// error (with its line number); a gold span outside its text is dropped and
// counted; a span whose "mention" disagrees with the text is repaired or
// counted as in the other readers.
func ReadJSONL(r io.Reader) (*Dataset, error) {
	ds := &Dataset{Format: "jsonl"}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), maxJSONLLine)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(trimSpaceBytes(b)) == 0 {
			continue
		}
		var jd jsonlDoc
		if err := json.Unmarshal(b, &jd); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if jd.ID == "" {
			jd.ID = fmt.Sprintf("line%d", line)
		}
		doc := Doc{ID: jd.ID, Text: jd.Text}
		runes := []rune(jd.Text)
		n := utf8.RuneCountInString(jd.Text)
		for _, jg := range jd.Gold {
			g := Gold{Start: jg.Start, End: jg.End, Mention: jg.Mention, Type: jg.Type, Foreign: jg.Foreign}
			if jg.Title != nil {
				g.Title = *jg.Title
			}
			if g.Start < 0 || g.End <= g.Start || (g.End > n && g.Mention == "") {
				ds.Read.Dropped++
				ds.Read.problem("%s: span %d-%d outside text of %d code points", jd.ID, g.Start, g.End, n)
				continue
			}
			if g, ok := placeSpan(runes, g, jd.ID, &ds.Read); ok {
				doc.Gold = append(doc.Gold, g)
			}
		}
		ds.Docs = append(ds.Docs, doc)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	ds.Read.count(ds.Docs)
	return ds, nil
}

func trimSpaceBytes(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

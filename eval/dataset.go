package eval

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Dataset is a benchmark in memory: documents with their gold mentions.
type Dataset struct {
	// Name is a short label ("msnbc", "reuters128", or the file's base name).
	Name string `json:"name"`
	// Source is the path the dataset was read from, as given.
	Source string `json:"source"`
	// Format is "wned", "nif" or "jsonl".
	Format string `json:"format"`
	Docs   []Doc  `json:"-"`
	// Read counts what the reader met, including annotations it had to
	// repair or drop; a reader never fails on a bad annotation.
	Read ReadStats `json:"read"`
}

// Doc is one document with its gold.
type Doc struct {
	ID   string
	Text string
	Gold []Gold
}

// Gold is one gold mention. Start and End are Unicode code-point offsets into
// Doc.Text, End exclusive, as in the pipeline's output contract.
type Gold struct {
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Mention string `json:"mention,omitempty"`
	// Title is the gold entity as the dataset names it (a title or a
	// DBpedia URI); "" means NIL: the mention must not be linked.
	Title string `json:"title"`
	// Type is the gold entity type when the dataset carries one (JSONL may);
	// the scorer falls back to the KB or the predicted type.
	Type string `json:"type,omitempty"`
	// Foreign marks a link into another language's DBpedia (Reuters-128 has
	// a few): it counts as linked gold, and no English KB will hold it.
	Foreign bool `json:"foreign,omitempty"`
}

// IsNIL reports whether the gold mention must stay unlinked.
func (g Gold) IsNIL() bool { return NormalizeTitle(g.Title) == "" }

// ReadStats counts documents and annotations as read, and every problem met.
type ReadStats struct {
	Docs     int `json:"docs"`
	Mentions int `json:"mentions"`
	Linked   int `json:"linked"`
	NIL      int `json:"nil"`
	Foreign  int `json:"foreign,omitempty"`
	// Mismatched annotations: the text at the given offsets is not the
	// annotated mention string.
	Mismatched int `json:"mismatched"`
	// Repaired: mismatched annotations moved to the nearest occurrence of
	// their mention string (or their length corrected); they are kept.
	Repaired int `json:"repaired"`
	// Dropped: annotations outside the text or with no text found; not kept.
	Dropped int `json:"dropped"`
	// MissingText: documents whose text could not be read (WNED raw files).
	MissingText int `json:"missing_text,omitempty"`
	// Problems lists the first few problems in words, for the report.
	Problems []string `json:"problems,omitempty"`
}

const maxProblems = 20

func (s *ReadStats) problem(format string, args ...any) {
	if len(s.Problems) < maxProblems {
		s.Problems = append(s.Problems, fmt.Sprintf(format, args...))
	}
}

// count updates the totals from the documents; readers call it last.
func (s *ReadStats) count(docs []Doc) {
	s.Docs = len(docs)
	s.Mentions, s.Linked, s.NIL, s.Foreign = 0, 0, 0, 0
	for _, d := range docs {
		for _, g := range d.Gold {
			s.Mentions++
			if g.IsNIL() {
				s.NIL++
			} else {
				s.Linked++
			}
			if g.Foreign {
				s.Foreign++
			}
		}
	}
}

// ErrUnknownFormat is returned by Open when a path is neither a WNED folder
// or XML file, a NIF Turtle file (.ttl), nor a JSONL file (.jsonl, .json).
var ErrUnknownFormat = errors.New("eval: unknown dataset format")

// Named datasets under the shared data folder, relative to it.
var namedDatasets = map[string]string{
	"msnbc":      "eval/wned/msnbc",
	"aquaint":    "eval/wned/aquaint",
	"ace2004":    "eval/wned/ace",
	"ace":        "eval/wned/ace",
	"reuters128": "eval/n3/Reuters-128.ttl",
	"reuters":    "eval/n3/Reuters-128.ttl",
}

// Names lists the dataset short names that ResolveName understands.
func Names() []string { return []string{"msnbc", "aquaint", "ace2004", "reuters128"} }

// ResolveName maps a dataset short name (msnbc, aquaint, ace2004, reuters128)
// to its path under dataDir (the shared data folder). Anything else is
// returned unchanged, as a path.
func ResolveName(dataDir, nameOrPath string) string {
	if rel, ok := namedDatasets[strings.ToLower(nameOrPath)]; ok {
		return filepath.Join(dataDir, rel)
	}
	return nameOrPath
}

// Open reads a dataset, choosing the reader by what path is: a folder holding
// one WNED *.xml and RawText/, a WNED .xml file, a .ttl NIF file, or a
// .jsonl/.json gold file.
func Open(path string) (*Dataset, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("eval: open dataset: %w", err)
	}
	var ds *Dataset
	switch ext := strings.ToLower(filepath.Ext(path)); {
	case st.IsDir():
		ds, err = ReadWNEDDir(path)
	case ext == ".xml":
		ds, err = ReadWNEDFile(path, filepath.Join(filepath.Dir(path), "RawText"))
	case ext == ".ttl":
		ds, err = ReadNIFFile(path)
	case ext == ".jsonl" || ext == ".json":
		ds, err = ReadJSONLFile(path)
	default:
		return nil, fmt.Errorf("%w: %s", ErrUnknownFormat, path)
	}
	if err != nil {
		return nil, err
	}
	ds.Source = path
	return ds, nil
}

// datasetName derives a short name from a file or folder path.
func datasetName(path string) string {
	base := filepath.Base(path)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	n := strings.ToLower(strings.ReplaceAll(base, "-", ""))
	if n == "ace" {
		return "ace2004"
	}
	return n
}

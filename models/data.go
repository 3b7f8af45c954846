package models

import (
	"fmt"
	"os"
	"path/filepath"
)

// DataSource is a data file that make deps fetches beside the model: the
// manifest's "sources" entry that names its files.
type DataSource struct {
	Package string            `json:"package"`
	Version string            `json:"version"`
	Files   map[string]string `json:"files"` // file name -> sha256
}

// SourceFile returns the path in the cache directory of a file of the
// manifest's data source (the key of "sources", e.g. "gensim"), or a
// *FileError naming it and saying "run: make deps".
func SourceFile(cache, source, file string) (string, error) {
	m, err := manifest()
	if err != nil {
		return "", err
	}
	src, ok := m.Sources[source]
	if _, named := src.Files[file]; !ok || !named {
		return "", fmt.Errorf("models: manifest.json names no %s source with %s", source, file)
	}
	p := filepath.Join(cache, source, src.Version, file)
	if _, err := os.Stat(p); err != nil {
		return "", missing(p)
	}
	return p, nil
}

// RuntimeLibrary returns the ONNX Runtime library in the cache directory,
// or a *FileError naming it and saying "run: make deps". Unlike Default it
// does not need the default model: for callers that bring their own
// (--model DIR).
func RuntimeLibrary(cache string) (string, error) {
	m, err := manifest()
	if err != nil {
		return "", err
	}
	p := filepath.Join(cache, filepath.FromSlash(m.Runtime.File))
	if _, err := os.Stat(p); err != nil {
		return "", missing(p)
	}
	return p, nil
}

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

// gensimDumpFile is the real enwiki pages-articles excerpt that the gensim
// package ships for its own tests; the demo KB is built from it.
const gensimDumpFile = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"

// GensimDump returns the cached path of the Wikipedia dump excerpt from the
// gensim package, or a *FileError naming it and saying "run: make deps".
func GensimDump() (string, error) {
	m, err := manifest()
	if err != nil {
		return "", err
	}
	src, ok := m.Sources["gensim"]
	if _, named := src.Files[gensimDumpFile]; !ok || !named {
		return "", fmt.Errorf("models: manifest.json names no gensim source with %s", gensimDumpFile)
	}
	p := filepath.Join(CacheDir(), "gensim", src.Version, gensimDumpFile)
	if _, err := os.Stat(p); err != nil {
		return "", missing(p)
	}
	return p, nil
}

// RuntimeLibrary returns the cached ONNX Runtime library, or a *FileError
// naming it and saying "run: make deps". Unlike Default it does not need the
// default model: for callers that bring their own (--model DIR).
func RuntimeLibrary() (string, error) {
	m, err := manifest()
	if err != nil {
		return "", err
	}
	p := filepath.Join(CacheDir(), filepath.FromSlash(m.Runtime.File))
	if _, err := os.Stat(p); err != nil {
		return "", missing(p)
	}
	return p, nil
}

package models

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

//go:embed manifest.json
var manifestJSON []byte

// FixTarget is what a "file missing or broken" error tells the user to run,
// GPUFixTarget what it says for a file of the opt-in CUDA stack.
const (
	FixTarget    = "make deps"
	GPUFixTarget = "make deps-gpu"
)

var (
	// ErrMissing is wrapped by errors about a file the native stack needs
	// (ONNX Runtime library, model.onnx, tokenizer.json) that does not exist.
	ErrMissing = errors.New("missing")
	// ErrCorrupt is wrapped by errors about such a file that exists but cannot
	// be loaded: not a shared library, not an ONNX graph, not a tokenizer,
	// or a sha256 that differs from the manifest (Verify).
	ErrCorrupt = errors.New("corrupt")
)

// FileError names the file at fault and the make target that fetches it.
// Err is ErrMissing or ErrCorrupt, possibly wrapping the loader's error.
// Fix is that target: FixTarget when empty.
type FileError struct {
	Path string
	Err  error
	Fix  string
}

func (e *FileError) Error() string {
	fix := e.Fix
	if fix == "" {
		fix = FixTarget
	}
	return fmt.Sprintf("models: %s: %v (run: %s)", e.Path, e.Err, fix)
}

func (e *FileError) Unwrap() error { return e.Err }

func missing(path string) error { return &FileError{Path: path, Err: ErrMissing} }

func corrupt(path string, cause error) error {
	if cause == nil {
		return &FileError{Path: path, Err: ErrCorrupt}
	}
	return &FileError{Path: path, Err: fmt.Errorf("%w: %w", ErrCorrupt, cause)}
}

// Manifest is models/manifest.json: what deps.sh fetches and derives.
type Manifest struct {
	Runtime      Runtime               `json:"runtime"`
	GPU          GPUStack              `json:"gpu"`
	Sources      map[string]DataSource `json:"sources"`
	DefaultModel string                `json:"default_model"`
	Models       []ModelInfo           `json:"models"`
}

// Runtime describes the pinned ONNX Runtime shared library.
type Runtime struct {
	Version string `json:"version"`
	Source  string `json:"source"`
	File    string `json:"file"` // relative to CacheDir
	SHA256  string `json:"sha256"`
	Licence string `json:"licence"`
}

// GPUStack describes the opt-in CUDA stack that make deps-gpu fetches.
type GPUStack struct {
	Library string `json:"library"` // CUDA build of ONNX Runtime, relative to CacheDir
	Driver  string `json:"driver"`  // the NVIDIA driver's library, the system's own
	// The oldest GPU (compute capability major, minor) the CUDA libraries
	// still support.
	MinComputeCapability [2]int     `json:"min_compute_capability"`
	Preload              []string   `json:"preload"` // relative to CacheDir, dependencies first
	Wheels               []GPUWheel `json:"wheels"`
}

// GPUWheel is one wheel of the CUDA stack and the libraries kept from it.
type GPUWheel struct {
	Package string            `json:"package"`
	Version string            `json:"version"`
	Dir     string            `json:"dir"`   // relative to CacheDir
	Files   map[string]string `json:"files"` // file name -> sha256
}

// ModelInfo describes one cross-encoder variant.
type ModelInfo struct {
	ID          string            `json:"id"`
	Upstream    string            `json:"upstream"`
	Source      string            `json:"source"`
	Dir         string            `json:"dir"` // relative to CacheDir
	Licence     string            `json:"licence"`
	Derivation  string            `json:"derivation"`
	BatchStable bool              `json:"batch_stable"`
	Files       map[string]string `json:"files"` // file name -> sha256
}

var manifest = sync.OnceValues(func() (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(manifestJSON, &m); err != nil {
		return nil, fmt.Errorf("models: embedded manifest.json: %w", err)
	}
	return &m, nil
})

// LoadManifest returns the embedded manifest.
func LoadManifest() (*Manifest, error) { return manifest() }

// Model returns the manifest entry with this id.
func (m *Manifest) Model(id string) (ModelInfo, bool) {
	for _, mi := range m.Models {
		if mi.ID == id {
			return mi, true
		}
	}
	return ModelInfo{}, false
}

// CacheDir is where make deps puts the native stack, read from the
// environment through getenv: $LINKSTREAM_CACHE when set (the Makefile
// exports it), else $XDG_CACHE_HOME/linkstream, else
// $HOME/.cache/linkstream, else .cache/linkstream. The package reads no
// environment of its own: the command line passes os.Getenv.
func CacheDir(getenv func(string) string) string {
	if d := getenv("LINKSTREAM_CACHE"); d != "" {
		return d
	}
	if d := getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "linkstream")
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".cache", "linkstream")
	}
	return filepath.Join(".cache", "linkstream")
}

// Paths are the cached files the default configuration uses.
type Paths struct {
	Cache      string // the cache directory they are in
	ORTLibrary string // the ONNX Runtime shared library
	ModelID    string // the manifest's default model
	ModelDir   string // its directory: model.onnx, tokenizer.json
}

// Default returns the ONNX Runtime library and default model directory
// in the cache directory (see CacheDir). It checks that the files exist
// (not their hashes: see Verify); a missing one gives a *FileError naming
// it and saying "run: make deps".
func Default(cache string) (Paths, error) {
	m, err := manifest()
	if err != nil {
		return Paths{}, err
	}
	return m.paths(cache, m.DefaultModel)
}

// ModelDir returns the directory of the manifest model with this id in the
// cache directory, checking that its model.onnx and tokenizer.json exist.
func ModelDir(cache, id string) (string, error) {
	m, err := manifest()
	if err != nil {
		return "", err
	}
	p, err := m.paths(cache, id)
	return p.ModelDir, err
}

func (m *Manifest) paths(cache, id string) (Paths, error) {
	mi, ok := m.Model(id)
	if !ok {
		return Paths{}, fmt.Errorf("models: no model %q in manifest.json", id)
	}
	p := Paths{
		Cache:      cache,
		ORTLibrary: filepath.Join(cache, filepath.FromSlash(m.Runtime.File)),
		ModelID:    mi.ID,
		ModelDir:   filepath.Join(cache, filepath.FromSlash(mi.Dir)),
	}
	for _, f := range []string{p.ORTLibrary, filepath.Join(p.ModelDir, modelFile), filepath.Join(p.ModelDir, tokenizerFile)} {
		if _, err := os.Stat(f); err != nil {
			return p, missing(f)
		}
	}
	return p, nil
}

// Verify hashes the library and the default model's files and compares them
// with the manifest (about a second for ~200 MB). A mismatch is a
// *FileError wrapping ErrCorrupt.
func Verify(p Paths) error {
	m, err := manifest()
	if err != nil {
		return err
	}
	if err := checkSHA256(p.ORTLibrary, m.Runtime.SHA256); err != nil {
		return err
	}
	mi, ok := m.Model(p.ModelID)
	if !ok {
		return fmt.Errorf("models: no model %q in manifest.json", p.ModelID)
	}
	for name, sum := range mi.Files {
		if err := checkSHA256(filepath.Join(p.ModelDir, name), sum); err != nil {
			return err
		}
	}
	return nil
}

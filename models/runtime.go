package models

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	ort "github.com/yalue/onnxruntime_go"
)

// ErrRuntimeMismatch is returned by InitRuntime when ONNX Runtime is already
// loaded in this process from a different library path (a process can load
// only one).
var ErrRuntimeMismatch = errors.New("models: ONNX Runtime already initialised from another library")

// ErrNoRuntime is returned by NewCrossEncoder when InitRuntime has not
// succeeded yet.
var ErrNoRuntime = errors.New("models: ONNX Runtime not initialised (call InitRuntime first)")

var rt struct {
	sync.Mutex
	path string // set once the environment is up
}

// InitRuntime loads the ONNX Runtime shared library at libPath and creates
// the process-wide ORT environment. Once it has succeeded, later calls with
// the same path return nil and calls with another path ErrRuntimeMismatch;
// a failed call leaves nothing behind, so it may be retried. A missing file
// or one that is not a loadable ONNX Runtime library gives a *FileError that
// names it and says "run: make deps".
func InitRuntime(libPath string) error {
	abs, err := filepath.Abs(libPath)
	if err != nil {
		return fmt.Errorf("models: runtime path %q: %w", libPath, err)
	}
	// Check the file before anything else, so a broken path is reported as
	// such even when a runtime is already up.
	if err := checkLibrary(abs); err != nil {
		return err
	}
	rt.Lock()
	defer rt.Unlock()
	if rt.path != "" {
		if rt.path == abs {
			return nil
		}
		return fmt.Errorf("%w: loaded %s, asked for %s", ErrRuntimeMismatch, rt.path, abs)
	}
	ort.SetSharedLibraryPath(abs)
	if err := ort.InitializeEnvironment(ort.WithLogLevelError()); err != nil {
		return corrupt(abs, err)
	}
	rt.path = abs
	return nil
}

// RuntimeVersion is the loaded ONNX Runtime's version, "" before InitRuntime.
func RuntimeVersion() string {
	rt.Lock()
	defer rt.Unlock()
	if rt.path == "" {
		return ""
	}
	return ort.GetVersion()
}

func runtimeReady() bool {
	rt.Lock()
	defer rt.Unlock()
	return rt.path != ""
}

// checkLibrary rejects what dlopen would reject later with a vaguer
// message: a missing file, a non-ELF file, a truncated one, or an ELF
// library without ONNX Runtime's entry point.
func checkLibrary(path string) error {
	if _, err := os.Stat(path); err != nil {
		return missing(path)
	}
	f, err := elf.Open(path)
	if err != nil {
		return corrupt(path, fmt.Errorf("not a shared library: %w", err))
	}
	defer f.Close()
	syms, err := f.DynamicSymbols()
	if err != nil {
		return corrupt(path, fmt.Errorf("reading symbols: %w", err))
	}
	for _, s := range syms {
		if s.Name == "OrtGetApiBase" {
			return nil
		}
	}
	return corrupt(path, errors.New("no OrtGetApiBase symbol: not an ONNX Runtime library"))
}

func checkSHA256(path, want string) error {
	f, err := os.Open(path)
	if err != nil {
		return missing(path)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return corrupt(path, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return corrupt(path, fmt.Errorf("sha256 %s, manifest says %s", got, want))
	}
	return nil
}

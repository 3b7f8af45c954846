package models

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// absentDriver stands in for libcuda.so.1 on machines that have it, so the
// missing-driver message is tested everywhere.
const absentDriver = "libcuda-absent-for-linkstream-tests.so.1"

func gpuManifest(t *testing.T) *Manifest {
	t.Helper()
	m, err := LoadManifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.GPU.Library == "" || m.GPU.Driver != "libcuda.so.1" || m.GPU.MinComputeCapability[0] == 0 || len(m.GPU.Wheels) == 0 || len(m.GPU.Preload) == 0 {
		t.Fatalf("manifest.json gpu section incomplete: %+v", m.GPU)
	}
	return m
}

// Nothing fetched, no driver: both are named, the cache's part with the
// ONNX Runtime library first and the make target.
func TestCUDARuntimeNotFetched(t *testing.T) {
	m := gpuManifest(t)
	cache := t.TempDir()
	_, err := m.cudaRuntime(cache, 0, absentDriver)
	if err == nil {
		t.Fatal("no error with an empty cache and no driver")
	}
	msg := err.Error()
	t.Logf("error seen by the user: %s", msg)
	lib := filepath.Join(cache, filepath.FromSlash(m.GPU.Library))
	var fe *FileError
	if !errors.As(err, &fe) || fe.Path != lib || !errors.Is(err, ErrMissing) {
		t.Errorf("want a *FileError for %s wrapping ErrMissing, got %v", lib, err)
	}
	for _, want := range []string{"(run: make deps-gpu)", "more CUDA libraries", absentDriver, "NVIDIA driver"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q", want)
		}
	}
	if !errors.Is(err, ErrNoCUDA) {
		t.Errorf("missing driver should wrap ErrNoCUDA: %v", err)
	}
}

// Everything fetched but no driver: only the driver is named.
func TestCUDARuntimeWithoutDriver(t *testing.T) {
	m := gpuManifest(t)
	cache := t.TempDir()
	for _, w := range m.GPU.Wheels {
		dir := filepath.Join(cache, filepath.FromSlash(w.Dir))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name := range w.Files {
			if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, err := m.cudaRuntime(cache, 0, absentDriver)
	if err == nil {
		t.Fatal("no error without a driver")
	}
	t.Logf("error seen by the user: %s", err)
	var fe *FileError
	if errors.As(err, &fe) {
		t.Errorf("every CUDA library is in the cache, yet: %v", fe)
	}
	if !errors.Is(err, ErrNoCUDA) || !strings.Contains(err.Error(), absentDriver) {
		t.Errorf("want ErrNoCUDA naming %s, got %v", absentDriver, err)
	}
}

// This machine as it is: with the real driver name and the real cache,
// CUDARuntime either readies the CUDA library or says what is missing.
// (Loading it needs a process of its own: this one holds the CPU runtime.)
func TestCUDARuntimeHere(t *testing.T) {
	m := gpuManifest(t)
	lib, err := CUDARuntime(cache, 0)
	if err == nil {
		if want := filepath.Join(cache, filepath.FromSlash(m.GPU.Library)); lib != want {
			t.Errorf("CUDARuntime = %s, want %s", lib, want)
		}
		return
	}
	msg := err.Error()
	t.Logf("error seen by the user: %s", msg)
	fetched := m.gpuFilesMissing(cache) == nil
	var fe *FileError
	switch {
	case fetched && errors.As(err, &fe) && errors.Is(err, ErrMissing):
		t.Errorf("make deps-gpu has run, yet: %v", err)
	case !fetched && !strings.Contains(msg, "(run: make deps-gpu)"):
		t.Errorf("CUDA libraries not fetched, and the message does not say make deps-gpu: %s", msg)
	case !errors.Is(err, ErrNoCUDA) && !errors.As(err, &fe):
		t.Errorf("want ErrNoCUDA or a *FileError, got %v", err)
	case errors.Is(err, ErrNoCUDA) && !strings.Contains(msg, "libcuda.so.1") && !strings.Contains(msg, "device"):
		t.Errorf("ErrNoCUDA names neither the driver nor the device: %s", msg)
	}
}

package models

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>

// ls_dlopen loads path with its symbols global. dlerror is read in the same
// call because its message is per thread and Go may move the goroutine.
static void *ls_dlopen(const char *path, const char **err) {
	void *h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
	if (h == NULL) *err = dlerror();
	return h;
}

typedef int (*ls_cu_init)(unsigned int);
typedef int (*ls_cu_count)(int *);
typedef int (*ls_cu_get)(int *, int);
typedef int (*ls_cu_attr)(int *, int, int);
typedef int (*ls_cu_name)(int, const char **);

// ls_cuda_device asks the driver how many devices it sees and, when ordinal
// is one of them, its compute capability. It returns 0 or the failing
// call's CUresult (-1: the library lacks the entry points), with the
// CUresult's name where the driver can give it.
static int ls_cuda_device(void *driver, int ordinal, int *count, int *major, int *minor, const char **name) {
	ls_cu_init init = (ls_cu_init)dlsym(driver, "cuInit");
	ls_cu_count n = (ls_cu_count)dlsym(driver, "cuDeviceGetCount");
	ls_cu_get get = (ls_cu_get)dlsym(driver, "cuDeviceGet");
	ls_cu_attr attr = (ls_cu_attr)dlsym(driver, "cuDeviceGetAttribute");
	ls_cu_name errname = (ls_cu_name)dlsym(driver, "cuGetErrorName");
	if (init == NULL || n == NULL || get == NULL || attr == NULL) return -1;
	int dev = 0;
	int r = init(0);
	if (r == 0) r = n(count);
	if (r == 0 && ordinal >= 0 && ordinal < *count) {
		r = get(&dev, ordinal);
		// CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR and _MINOR.
		if (r == 0) r = attr(major, 75, dev);
		if (r == 0) r = attr(minor, 76, dev);
	}
	if (r != 0 && errname != NULL) errname(r, name);
	return r;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"unsafe"
)

// CUDARuntime readies this process for the CUDA execution provider on GPU
// device and returns the CUDA build of ONNX Runtime in the cache directory,
// the library to pass to InitRuntime before NewCrossEncoder(..., CUDA(device)).
//
// It checks everything the provider will need, so that a missing piece is
// named here rather than as an ONNX Runtime session error: the libraries
// make deps-gpu fetches (a *FileError saying "run: make deps-gpu"), and the
// NVIDIA driver's libcuda.so.1 with a device of that number and a compute
// capability the CUDA libraries support (ErrNoCUDA);
// all that is missing is reported at once. Then it loads the CUDA libraries
// from the cache, dependencies first and by absolute path: the dynamic loader
// resolves the provider's dependencies by soname to those already loaded, so
// neither LD_LIBRARY_PATH nor a system CUDA toolkit is needed.
func CUDARuntime(cache string, device int) (string, error) {
	m, err := manifest()
	if err != nil {
		return "", err
	}
	return m.cudaRuntime(cache, device, m.GPU.Driver)
}

// cudaRuntime is CUDARuntime with the driver's library name as a parameter,
// so tests can see the message for a missing driver on a machine with one.
func (m *Manifest) cudaRuntime(cache string, device int, driver string) (string, error) {
	lib := filepath.Join(cache, filepath.FromSlash(m.GPU.Library))
	err := errors.Join(m.gpuFilesMissing(cache), cudaDevice(driver, device, m.GPU.MinComputeCapability))
	if err != nil {
		return "", err
	}
	for _, rel := range m.GPU.Preload {
		p := filepath.Join(cache, filepath.FromSlash(rel))
		if _, err := dlopen(p); err != nil {
			return "", &FileError{Path: p, Err: fmt.Errorf("%w: %w", ErrCorrupt, err), Fix: GPUFixTarget}
		}
	}
	return lib, nil
}

// gpuFilesMissing names the first absent library of the CUDA stack and how
// many more are absent, or returns nil.
func (m *Manifest) gpuFilesMissing(cache string) error {
	var absent []string
	for _, w := range m.GPU.Wheels {
		for name := range w.Files {
			p := filepath.Join(cache, filepath.FromSlash(w.Dir), name)
			if _, err := os.Stat(p); err != nil {
				absent = append(absent, p)
			}
		}
	}
	if len(absent) == 0 {
		return nil
	}
	sort.Strings(absent)
	// The ONNX Runtime library first: the one file a user would look for.
	lib := filepath.Join(cache, filepath.FromSlash(m.GPU.Library))
	first := absent[0]
	for _, p := range absent {
		if p == lib {
			first = p
		}
	}
	e := &FileError{Path: first, Err: ErrMissing, Fix: GPUFixTarget}
	if n := len(absent) - 1; n > 0 {
		e.Err = fmt.Errorf("%w, with %d more CUDA libraries", ErrMissing, n)
	}
	return e
}

// cudaDevice loads the NVIDIA driver's library and checks that it sees the
// device, of a compute capability (major, minor) the CUDA libraries support.
func cudaDevice(driver string, device int, minCC [2]int) error {
	h, err := dlopen(driver)
	if err != nil {
		return fmt.Errorf("%w: the NVIDIA driver's %s cannot be loaded (%v): this machine needs an NVIDIA GPU and its driver, r580 or newer for CUDA 13 (the CUDA libraries come from %s)",
			ErrNoCUDA, driver, err, GPUFixTarget)
	}
	var count, major, minor C.int
	var name *C.char
	if r := C.ls_cuda_device(h, C.int(device), &count, &major, &minor, &name); r != 0 {
		what := fmt.Sprintf("CUresult %d", int(r))
		if name != nil {
			what = C.GoString(name)
		}
		return fmt.Errorf("%w: %s loaded, but the driver finds no usable device (%s)", ErrNoCUDA, driver, what)
	}
	if device < 0 || device >= int(count) {
		return fmt.Errorf("%w: no CUDA device %d: the driver sees %d (numbered from 0)", ErrNoCUDA, device, int(count))
	}
	if cc := [2]int{int(major), int(minor)}; cc[0] < minCC[0] || cc[0] == minCC[0] && cc[1] < minCC[1] {
		return fmt.Errorf("%w: CUDA device %d has compute capability %d.%d; the CUDA 13 libraries of make deps-gpu need %d.%d (Turing) or newer",
			ErrNoCUDA, device, cc[0], cc[1], minCC[0], minCC[1])
	}
	return nil
}

// dlopen loads a shared library into the process for good (it is never
// closed: ONNX Runtime will use it until exit); the error is dlerror's.
func dlopen(path string) (unsafe.Pointer, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var msg *C.char
	h := C.ls_dlopen(cpath, &msg)
	if h == nil {
		return nil, errors.New(C.GoString(msg))
	}
	return h, nil
}

package kb

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ErrContentHash is returned by Verify when the files of a KB do not hash to
// the content hash in its format.json: a file was damaged or replaced.
var ErrContentHash = errors.New("kb: content hash mismatch")

// Verify re-reads every data file and checks the content hash. It costs a
// read of the whole KB, which Open deliberately does not do; run it after
// copying a KB, or when in doubt.
func (k *KB) Verify() error {
	h := sha256.New()
	for _, name := range dataFiles {
		f, err := os.Open(filepath.Join(k.dir, name))
		if err != nil {
			return fmt.Errorf("kb: verify %s: %w", k.dir, err)
		}
		fh := sha256.New()
		n, err := io.Copy(fh, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("kb: verify %s: %w", k.dir, err)
		}
		fmt.Fprintf(h, "%s %d %x\n", name, n, fh.Sum(nil))
	}
	if got := "sha256:" + hex.EncodeToString(h.Sum(nil)); got != k.info.ContentHash {
		return fmt.Errorf("kb: verify %s: files hash to %s, format.json says %s: %w", k.dir, got, k.info.ContentHash, ErrContentHash)
	}
	return nil
}

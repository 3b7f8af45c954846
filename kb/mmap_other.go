//go:build !unix

package kb

import "os"

// mapFile reads the file into memory where memory mapping is not
// available; opening then costs time proportional to the KB size.
func mapFile(path string) ([]byte, func() error, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	return b, func() error { return nil }, nil
}

package kb

import (
	"bufio"
	"compress/bzip2"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// openText opens a text input, plain or compressed (.gz, .bz2, by name),
// reporting the bytes read from the file to prog (nil for none).
func openText(path string, prog func(int64)) (io.Reader, func() error, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	var r io.Reader = bufio.NewReaderSize(&progressReader{r: f, add: prog}, 1<<20)
	switch {
	case strings.HasSuffix(path, ".gz"):
		z, err := gzip.NewReader(r)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		r = z
	case strings.HasSuffix(path, ".bz2"):
		r = bzip2.NewReader(r)
	}
	return r, f.Close, nil
}

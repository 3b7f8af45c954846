package dump

import (
	"bufio"
	"compress/bzip2"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// findIndex returns the multistream index next to a dump named
// …-multistream.xml.bz2, or "" when there is none.
func findIndex(path string) string {
	if !strings.Contains(path, "multistream") || !strings.HasSuffix(path, ".xml.bz2") {
		return ""
	}
	base := strings.TrimSuffix(path, ".xml.bz2")
	for _, c := range []string{base + "-index.txt.bz2", base + "-index.txt"} {
		if _, err := os.Stat(c); err == nil {
			return c
		}
	}
	return ""
}

// readIndex returns the sorted distinct stream offsets of a multistream
// index (lines "offset:pageid:title").
func readIndex(path string) ([]int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dump: index: %w", err)
	}
	defer f.Close()
	var r io.Reader = bufio.NewReaderSize(f, 1<<20)
	if strings.HasSuffix(path, ".bz2") {
		r = bzip2.NewReader(r)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var offs []int64
	last := int64(-1)
	line := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		i := strings.IndexByte(t, ':')
		if i <= 0 {
			return nil, fmt.Errorf("dump: index %s line %d: %q is not offset:id:title: %w", path, line, t, ErrCorrupt)
		}
		off, err := strconv.ParseInt(t[:i], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("dump: index %s line %d: %w (%w)", path, line, err, ErrCorrupt)
		}
		if off != last {
			offs = append(offs, off)
			last = off
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("dump: index %s: %w (%w)", path, err, ErrCorrupt)
	}
	slices.Sort(offs)
	return slices.Compact(offs), nil
}

// readMultistream decompresses the streams of a multistream dump in
// parallel: each worker takes the next stream from the index, inflates it
// and decodes its pages. Page order across streams is not kept.
func readMultistream(ctx context.Context, path, index string, opt Options, fn func(*Page) error) error {
	offs, err := readIndex(index)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("dump: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("dump: %w", err)
	}
	size := st.Size()
	for _, o := range offs {
		if o >= size {
			return &Error{Path: path, Offset: o, Uncompressed: -1, Err: fmt.Errorf("index points past the end of the file (%d bytes): truncated", size)}
		}
	}
	// the header stream before the first indexed offset is siteinfo only
	if len(offs) > 0 && offs[0] > 0 {
		opt.Progress.Bytes.Add(offs[0])
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	fail := func(err error) {
		once.Do(func() { first = err; cancel(err) })
	}
	for w := 0; w < opt.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(offs) {
					return
				}
				start, end := offs[i], size
				if i+1 < len(offs) {
					end = offs[i+1]
				}
				if err := readStream(ctx, f, path, start, end, opt, fn); err != nil {
					fail(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// readStream inflates one bzip2 stream [start, end) and decodes its pages in
// the calling goroutine.
func readStream(ctx context.Context, f *os.File, path string, start, end int64, opt Options, fn func(*Page) error) error {
	cr := &countingReader{r: io.NewSectionReader(f, start, end-start), p: opt.Progress}
	zr := bzip2.NewReader(bufio.NewReaderSize(cr, 256<<10))
	ch := make(chan chunk, 16)
	errc := make(chan error, 1)
	go func() {
		defer close(ch)
		errc <- split(ctx, zr, path, false, func() int64 { return start + cr.n }, cr, opt.Progress, ch)
	}()
	var ferr error
	for c := range ch {
		if ferr != nil {
			continue
		}
		p, err := decodePage(c.data)
		if err != nil {
			ferr = &Error{Path: path, Offset: c.file, Uncompressed: c.offset, Err: err}
			continue
		}
		p.Offset = c.offset
		opt.Progress.Pages.Add(1)
		if err := fn(p); err != nil {
			ferr = err
		}
	}
	if err := <-errc; err != nil {
		return err
	}
	return ferr
}

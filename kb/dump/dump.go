package dump

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
)

// Page is one page of a dump.
type Page struct {
	Title    string
	NS       int
	ID       int64
	Redirect string // redirect target from <redirect title=...>, "" if none
	Model    string // content model: "wikitext", "wikibase-item", ...
	Text     string
	Offset   int64 // decompressed byte offset of <page> in its stream
}

// ErrCorrupt is wrapped by every error about the content of a dump: a
// truncated file, a damaged compressed stream, or a page that is not
// well-formed XML. Such errors are *Error values carrying the position.
var ErrCorrupt = errors.New("corrupt or truncated dump")

// Error locates a problem in a dump file.
type Error struct {
	Path string
	// Offset is the byte offset in the file as stored (compressed bytes for
	// .bz2) at which reading failed.
	Offset int64
	// Uncompressed is the offset in the decompressed XML, -1 if unknown.
	Uncompressed int64
	Err          error
}

func (e *Error) Error() string {
	what := e.Err.Error()
	if errors.Is(e.Err, io.ErrUnexpectedEOF) {
		what = "truncated: the compressed data ends in the middle of a stream (" + what + ")"
	}
	if e.Uncompressed >= 0 {
		return fmt.Sprintf("dump %s: at byte %d (decompressed byte %d): %s", e.Path, e.Offset, e.Uncompressed, what)
	}
	return fmt.Sprintf("dump %s: at byte %d: %s", e.Path, e.Offset, what)
}

func (e *Error) Unwrap() []error { return []error{ErrCorrupt, e.Err} }

// Progress counts what has been read; safe for concurrent use. Bytes counts
// file bytes as stored (compressed for .bz2), so that Bytes/Total gives the
// fraction done.
type Progress struct {
	Pages atomic.Int64
	Bytes atomic.Int64
	XML   atomic.Int64 // decompressed bytes
	Total atomic.Int64 // sum of the sizes of the files being read
}

// Options tune reading. The zero value is valid.
type Options struct {
	// Workers decode pages and call the callback concurrently; default
	// GOMAXPROCS.
	Workers  int
	Progress *Progress
	// Index is the multistream index (…-multistream-index.txt[.bz2]); when
	// "" and the dump's name contains "multistream", it is looked for next to
	// the dump.
	Index string
}

// ReadFile streams the pages of one XML dump (plain or .bz2, detected by
// content) to fn, called from several goroutines at once. It returns the
// first error from reading or from fn, and stops early when ctx ends.
func ReadFile(ctx context.Context, path string, opt Options, fn func(*Page) error) error {
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.Progress == nil {
		opt.Progress = &Progress{}
	}
	idx := opt.Index
	if idx == "" {
		idx = findIndex(path)
	}
	if idx != "" {
		return readMultistream(ctx, path, idx, opt, fn)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("dump: %w", err)
	}
	defer f.Close()
	cr := &countingReader{r: f, p: opt.Progress}
	br := bufio.NewReaderSize(cr, 1<<20)
	var src io.Reader = br
	compressed := false
	if magic, _ := br.Peek(3); string(magic) == "BZh" {
		src = bzip2.NewReader(br)
		compressed = true
	}
	pos := func() int64 { return cr.n - int64(br.Buffered()) }
	if !compressed {
		pos = nil
	}
	return runWorkers(ctx, opt, fn, func(ctx context.Context, out chan<- chunk) error {
		return split(ctx, src, path, true, pos, cr, opt.Progress, out)
	})
}

type chunk struct {
	data   []byte
	offset int64
	path   string
	file   int64 // file offset near the page, for errors
}

// runWorkers runs produce in one goroutine and decodes its chunks in
// opt.Workers goroutines.
func runWorkers(ctx context.Context, opt Options, fn func(*Page) error, produce func(context.Context, chan<- chunk) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ch := make(chan chunk, opt.Workers*4)
	var wg sync.WaitGroup
	for w := 0; w < opt.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range ch {
				if ctx.Err() != nil {
					continue // drain
				}
				p, err := decodePage(c.data)
				if err != nil {
					cancel(&Error{Path: c.path, Offset: c.file, Uncompressed: c.offset, Err: err})
					continue
				}
				p.Offset = c.offset
				opt.Progress.Pages.Add(1)
				if err := fn(p); err != nil {
					cancel(err)
				}
			}
		}()
	}
	perr := produce(ctx, ch)
	close(ch)
	wg.Wait()
	if perr != nil && !errors.Is(perr, context.Canceled) {
		return perr
	}
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if perr != nil {
		return perr
	}
	return nil
}

type countingReader struct {
	r io.Reader
	n int64
	p *Progress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	if c.p != nil {
		c.p.Bytes.Add(int64(n))
	}
	return n, err
}

var (
	pageOpen  = []byte("<page>")
	pageClose = []byte("</page>")
)

// split cuts the decompressed XML into <page>…</page> chunks. filePos, when
// not nil, reports the current position in the file as stored.
func split(ctx context.Context, r io.Reader, path string, requireEnd bool, filePos func() int64, cr *countingReader, prog *Progress, out chan<- chunk) error {
	const block = 1 << 20
	buf := make([]byte, 0, 4*block)
	var base int64 // decompressed offset of buf[0]
	start := -1    // index of "<page>" in buf, -1 when between pages
	scan := 0
	eof := false
	where := func() int64 {
		if filePos != nil {
			return filePos()
		}
		return cr.n
	}
	for {
		if start < 0 {
			if i := bytes.Index(buf[scan:], pageOpen); i >= 0 {
				start = scan + i
				scan = start + len(pageOpen)
			} else if eof {
				if requireEnd && !bytes.Contains(buf[scan:], []byte("</mediawiki>")) {
					return &Error{Path: path, Offset: where(), Uncompressed: base + int64(len(buf)),
						Err: fmt.Errorf("truncated: no </mediawiki> after the last page")}
				}
				return nil
			} else {
				// keep a tail that may hold a partial "<page>"
				keep := 16 // room for a partial "<page>" or "</mediawiki>"
				if len(buf) > keep {
					drop := len(buf) - keep
					base += int64(drop)
					buf = append(buf[:0], buf[drop:]...)
				}
				scan = 0
			}
		}
		if start >= 0 {
			if i := bytes.Index(buf[scan:], pageClose); i >= 0 {
				end := scan + i + len(pageClose)
				data := make([]byte, end-start)
				copy(data, buf[start:end])
				select {
				case out <- chunk{data: data, offset: base + int64(start), path: path, file: where()}:
				case <-ctx.Done():
					return context.Cause(ctx)
				}
				scan = end
				start = -1
				continue
			}
			if eof {
				return &Error{Path: path, Offset: where(), Uncompressed: base + int64(len(buf)),
					Err: fmt.Errorf("truncated: page opened at decompressed byte %d is not closed", base+int64(start))}
			}
			scan = max(start, len(buf)-len(pageClose)+1)
			// drop what precedes the open page
			if start > 0 {
				base += int64(start)
				buf = append(buf[:0], buf[start:]...)
				scan -= start
				start = 0
			}
		}
		if eof {
			continue
		}
		if cap(buf)-len(buf) < block {
			nb := make([]byte, len(buf), 2*cap(buf)+block)
			copy(nb, buf)
			buf = nb
		}
		n, err := readSome(r, buf[len(buf):len(buf)+block])
		buf = buf[:len(buf)+n]
		prog.XML.Add(int64(n))
		if err == io.EOF {
			eof = true
		} else if err != nil {
			return &Error{Path: path, Offset: where(), Uncompressed: base + int64(len(buf)), Err: err}
		}
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
	}
}

type xmlPage struct {
	Title    string `xml:"title"`
	NS       int    `xml:"ns"`
	ID       int64  `xml:"id"`
	Redirect struct {
		Title string `xml:"title,attr"`
	} `xml:"redirect"`
	Revision struct {
		Model string `xml:"model"`
		Text  string `xml:"text"`
	} `xml:"revision"`
}

func decodePage(data []byte) (*Page, error) {
	var x xmlPage
	if err := xml.Unmarshal(data, &x); err != nil {
		return nil, fmt.Errorf("page XML: %w", err)
	}
	if x.Title == "" {
		return nil, fmt.Errorf("page without <title>")
	}
	return &Page{Title: x.Title, NS: x.NS, ID: x.ID, Redirect: x.Redirect.Title, Model: x.Revision.Model, Text: x.Revision.Text}, nil
}

// readSome fills b as far as the reader allows, returning io.EOF only at a
// clean end; a reader's io.ErrUnexpectedEOF (a truncated .bz2) stays an error.
func readSome(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

package kb

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/klauspost/compress/s2"
)

// spill keeps the plain text of pass 1 for pass 2, so that counting
// occurrences does not decompress and parse the dumps a second time. It is
// a file of length-prefixed texts compressed with S2 (fast enough not to
// show next to parsing), written by one goroutine that pages queue texts to.
type spill struct {
	path  string
	f     *os.File
	zw    *s2.Writer
	ch    chan spilled
	done  chan struct{}
	err   error
	bytes int64
	once  sync.Once
}

func newSpill(path string) (*spill, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("kb: build: spill: %w", err)
	}
	s := &spill{path: path, f: f, zw: s2.NewWriter(f, s2.WriterConcurrency(2)), ch: make(chan spilled, 256), done: make(chan struct{})}
	go s.run()
	return s, nil
}

func (s *spill) run() {
	defer close(s.done)
	var hdr [binary.MaxVarintLen64]byte
	put := func(str string) {
		if s.err != nil {
			return
		}
		n := binary.PutUvarint(hdr[:], uint64(len(str)))
		if _, err := s.zw.Write(hdr[:n]); err != nil {
			s.err = err
			return
		}
		if _, err := io.WriteString(s.zw, str); err != nil {
			s.err = err
		}
	}
	for t := range s.ch {
		put(t.title)
		put(t.anchors)
		put(t.text)
		s.bytes += int64(len(t.text))
	}
}

// spilled is one page kept for pass 2: its title, the anchor texts of
// its links (NUL-separated) and its plain text.
type spilled struct{ title, anchors, text string }

// add queues one page; safe for concurrent use until finish.
func (s *spill) add(p spilled) {
	if p.text != "" {
		s.ch <- p
	}
}

// finish flushes the file; texts reads it back.
func (s *spill) finish() error {
	s.once.Do(func() {
		close(s.ch)
		<-s.done
		if err := s.zw.Close(); err != nil && s.err == nil {
			s.err = err
		}
		if err := s.f.Close(); err != nil && s.err == nil {
			s.err = err
		}
	})
	if s.err != nil {
		return fmt.Errorf("kb: build: spill: %w", s.err)
	}
	return nil
}

// texts calls fn with every page spilled, in order.
func (s *spill) texts(fn func(spilled)) error {
	f, err := os.Open(s.path)
	if err != nil {
		return fmt.Errorf("kb: build: spill: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(s2.NewReader(f), 1<<20)
	get := func() (string, error) {
		n, err := binary.ReadUvarint(r)
		if err != nil {
			return "", err
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(r, b); err != nil {
			return "", err
		}
		return string(b), nil
	}
	for {
		title, err := get()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("kb: build: spill: %w", err)
		}
		anchors, err := get()
		if err != nil {
			return fmt.Errorf("kb: build: spill: %w", err)
		}
		text, err := get()
		if err != nil {
			return fmt.Errorf("kb: build: spill: %w", err)
		}
		fn(spilled{title, anchors, text})
	}
}

// remove deletes the spill file.
func (s *spill) remove() { os.Remove(s.path) }

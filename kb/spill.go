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
	ch    chan string
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
	s := &spill{path: path, f: f, zw: s2.NewWriter(f, s2.WriterConcurrency(2)), ch: make(chan string, 256), done: make(chan struct{})}
	go s.run()
	return s, nil
}

func (s *spill) run() {
	defer close(s.done)
	var hdr [binary.MaxVarintLen64]byte
	for t := range s.ch {
		if s.err != nil {
			continue
		}
		n := binary.PutUvarint(hdr[:], uint64(len(t)))
		if _, err := s.zw.Write(hdr[:n]); err != nil {
			s.err = err
			continue
		}
		if _, err := io.WriteString(s.zw, t); err != nil {
			s.err = err
		}
		s.bytes += int64(len(t))
	}
}

// add queues one text; safe for concurrent use until finish.
func (s *spill) add(text string) {
	if text != "" {
		s.ch <- text
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

// texts calls fn with every text spilled, in order.
func (s *spill) texts(fn func(string)) error {
	f, err := os.Open(s.path)
	if err != nil {
		return fmt.Errorf("kb: build: spill: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(s2.NewReader(f), 1<<20)
	for {
		n, err := binary.ReadUvarint(r)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("kb: build: spill: %w", err)
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(r, b); err != nil {
			return fmt.Errorf("kb: build: spill: %w", err)
		}
		fn(string(b))
	}
}

// remove deletes the spill file.
func (s *spill) remove() { os.Remove(s.path) }

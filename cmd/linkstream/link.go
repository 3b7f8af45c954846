package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/pipeline"
)

func runLink(ctx context.Context, args []string) error {
	fs := newFlagSet("link", "--kb KBDIR [--model DIR] [--in docs.jsonl|-] [--out links.jsonl|-]")
	var lf linkerFlags
	lf.register(fs)
	in := fs.String("in", "-", "input: JSONL documents, or plain text (one document); - is stdin")
	out := fs.String("out", "-", "output JSONL, one result per input document in input order; - is stdout")
	format := fs.String("format", "auto", "input format: auto (JSONL when it starts with '{'), jsonl or text")
	concurrency := fs.Int("concurrency", 4*runtime.GOMAXPROCS(0), "documents linked at once (more fill cross-encoder batches better)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	r, closeIn, err := openInput(*in)
	if err != nil {
		return err
	}
	defer closeIn()
	w, closeOut, err := openOutput(*out)
	if err != nil {
		return err
	}
	linker, err := lf.open()
	if err != nil {
		return err
	}
	defer linker.Close()
	docs, err := readDocuments(bufio.NewReaderSize(r, 1<<20), *format, *in)
	if err != nil {
		return err
	}
	failed, err := linkAll(ctx, linker.Linker, docs, w, *concurrency)
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err == nil && failed > 0 {
		err = fmt.Errorf("%d document(s) could not be linked: see their \"error\" fields", failed)
	}
	return err
}

// inputDoc is one document read from the input, or why it could not be read.
type inputDoc struct {
	doc link.Document
	err error
}

// readDocuments streams documents: JSONL line by line, plain text as one
// document. A malformed line becomes an error document, so the output
// still has one line per input line.
func readDocuments(r *bufio.Reader, format, name string) (<-chan inputDoc, error) {
	if format == "auto" {
		format = "text"
		for {
			b, err := r.Peek(1)
			if err != nil {
				break
			}
			if b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r' {
				r.ReadByte()
				continue
			}
			if b[0] == '{' {
				format = "jsonl"
			}
			break
		}
	}
	out := make(chan inputDoc, 64)
	switch format {
	case "text":
		go func() {
			defer close(out)
			text, err := io.ReadAll(r)
			out <- inputDoc{doc: link.Document{ID: name, Text: string(text)}, err: err}
		}()
	case "jsonl":
		go func() {
			defer close(out)
			for line := 1; ; line++ {
				b, err := r.ReadBytes('\n')
				if len(bytes.TrimSpace(b)) > 0 {
					var d link.Document
					derr := json.Unmarshal(b, &d)
					if derr != nil {
						derr = fmt.Errorf("%s line %d: %w", name, line, derr)
					}
					out <- inputDoc{doc: d, err: derr}
				}
				if err != nil {
					if !errors.Is(err, io.EOF) {
						out <- inputDoc{err: fmt.Errorf("%s line %d: %w", name, line, err)}
					}
					return
				}
			}
		}()
	default:
		return nil, fmt.Errorf("unknown --format %q (want auto, jsonl or text)", format)
	}
	return out, nil
}

// outputDoc is the link contract plus an error field for documents that
// could not be linked.
type outputDoc struct {
	link.Result
	Error string `json:"error,omitempty"`
}

// linkAll links documents concurrently and writes results in input order.
// It returns how many documents failed.
func linkAll(ctx context.Context, linker *pipeline.Linker, docs <-chan inputDoc, w io.Writer, concurrency int) (int, error) {
	pending := make(chan chan outputDoc, max(concurrency, 1))
	sem := make(chan struct{}, max(concurrency, 1))
	go func() {
		defer close(pending)
		for in := range docs {
			future := make(chan outputDoc, 1)
			select {
			case pending <- future:
			case <-ctx.Done():
				return
			}
			sem <- struct{}{}
			go func() {
				defer func() { <-sem }()
				future <- linkOne(ctx, linker, in)
			}()
		}
	}()
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	failed := 0
	for future := range pending {
		res := <-future
		if res.Error != "" {
			failed++
		}
		if err := enc.Encode(res); err != nil {
			return failed, err
		}
		if len(pending) == 0 { // nothing else ready: let a reader see it now
			if err := bw.Flush(); err != nil {
				return failed, err
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return failed, err
	}
	return failed, ctx.Err()
}

func linkOne(ctx context.Context, linker *pipeline.Linker, in inputDoc) outputDoc {
	if in.err != nil {
		return outputDoc{Result: link.Result{ID: in.doc.ID, Links: []link.Link{}, NIL: []link.NilMention{}}, Error: in.err.Error()}
	}
	res, err := linker.Link(ctx, in.doc)
	out := outputDoc{Result: res}
	if err != nil {
		out.Error = err.Error()
	}
	return out
}

func openInput(path string) (io.Reader, func() error, error) {
	if path == "-" {
		return os.Stdin, func() error { return nil }, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

func openOutput(path string) (io.Writer, func() error, error) {
	if path == "-" {
		return os.Stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/pipeline"
)

// openExampleKB builds and opens a KB of four pages, in which "Mercury"
// names a planet and an element; close the KB and remove dir when done.
func openExampleKB() (k *kb.KB, dir string, err error) {
	dir, err = os.MkdirTemp("", "pipeline-example-")
	if err != nil {
		return nil, "", err
	}
	page := func(id int, title, text string) string {
		return fmt.Sprintf("<page><title>%s</title><ns>0</ns><id>%d</id><revision><text>%s</text></revision></page>\n", title, id, text)
	}
	dump := "<mediawiki>\n" +
		page(1, "Mercury (planet)", "'''Mercury''' is the smallest planet of the Solar System and the closest to the Sun.") +
		page(2, "Mercury (element)", "'''Mercury''' is a chemical element, a heavy silvery metal that is liquid at room temperature.") +
		page(3, "Ada Lovelace", "'''Ada Lovelace''' was an English mathematician. She read about [[Mercury (planet)|Mercury]] and [[Mercury (element)|Mercury]].") +
		page(4, "Astronomy", "'''Astronomy''' studies [[Mercury (planet)|Mercury]] and the Sun, as [[Ada Lovelace]] did.") +
		"</mediawiki>"
	if err := os.WriteFile(filepath.Join(dir, "pages.xml"), []byte(dump), 0o644); err != nil {
		return nil, dir, err
	}
	out := filepath.Join(dir, "kb")
	if _, err := kb.Build(context.Background(), out, kb.Dump(filepath.Join(dir, "pages.xml"))); err != nil {
		return nil, dir, err
	}
	k, err = kb.Open(out)
	return k, dir, err
}

// A Linker over an open KB, without a model (mode never: the cheap score
// decides), links a document's mentions in text order. This KB is built
// from a dump, whose priors and inlinks live on other scales than the
// Wikipedia-scale KB's the embedded fit was fitted to: it scores with the
// hand-set weights (or a fit of its own, from 'linkstream train').
func ExampleLinker() {
	k, dir, err := openExampleKB()
	defer os.RemoveAll(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer k.Close()
	l, err := pipeline.New(k, pipeline.CrossEncoderMode(pipeline.Never), pipeline.WithFit(pipeline.HandSetFit))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()

	res, err := l.Link(context.Background(), link.Document{ID: "d1", Text: "Ada Lovelace watched Mercury cross the Sun."})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, lk := range res.Links {
		fmt.Printf("[%d,%d) %s -> %s (%s)\n", lk.Start, lk.End, lk.Mention, lk.Title, lk.Method)
	}
	// Output:
	// [0,12) Ada Lovelace -> Ada Lovelace (prior)
	// [21,28) Mercury -> Mercury (planet) (prior)
}

// wordOverlap is a toy Reranker: a candidate scores the number of its
// description's words that occur in the mention's context. A real one
// would call a model or a service, under the Link call's ctx.
type wordOverlap struct{}

func (wordOverlap) Rerank(ctx context.Context, pairs []pipeline.Pair) ([]float32, error) {
	scores := make([]float32, len(pairs))
	for i, p := range pairs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		query := strings.Fields(strings.ToLower(p.Query))
		for _, w := range strings.Fields(strings.ToLower(p.Passage)) {
			for _, q := range query {
				if len(w) > 3 && strings.Trim(q, ".,[]") == strings.Trim(w, ".,") {
					scores[i] += 5
				}
			}
		}
	}
	return scores, nil
}

// Any Reranker can stand in for the ONNX cross-encoder: here a toy one,
// asked about every mention with two or more candidates (mode always),
// over the dump-built KB of ExampleLinker and so with the hand-set weights.
func ExampleWithReranker() {
	k, dir, err := openExampleKB()
	defer os.RemoveAll(dir)
	var l *pipeline.Linker
	if err == nil {
		defer k.Close()
		l, err = pipeline.New(k, pipeline.WithReranker(wordOverlap{}), pipeline.CrossEncoderMode(pipeline.Always), pipeline.WithFit(pipeline.HandSetFit))
	}
	var res link.Result
	if err == nil {
		defer l.Close()
		res, err = l.Link(context.Background(), link.Document{ID: "d2", Text: "The thermometer held Mercury, a liquid metal."})
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, lk := range res.Links {
		fmt.Printf("%s -> %s (%s)\n", lk.Mention, lk.Title, lk.Method)
	}
	// Output:
	// Mercury -> Mercury (element) (cross-encoder)
}

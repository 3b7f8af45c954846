package bench

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/models"
	"github.com/linkstream/linkstream/pipeline"
)

// Throughput is work done over an elapsed time.
type Throughput struct {
	Docs, Mentions, Pairs int64
	Elapsed               time.Duration
}

func (t Throughput) per(n int64) float64 {
	if t.Elapsed <= 0 {
		return 0
	}
	return float64(n) / t.Elapsed.Seconds()
}

// DocsPerSec is documents linked per second.
func (t Throughput) DocsPerSec() float64 { return t.per(t.Docs) }

// MentionsPerSec is mentions (links and NILs) decided per second.
func (t Throughput) MentionsPerSec() float64 { return t.per(t.Mentions) }

// PairsPerSec is cross-encoder pairs scored per second.
func (t Throughput) PairsPerSec() float64 { return t.per(t.Pairs) }

// Link runs Link over docs, round after round, from `concurrency`
// goroutines until minDuration has passed (and every document was linked at
// least once). With concurrency 1 and a Linker in mode Never it measures the
// cheap path on one core.
func Link(ctx context.Context, l *pipeline.Linker, docs []link.Document, concurrency int, minDuration time.Duration) (Throughput, error) {
	if len(docs) == 0 {
		return Throughput{}, fmt.Errorf("bench: no documents")
	}
	before := l.Stats()
	var next, mentions atomic.Int64
	var firstErr error
	var errOnce sync.Once
	start := time.Now()
	deadline := start.Add(minDuration)
	var wg sync.WaitGroup
	for range max(concurrency, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(docs)) && time.Now().After(deadline) || ctx.Err() != nil {
					return
				}
				res, err := l.Link(ctx, docs[i%int64(len(docs))])
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				mentions.Add(int64(len(res.Links) + len(res.NIL)))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	after := l.Stats()
	done := min(next.Load(), after.Documents-before.Documents)
	return Throughput{Docs: done, Mentions: mentions.Load(), Pairs: after.Batches.Pairs - before.Batches.Pairs, Elapsed: elapsed}, firstErr
}

// TightLoop is the ceiling the micro-batcher is held to: the model run
// back to back on ready batches of `batch` pairs, no queue, no goroutines.
func TightLoop(enc *models.CrossEncoder, encs []models.Encoded, batch int, minDuration time.Duration) (Throughput, error) {
	batches := chunk(encs, batch)
	if len(batches) == 0 {
		return Throughput{}, fmt.Errorf("bench: fewer pairs than one batch of %d", batch)
	}
	if _, err := enc.Run(batches[0]); err != nil { // warm-up
		return Throughput{}, err
	}
	var t Throughput
	start := time.Now()
	for i := 0; i < len(batches) || time.Since(start) < minDuration; i++ {
		b := batches[i%len(batches)]
		if _, err := enc.Run(b); err != nil {
			return t, err
		}
		t.Pairs += int64(len(b))
	}
	t.Elapsed = time.Since(start)
	return t, nil
}

// Batcher sends the same pairs one at a time from `concurrency`
// goroutines through the Linker's micro-batcher, as many documents' pairs
// arrive in service: the batcher must build the batches itself.
func Batcher(ctx context.Context, l *pipeline.Linker, encs []models.Encoded, concurrency int, minDuration time.Duration) (Throughput, error) {
	if _, err := l.CrossEncode(ctx, encs[:1]); err != nil { // warm-up
		return Throughput{}, err
	}
	var next, done atomic.Int64
	var firstErr error
	var errOnce sync.Once
	start := time.Now()
	deadline := start.Add(minDuration)
	var wg sync.WaitGroup
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(encs)) && time.Now().After(deadline) || ctx.Err() != nil {
					return
				}
				if _, err := l.CrossEncode(ctx, encs[i%int64(len(encs)):i%int64(len(encs))+1]); err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	return Throughput{Pairs: done.Load(), Elapsed: time.Since(start)}, firstErr
}

// FixedLengthPairs encodes (query, passage) pairs that all fill exactly
// the encoder's maximum length, so a tight loop and the batcher see the
// same shapes: the query is a long run of document text, the passage an
// entity description, and longest-first truncation trims both to fit.
func FixedLengthPairs(enc *models.CrossEncoder, docs []link.Document, passages []string, n int) []models.Encoded {
	var out []models.Encoded
	for i := 0; len(out) < n && i < 4*n; i++ {
		text := docs[i%len(docs)].Text
		words := strings.Fields(text)
		if len(words) == 0 || len(passages) == 0 {
			break
		}
		from := (i * 37) % len(words)
		query := strings.Join(words[from:min(len(words), from+200)], " ")
		e := enc.Encode(query, passages[i%len(passages)])
		if e.Len() == enc.MaxLength() {
			out = append(out, e)
		}
	}
	return out
}

func chunk(encs []models.Encoded, size int) [][]models.Encoded {
	var out [][]models.Encoded
	for i := 0; i+size <= len(encs); i += size {
		out = append(out, encs[i:i+size])
	}
	return out
}

// Row is one line of the printed table.
type Row struct {
	What, Value, Unit, Note string
}

// Print writes rows as an aligned, Markdown-compatible table.
func Print(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.Debug)
	fmt.Fprintln(tw, " measurement\t value\t unit\t note")
	fmt.Fprintln(tw, " ---\t ---\t ---\t ---")
	for _, r := range rows {
		fmt.Fprintf(tw, " %s\t %s\t %s\t %s\n", r.What, r.Value, r.Unit, r.Note)
	}
	return tw.Flush()
}

// MiniLM is the shape of the MS MARCO MiniLM cross-encoders (L-12 and L-6,
// hidden 384, feed-forward 1536): what FLOPs counts need.
type MiniLM struct{ Layers, Hidden, FFN int }

// MiniLML12 is the default model's shape.
var MiniLML12 = MiniLM{Layers: 12, Hidden: 384, FFN: 1536}

// FLOPs of one pair of n tokens: per layer and token the four attention
// projections (4·h²), the feed-forward (2·h·ffn) and the attention itself
// (2·n·h) multiply-adds, two FLOPs each. Embeddings, norms, softmax and the
// classifier add under 1%.
func (m MiniLM) FLOPs(n int) float64 {
	h, f := float64(m.Hidden), float64(m.FFN)
	perToken := 4*h*h + 2*h*f + 2*float64(n)*h
	return 2 * float64(m.Layers) * float64(n) * perToken
}

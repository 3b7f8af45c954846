package eval

import (
	"context"

	"github.com/linkstream/linkstream/link"
)

// The package does not import the pipeline on purpose: the pipeline links
// native libraries (ONNX Runtime, tokenizers) through cgo, and the scorer
// must build, test and score saved predictions without them. It is written
// against the link contract instead: Evaluate takes any link.Linker
// (pipeline.Linker is one, saved `link` output replayed is another). The
// Result's links are scored; its NIL mentions never score but count as
// spotted mentions for mentions/s.

// Span is a mention position in code points, End exclusive.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Candidate is one entity the linker considered for a span, with whatever
// feature scores it computed (prior, context similarity, cross-encoder
// logit, ...). The errors file carries them verbatim.
type Candidate struct {
	Title    string             `json:"title"`
	Score    float64            `json:"score"`
	Features map[string]float64 `json:"features,omitempty"`
}

// SpanDecision is the linker's answer for one given span: the chosen title
// ("" for NIL) and, when it can tell, the candidates it weighed, best first.
type SpanDecision struct {
	Title      string      `json:"title"`
	Score      float64     `json:"score"`
	Method     string      `json:"method,omitempty"`
	Candidates []Candidate `json:"candidates,omitempty"`
}

// SpanLinker links given spans instead of spotting its own: the
// disambiguation-only task (GERBIL's D2KB), and the source of candidates and
// feature scores for the errors file. It returns one decision per span, in
// order. The pipeline implements it; cmd/linkstream adapts its types.
type SpanLinker interface {
	LinkSpans(ctx context.Context, doc link.Document, spans []Span) ([]SpanDecision, error)
}

// StreamResetter is a linker whose links depend on the documents it
// linked before (the pipeline's stream memory). Evaluate resets it before
// each pass over a dataset, so that neither pass nor dataset leans on
// another's documents.
type StreamResetter interface {
	ResetStream()
}

// resetStream resets l when it is a StreamResetter.
func resetStream(l any) {
	if r, ok := l.(StreamResetter); ok {
		r.ResetStream()
	}
}

// SpanLinkerFunc adapts a function to SpanLinker.
type SpanLinkerFunc func(ctx context.Context, doc link.Document, spans []Span) ([]SpanDecision, error)

// LinkSpans calls f.
func (f SpanLinkerFunc) LinkSpans(ctx context.Context, doc link.Document, spans []Span) ([]SpanDecision, error) {
	return f(ctx, doc, spans)
}

// KB is what the scorer needs from the knowledge base. Titles passed in are
// already normalised (NormalizeTitle).
type KB interface {
	// Resolve returns the canonical title of an entity, following redirects;
	// ok is false when the KB does not hold the entity.
	Resolve(title string) (canonical string, ok bool)
	// HasDescription reports whether the entity (canonical title) has a
	// non-empty description for context scoring.
	HasDescription(canonical string) bool
	// Type returns the entity's coarse type (PER, ORG, LOC, MISC) or "".
	Type(canonical string) string
}

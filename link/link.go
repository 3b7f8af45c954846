package link

import (
	"context"
	"time"
)

// Document is one input text to link. JSON field names follow the input
// contract of docs/DESIGN.md: {"id","text","title"?,"lang"?,"published_at"?,"url"?}.
type Document struct {
	ID          string     `json:"id"`
	Text        string     `json:"text"`
	Title       string     `json:"title,omitempty"`
	Lang        string     `json:"lang,omitempty"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	URL         string     `json:"url,omitempty"`
}

// DefaultMaxDocumentBytes is the default bound on a document: the text
// pipeline.Linker accepts and the record value the consumer reads (1 MiB,
// Kafka's default record size limit and far beyond any news article).
const DefaultMaxDocumentBytes = 1 << 20

// Method says which stage decided a link.
type Method string

const (
	// MethodPrior: the surface had one dominant candidate; decided by the prior alone.
	MethodPrior Method = "prior"
	// MethodContext: decided by the cheap score (prior × prominence × context similarity).
	MethodContext Method = "context"
	// MethodCrossEncoder: the mention was ambiguous and the reranker decided.
	MethodCrossEncoder Method = "cross-encoder"
)

// Link is one mention linked to a Wikipedia entity. Start and End are Unicode
// code-point offsets into Document.Text, End exclusive.
type Link struct {
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Mention string `json:"mention"`
	Title   string `json:"title"`
	URL     string `json:"url"`
	QID     string `json:"qid,omitempty"`
	Type    string `json:"type"`
	// Score is the confidence that the link is right, in [0, 1]; the
	// pipeline's is calibrated on the development sets (pipeline.Fit).
	Score float64 `json:"score"`
	// Ambiguity is the runner-up's probability over the winner's among
	// the candidates.
	Ambiguity float64 `json:"ambiguity"`
	Method    Method  `json:"method"`
}

// NilMention is a mention that was spotted but judged unlinkable (no
// candidate, or the best one's confidence below the NIL threshold).
type NilMention struct {
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Mention string `json:"mention"`
	Type    string `json:"type,omitempty"`
}

// Result is a linker's answer for one Document: the `link` output contract,
// links and NIL mentions each in text order. Links and NIL are empty, not
// nil, in a Result a Linker returns, so that they encode as [] in JSON.
type Result struct {
	ID    string       `json:"id"`
	Links []Link       `json:"links"`
	NIL   []NilMention `json:"nil"`
}

// Linker links one document. Implementations must be safe for concurrent
// use. An error that wraps an *Error says whether linking the same document
// again can succeed (see IsPermanent); any other error counts as transient.
type Linker interface {
	Link(ctx context.Context, doc Document) (Result, error)
}

// Func adapts a function to Linker.
type Func func(ctx context.Context, doc Document) (Result, error)

// Link calls f.
func (f Func) Link(ctx context.Context, doc Document) (Result, error) { return f(ctx, doc) }

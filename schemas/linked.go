package schemas

import (
	_ "embed"
	"fmt"
	"sync"
	"time"

	"github.com/hamba/avro/v2"

	"github.com/linkstream/linkstream/pipeline"
)

// LinkedDocumentAVSC is the output record's schema text, as registered in a
// Schema Registry under the output topic's "<topic>-value" subject.
//
//go:embed linked_document.avsc
var LinkedDocumentAVSC string

var linkedSchema = sync.OnceValues(func() (avro.Schema, error) {
	return avro.ParseWithCache(LinkedDocumentAVSC, "", &avro.SchemaCache{})
})

// LinkedDocumentSchema returns the parsed output schema.
func LinkedDocumentSchema() avro.Schema {
	s, err := linkedSchema()
	if err != nil {
		// The schema is embedded and covered by tests: failing here is a
		// build defect, not a runtime condition.
		panic(fmt.Sprintf("schemas: embedded linked_document.avsc does not parse: %v", err))
	}
	return s
}

// LinkedDocument is the output record: one per input document.
type LinkedDocument struct {
	ID          string       `avro:"id"`
	Source      Source       `avro:"source"`
	Links       []Link       `avro:"links"`
	NIL         []NilMention `avro:"nil"`
	KBVersion   string       `avro:"kb_version"`
	ModelID     string       `avro:"model_id"`
	ProcessedAt time.Time    `avro:"processed_at"`
}

// Source says where the input record was read.
type Source struct {
	Topic     string `avro:"topic"`
	Partition int32  `avro:"partition"`
	Offset    int64  `avro:"offset"`
}

// Link mirrors pipeline.Link in the output schema.
type Link struct {
	Start     int32   `avro:"start"`
	End       int32   `avro:"end"`
	Mention   string  `avro:"mention"`
	Title     string  `avro:"title"`
	URL       string  `avro:"url"`
	QID       *string `avro:"qid"`
	Type      string  `avro:"type"`
	Score     float64 `avro:"score"`
	Ambiguity float64 `avro:"ambiguity"`
	Method    string  `avro:"method"`
}

// NilMention mirrors pipeline.NilMention in the output schema.
type NilMention struct {
	Start   int32   `avro:"start"`
	End     int32   `avro:"end"`
	Mention string  `avro:"mention"`
	Type    *string `avro:"type"`
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// NewLinkedDocument builds the output record of res. processedAt is kept
// to the millisecond, the schema's precision.
func NewLinkedDocument(res pipeline.Result, src Source, kbVersion, modelID string, processedAt time.Time) LinkedDocument {
	d := LinkedDocument{
		ID:          res.ID,
		Source:      src,
		Links:       make([]Link, len(res.Links)),
		NIL:         make([]NilMention, len(res.NIL)),
		KBVersion:   kbVersion,
		ModelID:     modelID,
		ProcessedAt: processedAt.UTC().Truncate(time.Millisecond),
	}
	for i, l := range res.Links {
		d.Links[i] = Link{
			Start: int32(l.Start), End: int32(l.End), Mention: l.Mention, Title: l.Title,
			URL: l.URL, QID: optional(l.QID), Type: l.Type, Score: l.Score,
			Ambiguity: l.Ambiguity, Method: string(l.Method),
		}
	}
	for i, n := range res.NIL {
		d.NIL[i] = NilMention{Start: int32(n.Start), End: int32(n.End), Mention: n.Mention, Type: optional(n.Type)}
	}
	return d
}

// Result converts the record back to the linker's Result.
func (d *LinkedDocument) Result() pipeline.Result {
	r := pipeline.Result{ID: d.ID, Links: make([]pipeline.Link, len(d.Links)), NIL: make([]pipeline.NilMention, len(d.NIL))}
	for i, l := range d.Links {
		r.Links[i] = pipeline.Link{
			Start: int(l.Start), End: int(l.End), Mention: l.Mention, Title: l.Title, URL: l.URL,
			Type: l.Type, Score: l.Score, Ambiguity: l.Ambiguity, Method: pipeline.Method(l.Method),
		}
		if l.QID != nil {
			r.Links[i].QID = *l.QID
		}
	}
	for i, n := range d.NIL {
		r.NIL[i] = pipeline.NilMention{Start: int(n.Start), End: int(n.End), Mention: n.Mention}
		if n.Type != nil {
			r.NIL[i].Type = *n.Type
		}
	}
	return r
}

// AppendAvro appends the plain Avro body of d (no wire header) to dst.
func (d *LinkedDocument) AppendAvro(dst []byte) ([]byte, error) {
	b, err := avro.Marshal(LinkedDocumentSchema(), d)
	if err != nil {
		return dst, fmt.Errorf("schemas: encode linked document %q: %w", d.ID, err)
	}
	return append(dst, b...), nil
}

// DecodeLinkedDocument decodes a plain Avro body written with the current
// output schema.
func DecodeLinkedDocument(body []byte) (LinkedDocument, error) {
	var d LinkedDocument
	if err := avro.Unmarshal(LinkedDocumentSchema(), body, &d); err != nil {
		return d, fmt.Errorf("schemas: decode linked document: %w", err)
	}
	return d, nil
}

// LinkedDocumentDecoder decodes bodies written with another (older or
// newer) version of the output schema, as read from a registry, into the
// current struct: fields are matched by name.
type LinkedDocumentDecoder struct{ writer avro.Schema }

// NewLinkedDocumentDecoder parses a writer schema.
func NewLinkedDocumentDecoder(writerSchema string) (*LinkedDocumentDecoder, error) {
	s, err := avro.ParseWithCache(writerSchema, "", &avro.SchemaCache{})
	if err != nil {
		return nil, fmt.Errorf("schemas: parse writer schema: %w", err)
	}
	return &LinkedDocumentDecoder{writer: s}, nil
}

// Decode decodes one body.
func (dec *LinkedDocumentDecoder) Decode(body []byte) (LinkedDocument, error) {
	var d LinkedDocument
	if err := avro.Unmarshal(dec.writer, body, &d); err != nil {
		return d, fmt.Errorf("schemas: decode linked document: %w", err)
	}
	return d, nil
}

package schemas

import (
	_ "embed"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hamba/avro/v2"

	"github.com/linkstream/linkstream/link"
)

// DocumentAVSC is the reference schema of an Avro input document. Producers
// may use any record schema with string fields id and text; see
// DocumentDecoder.
//
//go:embed document.avsc
var DocumentAVSC string

var documentSchema = sync.OnceValues(func() (avro.Schema, error) {
	return avro.ParseWithCache(DocumentAVSC, "", &avro.SchemaCache{})
})

// ErrNotDocument is returned by DocumentDecoder when a writer schema or a
// decoded value is not a record with string fields "id" and "text".
var ErrNotDocument = errors.New("schemas: not a document record (want a record with string fields id and text)")

// EncodeDocument writes doc as a plain Avro body with the reference schema.
func EncodeDocument(doc link.Document) ([]byte, error) {
	s, err := documentSchema()
	if err != nil {
		return nil, fmt.Errorf("schemas: embedded document.avsc: %w", err)
	}
	v := map[string]any{
		"id": doc.ID, "text": doc.Text,
		"title": union("string", doc.Title), "lang": union("string", doc.Lang),
		"url": union("string", doc.URL), "published_at": nil,
	}
	if doc.PublishedAt != nil {
		v["published_at"] = map[string]any{"long.timestamp-millis": doc.PublishedAt.UTC()}
	}
	b, err := avro.Marshal(s, v)
	if err != nil {
		return nil, fmt.Errorf("schemas: encode document %q: %w", doc.ID, err)
	}
	return b, nil
}

func union(typ, s string) any {
	if s == "" {
		return nil
	}
	return map[string]any{typ: s}
}

// DocumentDecoder decodes Avro input documents written with one writer
// schema. It is safe for concurrent use.
type DocumentDecoder struct{ writer avro.Schema }

// NewDocumentDecoder parses a writer schema (as served by a registry) and
// checks that it is a record with id and text fields.
func NewDocumentDecoder(writerSchema string) (*DocumentDecoder, error) {
	s, err := avro.ParseWithCache(writerSchema, "", &avro.SchemaCache{})
	if err != nil {
		return nil, fmt.Errorf("schemas: parse input schema: %w", err)
	}
	rec, ok := s.(*avro.RecordSchema)
	if !ok {
		return nil, fmt.Errorf("%w: schema is %s", ErrNotDocument, s.Type())
	}
	var id, text bool
	for _, f := range rec.Fields() {
		id = id || f.Name() == "id"
		text = text || f.Name() == "text"
	}
	if !id || !text {
		return nil, fmt.Errorf("%w: schema %s lacks id or text", ErrNotDocument, rec.FullName())
	}
	return &DocumentDecoder{writer: s}, nil
}

// Decode decodes one Avro body into a Document. Optional fields may be
// plain or nullable unions in the writer schema.
func (dec *DocumentDecoder) Decode(body []byte) (link.Document, error) {
	var m map[string]any
	if err := avro.Unmarshal(dec.writer, body, &m); err != nil {
		return link.Document{}, fmt.Errorf("schemas: decode document: %w", err)
	}
	var doc link.Document
	var ok bool
	if doc.ID, ok = unwrap(m["id"]).(string); !ok {
		return doc, fmt.Errorf("%w: id is %T", ErrNotDocument, unwrap(m["id"]))
	}
	if doc.Text, ok = unwrap(m["text"]).(string); !ok {
		return doc, fmt.Errorf("%w: text is %T", ErrNotDocument, unwrap(m["text"]))
	}
	doc.Title, _ = unwrap(m["title"]).(string)
	doc.Lang, _ = unwrap(m["lang"]).(string)
	doc.URL, _ = unwrap(m["url"]).(string)
	switch t := unwrap(m["published_at"]).(type) {
	case time.Time:
		t = t.UTC()
		doc.PublishedAt = &t
	case int64:
		tt := time.UnixMilli(t).UTC()
		doc.PublishedAt = &tt
	}
	return doc, nil
}

// unwrap returns the value of a decoded union ({"type": value}) or v itself.
func unwrap(v any) any {
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		for _, x := range m {
			return x
		}
	}
	return v
}

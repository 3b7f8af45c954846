package consumer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/producer"
	"github.com/linkstream/linkstream/schemas"
)

// decodeError is a record that cannot become a document: it is
// dead-lettered with reason.
type decodeError struct {
	reason producer.Reason
	err    error
}

func (e *decodeError) Error() string { return fmt.Sprintf("%s: %v", e.reason, e.err) }
func (e *decodeError) Unwrap() error { return e.err }

func bad(reason producer.Reason, format string, args ...any) error {
	return &decodeError{reason: reason, err: fmt.Errorf(format, args...)}
}

// decoders caches the Avro input decoders by registry schema id.
type decoders struct {
	reg *sr.Client
	mu  sync.Mutex
	m   map[int]*schemas.DocumentDecoder
}

// get returns the decoder of schema id. A registry that answers "not found"
// yields a decodeError (unknown-schema); any other registry failure is
// returned as is, and so is transient.
func (d *decoders) get(ctx context.Context, id int) (*schemas.DocumentDecoder, error) {
	d.mu.Lock()
	dec, ok := d.m[id]
	d.mu.Unlock()
	if ok {
		return dec, nil
	}
	s, err := d.reg.SchemaByID(ctx, id)
	if err != nil {
		var re *sr.ResponseError
		if errors.As(err, &re) && (re.StatusCode == http.StatusNotFound || re.ErrorCode == 40403) {
			return nil, bad(producer.ReasonUnknownSchema, "schema id %d: %w", id, err)
		}
		return nil, fmt.Errorf("schema registry: schema id %d: %w", id, err)
	}
	if s.Type != sr.TypeAvro {
		return nil, bad(producer.ReasonBadAvro, "schema id %d is %s, not Avro", id, s.Type)
	}
	dec, err = schemas.NewDocumentDecoder(s.Schema)
	if err != nil {
		return nil, bad(producer.ReasonBadAvro, "schema id %d: %w", id, err)
	}
	d.mu.Lock()
	if d.m == nil {
		d.m = map[int]*schemas.DocumentDecoder{}
	}
	d.m[id] = dec
	d.mu.Unlock()
	return dec, nil
}

// decode turns a record into a document. A *decodeError means the record
// is poison; any other error is a transient registry failure.
func (s *Service) decode(ctx context.Context, r *kgo.Record) (link.Document, error) {
	var doc link.Document
	v := r.Value
	switch {
	case len(bytes.TrimSpace(v)) == 0:
		return doc, bad(producer.ReasonEmpty, "empty value")
	case len(v) > s.cfg.maxDocBytes:
		return doc, bad(producer.ReasonTooLarge, "value is %d bytes, limit %d", len(v), s.cfg.maxDocBytes)
	case v[0] == 0:
		if s.dec == nil {
			return doc, bad(producer.ReasonNoRegistry, "Avro (wire format) value but no schema registry configured")
		}
		id, body, err := schemas.SplitWire(v)
		if err != nil {
			return doc, bad(producer.ReasonBadAvro, "%w", err)
		}
		dec, err := s.dec.get(ctx, id)
		if err != nil {
			return doc, err
		}
		if doc, err = dec.Decode(body); err != nil {
			return doc, bad(producer.ReasonBadAvro, "schema id %d: %w", id, err)
		}
		if !utf8.ValidString(doc.Text) || !utf8.ValidString(doc.ID) {
			return doc, bad(producer.ReasonInvalidUTF8, "Avro document id or text is not valid UTF-8")
		}
	default:
		// encoding/json would silently replace invalid UTF-8 with U+FFFD,
		// shifting nothing but corrupting mentions: refuse it instead.
		if !utf8.Valid(v) {
			return doc, bad(producer.ReasonInvalidUTF8, "value is not valid UTF-8")
		}
		if err := json.Unmarshal(v, &doc); err != nil {
			return doc, bad(producer.ReasonBadJSON, "%w", err)
		}
	}
	if doc.ID == "" {
		if len(r.Key) == 0 || !utf8.Valid(r.Key) {
			return doc, bad(producer.ReasonMissingID, "document has no id and the record no usable key")
		}
		doc.ID = string(r.Key)
	}
	if strings.TrimSpace(doc.Text) == "" {
		return doc, bad(producer.ReasonEmpty, "document %q has no text", doc.ID)
	}
	return doc, nil
}

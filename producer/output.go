package producer

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/linkstream/linkstream/schemas"
)

// Encoder turns linked documents into output record values. It is safe for
// concurrent use.
type Encoder struct {
	schemaID int // 0: plain Avro, no wire header
}

// NewEncoder returns an Encoder writing plain Avro bodies when reg is nil;
// otherwise it registers schemas/linked_document.avsc under subject (use
// SubjectFor) and writes the Confluent wire format with the returned id.
func NewEncoder(ctx context.Context, reg *sr.Client, subject string) (*Encoder, error) {
	if reg == nil {
		return &Encoder{}, nil
	}
	id, err := reg.RegisterSchema(ctx, subject, sr.Schema{Schema: schemas.LinkedDocumentAVSC, Type: sr.TypeAvro}, -1, -1)
	if err != nil {
		return nil, fmt.Errorf("producer: register output schema under %q: %w", subject, err)
	}
	return &Encoder{schemaID: id}, nil
}

// SubjectFor is the registry subject of a topic's values (the registry's
// default topic-name strategy).
func SubjectFor(topic string) string { return topic + "-value" }

// SchemaID is the registry id the Encoder writes, 0 for plain Avro.
func (e *Encoder) SchemaID() int { return e.schemaID }

// Encode returns the record value of d.
func (e *Encoder) Encode(d *schemas.LinkedDocument) ([]byte, error) {
	if e.schemaID == 0 {
		return d.AppendAvro(nil)
	}
	body, err := d.AppendAvro(make([]byte, 0, 256))
	if err != nil {
		return nil, err
	}
	return schemas.AppendWire(make([]byte, 0, len(body)+5), e.schemaID, body), nil
}

package producer

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/schemas"
)

// DocumentEncoder writes input documents for a topic `linkstream run`
// reads: JSON by default, Confluent wire-format Avro with the reference
// schema (schemas/document.avsc) when built with a registry.
type DocumentEncoder struct {
	schemaID int
}

// NewDocumentEncoder returns a JSON encoder when reg is nil; otherwise it
// registers the reference input schema under subject and writes Avro.
func NewDocumentEncoder(ctx context.Context, reg *sr.Client, subject string) (*DocumentEncoder, error) {
	if reg == nil {
		return &DocumentEncoder{}, nil
	}
	id, err := reg.RegisterSchema(ctx, subject, sr.Schema{Schema: schemas.DocumentAVSC, Type: sr.TypeAvro}, -1, -1)
	if err != nil {
		return nil, fmt.Errorf("producer: register input schema under %q: %w", subject, err)
	}
	return &DocumentEncoder{schemaID: id}, nil
}

// Record returns the input record of doc for topic, keyed by its id.
func (e *DocumentEncoder) Record(topic string, doc link.Document) (*kgo.Record, error) {
	var v []byte
	var err error
	if e.schemaID == 0 {
		v, err = json.Marshal(doc)
	} else {
		var body []byte
		if body, err = schemas.EncodeDocument(doc); err == nil {
			v = schemas.AppendWire(nil, e.schemaID, body)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("producer: encode document %q: %w", doc.ID, err)
	}
	return &kgo.Record{Topic: topic, Key: []byte(doc.ID), Value: v}, nil
}

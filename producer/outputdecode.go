package producer

import (
	"context"
	"fmt"
	"sync"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/linkstream/linkstream/schemas"
)

// OutputDecoder reads output record values back: wire format through the
// registry's writer schema when it has a registry, plain Avro otherwise
// (and, lacking a registry, wire-format values are read with the current
// schema after the 5-byte header). It is safe for concurrent use.
type OutputDecoder struct {
	reg *sr.Client
	mu  sync.Mutex
	m   map[int]*schemas.LinkedDocumentDecoder
}

// NewOutputDecoder returns a decoder; reg may be nil.
func NewOutputDecoder(reg *sr.Client) *OutputDecoder {
	return &OutputDecoder{reg: reg, m: map[int]*schemas.LinkedDocumentDecoder{}}
}

// Decode decodes one output value.
func (d *OutputDecoder) Decode(ctx context.Context, v []byte) (schemas.LinkedDocument, error) {
	id, body, werr := schemas.SplitWire(v)
	if d.reg == nil || werr != nil {
		ld, err := schemas.DecodeLinkedDocument(v)
		if err != nil && werr == nil {
			if ld2, err2 := schemas.DecodeLinkedDocument(body); err2 == nil {
				return ld2, nil
			}
		}
		return ld, err
	}
	d.mu.Lock()
	dec, ok := d.m[id]
	d.mu.Unlock()
	if !ok {
		s, err := d.reg.SchemaByID(ctx, id)
		if err != nil {
			return schemas.LinkedDocument{}, fmt.Errorf("producer: output schema id %d: %w", id, err)
		}
		if dec, err = schemas.NewLinkedDocumentDecoder(s.Schema); err != nil {
			return schemas.LinkedDocument{}, err
		}
		d.mu.Lock()
		d.m[id] = dec
		d.mu.Unlock()
	}
	return dec.Decode(body)
}

package schemas

import (
	"encoding/binary"
	"errors"
)

// ErrNotWire is returned by SplitWire when b cannot be a Confluent
// wire-format value: it is shorter than 5 bytes or its first byte is not 0.
var ErrNotWire = errors.New("schemas: not in Confluent wire format (want magic byte 0 and a 4-byte schema id)")

// AppendWire appends the Confluent wire header for schema id and then body.
func AppendWire(dst []byte, id int, body []byte) []byte {
	dst = append(dst, 0)
	dst = binary.BigEndian.AppendUint32(dst, uint32(id))
	return append(dst, body...)
}

// SplitWire returns the schema id and the Avro body of a wire-format value.
func SplitWire(b []byte) (id int, body []byte, err error) {
	if len(b) < 5 || b[0] != 0 {
		return 0, nil, ErrNotWire
	}
	return int(binary.BigEndian.Uint32(b[1:5])), b[5:], nil
}

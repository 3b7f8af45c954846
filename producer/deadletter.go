package producer

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Headers added to every dead letter, after the original record's headers.
const (
	// HeaderReason is the failure class: one of the Reason values.
	HeaderReason = "linkstream.dlq.reason"
	// HeaderError is the error text.
	HeaderError = "linkstream.dlq.error"
	// HeaderSourceTopic, HeaderSourcePartition and HeaderSourceOffset say
	// where the original record was read.
	HeaderSourceTopic     = "linkstream.dlq.source.topic"
	HeaderSourcePartition = "linkstream.dlq.source.partition"
	HeaderSourceOffset    = "linkstream.dlq.source.offset"
	// HeaderFailedAt is when it failed, RFC 3339 with milliseconds.
	HeaderFailedAt = "linkstream.dlq.failed_at"
	// HeaderAttempts is how many times the linker was tried (0 when the
	// record never got that far).
	HeaderAttempts = "linkstream.dlq.attempts"
	// HeaderValueOmitted is set, to the original value's size in bytes,
	// when the value was larger than the dead-letter value cap and left out;
	// HeaderValueSHA256 then identifies it.
	HeaderValueOmitted = "linkstream.dlq.value_omitted_bytes"
	HeaderValueSHA256  = "linkstream.dlq.value_sha256"
)

// Reason classifies why a record became a dead letter.
type Reason string

const (
	ReasonBadJSON       Reason = "bad-json"          // value is not a JSON document
	ReasonBadAvro       Reason = "bad-avro"          // Avro body does not decode with its writer schema
	ReasonUnknownSchema Reason = "unknown-schema"    // the registry does not know the schema id
	ReasonNoRegistry    Reason = "no-registry"       // wire-format Avro but no registry configured
	ReasonBadFormat     Reason = "bad-format"        // neither JSON nor wire-format Avro
	ReasonEmpty         Reason = "empty"             // no value, or no text
	ReasonMissingID     Reason = "missing-id"        // no document id and no record key
	ReasonTooLarge      Reason = "too-large"         // value over the size limit
	ReasonInvalidUTF8   Reason = "invalid-utf8"      // text or value is not valid UTF-8
	ReasonPermanent     Reason = "permanent"         // the linker failed permanently
	ReasonRetries       Reason = "retries-exhausted" // transient failures outlasted the retry budget
	ReasonEncode        Reason = "encode"            // the output record could not be encoded
)

// DeadLetter returns the dead-letter record for src: same key, value and
// headers, plus the headers above. Values longer than maxValue bytes
// (maxValue > 0) are left out so that one oversized input cannot exceed the
// dead-letter topic's record size limit and stall its partition.
func DeadLetter(src *kgo.Record, topic string, reason Reason, cause error, attempts int, maxValue int) *kgo.Record {
	r := &kgo.Record{Topic: topic, Key: src.Key, Value: src.Value, Context: src.Context}
	r.Headers = make([]kgo.RecordHeader, 0, len(src.Headers)+8)
	r.Headers = append(r.Headers, src.Headers...)
	msg := string(reason)
	if cause != nil {
		msg = cause.Error()
	}
	if len(msg) > 1024 {
		msg = msg[:1024]
	}
	r.Headers = append(r.Headers,
		kgo.RecordHeader{Key: HeaderReason, Value: []byte(reason)},
		kgo.RecordHeader{Key: HeaderError, Value: []byte(msg)},
		kgo.RecordHeader{Key: HeaderSourceTopic, Value: []byte(src.Topic)},
		kgo.RecordHeader{Key: HeaderSourcePartition, Value: strconv.AppendInt(nil, int64(src.Partition), 10)},
		kgo.RecordHeader{Key: HeaderSourceOffset, Value: strconv.AppendInt(nil, src.Offset, 10)},
		kgo.RecordHeader{Key: HeaderFailedAt, Value: []byte(time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00"))},
		kgo.RecordHeader{Key: HeaderAttempts, Value: strconv.AppendInt(nil, int64(attempts), 10)},
	)
	if maxValue > 0 && len(src.Value) > maxValue {
		sum := sha256.Sum256(src.Value)
		r.Value = nil
		r.Headers = append(r.Headers,
			kgo.RecordHeader{Key: HeaderValueOmitted, Value: strconv.AppendInt(nil, int64(len(src.Value)), 10)},
			kgo.RecordHeader{Key: HeaderValueSHA256, Value: []byte(hex.EncodeToString(sum[:]))},
		)
	}
	return r
}

// Header returns the value of the last header named key, and whether any was.
func Header(r *kgo.Record, key string) (string, bool) {
	for i := len(r.Headers) - 1; i >= 0; i-- {
		if r.Headers[i].Key == key {
			return string(r.Headers[i].Value), true
		}
	}
	return "", false
}

// Package schemas owns Linkstream's Avro schemas and their Go codecs: the
// output record (linked_document.avsc, a contract: see docs/DESIGN.md "Output
// record on Kafka"), the reference input document (document.avsc), and the
// Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro
// body) used when a Schema Registry is configured.
//
// It knows nothing of Kafka clients or registries: callers get schema ids
// from a registry and hand them in.
package schemas

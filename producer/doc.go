// Package producer builds the records Linkstream writes to Kafka: linked
// documents for the output topic (Avro, Confluent wire format when a Schema
// Registry is configured), dead letters that carry the original record plus
// headers saying why, and input documents (JSON or Avro) for tools, tests,
// benchmarks and the demo that feed a topic.
//
// It does not own a Kafka client: the consumer produces these records
// through its transactional session, other callers through their own
// client, so delivery semantics stay with whoever owns the transaction.
package producer

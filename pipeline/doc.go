// Package pipeline links the entity mentions of a document to knowledge-base
// entities.
//
// It owns the linking flow of DESIGN.md: spotting mentions over the KB's
// surface automaton, candidate look-ups through a Ristretto cache, the cheap
// score (prior × prominence × context similarity, after Lin, Mausam and
// Etzioni 2012), the cross-encoder for ambiguous mentions through one shared
// micro-batcher, the NIL decision, document-level consistency, and corpus
// link statistics.
//
// It does not own the knowledge base (package kb), the ONNX Runtime session
// and tokenizer (package models), or anything about Kafka: the Linker is a
// plain library, safe for concurrent use, that the consumer, the command line
// and the evaluation all call the same way.
package pipeline

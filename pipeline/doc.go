// Package pipeline links the entity mentions of a document to knowledge-base
// entities.
//
// It owns the linking flow of docs/DESIGN.md: spotting mentions over the
// KB's surface automaton, candidate look-ups through a Ristretto cache, the
// cheap score (prior × prominence × context similarity, after Lin, Mausam
// and Etzioni 2012), the Reranker for ambiguous mentions (the ONNX
// cross-encoder through one shared micro-batcher, or any other through
// WithReranker), the NIL decision, document-level consistency, and corpus
// link statistics. Linker implements link.Linker, the contract the Kafka
// side and the evaluation are written against.
//
// It does not own the knowledge base (package kb), the ONNX Runtime session
// and tokenizer (package models), or anything about Kafka: the Linker is a
// plain library, safe for concurrent use, that the consumer, the command line
// and the evaluation all call the same way.
package pipeline

// Package link is Linkstream's link contract: the Document a linker reads,
// the Result it returns (links and NIL mentions, the `link` output of
// docs/DESIGN.md), the Linker interface every stage is written against, and
// Error, which says whether a failure is permanent.
//
// It owns types and nothing else, and imports only the standard library:
// the Avro codecs (schemas), the Kafka side (producer, consumer) and the
// evaluation (eval) build on it without linking the native inference stack
// that package pipeline, the implementation of Linker, needs.
package link

// Package eval scores an entity linker against gold annotations.
//
// It owns three things: readers that turn public benchmark formats (WNED XML
// with raw text files, NIF 2.0 Turtle, and a plain JSONL with gold) into one
// in-memory Dataset with Unicode code-point offsets; a scorer that follows
// GERBIL's "strong annotation match" (micro and macro precision, recall, F1;
// NIL gold means "must not link"); and a report (table and JSON) with KB
// coverage, disambiguation accuracy on gold spans, per-type figures and a
// file of every error.
//
// It does not own the linker or the knowledge base: it reaches them through
// the small interfaces Linker, SpanLinker and KB, so that it can be tested
// with hand-made fakes and wired to the real pipeline in cmd/linkstream.
package eval

// Package dump reads MediaWiki XML dumps (plain, .bz2, and the multistream
// .bz2 with its index, whose streams are decompressed in parallel) and
// directories of raw wikitext files, and hands each page to a callback.
//
// It owns streaming, decompression, page splitting, XML decoding, error
// positions and progress counters; it knows nothing of wikitext or of the
// knowledge base. Memory is bounded by the largest page times the number of
// workers, not by the size of the dump.
//
// Errors about the content of a dump wrap ErrCorrupt and are *Error values
// naming the file and the byte offset (in the file as stored, and in the
// decompressed XML).
package dump

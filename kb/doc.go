// Package kb is Linkstream's knowledge base: which entities exist, what
// they are called (surfaces with counts and priors p(entity|surface)), how
// often a surface is a link where it occurs (link probability), how
// prominent each entity is (inlinks), its coarse type, Wikidata QID and a
// short description.
//
// A KB is an immutable directory written by Build (see build.go) from
// Wikipedia dumps, raw wikitext, DBpedia N-Triples and a Wikidata dump, and
// read by Open, which memory-maps it: opening costs the same whatever the
// size, and resident memory grows with the pages that look-ups touch.
//
// Layout of a KB directory (format version FormatVersion):
//
//	format.json      version, inputs, counts, content hash; written last
//	exact.fst        surface as written        → surface record number
//	norm.fst         Normalize(surface)        → surface record number
//	titles.fst       title (redirects too)     → entity id
//	surfaces.bin     16-byte surface records   (candidate range, linked, occurrences)
//	candidates.bin   12-byte candidates        (entity, count, prior), best first
//	entities.bin     32-byte entity records    (inlinks, QID, type, string offsets)
//	strings.bin      titles and descriptions   (UTF-8, referenced by offset)
//
// The package does not read flags or talk to Kafka; cmd/linkstream wires
// "kb build" and "kb lookup" to it.
package kb

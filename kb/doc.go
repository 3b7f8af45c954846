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
//	strings.bin      titles and descriptions or anchor words (UTF-8, by offset)
//
// What the counts mean:
//
//   - Candidates of a surface: entities it was an anchor for ([[Target|surface]],
//     counted per occurrence, redirects resolved), plus one count each for an
//     article's own title (and the title without its "(qualifier)"), each
//     redirect, each disambiguation-page entry (the page's links whose title or
//     anchor contains the ambiguous name), a person's family name, DBpedia labels
//     and Wikidata English labels and aliases. Prior = count / total.
//   - Link probability: see SurfaceInfo and Info.LinkProbability: exact counts
//     in a second pass over the plain text kept from the first.
//   - Inlinks: distinct pages linking to the entity (redirects resolved), plus
//     DBpedia page links.
//   - Type: DBpedia ontology class, else infobox, else Wikidata P31, else
//     categories; MISC when nothing says.
//   - Link targets without an article (and Wikidata items whose English article
//     is not among the inputs) become name-only entities.
//
// Builds are deterministic: the same inputs give the same content hash
// whatever the number of workers.
//
// The package does not read flags or talk to Kafka; cmd/linkstream wires
// "kb build" and "kb lookup" to it.
package kb

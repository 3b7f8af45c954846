package consumer

import "github.com/linkstream/linkstream/link"

// The Service calls one link.Linker from every partition lane at once,
// which is what lets a micro-batching Linker batch across partitions.
//
// Error contract. An error for which link.IsPermanent holds (the Linker
// wrapped it with link.Permanent, as pipeline.Linker does for text that is
// not UTF-8 or too long) means the same document would fail the same way
// again: it goes to the dead-letter topic at once (reason permanent). Any
// other error is transient: it is retried with exponential backoff
// (Retries); when the attempts run out the document is dead-lettered with
// reason "retries-exhausted". An error after the service's own context was
// cancelled is neither: the cycle is aborted and redone later.
func permanent(err error) bool { return link.IsPermanent(err) }

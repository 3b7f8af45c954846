package consumer

import (
	"context"

	"github.com/linkstream/linkstream/link"
)

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

// VersionedLinker is a link.Linker that names the KB version and model that
// linked each document: one whose KB is swapped while the service runs
// (hotswap.Swapper). The service writes those into the output record in
// place of the Versions option's.
type VersionedLinker interface {
	link.Linker
	LinkVersioned(ctx context.Context, doc link.Document) (res link.Result, kbVersion, modelID string, err error)
}

type versions struct{ kb, model string }

// linkOnce calls the Linker once.
func (s *Service) linkOnce(ctx context.Context, doc link.Document) (link.Result, versions, error) {
	if vl, ok := s.linker.(VersionedLinker); ok {
		res, kbVersion, modelID, err := vl.LinkVersioned(ctx, doc)
		return res, versions{kbVersion, modelID}, err
	}
	res, err := s.linker.Link(ctx, doc)
	return res, versions{s.cfg.kbVersion, s.cfg.modelID}, err
}

package consumer

import (
	"context"
	"errors"
	"fmt"

	"github.com/linkstream/linkstream/pipeline"
)

// Linker links one document. Implementations must be safe for concurrent
// use: every partition lane calls the same Linker at once, which is what
// lets a micro-batching Linker batch across partitions.
//
// Error contract. An error wrapping ErrPermanent (see Permanent), or one
// the PermanentIf option recognises, means the same document would fail
// the same way again: it goes to the dead-letter topic at once. Any other
// error is transient: it is retried with exponential backoff (RetryBackoff,
// MaxAttempts); when the attempts run out the document is dead-lettered
// with reason "retries-exhausted". An error after the service's own context
// was cancelled is neither: the cycle is aborted and redone later.
type Linker interface {
	Link(ctx context.Context, doc pipeline.Document) (pipeline.Result, error)
}

// VersionedLinker is a Linker that names the KB version and model that
// linked each document: one whose KB is swapped while the service runs
// (hotswap.Swapper). The service writes those into the output record in
// place of the Versions option's.
type VersionedLinker interface {
	Linker
	LinkVersioned(ctx context.Context, doc pipeline.Document) (res pipeline.Result, kbVersion, modelID string, err error)
}

type versions struct{ kb, model string }

// linkOnce calls the Linker once.
func (s *Service) linkOnce(ctx context.Context, doc pipeline.Document) (pipeline.Result, versions, error) {
	if vl, ok := s.linker.(VersionedLinker); ok {
		res, kbVersion, modelID, err := vl.LinkVersioned(ctx, doc)
		return res, versions{kbVersion, modelID}, err
	}
	res, err := s.linker.Link(ctx, doc)
	return res, versions{s.cfg.kbVersion, s.cfg.modelID}, err
}

// LinkerFunc adapts a function to Linker.
type LinkerFunc func(ctx context.Context, doc pipeline.Document) (pipeline.Result, error)

// Link calls f.
func (f LinkerFunc) Link(ctx context.Context, doc pipeline.Document) (pipeline.Result, error) {
	return f(ctx, doc)
}

// ErrPermanent marks a Linker error as permanent: retrying the same
// document cannot help. Test with errors.Is; build with Permanent.
var ErrPermanent = errors.New("permanent failure")

// Permanent wraps err so that errors.Is(err, ErrPermanent) holds and the
// original error stays reachable through errors.Is/As.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

type permanentError struct{ err error }

func (e *permanentError) Error() string   { return fmt.Sprintf("permanent: %v", e.err) }
func (e *permanentError) Unwrap() []error { return []error{ErrPermanent, e.err} }

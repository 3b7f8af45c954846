package consumer

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/linkstream/linkstream/link"
)

// decodeRetrying decodes r, retrying transient registry failures; when
// they outlast the retry budget the error aborts the cycle (the registry
// is down: dead-lettering good records would be wrong).
func (s *Service) decodeRetrying(ctx context.Context, r *kgo.Record) (link.Document, error) {
	for attempt := 1; ; attempt++ {
		doc, err := s.decode(ctx, r)
		var de *decodeError
		if err == nil || errors.As(err, &de) || attempt >= s.cfg.maxAttempts || ctx.Err() != nil {
			return doc, err
		}
		if !s.sleep(ctx, attempt) {
			return doc, ctx.Err()
		}
	}
}

// link calls the Linker with the retry policy, returning what linked the
// document and how many attempts it made.
func (s *Service) link(ctx context.Context, doc link.Document) (link.Result, versions, int, error) {
	for attempt := 1; ; attempt++ {
		lctx, cancel := context.WithTimeout(ctx, s.cfg.linkTimeout)
		res, ver, err := s.linkOnce(lctx, doc)
		cancel()
		if err == nil {
			return res, ver, attempt, nil
		}
		if ctx.Err() != nil || permanent(err) || attempt >= s.cfg.maxAttempts {
			return res, ver, attempt, err
		}
		s.m.retries.Inc()
		if !s.sleep(ctx, attempt) {
			return res, ver, attempt, ctx.Err()
		}
	}
}

// sleep waits the backoff of attempt (exponential, full jitter on the
// upper half) unless ctx ends first.
func (s *Service) sleep(ctx context.Context, attempt int) bool {
	d := s.cfg.retryBackoff << min(attempt-1, 20)
	if d > s.cfg.maxBackoff || d <= 0 {
		d = s.cfg.maxBackoff
	}
	d = d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

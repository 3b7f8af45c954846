package consumer

import (
	"context"
	"time"
)

// closeSession leaves the group within what is left of the shutdown
// budget; a client that hangs on close is abandoned.
func (s *Service) closeSession(sess session) {
	done := make(chan struct{})
	go func() {
		sess.close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(s.cfg.shutdown / 3):
		s.log.Warn("kafka client did not close in time; abandoning it")
	}
}

// endContext bounds ending a cycle: by the transaction timeout normally,
// by what is left of the shutdown budget once ctx is cancelled.
func (s *Service) endContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx.Err() != nil {
		return context.WithTimeout(context.WithoutCancel(ctx), s.cfg.shutdown/3)
	}
	return context.WithTimeout(context.WithoutCancel(ctx), s.cfg.txnTimeout)
}

// workContext is the context of a cycle's processing. It outlives ctx by
// two thirds of the shutdown budget, so that on shutdown the cycle in
// flight can finish and commit rather than be redone by the next owner.
func (s *Service) workContext(ctx context.Context) (context.Context, context.CancelFunc) {
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	stopDrain := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(s.cfg.shutdown*2/3, cancelWork)
		context.AfterFunc(workCtx, func() { t.Stop() })
	})
	return workCtx, func() {
		stopDrain()
		cancelWork()
	}
}

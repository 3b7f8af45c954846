package consumer

import (
	"context"
	"errors"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// closeSession closes the Kafka client and, when Run is stopping (ctx
// done), leaves the group, within what is left of the shutdown budget; a
// client that hangs on close is abandoned.
func (s *Service) closeSession(ctx context.Context, sess session) {
	budget, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.shutdown/3)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		sess.close()
		if ctx.Err() != nil {
			s.leaveGroup(budget)
		}
	}()
	select {
	case <-done:
	case <-budget.Done():
		s.log.Warn("kafka client did not close in time; abandoning it")
	}
}

// leaveGroup removes this instance from the group. A static member's
// client does not leave when it closes, so that a restart with the same
// instance id (a crash, a rolling update) gets its partitions back without
// a rebalance. A deliberate stop (SIGTERM, a scale-down) may not come
// back: leaving hands its partitions to the others now instead of after
// the session timeout. A session rebuilt after a failure does not leave.
func (s *Service) leaveGroup(ctx context.Context) {
	cl, err := s.adminClient()
	if err != nil {
		s.log.Warn("cannot leave the group", "err", err)
		return
	}
	defer cl.Close()
	resp, err := kadm.NewClient(cl).LeaveGroup(ctx, kadm.LeaveGroup(s.cfg.group).InstanceIDs(s.cfg.instanceID).Reason("shutdown"))
	if err == nil {
		err = resp.Error()
	}
	if err != nil && !errors.Is(err, kerr.UnknownMemberID) {
		s.log.Warn("leaving the group failed: its partitions wait for the session timeout", "group", s.cfg.group,
			"instance", s.cfg.instanceID, "session_timeout", s.cfg.session, "err", err)
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

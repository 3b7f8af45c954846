package consumer

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// session is what a cycle needs from Kafka, in either delivery mode.
type session interface {
	client() *kgo.Client
	poll(ctx context.Context, n int) kgo.Fetches
	take(n int) kgo.Fetches // what is buffered, up to n, without waiting
	begin() error
	end(ctx context.Context, commit bool) (committed bool, err error)
	close()
}

type eosSession struct{ s *kgo.GroupTransactSession }

func (e eosSession) client() *kgo.Client                         { return e.s.Client() }
func (e eosSession) poll(ctx context.Context, n int) kgo.Fetches { return e.s.PollRecords(ctx, n) }

// take passes a nil context: franz-go's PollRecords then returns what is
// buffered at once instead of waiting (a cancelled context would return
// nothing).
//
//lint:ignore SA1012 a nil context is franz-go's "do not wait"
func (e eosSession) take(n int) kgo.Fetches { return e.s.PollRecords(nil, n) }

func (e eosSession) begin() error { return e.s.Begin() }
func (e eosSession) close()       { e.s.Close() }
func (e eosSession) end(ctx context.Context, commit bool) (bool, error) {
	return e.s.End(ctx, kgo.TransactionEndTry(commit))
}

// alosSession is at-least-once: rebalances wait for the cycle
// (BlockRebalanceOnPoll), offsets are committed after the flush.
type alosSession struct{ cl *kgo.Client }

func (a alosSession) client() *kgo.Client                         { return a.cl }
func (a alosSession) poll(ctx context.Context, n int) kgo.Fetches { return a.cl.PollRecords(ctx, n) }

//lint:ignore SA1012 a nil context is franz-go's "do not wait" (see eosSession.take)
func (a alosSession) take(n int) kgo.Fetches { return a.cl.PollRecords(nil, n) }

func (a alosSession) begin() error { return nil }
func (a alosSession) close()       { a.cl.CloseAllowingRebalance() }
func (a alosSession) end(ctx context.Context, commit bool) (bool, error) {
	defer a.cl.AllowRebalance()
	if commit {
		err := a.cl.CommitUncommittedOffsets(ctx)
		if err == nil {
			return true, nil
		}
		// Fall through to rewind: the outputs stay (at-least-once) and
		// the records are read again.
		a.rewind()
		return false, err
	}
	a.rewind()
	return false, nil
}

// rewind moves the fetch positions back to the committed offsets so that
// an unfinished cycle is polled again.
func (a alosSession) rewind() {
	if c := a.cl.CommittedOffsets(); len(c) > 0 {
		a.cl.SetOffsets(c)
	}
}

func (s *Service) newSession() (session, error) {
	c := &s.cfg
	start := kgo.NewOffset().AtStart()
	if c.startAtEnd {
		start = kgo.NewOffset().AtEnd()
	}
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.seeds...),
		kgo.ConsumerGroup(c.group),
		// Static membership: a restarted instance (same id) takes its
		// partitions back at once instead of waiting for the dead
		// member's session to time out (measured in BENCHMARKS.md,
		// "Operations": 15 s before, see there after).
		kgo.InstanceID(c.instanceID),
		kgo.ConsumeTopics(c.inputTopic),
		kgo.Balancers(kgo.CooperativeStickyBalancer()),
		kgo.ConsumeResetOffset(start),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.DisableAutoCommit(),
		kgo.SessionTimeout(c.session),
		kgo.OnPartitionsAssigned(s.onAssigned),
		kgo.OnPartitionsRevoked(s.onRevoked),
		kgo.OnPartitionsLost(s.onRevoked),
		kgo.ClientID("linkstream-" + c.instanceID),
		// A short linger batches a cycle's outputs into few produce
		// requests. Measured on the real broker (BENCHMARKS.md, "Kafka service"),
		// linger 0 (one tiny transactional request per document) made
		// the end-of-cycle flush the bottleneck: p50 latency ~50 ms
		// against ~8 ms with 3 ms.
		kgo.ProducerLinger(3 * time.Millisecond),
	}
	if len(s.hooks) > 0 {
		opts = append(opts, kgo.WithHooks(s.hooks...))
	}
	if c.exactlyOnce {
		opts = append(opts, kgo.TransactionalID(c.transactionalID()), kgo.TransactionTimeout(c.txnTimeout))
		opts = append(opts, c.kgoOpts...)
		sess, err := kgo.NewGroupTransactSession(opts...)
		if err != nil {
			return nil, &sessionConfigError{fmt.Errorf("consumer: transact session: %w", err)}
		}
		return eosSession{sess}, nil
	}
	opts = append(opts, kgo.BlockRebalanceOnPoll())
	opts = append(opts, c.kgoOpts...)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, &sessionConfigError{fmt.Errorf("consumer: client: %w", err)}
	}
	return alosSession{cl}, nil
}

// adminClient is a plain client (no group, no transactions) for admin
// requests outside a session: creating topics, leaving the group.
func (s *Service) adminClient() (*kgo.Client, error) { return s.plainClient("admin") }

// plainClient is a client of the service's brokers and options, no group
// and no transactions, named for its role, with opts added.
func (s *Service) plainClient(role string, opts ...kgo.Opt) (*kgo.Client, error) {
	cl, err := kgo.NewClient(append(append([]kgo.Opt{kgo.SeedBrokers(s.cfg.seeds...), kgo.ClientID("linkstream-" + s.cfg.instanceID + "-" + role)},
		opts...), s.cfg.kgoOpts...)...)
	if err != nil {
		return nil, fmt.Errorf("consumer: %s client: %w", role, err)
	}
	return cl, nil
}

func (s *Service) onAssigned(_ context.Context, _ *kgo.Client, m map[string][]int32) {
	n := len(m[s.cfg.inputTopic])
	s.m.assigned.Add(float64(n))
	s.assigned.add(m[s.cfg.inputTopic])
	if n > 0 {
		s.log.Info("partitions assigned", "topic", s.cfg.inputTopic, "partitions", m[s.cfg.inputTopic])
	}
}

func (s *Service) onRevoked(_ context.Context, _ *kgo.Client, m map[string][]int32) {
	ps := m[s.cfg.inputTopic]
	s.m.assigned.Sub(float64(len(ps)))
	s.assigned.remove(ps)
	s.m.dropLag(s.cfg.inputTopic, ps)
	if len(ps) > 0 {
		s.log.Info("partitions revoked", "topic", s.cfg.inputTopic, "partitions", ps)
	}
}

package consumer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Hanging transactions (KIP-664). A group's offsets committed in a
// transaction stay pending, and every exactly-once reader of the group
// waits on them (OffsetFetch answers UNSTABLE_OFFSET_COMMIT), until the
// transaction's marker reaches the group's __consumer_offsets partition;
// an output partition's read_committed readers wait on its marker the same
// way. The coordinator writes the markers once it has decided, but a
// single-node Kafka 4.3 killed while a cycle commits can skip them
// (txnlog.go says how), and no request of the protocol ends such a
// transaction: only a marker written for that producer and epoch, what
// kafka-transactions.sh writes. guardHanging writes it for this instance's
// own producer, once its partitions have been held past the longest wait
// the protocol allows.
//
// The marker carries the coordinator's decision, read from its log, on
// every partition of the transaction still open: the group's offsets
// partition and the outputs the decision names; but a commit only where
// the outputs no longer open hold the transaction's records committed
// (fate.go), else an abort. Without a decision (the log cannot be read,
// or holds none) it aborts the offsets partition alone, as Kafka's tool
// does: duplicates at worst, never a loss. History,
// measured in the restart test: always aborting redid committed cycles
// whose EndTxn answer the crash had cut (256 duplicates, in CI among
// others), and left their outputs' partitions hanging when their markers
// were skipped too (4,496 of 6,000 outputs unreadable in 2 of 4 runs on a
// padded broker); committing on this instance's own view of its commits
// (a commit seen beyond the group's offsets; the carried offsets equal to
// those a committed cycle left) lost 256 documents twice. Nothing here
// asks franz-go for the producer epoch during a cycle: a first version
// did, and a make test run lost 28 documents (the likeliest cause: a
// producer id marked for reload after the outage is re-initialised by
// that read, which fences the open transaction).

// hangCheck is how often the guard looks; hangGrace is what the broker
// may take beyond a transaction's timeout to abort it (Kafka checks every
// 10 s by default); hangWork bounds one look, the coordinator's log read
// included.
const (
	hangCheck = 5 * time.Second
	hangGrace = 15 * time.Second
	hangWork  = 30 * time.Second
)

// guardHanging checks, until ctx ends, for partitions this instance owns
// that have records waiting but have been served nothing for longer than
// the transaction timeout and its grace, and ends a hanging transaction
// of this instance's producer that holds them.
func (s *Service) guardHanging(ctx context.Context, cl *kgo.Client) {
	adm := kadm.NewClient(cl)
	tick := time.NewTicker(hangCheck)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		// a backlogged partition served nothing past the longest legal wait
		if _, stalled := s.assigned.starving(time.Now(), s.cfg.txnTimeout+hangGrace); !stalled || !s.txnMu.TryLock() {
			continue
		}
		err := s.endHanging(ctx, cl, adm)
		s.txnMu.Unlock()
		if err == nil || ctx.Err() != nil {
			continue
		}
		if ok, skipped := s.heldLog.allow(time.Now()); ok {
			s.log.Error("cannot end a hanging transaction that holds the group's offsets", "group", s.cfg.group, "err", err,
				"hint", "end it by hand: kafka-transactions.sh find-hanging, then abort (KIP-664); writing its marker needs the CLUSTER_ACTION permission",
				"not_logged_since_last", skipped)
		}
	}
}

// endHanging runs between cycles (the caller holds txnMu): no transaction
// of this instance is open, so an open one of its producer in a
// __consumer_offsets log is over for the coordinator.
func (s *Service) endHanging(ctx context.Context, cl *kgo.Client, adm *kadm.Client) error {
	ctx, cancel := context.WithTimeout(ctx, hangWork)
	defer cancel()
	held, err := s.heldPartitions(ctx, cl)
	if err != nil || len(held) == 0 {
		return err
	}
	id, epoch, err := cl.ProducerID(ctx)
	if err != nil {
		return fmt.Errorf("producer id: %w", err)
	}
	txns, err := adm.DescribeTransactions(ctx, s.cfg.transactionalID())
	txn := txns[s.cfg.transactionalID()]
	if err == nil {
		err = txn.Err
	}
	if err != nil {
		return fmt.Errorf("describe transaction %q: %w", s.cfg.transactionalID(), err)
	}
	if st := txn.State; st != "Empty" && st != "CompleteCommit" && st != "CompleteAbort" {
		return nil // the coordinator is still ending one: wait for it
	}
	offsets, err := adm.ListTopicsWithInternal(ctx, offsetsLog)
	if err != nil {
		return fmt.Errorf("partitions of __consumer_offsets: %w", err)
	}
	producers, err := adm.DescribeProducers(ctx, offsets.TopicsSet())
	if err != nil {
		return fmt.Errorf("producers of __consumer_offsets: %w", err)
	}
	var found bool
	for _, t := range producers {
		for _, p := range t.Partitions {
			h, ok := p.ActiveProducers[id]
			if !ok || h.CurrentTxnStartOffset < 0 || h.ProducerEpoch > epoch {
				continue
			}
			found = true
			if err := s.endTransaction(ctx, adm, held, t.Topic, p.Partition, h); err != nil {
				return err
			}
		}
	}
	if found {
		return nil
	}
	if ok, skipped := s.heldLog.allow(time.Now()); ok {
		s.log.Warn("the group's offsets are held past the transaction timeout by a transaction not of this instance",
			"group", s.cfg.group, "held", held, "hint", "kafka-transactions.sh find-hanging names it", "not_logged_since_last", skipped)
	}
	return nil
}

// heldPartitions are the owned input partitions whose committed offset a
// pending transaction holds. They must be named in the request: a fetch
// of all the group's offsets leaves out a partition with nothing
// committed yet, even when an open transaction holds it.
func (s *Service) heldPartitions(ctx context.Context, cl *kgo.Client) ([]int32, error) {
	owned := s.assigned.owned()
	if len(owned) == 0 {
		return nil, nil
	}
	req := kmsg.NewPtrOffsetFetchRequest()
	req.Group, req.RequireStable = s.cfg.group, true
	t := kmsg.NewOffsetFetchRequestTopic()
	t.Topic, t.Partitions = s.cfg.inputTopic, owned
	req.Topics = append(req.Topics, t)
	resp, err := req.RequestWith(ctx, cl)
	if err == nil {
		err = kerr.ErrorForCode(resp.ErrorCode)
	}
	if err != nil {
		return nil, fmt.Errorf("stable offsets of group %s: %w", s.cfg.group, err)
	}
	// franz-go fills in both the response's pre-v8 fields and its groups.
	var held []int32
	unstable := func(p int32, code int16) {
		if errors.Is(kerr.ErrorForCode(code), kerr.UnstableOffsetCommit) {
			held = append(held, p)
		}
	}
	if len(resp.Groups) > 0 {
		for _, rt := range resp.Groups[0].Topics {
			for _, p := range rt.Partitions {
				unstable(p.Partition, p.ErrorCode)
			}
		}
		return held, nil
	}
	for _, rt := range resp.Topics {
		for _, p := range rt.Partitions {
			unstable(p.Partition, p.ErrorCode)
		}
	}
	return held, nil
}

// endTransaction ends the hanging transaction h found open on the
// offsets partition topic[partition]: with the coordinator's decision on
// it and on every partition that decision names where it is still open,
// else with an abort on the offsets partition alone.
func (s *Service) endTransaction(ctx context.Context, adm *kadm.Client, held []int32, topic string, partition int32, h kadm.DescribedProducer) error {
	open := map[string]map[int32]kadm.DescribedProducer{topic: {partition: h}}
	commit, why := false, ""
	// The decision comes after the transaction's last write here; a
	// transaction timeout before it is a safe place to start reading.
	since := time.UnixMilli(h.LastTimestamp).Add(-s.cfg.txnTimeout)
	d, err := s.readDecision(ctx, adm, h.ProducerID, h.ProducerEpoch, since)
	if err != nil {
		why = "no decision in the coordinator's log, so an abort (" + err.Error() + ")"
	} else {
		commit, why = d.commit, "the coordinator's log decided it"
		if err := s.openElsewhere(ctx, adm, h, d.partitions, open); err != nil {
			return err
		}
		if commit {
			if commit, why, err = s.outputsCommitted(ctx, adm, h, d.partitions, open, since); err != nil {
				return err // looked at again at the next check
			}
		}
	}
	marker := markerName(commit)
	var ended []string
	for tp, ps := range open {
		for p, hp := range ps {
			m := kadm.TxnMarkers{ProducerID: hp.ProducerID, ProducerEpoch: hp.ProducerEpoch, Commit: commit, CoordinatorEpoch: hp.CoordinatorEpoch, Topics: kadm.TopicsSet{}}
			m.Topics.Add(tp, p)
			resp, err := adm.WriteTxnMarkers(ctx, m)
			if err == nil {
				resp.EachPartition(func(r kadm.TxnMarkersPartitionResponse) { err = errors.Join(err, r.Err) })
			}
			if err != nil {
				return fmt.Errorf("write the %s marker of producer %d epoch %d on %s[%d]: %w", marker, hp.ProducerID, hp.ProducerEpoch, tp, p, err)
			}
			ended = append(ended, fmt.Sprintf("%s[%d]", tp, p))
		}
	}
	s.m.hangingEnded.WithLabelValues(marker).Inc()
	s.log.Warn("ended a hanging transaction that held the group's offsets", "group", s.cfg.group, "held", held,
		"producer_id", h.ProducerID, "epoch", h.ProducerEpoch, "open_since_offset", h.CurrentTxnStartOffset,
		"marker", marker, "because", why, "partitions", ended)
	return nil
}

// openElsewhere adds to open the partitions of names where the
// transaction of h is still open (its producer's open transaction at h's
// epoch or before).
func (s *Service) openElsewhere(ctx context.Context, adm *kadm.Client, h kadm.DescribedProducer, names kadm.TopicsSet, open map[string]map[int32]kadm.DescribedProducer) error {
	if len(names) == 0 {
		return nil
	}
	producers, err := adm.DescribeProducers(ctx, names)
	if err != nil {
		return fmt.Errorf("producers of the transaction's partitions: %w", err)
	}
	for _, t := range producers {
		for _, p := range t.Partitions {
			hp, ok := p.ActiveProducers[h.ProducerID]
			if !ok || hp.CurrentTxnStartOffset < 0 || hp.ProducerEpoch > h.ProducerEpoch {
				continue
			}
			if open[t.Topic] == nil {
				open[t.Topic] = map[int32]kadm.DescribedProducer{}
			}
			open[t.Topic][p.Partition] = hp
		}
	}
	return nil
}

// outputsCommitted checks a committed decision against what the
// transaction's output partitions hold (fate.go): those still open get the
// decision; on the others the transaction's records must have been
// committed, else its offsets are aborted with them (read again, never
// lost). A partition without the transaction's records and a marker after
// them does not count; one that cannot be read leaves the decision for the
// next check.
func (s *Service) outputsCommitted(ctx context.Context, adm *kadm.Client, h kadm.DescribedProducer, names kadm.TopicsSet,
	open map[string]map[int32]kadm.DescribedProducer, since time.Time) (commit bool, why string, err error) {
	for tp, ps := range names {
		for p := range ps {
			if _, pending := open[tp][p]; pending || tp == offsetsLog {
				continue
			}
			c, err := s.outputFate(ctx, adm, tp, p, h.ProducerID, h.ProducerEpoch, since)
			switch {
			case errors.Is(err, errNoFate):
			case err != nil:
				return false, "", fmt.Errorf("what the transaction's records on %s[%d] became: %w", tp, p, err)
			case !c:
				return false, fmt.Sprintf("the coordinator's log committed it, but its records on %s[%d] were aborted, so an abort", tp, p), nil
			}
		}
	}
	return true, "the coordinator's log decided it", nil
}

func markerName(commit bool) string {
	if commit {
		return "commit"
	}
	return "abort"
}

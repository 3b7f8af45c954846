package consumer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kbin"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Hanging transactions (KIP-664). A group's offsets committed in a
// transaction stay pending, and every exactly-once reader of the group
// waits on them (OffsetFetch answers UNSTABLE_OFFSET_COMMIT), until the
// transaction's marker reaches the group's __consumer_offsets partition.
// The broker ends every transaction within its timeout, but a single-node
// Kafka 4.3 killed or stopped while a cycle commits can end one without
// that marker. Seen here in the broker-restart test: the restarted
// broker's __consumer_offsets log still held a transaction of this
// instance's producer open at epoch 9 while its coordinator had ended
// epochs 9 and 10, and the group made no progress for as long as anyone
// watched (4 of 8 runs of make test; 2 of 4 runs of the test alone on a
// broker holding 400 more partitions, whose slower recovery widens the
// window). No request of the protocol ends it: only a marker written for
// that producer and epoch, what kafka-transactions.sh abort writes.
// guardHanging writes it for this instance's own producer, once its
// partitions have been held past the longest wait the protocol allows.
//
// The marker aborts, as Kafka's tool does: the aborted cycle's records
// are read and linked again, duplicates at worst, never a loss. Committing
// instead was tried twice and lost documents both times: committing when
// this instance had seen a commit beyond the group's offsets lost 256
// documents in 1 of 10 runs of the restart test, and committing only when
// the offsets the transaction carries (read from the __consumer_offsets
// log at its first offset) were exactly those a committed cycle of this
// instance left lost 256 in a make test run, for a reason not found (the
// run's log was not kept). The guard still reads those offsets and logs
// whether this instance saw them committed (committed_by_this_instance):
// when it did, the abort redoes a committed cycle and its documents are
// linked twice (256 duplicates in 1 of 28 runs of the restart test, the
// crash having cut that cycle's EndTxn answer). Nothing here asks
// franz-go for the producer epoch during a cycle: a first version did,
// and a make test run lost 28 documents (the likeliest cause: a producer
// id marked for reload after the outage is re-initialised by that read,
// which fences the open transaction).

// hangCheck is how often the guard looks; hangGrace is what the broker
// may take beyond a transaction's timeout to abort it (Kafka checks every
// 10 s by default).
const (
	hangCheck = 5 * time.Second
	hangGrace = 15 * time.Second
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
	ctx, cancel := context.WithTimeout(ctx, hangCheck)
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
	offsets, err := adm.ListTopicsWithInternal(ctx, "__consumer_offsets")
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
			// The marker aborts (see the top of this file); what the
			// transaction carried is logged to tell a redone cycle.
			committed, why := s.sawCommit(ctx, t.Topic, p.Partition, id, h.ProducerEpoch, h.CurrentTxnStartOffset)
			m := kadm.TxnMarkers{ProducerID: id, ProducerEpoch: h.ProducerEpoch, CoordinatorEpoch: h.CoordinatorEpoch, Topics: kadm.TopicsSet{}} // Commit false: an abort
			m.Topics.Add(t.Topic, p.Partition)
			resp, err := adm.WriteTxnMarkers(ctx, m)
			if err == nil {
				resp.EachPartition(func(r kadm.TxnMarkersPartitionResponse) { err = errors.Join(err, r.Err) })
			}
			if err != nil {
				return fmt.Errorf("write the abort marker of producer %d epoch %d on %s[%d]: %w", id, h.ProducerEpoch, t.Topic, p.Partition, err)
			}
			s.m.hangingEnded.Inc()
			s.log.Warn("ended a hanging transaction that held the group's offsets", "group", s.cfg.group, "held", held,
				"producer_id", id, "epoch", h.ProducerEpoch, "partition", fmt.Sprintf("%s[%d]", t.Topic, p.Partition),
				"open_since_offset", h.CurrentTxnStartOffset, "committed_by_this_instance", committed, "because", why)
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

// seenCommits holds, per input partition, the offset the last cycle this
// instance saw commit committed there. It is read only between cycles and
// never asks franz-go for anything during one.
type seenCommits struct {
	mu sync.Mutex
	at map[int32]int64
}

func (c *seenCommits) record(fs kgo.Fetches) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at == nil {
		c.at = map[int32]int64{}
	}
	fs.EachPartition(func(p kgo.FetchTopicPartition) {
		if n := len(p.Records); n > 0 {
			c.at[p.Partition] = max(c.at[p.Partition], p.Records[n-1].Offset+1)
		}
	})
}

// saw reports whether every offset of a transaction (input partition →
// offset) is the one the last committed cycle left there.
func (c *seenCommits) saw(offsets map[int32]int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for p, o := range offsets {
		if at, ok := c.at[p]; !ok || at != o {
			return false
		}
	}
	return true
}

// sawCommit tells whether a hanging transaction had committed as far as
// this instance knows: it reads the offsets the transaction of producer id
// at epoch carries for this group's input topic from the
// __consumer_offsets partition where it opened, at offset from, and
// answers true when this instance saw a cycle commit exactly those. why
// says what it found, for the log.
func (s *Service) sawCommit(ctx context.Context, topic string, partition int32, id int64, epoch int16, from int64) (committed bool, why string) {
	offsets, err := s.hangingOffsets(ctx, topic, partition, id, epoch, from)
	switch {
	case err != nil:
		return false, "its offsets could not be read (" + err.Error() + ")"
	case len(offsets) == 0:
		return false, "it carries no offsets of this group's input"
	case s.commitsSeen.saw(offsets):
		return true, fmt.Sprintf("a cycle of this instance committed its offsets %v", offsets)
	default:
		return false, fmt.Sprintf("no cycle of this instance committed its offsets %v", offsets)
	}
}

// hangingOffsets reads the group's offset commits that producer id at
// epoch wrote into a __consumer_offsets partition from offset from on, in
// a client of its own (read uncommitted: the records are pending).
func (s *Service) hangingOffsets(ctx context.Context, topic string, partition int32, id int64, epoch int16, from int64) (map[int32]int64, error) {
	cl, err := s.plainClient("hanging",
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: {partition: kgo.NewOffset().At(from)}}),
		kgo.FetchIsolationLevel(kgo.ReadUncommitted()))
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	offsets := map[int32]int64{}
	for {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := fs.Err(); err != nil {
			return nil, err
		}
		done := false
		fs.EachRecord(func(r *kgo.Record) {
			if r.ProducerID != id || r.ProducerEpoch != epoch {
				done = done || len(offsets) > 0 // past the transaction's records
				return
			}
			if group, tp, p, ok := offsetCommitKey(r.Key); ok && group == s.cfg.group && tp == s.cfg.inputTopic {
				if o, ok := offsetCommitValue(r.Value); ok {
					offsets[p] = o
				}
			}
		})
		if done || len(offsets) > 0 {
			return offsets, nil
		}
	}
}

// offsetCommitKey parses a __consumer_offsets key of an offset commit
// (versions 0 and 1: group, topic, partition); ok is false for any other
// record (group metadata is version 2).
func offsetCommitKey(b []byte) (group, topic string, partition int32, ok bool) {
	r := kbin.Reader{Src: b}
	if v := r.Int16(); v != 0 && v != 1 {
		return "", "", 0, false
	}
	group, topic, partition = r.String(), r.String(), r.Int32()
	return group, topic, partition, r.Complete() == nil
}

// offsetCommitValue parses the committed offset from a __consumer_offsets
// value (every version starts with it); a tombstone has none.
func offsetCommitValue(b []byte) (int64, bool) {
	if len(b) < 10 {
		return 0, false
	}
	r := kbin.Reader{Src: b}
	r.Int16()
	return r.Int64(), r.Ok()
}

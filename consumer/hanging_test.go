package consumer

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kbin"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// A partition starves when records wait on it and none were taken for
// longer than the wait: what makes guardHanging look.
func TestAssignmentStarving(t *testing.T) {
	a := newAssignment()
	t0 := time.Now()
	a.add([]int32{0, 1})
	a.setLag(0, 0)
	a.setLag(1, 5)
	starving := func(at time.Duration) bool {
		_, s := a.starving(t0.Add(at), time.Minute)
		return s
	}
	if starving(10 * time.Second) {
		t.Error("starving before the wait passed")
	}
	if !starving(2 * time.Minute) {
		t.Error("a backlogged partition served nothing for two minutes is not starving")
	}
	a.setLag(1, 0)
	if starving(2 * time.Minute) {
		t.Error("starving without records waiting")
	}
}

// TestHeldPartitionsAndForeignHolder: a transaction of another producer
// that commits the group's offsets and stays open holds them (the broker
// answers UNSTABLE_OFFSET_COMMIT): heldPartitions names the partition,
// endHanging leaves a transaction that is not this instance's alone and
// says so (once a minute), the offsets it carries are read from the log
// and compared with what the committed cycles left (what the log of an
// ended transaction says), and once the holder aborts nothing is held.
func TestHeldPartitionsAndForeignHolder(t *testing.T) {
	seeds := realBrokers(t)
	ctx := context.Background()
	in, out, dlq := topics(t, seeds, 2)
	var log logBuffer
	svc, err := New(ctx, &capsLinker{}, Brokers(seeds...), Topics(in, out, dlq), Group(in+".g"), InstanceID("a"), Logger(log.logger()))
	if err != nil {
		t.Fatal(err)
	}
	holder := newClient(t, seeds, kgo.TransactionalID(in+".holder"), kgo.TransactionTimeout(time.Minute))
	id, epoch, err := holder.ProducerID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	add := kmsg.NewPtrAddOffsetsToTxnRequest()
	add.TransactionalID, add.ProducerID, add.ProducerEpoch, add.Group = in+".holder", id, epoch, in+".g"
	if resp, err := add.RequestWith(ctx, holder); err != nil || resp.ErrorCode != 0 {
		t.Fatalf("AddOffsetsToTxn: %v %v", err, kerr.ErrorForCode(resp.ErrorCode))
	}
	commit := kmsg.NewPtrTxnOffsetCommitRequest()
	commit.TransactionalID, commit.Group, commit.ProducerID, commit.ProducerEpoch, commit.Generation = in+".holder", in+".g", id, epoch, -1
	topic := kmsg.NewTxnOffsetCommitRequestTopic()
	topic.Topic = in
	part := kmsg.NewTxnOffsetCommitRequestTopicPartition()
	part.Partition, part.Offset = 1, 7
	topic.Partitions = append(topic.Partitions, part)
	commit.Topics = append(commit.Topics, topic)
	resp, err := commit.RequestWith(ctx, holder)
	if err != nil || kerr.ErrorForCode(resp.Topics[0].Partitions[0].ErrorCode) != nil {
		t.Fatalf("TxnOffsetCommit: %v %+v", err, resp)
	}

	plain := newClient(t, seeds)
	adm := kadm.NewClient(plain)
	svc.assigned.add([]int32{0, 1})
	held, err := svc.heldPartitions(ctx, plain)
	if err != nil || !slices.Equal(held, []int32{1}) {
		t.Fatalf("held partitions %v (%v), want [1]", held, err)
	}
	own := newClient(t, seeds, kgo.TransactionalID(svc.cfg.transactionalID()))
	for range 2 { // a stall is looked at every hangCheck: the warning is paced
		if err := svc.endHanging(ctx, own, adm); err != nil {
			t.Fatal(err)
		}
	}
	if lines := log.lines("held past the transaction timeout by a transaction not of this instance"); len(lines) != 1 {
		t.Errorf("want one warning naming a foreign holder, got %q", lines)
	}
	if n := log.lines("ended a hanging transaction"); len(n) != 0 {
		t.Errorf("ended another producer's transaction: %q", n)
	}

	// What the open transaction carries, read from the offsets log where
	// it opened, is compared with the offsets committed cycles of this
	// instance left.
	offsetsLog, err := adm.ListTopicsWithInternal(ctx, "__consumer_offsets")
	if err != nil {
		t.Fatal(err)
	}
	producers, err := adm.DescribeProducers(ctx, offsetsLog.TopicsSet())
	if err != nil {
		t.Fatal(err)
	}
	var opened, at = int32(-1), int64(-1)
	for _, tp := range producers {
		for _, pp := range tp.Partitions {
			if h, ok := pp.ActiveProducers[id]; ok && h.CurrentTxnStartOffset >= 0 {
				opened, at = pp.Partition, h.CurrentTxnStartOffset
			}
		}
	}
	if opened < 0 {
		t.Fatalf("the holder's open transaction is on no __consumer_offsets partition: %+v", producers)
	}
	carried, err := svc.hangingOffsets(ctx, "__consumer_offsets", opened, id, epoch, at)
	if err != nil || len(carried) != 1 || carried[1] != 7 {
		t.Fatalf("the open transaction carries %v (%v), want partition 1 at 7", carried, err)
	}
	for _, tc := range []struct {
		seen map[int32]int64
		want bool
	}{{nil, false}, {map[int32]int64{1: 7}, true}, {map[int32]int64{1: 3}, false}, {map[int32]int64{1: 9}, false}, {map[int32]int64{0: 7}, false}} {
		svc.commitsSeen.at = tc.seen
		if got, why := svc.sawCommit(ctx, "__consumer_offsets", opened, id, epoch, at); got != tc.want {
			t.Errorf("seen %v: committed by this instance %v (%s), want %v", tc.seen, got, why, tc.want)
		}
	}
	svc.commitsSeen.at = nil

	end := kmsg.NewPtrEndTxnRequest()
	end.TransactionalID, end.ProducerID, end.ProducerEpoch, end.Commit = in+".holder", id, epoch, false
	if resp, err := end.RequestWith(ctx, holder); err != nil || resp.ErrorCode != 0 {
		t.Fatalf("EndTxn: %v %v", err, kerr.ErrorForCode(resp.ErrorCode))
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		held, err = svc.heldPartitions(ctx, plain)
		if err == nil && len(held) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still held 30 s after the holder aborted: %v %v", held, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The __consumer_offsets records of an offset commit parse as Kafka
// writes them; group metadata and tombstones are no offset commit.
func TestOffsetCommitRecords(t *testing.T) {
	var key []byte
	key = kbin.AppendInt16(key, 1)
	key = kbin.AppendString(key, "g")
	key = kbin.AppendString(key, "news")
	key = kbin.AppendInt32(key, 3)
	if g, tp, p, ok := offsetCommitKey(key); !ok || g != "g" || tp != "news" || p != 3 {
		t.Errorf("offset commit key: %q %q %d %v", g, tp, p, ok)
	}
	meta := kbin.AppendString(kbin.AppendInt16(nil, 2), "g")
	if _, _, _, ok := offsetCommitKey(meta); ok {
		t.Error("a group metadata key parsed as an offset commit")
	}
	if _, _, _, ok := offsetCommitKey(key[:len(key)-2]); ok {
		t.Error("a cut key parsed")
	}
	value := kbin.AppendInt64(kbin.AppendInt16(nil, 3), 4711)
	value = kbin.AppendInt32(value, -1) // leader epoch, then metadata and timestamp
	if o, ok := offsetCommitValue(value); !ok || o != 4711 {
		t.Errorf("offset commit value: %d %v", o, ok)
	}
	if _, ok := offsetCommitValue(nil); ok {
		t.Error("a tombstone has an offset")
	}
}

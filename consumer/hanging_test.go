package consumer

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
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
// says so (once a minute), and once the holder aborts nothing is held.
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
	txnOffsetCommit(t, holder, in+".holder", in+".g", id, epoch, in, 1, 7)

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

// txnOffsetCommit commits, in the open transaction of producer id at
// epoch, the group's offset of topic[partition].
func txnOffsetCommit(t *testing.T, cl *kgo.Client, txnID, group string, id int64, epoch int16, topic string, partition int32, offset int64) {
	t.Helper()
	req := kmsg.NewPtrTxnOffsetCommitRequest()
	req.TransactionalID, req.Group, req.ProducerID, req.ProducerEpoch, req.Generation = txnID, group, id, epoch, -1
	rt := kmsg.NewTxnOffsetCommitRequestTopic()
	rt.Topic = topic
	rp := kmsg.NewTxnOffsetCommitRequestTopicPartition()
	rp.Partition, rp.Offset = partition, offset
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(context.Background(), cl)
	if err != nil || kerr.ErrorForCode(resp.Topics[0].Partitions[0].ErrorCode) != nil {
		t.Fatalf("TxnOffsetCommit: %v %+v", err, resp)
	}
}

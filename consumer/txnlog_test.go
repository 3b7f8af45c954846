package consumer

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kbin"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"
)

// Kafka places a transactional id on the partition of Java's
// String.hashCode (UTF-16 code units, 32-bit wrap), its absolute value
// (MinInt32 counts as 0), modulo the partition count. Expected values
// computed with Java's rules.
func TestTxnLogPartition(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want int32
	}{
		{"hello", 22},             // 99162322
		{"zzzzzzzz", 12},          // -1910022912
		{"abcdefghij", 9},         // -634317659
		{"polygenelubricants", 0}, // math.MinInt32
		{"\U0001F600x", 39},       // a surrogate pair: 54959989
		{"linkstream.g.a-1", 10},  // 760542410
	} {
		if got := txnLogPartition(tc.id, 50); got != tc.want {
			t.Errorf("txnLogPartition(%q, 50) = %d, want %d", tc.id, got, tc.want)
		}
	}
}

// A coordinator's log record is the decision on a transaction when it
// names the transactional id and producer, ends the transaction (prepare
// or complete) and carries the epoch that ended it: the records' epoch
// under transactions v1, one more under v2.
func TestDecisionRecord(t *testing.T) {
	record := func(txnID string, id int64, epoch int16, state kmsg.TransactionState, tv int16) *kgo.Record {
		k := kmsg.NewTxnMetadataKey()
		k.TransactionalID = txnID
		v := kmsg.NewTxnMetadataValue()
		v.Version, v.ProducerID, v.ProducerEpoch, v.State, v.ClientTransactionVersion = 1, id, epoch, state, tv
		tp := kmsg.NewTxnMetadataValueTopic()
		tp.Topic, tp.Partitions = "out", []int32{2}
		v.Topics = append(v.Topics, tp)
		return &kgo.Record{Key: k.AppendTo(nil), Value: v.AppendTo(nil)}
	}
	for _, tc := range []struct {
		name       string
		r          *kgo.Record
		ok, commit bool
	}{
		{"v2 prepare commit", record("g.a", 7, 9, kmsg.TransactionStatePrepareCommit, 2), true, true},
		{"v2 complete abort", record("g.a", 7, 9, kmsg.TransactionStateCompleteAbort, 2), true, false},
		{"v2 at the records' epoch", record("g.a", 7, 8, kmsg.TransactionStatePrepareCommit, 2), false, false},
		{"v1 prepare abort", record("g.a", 7, 8, kmsg.TransactionStatePrepareAbort, 0), true, false},
		{"v1 one epoch on", record("g.a", 7, 9, kmsg.TransactionStatePrepareCommit, 0), false, false},
		{"still ongoing", record("g.a", 7, 9, kmsg.TransactionStateOngoing, 2), false, false},
		{"another producer", record("g.a", 8, 9, kmsg.TransactionStatePrepareCommit, 2), false, false},
		{"another transactional id", record("g.b", 7, 9, kmsg.TransactionStatePrepareCommit, 2), false, false},
		{"a tombstone", &kgo.Record{Key: record("g.a", 7, 9, 0, 2).Key}, false, false},
	} {
		commit, partitions, ok := decisionRecord(tc.r, "g.a", 7, 8)
		if ok != tc.ok || commit != tc.commit {
			t.Errorf("%s: ok %v commit %v, want ok %v commit %v", tc.name, ok, commit, tc.ok, tc.commit)
		}
		if _, has := partitions["out"][2]; ok && !has {
			t.Errorf("%s: partitions %v, want out[2]", tc.name, partitions)
		}
	}
}

// A hanging transaction gets the coordinator's decision: the guard reads
// it from the coordinator's log and writes a commit marker on the group's
// offsets when the transaction committed, an abort when it aborted, under
// transactions v1 and v2 (whose decisions carry the next epoch), and an
// abort when its output records were aborted though it committed. The hang is made the way it happens in the wild: the
// transaction commits the group's offsets without the coordinator
// learning of that partition (a transactions-v1 TxnOffsetCommit, not
// preceded by AddOffsetsToTxn, with the broker's check of that turned
// off), so ending it leaves no marker there.
func TestHangingTransactionGetsTheCoordinatorsDecision(t *testing.T) {
	seeds := realBrokers(t)
	ctx := context.Background()
	in, out, dlq := topics(t, seeds, 1)
	allowUnverifiedTxnWrites(t, seeds)
	for i, tc := range []struct {
		name     string
		versions *kversion.Versions // the hanging client's
		commit   bool               // how the transaction ends
		swept    bool               // an abort marker ends its output records first
	}{
		{"v1 committed", kversion.V3_5_0(), true, false},
		{"v1 aborted", kversion.V3_5_0(), false, false},
		{"v2 committed", v2OldOffsetCommit(), true, false},
		{"v2 aborted", v2OldOffsetCommit(), false, false},
		{"v1 committed, outputs swept", kversion.V3_5_0(), true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			group := fmt.Sprintf("%s.g%d", in, i)
			var log logBuffer
			svc, err := New(ctx, &capsLinker{}, Brokers(seeds...), Topics(in, out, dlq), Group(group), InstanceID("a"), Logger(log.logger()))
			if err != nil {
				t.Fatal(err)
			}
			hanger := newClient(t, seeds, kgo.TransactionalID(svc.cfg.transactionalID()), kgo.TransactionTimeout(time.Minute),
				kgo.DefaultProduceTopic(out), kgo.MaxVersions(tc.versions))
			if err := hanger.BeginTransaction(); err != nil {
				t.Fatal(err)
			}
			r := &kgo.Record{Value: []byte("linked")}
			if err := hanger.ProduceSync(ctx, r).FirstErr(); err != nil {
				t.Fatal(err)
			}
			txnOffsetCommit(t, hanger, svc.cfg.transactionalID(), group, r.ProducerID, r.ProducerEpoch, in, 0, 7)
			if tc.swept {
				// what a later transaction's abort does to an unfinished one's records
				m := kadm.TxnMarkers{ProducerID: r.ProducerID, ProducerEpoch: r.ProducerEpoch, Topics: kadm.TopicsSet{}}
				m.Topics.Add(r.Topic, r.Partition)
				if _, err := kadm.NewClient(newClient(t, seeds)).WriteTxnMarkers(ctx, m); err != nil {
					t.Fatal(err)
				}
			}
			if err := hanger.EndTransaction(ctx, kgo.TransactionEndTry(tc.commit)); err != nil {
				t.Fatal(err)
			}
			plain := newClient(t, seeds)
			svc.assigned.add([]int32{0})
			if held, err := svc.heldPartitions(ctx, plain); err != nil || len(held) != 1 {
				t.Fatalf("the transaction does not hang: held %v (%v)", held, err)
			}
			own := newClient(t, seeds, kgo.TransactionalID(svc.cfg.transactionalID()))
			if err := svc.endHanging(ctx, own, kadm.NewClient(plain)); err != nil {
				t.Fatal(err)
			}
			committed := tc.commit && !tc.swept
			marker := markerName(committed)
			if n := metricValue(t, svc, "linkstream_hanging_transactions_ended_total"); n != 1 {
				t.Errorf("%v hanging transactions ended, want 1", n)
			}
			if lines := log.lines("marker=" + marker + " "); len(lines) != 1 {
				t.Errorf("want one %s marker logged, got %q", marker, log.lines("ended a hanging transaction"))
			}
			deadline := time.Now().Add(30 * time.Second)
			for {
				held, err := svc.heldPartitions(ctx, plain)
				if err == nil && len(held) == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("still held 30 s after the %s marker: %v %v", marker, held, err)
				}
				time.Sleep(100 * time.Millisecond)
			}
			offsets, err := kadm.NewClient(plain).FetchOffsets(ctx, group)
			if err != nil {
				t.Fatal(err)
			}
			o, ok := offsets.Lookup(in, 0)
			if got := ok && o.At == 7; got != committed {
				t.Errorf("group offset after the guard: %+v (present %v), want committed %v", o, ok, committed)
			}
		})
	}
}

// v2OldOffsetCommit are Kafka 4.3's versions but TxnOffsetCommit v3: a
// transactions-v2 client whose offset commit does not add the group's
// partition to the transaction (v5 would).
func v2OldOffsetCommit() *kversion.Versions {
	v := kversion.V4_3_0()
	v.SetMaxKeyVersion(kmsg.TxnOffsetCommit.Int16(), 3)
	return v
}

// allowUnverifiedTxnWrites turns off, until the test ends, the broker's
// check that a transaction's partition was added before it is written
// (KIP-890 part 1), which prevents most hanging transactions.
func allowUnverifiedTxnWrites(t *testing.T, seeds []string) {
	t.Helper()
	adm := kadm.NewClient(newClient(t, seeds))
	set := func(op kadm.IncrementalOp, v string) error {
		resps, err := adm.AlterBrokerConfigs(context.Background(), []kadm.AlterConfig{{Op: op, Name: "transaction.partition.verification.enable", Value: &v}})
		if err == nil {
			for _, r := range resps {
				err = errors.Join(err, r.Err)
			}
		}
		return err
	}
	if err := set(kadm.SetConfig, "false"); err != nil {
		t.Fatalf("turn off the broker's transaction verification: %v", err)
	}
	t.Cleanup(func() {
		if err := set(kadm.DeleteConfig, ""); err != nil {
			t.Errorf("restore the broker's transaction verification: %v", err)
		}
	})
}

// openElsewhere finds, among the partitions a decision names, those where
// the transaction is still open: not those it ended, nor those where its
// producer has moved on to a later epoch.
func TestOpenElsewhereFindsTheTransactionsOpenPartitions(t *testing.T) {
	seeds := realBrokers(t)
	ctx := context.Background()
	_, out, _ := topics(t, seeds, 1)
	svc, err := New(ctx, &capsLinker{}, Brokers(seeds...), Topics(out+".in", out, ""), Group(out+".g"), InstanceID("a"))
	if err != nil {
		t.Fatal(err)
	}
	writer := newClient(t, seeds, kgo.TransactionalID(out+".w"), kgo.DefaultProduceTopic(out), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	write := func(partition int32) *kgo.Record {
		r := &kgo.Record{Partition: partition, Value: []byte("x")}
		if err := writer.ProduceSync(ctx, r).FirstErr(); err != nil {
			t.Fatal(err)
		}
		return r
	}
	if err := writer.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	write(1)
	if err := writer.EndTransaction(ctx, kgo.TryCommit); err != nil {
		t.Fatal(err)
	}
	if err := writer.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	r := write(0) // open on partition 0; partition 1 was ended
	defer writer.EndTransaction(ctx, kgo.TryAbort)
	names := kadm.TopicsSet{}
	names.Add(out, 0, 1, 2)
	adm := kadm.NewClient(newClient(t, seeds))
	for _, tc := range []struct {
		epoch int16
		want  int // open partitions found
	}{{r.ProducerEpoch, 1}, {r.ProducerEpoch - 1, 0}} {
		open := map[string]map[int32]kadm.DescribedProducer{}
		h := kadm.DescribedProducer{ProducerID: r.ProducerID, ProducerEpoch: tc.epoch}
		if err := svc.openElsewhere(ctx, adm, h, names, open); err != nil {
			t.Fatal(err)
		}
		if _, ok := open[out][0]; len(open[out]) != tc.want || (tc.want == 1 && !ok) {
			t.Errorf("epoch %d: open %v, want %d partition(s) (partition 0)", tc.epoch, open, tc.want)
		}
	}
}

func TestMarkerCommits(t *testing.T) {
	marker := func(typ int16) []byte { return kbin.AppendInt16(kbin.AppendInt16(nil, 0), typ) }
	if c, ok := markerCommits(marker(1)); !ok || !c {
		t.Errorf("commit marker: commit %v ok %v", c, ok)
	}
	if c, ok := markerCommits(marker(0)); !ok || c {
		t.Errorf("abort marker: commit %v ok %v", c, ok)
	}
	if _, ok := markerCommits(marker(5)); ok {
		t.Error("a control record of another type parsed as a marker")
	}
	if _, ok := markerCommits(marker(1)[:3]); ok {
		t.Error("a cut key parsed as a marker")
	}
}

package consumer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
	"unicode/utf16"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// The transaction coordinator's log (__transaction_state) is where a
// hanging transaction's fate was decided: the coordinator appends
// PrepareCommit or PrepareAbort, naming every partition the transaction
// wrote, before it answers EndTxn or writes a marker, so the record
// outlives a crash that cuts both. Seen in the broker-restart test
// (Kafka 4.3, single node, a broker padded with 400 partitions): reloading
// its log after the restart, the coordinator found a PrepareCommit and
// sent its markers before the broker knew its own partitions' leaders
// ("Couldn't find leader endpoint for partitions … these partitions are
// likely deleted already and hence can be skipped"), so neither the
// output partition nor the group's offsets got one.

const (
	transactionLog = "__transaction_state"
	offsetsLog     = "__consumer_offsets"
)

// errNoDecision is why a decision is unknown: the log holds none for the
// transaction (it may not be decided yet, or the log was compacted).
var errNoDecision = errors.New("the coordinator's log holds no decision for the transaction")

// txnDecision is what the coordinator decided for one transaction.
type txnDecision struct {
	commit bool
	// partitions are those it named in its prepare record: where the
	// transaction wrote (outputs, and the offsets partitions it knew of).
	partitions kadm.TopicsSet
}

// readDecision reads, from the coordinator's log partition of this
// instance's transactional id, the decision on the transaction of producer
// id whose records carry epoch, looking at records from since on.
func (s *Service) readDecision(ctx context.Context, adm *kadm.Client, id int64, epoch int16, since time.Time) (txnDecision, error) {
	txnID := s.cfg.transactionalID()
	meta, err := adm.ListTopicsWithInternal(ctx, transactionLog)
	if err == nil {
		err = meta.Error()
	}
	if err != nil {
		return txnDecision{}, fmt.Errorf("partitions of %s: %w", transactionLog, err)
	}
	n := len(meta[transactionLog].Partitions)
	if n == 0 {
		return txnDecision{}, fmt.Errorf("%s has no partitions", transactionLog)
	}
	p := txnLogPartition(txnID, n)
	var d txnDecision
	found := false
	err = s.readSince(ctx, adm, transactionLog, p, since, func(r *kgo.Record) bool {
		commit, names, ok := decisionRecord(r, txnID, id, epoch)
		if ok {
			found, d.commit = true, commit
			if len(names) > 0 { // the complete record names no partitions
				d.partitions = names
			}
		}
		return false // a later record of the transaction may follow
	})
	if err != nil {
		return txnDecision{}, err
	}
	if !found {
		return txnDecision{}, errNoDecision
	}
	return d, nil
}

// decisionRecord parses a coordinator's log record: ok when it is the
// prepare or complete record of the transaction of txnID, producer id,
// whose records carry epoch. Under transactions v2 the coordinator bumps
// the epoch as it ends a transaction, so those records carry epoch + 1.
func decisionRecord(r *kgo.Record, txnID string, id int64, epoch int16) (commit bool, partitions kadm.TopicsSet, ok bool) {
	var k kmsg.TxnMetadataKey
	if r.Value == nil || k.ReadFrom(r.Key) != nil || k.TransactionalID != txnID {
		return false, nil, false
	}
	var v kmsg.TxnMetadataValue
	if v.ReadFrom(r.Value) != nil || v.ProducerID != id {
		return false, nil, false
	}
	ended := epoch
	if v.ClientTransactionVersion >= 2 {
		ended = epoch + 1
	}
	if v.ProducerEpoch != ended {
		return false, nil, false
	}
	switch v.State {
	case kmsg.TransactionStatePrepareCommit, kmsg.TransactionStateCompleteCommit:
		commit = true
	case kmsg.TransactionStatePrepareAbort, kmsg.TransactionStateCompleteAbort:
	default:
		return false, nil, false
	}
	partitions = kadm.TopicsSet{}
	for _, t := range v.Topics {
		partitions.Add(t.Topic, t.Partitions...)
	}
	return commit, partitions, true
}

// txnLogPartition is the coordinator's log partition of a transactional
// id, as Kafka places it: the absolute value of Java's String.hashCode,
// modulo the partition count.
func txnLogPartition(txnID string, n int) int32 {
	var h int32
	for _, u := range utf16.Encode([]rune(txnID)) {
		h = 31*h + int32(u)
	}
	switch {
	case h == math.MinInt32:
		h = 0
	case h < 0:
		h = -h
	}
	return h % int32(n)
}

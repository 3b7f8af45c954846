package consumer

import (
	"context"
	"errors"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kbin"
	"github.com/twmb/franz-go/pkg/kgo"
)

// What became of a transaction's outputs. The coordinator's decision is
// not always what an output partition holds: measured in the restart test
// (1 of 60 runs, 256 documents lost), the restarted coordinator committed
// a cycle whose markers it skipped, the instance (told the cycle failed)
// went on with its next transaction on the same output partition, and
// that transaction's abort marker ended the skipped one's records too;
// committing the offsets as decided then lost the cycle. The offsets
// follow what the outputs hold.

// errNoFate is why an output partition tells nothing: no record of the
// transaction on it, or no marker after them.
var errNoFate = errors.New("no record of the transaction followed by a marker")

// outputFate reads topic[partition] from the first record written at or
// after since to its end, and answers whether the records of producer id
// at epoch there were committed: the first marker of that producer after
// them says (a later transaction's abort ends an unfinished one's records
// with its own).
func (s *Service) outputFate(ctx context.Context, adm *kadm.Client, topic string, partition int32, id int64, epoch int16, since time.Time) (commit bool, err error) {
	var wrote, found bool
	err = s.readSince(ctx, adm, topic, partition, since, func(r *kgo.Record) bool {
		switch {
		case r.ProducerID != id:
		case !r.Attrs.IsControl():
			wrote = wrote || r.ProducerEpoch == epoch
		case wrote:
			commit, found = markerCommits(r.Key)
		}
		return found
	})
	if err != nil {
		return false, err
	}
	if !found {
		return false, errNoFate
	}
	return commit, nil
}

// markerCommits parses a transaction marker's key (version, then type: 0
// abort, 1 commit); ok is false for any other control record.
func markerCommits(key []byte) (commit, ok bool) {
	r := kbin.Reader{Src: key}
	r.Int16()
	typ := r.Int16()
	if !r.Ok() || (typ != 0 && typ != 1) {
		return false, false
	}
	return typ == 1, true
}

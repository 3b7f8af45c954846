package consumer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// readSince reads topic[partition] from the first record written at or
// after since up to the partition's end as it stands when called (read
// uncommitted, markers kept), handing each record to visit until visit
// answers true. An empty range reads nothing. The guard's two readers, of
// the coordinator's log and of an output partition, share it.
func (s *Service) readSince(ctx context.Context, adm *kadm.Client, topic string, partition int32, since time.Time, visit func(*kgo.Record) (done bool)) error {
	starts, err := adm.ListOffsetsAfterMilli(ctx, since.UnixMilli(), topic)
	if err != nil {
		return fmt.Errorf("offsets of %s[%d]: %w", topic, partition, err)
	}
	ends, err := adm.ListEndOffsets(ctx, topic)
	if err != nil {
		return fmt.Errorf("end of %s[%d]: %w", topic, partition, err)
	}
	start, _ := starts.Lookup(topic, partition)
	end, _ := ends.Lookup(topic, partition)
	if start.Err != nil || end.Err != nil {
		return fmt.Errorf("offsets of %s[%d]: %w", topic, partition, errors.Join(start.Err, end.Err))
	}
	if start.Offset < 0 || start.Offset >= end.Offset {
		return nil
	}
	cl, err := s.plainClient("reader", kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: {partition: kgo.NewOffset().At(start.Offset)}}),
		kgo.FetchIsolationLevel(kgo.ReadUncommitted()), kgo.KeepControlRecords())
	if err != nil {
		return err
	}
	defer cl.Close()
	done := false
	for next := start.Offset; next < end.Offset && !done; {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("read %s[%d] up to %d: %w", topic, partition, end.Offset, err)
		}
		if err := fs.Err(); err != nil {
			return fmt.Errorf("read %s[%d]: %w", topic, partition, err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if !done {
				next = r.Offset + 1
				done = visit(r)
			}
		})
	}
	return nil
}

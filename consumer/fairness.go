package consumer

import (
	"context"

	"github.com/twmb/franz-go/pkg/kgo"
)

// pollFair polls up to n records for one cycle so that, while several
// owned partitions are backlogged, each gets about an equal share of the
// cycle. franz-go hands out buffered records partition by partition, and
// a fetch buffers up to a megabyte per partition: left alone, a backlog
// is drained one partition after another (thousands of small documents,
// minutes with a slow linker, each) although every partition has a lane.
//
// A partition that has had its share is paused for the rest of the poll,
// so the next take skips to another partition; franz-go drops a paused
// partition's buffered records without handing them out (they are
// fetched again after the resume), so nothing is skipped or committed
// early. With one backlogged partition (or none) this is a plain poll.
func (s *Service) pollFair(ctx context.Context, sess session, n int) kgo.Fetches {
	k := s.assigned.backlogged()
	if k < 2 {
		return sess.poll(ctx, n)
	}
	share := (n + k - 1) / k
	cl := sess.client()
	topic := s.cfg.inputTopic
	var paused []int32
	defer func() {
		if len(paused) > 0 {
			cl.ResumeFetchPartitions(map[string][]int32{topic: paused})
		}
	}()
	taken := map[int32]int{}
	fs := sess.poll(ctx, share)
	next, total := fs, 0
	for {
		var full []int32
		next.EachPartition(func(p kgo.FetchTopicPartition) {
			if p.Topic != topic || len(p.Records) == 0 {
				return
			}
			before := taken[p.Partition]
			taken[p.Partition] += len(p.Records)
			if before < share && taken[p.Partition] >= share {
				full = append(full, p.Partition)
			}
		})
		if len(full) > 0 {
			cl.PauseFetchPartitions(map[string][]int32{topic: full})
			paused = append(paused, full...)
		}
		got := next.NumRecords()
		total += got
		if got == 0 || total >= n || ctx.Err() != nil {
			return fs
		}
		// Each take is at most a share, so no partition gets much more
		// than its share before it is paused.
		next = sess.take(min(share, n-total))
		fs = append(fs, next...)
	}
}

package consumer

import (
	"context"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Shares cost something: pausing drops the other partitions' buffered
// records, to be fetched again. With a fast linker a megabyte per
// partition drains in a fraction of a second, and shares in every cycle
// doubled the CPU per document (51 against 23 µs on 12 partitions, the
// cheap test linker). So cycles take shares only when they matter: when
// a cycle is expected to last fairCycle or more (a slow linker, where a
// refetch costs nothing), or when a backlogged partition has had no
// records for fairWait.
const (
	fairCycle = 200 * time.Millisecond
	fairWait  = time.Second
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
// early. With one backlogged partition (or none), or a fast cycle while
// no partition starves, this is a plain poll.
func (s *Service) pollFair(ctx context.Context, sess session, n int, size *cycleSizer) (fs kgo.Fetches) {
	defer func() { s.assigned.took(fs, time.Now()) }()
	k, starving := s.assigned.starving(time.Now(), fairWait)
	if k < 2 || !(starving || size.expected(n) >= fairCycle) {
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
	fs = sess.poll(ctx, share)
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

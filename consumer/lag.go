package consumer

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// lagInterval is how often the lag is asked of the broker: three small
// admin requests a second per instance, so an autoscaler sees a backlog
// within a second of an instance starting. A new assignment or a
// committed cycle asks again at once, but never more often than
// lagMinInterval (cycles of a fast linker commit many times a second).
const (
	lagInterval    = time.Second
	lagMinInterval = 200 * time.Millisecond
)

// watchLag exports, until ctx ends, the lag of every input partition this
// instance owns and the group's total over all input partitions, from the
// broker: the end (last stable offset, what a read_committed reader can
// reach) minus the group's committed offset. A partition the group has
// not committed yet counts from where a new group starts (the log start,
// or the end with StartAtEnd). So the figures exist from the start and
// for idle instances too, not only after a cycle commits.
func (s *Service) watchLag(ctx context.Context, cl *kgo.Client) {
	adm := kadm.NewClient(cl)
	tick := time.NewTicker(lagInterval)
	defer tick.Stop()
	var failing bool
	for {
		err := s.measureLag(ctx, adm)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && !failing:
			s.log.Warn("cannot measure the consumer lag; the lag metrics keep their last values", "err", err)
		case err == nil && failing:
			s.log.Info("measuring the consumer lag again")
		}
		failing = err != nil
		last := time.Now()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.assigned.kick:
			select {
			case <-ctx.Done():
				return
			case <-time.After(lagMinInterval - time.Since(last)):
			}
		}
	}
}

func (s *Service) measureLag(ctx context.Context, adm *kadm.Client) error {
	ctx, cancel := context.WithTimeout(ctx, lagInterval)
	defer cancel()
	topic := s.cfg.inputTopic
	ends, err := adm.ListCommittedOffsets(ctx, topic)
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		return fmt.Errorf("end offsets of %s: %w", topic, err)
	}
	starts := ends
	if !s.cfg.startAtEnd {
		if starts, err = adm.ListStartOffsets(ctx, topic); err == nil {
			err = starts.Error()
		}
		if err != nil {
			return fmt.Errorf("start offsets of %s: %w", topic, err)
		}
	}
	committed, err := adm.FetchOffsetsForTopics(ctx, s.cfg.group, topic)
	if err == nil {
		err = committed.Error()
	}
	if err != nil {
		return fmt.Errorf("committed offsets of group %s: %w", s.cfg.group, err)
	}
	var total int64
	ends.Each(func(end kadm.ListedOffset) {
		from := int64(-1)
		if c, ok := committed.Lookup(topic, end.Partition); ok {
			from = c.At
		}
		if from < 0 {
			from = end.Offset
			if st, ok := starts.Lookup(topic, end.Partition); ok {
				from = st.Offset
			}
		}
		lag := max(0, end.Offset-from)
		total += lag
		if s.assigned.setLag(end.Partition, lag) {
			s.m.setLag(topic, end.Partition, lag)
		} else {
			s.m.dropLag(topic, []int32{end.Partition})
		}
	})
	s.m.groupLag.WithLabelValues(topic).Set(float64(total))
	return nil
}

package consumer

import (
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/linkstream/linkstream/producer"
)

func (s *Service) deadLetter(r *kgo.Record, reason producer.Reason, cause error, attempts int) outcome {
	s.log.Debug("dead letter", "topic", r.Topic, "partition", r.Partition, "offset", r.Offset, "reason", reason, "err", cause)
	return outcome{rec: producer.DeadLetter(r, s.cfg.dlqTopic, reason, cause, attempts, s.cfg.dlqMaxValue), reason: reason}
}

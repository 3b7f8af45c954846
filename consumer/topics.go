package consumer

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// TopicError is what Run returns when a topic the service needs does not
// exist and the broker refuses to create it for a reason retrying cannot
// fix (no CREATE permission, a creation policy, an invalid partition or
// replication count). Err is the broker's refusal, a kerr.Error.
type TopicError struct {
	Topic      string
	Partitions int32 // what was asked for; -1 is the broker's default
	Err        error
}

func (e *TopicError) Error() string {
	parts := "the broker's default partitions"
	if e.Partitions > 0 {
		parts = fmt.Sprintf("%d partitions", e.Partitions)
	}
	return fmt.Sprintf("consumer: topic %q does not exist and the broker refused to create it (%s): %v; "+
		"create it yourself, grant this client CREATE on it, or turn topic creation off (CreateTopics(false), --create-topics=false)",
		e.Topic, parts, e.Err)
}

func (e *TopicError) Unwrap() error { return e.Err }

// ensureTopics makes sure the input, output and dead-letter topics exist
// before a session starts: producing to a missing topic would abort every
// cycle. A missing input is created with the broker's default partition
// count, a missing output or dead-letter topic with the input's, so that
// output partitions line up with input partitions; the replication factor
// is the broker's default. Another instance creating the same topic at the
// same moment is fine. With CreateTopics(false) missing topics are only
// reported. A retriable failure (no broker yet) is returned as is, so the
// session is retried with backoff; a refusal is a *TopicError.
func (s *Service) ensureTopics(ctx context.Context) error {
	cl, err := s.adminClient()
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	tctx, cancel := context.WithTimeout(ctx, s.cfg.session)
	defer cancel()
	// The input first: the others take its partition count.
	want := []string{s.cfg.inputTopic, s.cfg.outputTopic, s.cfg.dlqTopic}
	details, err := adm.ListTopics(tctx, want...)
	if err != nil {
		return fmt.Errorf("consumer: list topics: %w", err)
	}
	partitions := int32(-1)
	for _, t := range want {
		if d, ok := details[t]; ok && d.Err == nil {
			if t == s.cfg.inputTopic {
				partitions = int32(len(d.Partitions))
			}
			continue
		}
		if !s.cfg.createTopics {
			s.log.Warn("topic does not exist (or is not visible) and topic creation is off: create it, or cycles producing to it abort until it appears", "topic", t)
			continue
		}
		resp, err := adm.CreateTopic(tctx, partitions, -1, nil, t)
		var refused *kerr.Error
		switch {
		case errors.Is(err, kerr.TopicAlreadyExists):
			// Another instance was first.
			if t == s.cfg.inputTopic {
				d, err := adm.ListTopics(tctx, t)
				if err != nil {
					return fmt.Errorf("consumer: list topic %q: %w", t, err)
				}
				partitions = int32(len(d[t].Partitions))
			}
			continue
		case errors.As(err, &refused) && !refused.Retriable:
			if resp.ErrMessage != "" {
				err = fmt.Errorf("%w (%s)", err, resp.ErrMessage)
			}
			return &TopicError{Topic: t, Partitions: partitions, Err: err}
		case err != nil:
			// No answer, or a retriable one (the controller moving).
			return fmt.Errorf("consumer: create topic %q: %w", t, err)
		}
		s.log.Info("created missing topic", "topic", t, "partitions", resp.NumPartitions, "replication", resp.ReplicationFactor)
		if t == s.cfg.inputTopic {
			partitions = resp.NumPartitions
		}
	}
	return nil
}

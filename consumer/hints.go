package consumer

import (
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
)

// hint explains the failures whose cause is a configuration mistake.
func (s *Service) hint(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, kerr.ProducerFenced), errors.Is(err, kerr.InvalidProducerEpoch):
		return fmt.Sprintf("the transaction was fenced: either another running instance uses the same instance id (transactional id %q), or a cycle outlived the transaction timeout %v (lower the cycle target or raise the timeout)",
			s.cfg.transactionalID(), s.cfg.txnTimeout)
	case errors.Is(err, kerr.FencedInstanceID):
		return fmt.Sprintf("another running instance of group %q uses the same instance id %q (static membership): give each instance its own", s.cfg.group, s.cfg.instanceID)
	case errors.Is(err, kerr.UnknownTopicOrPartition):
		return "a topic does not exist: create it, or leave topic creation on (CreateTopics, --create-topics) so that the service creates missing topics at start-up"
	case errors.Is(err, kerr.MessageTooLarge), errors.Is(err, kerr.RecordListTooLarge):
		return "a record exceeds the topic's max.message.bytes: lower the dead-letter value cap or raise the topic limit"
	}
	return ""
}

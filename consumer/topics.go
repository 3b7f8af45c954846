package consumer

import (
	"context"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// checkTopics warns about missing topics: the service creates none, and
// producing to a missing output or dead-letter topic fails every cycle
// (unless the broker auto-creates topics).
func (s *Service) checkTopics(ctx context.Context, cl *kgo.Client) {
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	want := []string{s.cfg.inputTopic, s.cfg.outputTopic, s.cfg.dlqTopic}
	details, err := kadm.NewClient(cl).ListTopics(tctx, want...)
	if err != nil {
		s.log.Warn("cannot list topics", "err", err)
		return
	}
	for _, t := range want {
		if d, ok := details[t]; !ok || d.Err != nil {
			s.log.Warn("topic does not exist (or is not visible); create it, or cycles producing to it abort until it appears", "topic", t)
		}
	}
}

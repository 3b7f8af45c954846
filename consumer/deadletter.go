package consumer

import (
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/linkstream/linkstream/producer"
)

// Dead-letter log lines are rate-limited: a producer writing garbage must
// not flood the log. dlqLogBurst lines may come at once, then one per
// dlqLogEvery; the next line that is written says how many were left out.
// The dead-letter topic and linkstream_dead_letters_total have them all.
const (
	dlqLogBurst = 10
	dlqLogEvery = time.Second
)

// deadLetter routes r to the dead-letter topic.
func (s *Service) deadLetter(r *kgo.Record, reason producer.Reason, cause error, attempts int) outcome {
	if ok, skipped := s.dlqLog.allow(time.Now()); ok {
		args := []any{"topic", r.Topic, "partition", r.Partition, "offset", r.Offset, "reason", reason,
			"attempts", attempts, "dlq_topic", s.cfg.dlqTopic, "err", cause}
		if skipped > 0 {
			args = append(args, "not_logged_since_last", skipped)
		}
		s.log.Warn("record sent to the dead-letter topic", args...)
	}
	return outcome{rec: producer.DeadLetter(r, s.cfg.dlqTopic, reason, cause, attempts, s.cfg.dlqMaxValue), reason: reason}
}

// logLimiter is a token bucket: burst tokens, one more every interval.
type logLimiter struct {
	burst    int
	interval time.Duration

	mu      sync.Mutex
	tokens  float64
	last    time.Time
	skipped int
}

func newLogLimiter(burst int, interval time.Duration) *logLimiter {
	return &logLimiter{burst: burst, interval: interval, tokens: float64(burst)}
}

// allow reports whether a line may be written now, and how many were
// refused since the last one allowed.
func (l *logLimiter) allow(now time.Time) (ok bool, skipped int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.last.IsZero() {
		l.tokens = min(float64(l.burst), l.tokens+float64(now.Sub(l.last))/float64(l.interval))
	}
	l.last = now
	if l.tokens < 1 {
		l.skipped++
		return false, 0
	}
	l.tokens--
	skipped, l.skipped = l.skipped, 0
	return true, skipped
}

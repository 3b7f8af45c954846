package consumer

import (
	"sync/atomic"

	"github.com/twmb/franz-go/pkg/kgo"
)

// fetchGate is the backpressure of one cycle: a full cycle stops
// background fetching of the input until most of it is done, so at most
// MaxInFlight documents plus one fetch are held.
type fetchGate struct {
	cl     *kgo.Client
	topic  string
	m      *metrics
	paused atomic.Bool
}

// pauseIfFull pauses fetching when the cycle polled its whole limit (more
// records are probably waiting); a smaller cycle leaves fetching on.
func (s *Service) pauseIfFull(cl *kgo.Client, n, limit int) *fetchGate {
	g := &fetchGate{cl: cl, topic: s.cfg.inputTopic, m: s.m}
	if n >= limit {
		cl.PauseFetchTopics(g.topic)
		g.paused.Store(true)
		g.m.paused.Set(1)
	}
	return g
}

// resume lets fetching go on. Every lane may call it, any number of times.
func (g *fetchGate) resume() {
	if g.paused.CompareAndSwap(true, false) {
		g.cl.ResumeFetchTopics(g.topic)
		g.m.paused.Set(0)
	}
}

package consumer

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/linkstream/linkstream/link"
)

// clientHook hands the test the service's own Kafka client.
type clientHook struct{ cl atomic.Pointer[kgo.Client] }

func (h *clientHook) OnNewClient(cl *kgo.Client) { h.cl.Store(cl) }

// pauseProbe is a Linker that, on the first call of all, notes which
// topics the service's client has paused: at that moment the first cycle
// is in flight and none of its documents is done.
type pauseProbe struct {
	capsLinker
	hook   *clientHook
	first  atomic.Bool
	paused chan []string
}

func (p *pauseProbe) Link(ctx context.Context, doc link.Document) (link.Result, error) {
	if p.first.CompareAndSwap(false, true) {
		var topics []string
		if cl := p.hook.cl.Load(); cl != nil {
			topics = cl.PauseFetchTopics() // no arguments: only reports what is paused
		}
		p.paused <- topics
	}
	return p.capsLinker.Link(ctx, doc)
}

// Backpressure: while a full cycle (MaxInFlight documents) is in flight,
// the input topic's fetching is paused, and it is resumed, so that every
// document is still linked.
func TestFullCyclePausesFetching(t *testing.T) {
	ctx := context.Background()
	seeds := newFake(t, 1)
	docs := makeDocs("bp", 40)
	// Every document is in the partition before the service starts, so its
	// first poll fills a whole cycle of MaxInFlight documents.
	produceDocs(ctx, t, newClient(t, seeds), "in", nil, docs)
	hook := &clientHook{}
	probe := &pauseProbe{hook: hook, paused: make(chan []string, 1)}
	startService(t, probe, Brokers(seeds...), InstanceID("a"), MaxInFlight(8), ClientOpts(kgo.WithHooks(hook)))

	select {
	case paused := <-probe.paused:
		if !slices.Contains(paused, "in") {
			t.Errorf("during a full cycle the paused topics are %v, want the input topic", paused)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the service linked nothing in 30s")
	}
	outs := readOutputs(ctx, t, seeds, "out", len(docs), 30*time.Second, nil)
	checkExactlyOnce(t, outs, docMap(docs))
}

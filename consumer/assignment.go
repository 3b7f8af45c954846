package consumer

import (
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// assignment is the set of input partitions this instance owns, kept by
// the group callbacks, with what the lag series and the fair poll need to
// know of each.
type assignment struct {
	mu   sync.Mutex
	ps   map[int32]*owned
	kick chan struct{} // a new assignment or a commit: measure the lag now
}

type owned struct {
	lag    int64     // at the last measurement
	served time.Time // when a cycle last took records of it (or it was assigned)
}

func newAssignment() *assignment {
	return &assignment{ps: map[int32]*owned{}, kick: make(chan struct{}, 1)}
}

func (a *assignment) add(ps []int32) {
	now := time.Now()
	a.mu.Lock()
	for _, p := range ps {
		a.ps[p] = &owned{served: now}
	}
	a.mu.Unlock()
	a.changed()
}

// changed asks for a lag measurement now; it never blocks.
func (a *assignment) changed() {
	select {
	case a.kick <- struct{}{}:
	default:
	}
}

func (a *assignment) remove(ps []int32) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, p := range ps {
		delete(a.ps, p)
	}
}

// owned lists the partitions in the set.
func (a *assignment) owned() []int32 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Collect(maps.Keys(a.ps))
}

// clear empties the set and returns what it held, in one step.
func (a *assignment) clear() []int32 {
	a.mu.Lock()
	defer a.mu.Unlock()
	ps := slices.Collect(maps.Keys(a.ps))
	clear(a.ps)
	return ps
}

// setLag records the lag of p, reporting whether this instance owns p.
func (a *assignment) setLag(p int32, lag int64) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	o, ok := a.ps[p]
	if ok {
		o.lag = lag
	}
	return ok
}

// starving counts the owned partitions that had records waiting at the
// last lag measurement, and reports whether one of them has had none
// taken for longer than wait.
func (a *assignment) starving(now time.Time, wait time.Duration) (backlogged int, starving bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, o := range a.ps {
		if o.lag > 0 {
			backlogged++
			starving = starving || now.Sub(o.served) > wait
		}
	}
	return backlogged, starving
}

// took notes that a cycle took records of the partitions in fs.
func (a *assignment) took(fs kgo.Fetches, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	fs.EachPartition(func(p kgo.FetchTopicPartition) {
		if o, ok := a.ps[p.Partition]; ok && len(p.Records) > 0 {
			o.served = now
		}
	})
}

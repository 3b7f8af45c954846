package pipeline

import (
	"hash/maphash"
	"sync"

	"github.com/linkstream/linkstream/kb"
)

// walkMemo remembers where the surface automaton stands after a phrase
// (normalised tokens joined by spaces). Every spot starts at a capitalised
// word, most die on it, and news repeats its names: the memo turns the
// automaton's byte-by-byte steps, the costliest part of spotting, into map
// look-ups. It is sharded for concurrent Link calls and bounded: a full
// shard is emptied and refills.
type walkMemo struct {
	kb     *kb.KB
	seed   maphash.Seed
	shards [walkMemoShards]walkShard
}

const (
	walkMemoShards   = 32
	walkMemoPerShard = 1 << 14 // 16Ki words a shard, about half a million in all
)

type walkShard struct {
	mu    sync.RWMutex
	steps map[string]walkStep
}

// walkStep is the automaton after a phrase: where it stands, and whether the
// phrase is a whole surface.
type walkStep struct {
	w     kb.Walker
	key   kb.SurfaceKey
	match bool
}

func newWalkMemo(k *kb.KB) *walkMemo {
	m := &walkMemo{kb: k, seed: maphash.MakeSeed()}
	for i := range m.shards {
		m.shards[i].steps = make(map[string]walkStep)
	}
	return m
}

// walk returns the walker after the phrase of tokens [from, to); prev is
// the walker after [from, to-1), used when the phrase is not memoised.
func (m *walkMemo) walk(norm *normTokens, from, to int, prev kb.Walker) walkStep {
	phrase := norm.phrase(from, to)
	s := &m.shards[maphash.String(m.seed, phrase)%walkMemoShards]
	s.mu.RLock()
	st, ok := s.steps[phrase]
	s.mu.RUnlock()
	if ok {
		return st
	}
	if to-from == 1 {
		st.w = m.kb.Walker()
	} else {
		st.w = prev
		st.w.Step(" ")
	}
	st.w.Step(norm.of(to - 1))
	st.key, st.match = st.w.Match()
	s.mu.Lock()
	if len(s.steps) >= walkMemoPerShard {
		clear(s.steps)
	}
	s.steps[string([]byte(phrase))] = st // phrase points into a reused buffer
	s.mu.Unlock()
	return st
}

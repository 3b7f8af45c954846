package pipeline

import "testing"

// narrowed keeps what it is told to, copies only when it drops, and
// returns nil when it keeps nothing.
func TestNarrowed(t *testing.T) {
	e := &surfaceEntry{cands: []candidate{{title: "A"}, {title: "B"}, {title: "C"}}}
	if got := e.narrowed(func(*candidate) bool { return true }); got != e {
		t.Errorf("nothing dropped: got a copy")
	}
	if got := e.narrowed(func(*candidate) bool { return false }); got != nil {
		t.Errorf("everything dropped: got %v, want nil", got)
	}
	got := e.narrowed(func(c *candidate) bool { return c.title != "B" })
	if got == e || len(got.cands) != 2 || got.cands[0].title != "A" || got.cands[1].title != "C" {
		t.Errorf("B dropped: got %+v", got)
	}
	if e.cands[1].title != "B" || e.cands[2].title != "C" {
		t.Errorf("the shared entry was changed: %+v", e.cands)
	}
}

package hotswap

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/pipeline"
)

// Generation is one opened knowledge base with the Linker over it: what an
// Opener returns and what Acquire hands out.
type Generation struct {
	Linker    *pipeline.Linker
	KBVersion string
	ModelID   string
	// Dir is the KB directory it was opened from, symlinks resolved.
	Dir string
	// Close closes the Linker and the KB (not the shared cross-encoder);
	// nil when there is nothing to close.
	Close func() error
}

// Opener opens the KB in dir (symlinks already resolved) and builds its
// Linker. It should verify what it opened: an error refuses the KB.
type Opener func(ctx context.Context, dir string) (*Generation, error)

// ErrClosed is returned by Acquire, Link and Reload after Close.
var ErrClosed = errors.New("hotswap: closed")

// CurrentLink is the name of the symlink that, inside the directory given
// to New, points at the KB to serve; without it that directory is the KB.
const CurrentLink = "current"

// Swap describes one reload that switched generations.
type Swap struct {
	From, To *Generation
	// Switch is the time from the start of the reload to the switch: open,
	// verify and warm the new KB.
	Switch time.Duration
	// Drain is the time the old generation then took to be released by the
	// calls that held it, and closed.
	Drain time.Duration
}

type gen struct {
	*Generation
	refs    atomic.Int64 // 1 while current, +1 per holder
	drained chan struct{}
}

func newGen(g *Generation) *gen {
	n := &gen{Generation: g, drained: make(chan struct{})}
	n.refs.Store(1)
	return n
}

// acquire takes a reference unless the generation has already drained.
func (g *gen) acquire() bool {
	for {
		n := g.refs.Load()
		if n == 0 {
			return false
		}
		if g.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

func (g *gen) release() {
	if g.refs.Add(-1) == 0 {
		close(g.drained)
	}
}

func (g *gen) close() error { return closeGeneration(g.Generation) }

func closeGeneration(g *Generation) error {
	if g.Close == nil {
		return nil
	}
	return g.Close()
}

// Swapper holds the current generation. It is safe for concurrent use.
type Swapper struct {
	dir  string
	open Opener
	cfg  cfg

	cur    atomic.Pointer[gen]
	mu     sync.Mutex // serialises Reload and Close
	closed bool

	swaps, refused atomic.Int64
	lastSwitch     atomic.Int64 // nanoseconds
}

// New opens and warms the KB that dir names (dir/current when that link
// exists, else dir itself). An error there is New's error.
func New(ctx context.Context, dir string, open Opener, opts ...Opt) (*Swapper, error) {
	c := defaultCfg()
	for _, o := range opts {
		o.apply(&c)
	}
	s := &Swapper{dir: dir, open: open, cfg: c}
	target, err := Resolve(dir)
	if err != nil {
		return nil, err
	}
	g, err := s.load(ctx, target)
	if err != nil {
		return nil, err
	}
	s.cur.Store(newGen(g))
	return s, nil
}

// Resolve names the KB directory that dir serves: the target of
// dir/current when that link exists, else dir; symlinks resolved.
func Resolve(dir string) (string, error) {
	p := dir
	if _, err := os.Lstat(filepath.Join(dir, CurrentLink)); err == nil {
		p = filepath.Join(dir, CurrentLink)
	}
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", fmt.Errorf("hotswap: resolve %s: %w", p, err)
	}
	return filepath.Abs(target)
}

// load opens and warms one generation; on a warm-up failure it closes it.
func (s *Swapper) load(ctx context.Context, dir string) (*Generation, error) {
	g, err := s.open(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("hotswap: open %s: %w", dir, err)
	}
	if g.Dir == "" {
		g.Dir = dir
	}
	for _, doc := range s.cfg.warmup {
		if _, err := g.Linker.Link(ctx, doc); err != nil {
			return nil, errors.Join(fmt.Errorf("hotswap: warm %s: %w", dir, err), closeGeneration(g))
		}
	}
	return g, nil
}

// Acquire returns the current generation and the function that releases
// it; the generation stays open until every holder released it. Callers
// must call release exactly once.
func (s *Swapper) Acquire() (*Generation, func(), error) {
	for {
		g := s.cur.Load()
		if g == nil {
			return nil, nil, ErrClosed
		}
		if g.acquire() {
			return g.Generation, g.release, nil
		}
		// g drained between the load and the acquire: the current one is newer.
	}
}

// Link links doc with the current generation: it makes a Swapper a
// link.Linker (what the consumer and the evaluation take).
func (s *Swapper) Link(ctx context.Context, doc link.Document) (link.Result, error) {
	res, _, _, err := s.LinkVersioned(ctx, doc)
	return res, err
}

// LinkVersioned is Link that also names the KB version and model that
// linked doc, which a swap may change between two calls.
func (s *Swapper) LinkVersioned(ctx context.Context, doc link.Document) (res link.Result, kbVersion, modelID string, err error) {
	g, release, err := s.Acquire()
	if err != nil {
		return link.Result{ID: doc.ID}, "", "", err
	}
	defer release()
	res, err = g.Linker.Link(ctx, doc)
	return res, g.KBVersion, g.ModelID, err
}

// Versions names the current generation's KB version and model.
func (s *Swapper) Versions() (kbVersion, modelID string) {
	g, release, err := s.Acquire()
	if err != nil {
		return "", ""
	}
	defer release()
	return g.KBVersion, g.ModelID
}

// Stats are the current generation's Linker counters (they restart at a
// swap, as Prometheus counters may).
func (s *Swapper) Stats() pipeline.Stats {
	g, release, err := s.Acquire()
	if err != nil {
		return pipeline.Stats{}
	}
	defer release()
	return g.Linker.Stats()
}

// Reload opens and warms the KB that the directory names now, switches to
// it, waits until the calls holding the old generation released it, and
// closes that. When the new KB fails to open, verify or warm, the old one
// stays and Reload returns the error.
func (s *Swapper) Reload(ctx context.Context) (Swap, error) {
	target, err := Resolve(s.dir)
	if err != nil {
		s.refuse(s.dir, err)
		return Swap{}, err
	}
	return s.reload(ctx, target)
}

func (s *Swapper) reload(ctx context.Context, target string) (Swap, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Swap{}, ErrClosed
	}
	start := time.Now()
	g, err := s.load(ctx, target)
	if err != nil {
		s.refuse(target, err)
		return Swap{}, err
	}
	next := newGen(g)
	old := s.cur.Swap(next)
	sw := Swap{From: old.Generation, To: g, Switch: time.Since(start)}
	s.swaps.Add(1)
	s.lastSwitch.Store(int64(sw.Switch))
	if s.cfg.notify != nil {
		s.cfg.notify(sw)
	}
	drainStart := time.Now()
	old.release()
	<-old.drained
	closeErr := old.close()
	sw.Drain = time.Since(drainStart)
	s.cfg.log.Info("kb swapped", "from", old.Dir, "to", g.Dir, "kb_version", g.KBVersion,
		"previous_kb_version", old.KBVersion, "switch", sw.Switch, "drain", sw.Drain)
	if closeErr != nil {
		s.cfg.log.Warn("closing the previous kb", "dir", old.Dir, "err", closeErr)
	}
	return sw, nil
}

func (s *Swapper) refuse(dir string, err error) {
	s.refused.Add(1)
	s.cfg.log.Error("kb refused; the current kb stays", "dir", dir, "err", err)
}

// Watch reloads on every value from reload (SIGHUP, say) and, with the Poll
// option, whenever the directory's current link points somewhere new. It
// returns when ctx ends. A target that was refused is retried only once
// the link changes again, or on reload.
func (s *Swapper) Watch(ctx context.Context, reload <-chan os.Signal) {
	var tick <-chan time.Time
	if s.cfg.poll > 0 {
		t := time.NewTicker(s.cfg.poll)
		defer t.Stop()
		tick = t.C
	}
	last := ""
	if g, release, err := s.Acquire(); err == nil {
		last = g.Dir
		release()
	}
	lastErr := ""
	for {
		select {
		case <-ctx.Done():
			return
		case <-reload:
			if target, err := Resolve(s.dir); err == nil {
				last = target
			}
			_, _ = s.Reload(ctx)
		case <-tick:
			target, err := Resolve(s.dir)
			if err != nil {
				if err.Error() != lastErr {
					s.cfg.log.Warn("kb link unreadable; the current kb stays", "dir", s.dir, "err", err)
					lastErr = err.Error()
				}
				continue
			}
			lastErr = ""
			if target == last {
				continue
			}
			last = target
			_, _ = s.reload(ctx, target)
		}
	}
}

// Close makes further calls fail with ErrClosed, waits until the current
// generation is released by every holder, and closes it.
func (s *Swapper) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	g := s.cur.Swap(nil)
	g.release()
	<-g.drained
	return g.close()
}

package hotswap

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/linkstream/linkstream/internal/kbtest"
	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/pipeline"
)

// kbs are two real KBs: a from the DBpedia minidump (Angela Merkel, IBM,
// ...) and b from the gensim excerpt, so a swap changes what links.
type kbs struct{ root, a, b string }

var built struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// buildKBs builds the two KBs once per test binary and gives each test its
// own root directory to point a current link from.
func buildKBs(t *testing.T) kbs {
	t.Helper()
	mini, gensim := kbtest.Need(t, kbtest.MiniDump), kbtest.Need(t, kbtest.GensimDump)
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "linkstream-hotswap-"); built.err != nil {
			return
		}
		ctx := context.Background()
		if _, built.err = kb.Build(ctx, filepath.Join(built.dir, "a"), kb.Dump(mini)); built.err == nil {
			_, built.err = kb.Build(ctx, filepath.Join(built.dir, "b"), kb.Dump(gensim))
		}
	})
	if built.err != nil {
		t.Fatalf("building the test KBs: %v", built.err)
	}
	return kbs{root: t.TempDir(), a: filepath.Join(built.dir, "a"), b: filepath.Join(built.dir, "b")}
}

// point publishes target under root, as a KB publisher would.
func point(t *testing.T, root, target string) {
	t.Helper()
	if err := Publish(root, target); err != nil {
		t.Fatal(err)
	}
}

// opener opens real KBs with cheap Linkers and records which generations
// are open.
type opener struct {
	mu     sync.Mutex
	open   map[*Generation]bool
	opened atomic.Int64
}

func newOpener() *opener { return &opener{open: map[*Generation]bool{}} }

func (o *opener) Open(_ context.Context, dir string) (*Generation, error) {
	k, err := kb.Open(dir)
	if err != nil {
		return nil, err
	}
	l, err := pipeline.New(k, pipeline.CrossEncoderMode(pipeline.Never), pipeline.WithFit(pipeline.HandSetFit))
	if err != nil {
		k.Close()
		return nil, err
	}
	g := &Generation{Linker: l, KBVersion: k.Info().ContentHash, ModelID: "none"}
	g.Close = func() error {
		o.mu.Lock()
		delete(o.open, g)
		o.mu.Unlock()
		l.Close()
		return k.Close()
	}
	o.mu.Lock()
	o.open[g] = true
	o.mu.Unlock()
	o.opened.Add(1)
	return g, nil
}

func (o *opener) isOpen(g *Generation) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.open[g]
}

func (o *opener) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.open)
}

const merkel = "Angela Merkel met IBM managers in Berlin."

// newSwapper serves KB a of k through a Swapper over a recording opener.
func newSwapper(t *testing.T, k kbs, opts ...Opt) (*Swapper, *opener) {
	t.Helper()
	point(t, k.root, k.a)
	o := newOpener()
	s, err := New(context.Background(), k.root, o.Open, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s, o
}

func linked(t *testing.T, s *Swapper, text string) (link.Result, string) {
	t.Helper()
	res, ver, _, err := s.LinkVersioned(context.Background(), link.Document{ID: "t", Text: text})
	if err != nil {
		t.Fatal(err)
	}
	return res, ver
}

func TestReloadSwitchesAndClosesTheOldOneAfterItsHolders(t *testing.T) {
	k := buildKBs(t)
	swaps := make(chan Swap, 4)
	s, o := newSwapper(t, k, Notify(func(sw Swap) { swaps <- sw }))
	res, verA := linked(t, s, merkel)
	if len(res.Links) == 0 {
		t.Fatalf("KB a linked nothing in %q", merkel)
	}

	held, release, err := s.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	point(t, k.root, k.b)
	done := make(chan error, 1)
	go func() {
		_, err := s.Reload(context.Background())
		done <- err
	}()
	sw := <-swaps // switched; the old generation is still held
	if sw.From != held || sw.To.Dir != mustResolve(t, k.b) {
		t.Fatalf("swap from %v to %q, want from the held generation to %q", sw.From.Dir, sw.To.Dir, k.b)
	}
	if _, verB := linked(t, s, merkel); verB == verA {
		t.Fatalf("after the switch a new call still links with KB version %s", verA)
	}
	if !o.isOpen(held) {
		t.Fatal("the old generation was closed while a call held it")
	}
	// The holder still links on the old KB, as it would finish a request.
	if r, err := held.Linker.Link(context.Background(), link.Document{Text: merkel}); err != nil || len(r.Links) != len(res.Links) {
		t.Fatalf("held generation: %v, %d links, want %d", err, len(r.Links), len(res.Links))
	}
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if o.isOpen(held) {
		t.Fatal("the old generation is still open after its last holder released it")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := o.count(); n != 0 {
		t.Fatalf("%d generations open after Close", n)
	}
	if _, _, err := s.Acquire(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Acquire after Close: %v, want ErrClosed", err)
	}
}

func mustResolve(t *testing.T, dir string) string {
	t.Helper()
	p, err := Resolve(dir)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReloadRefusesABrokenKBAndKeepsTheCurrentOne(t *testing.T) {
	k := buildKBs(t)
	s, o := newSwapper(t, k)
	defer s.Close()
	_, before := linked(t, s, merkel)

	broken := filepath.Join(k.root, "broken")
	if err := os.MkdirAll(broken, 0o755); err != nil {
		t.Fatal(err)
	}
	point(t, k.root, broken)
	if _, err := s.Reload(context.Background()); !errors.Is(err, kb.ErrNotKB) {
		t.Fatalf("reload onto an empty directory: %v, want kb.ErrNotKB", err)
	}
	point(t, k.root, filepath.Join(k.root, "missing"))
	if _, err := s.Reload(context.Background()); err == nil {
		t.Fatal("reload onto a dangling link succeeded")
	}
	if _, after := linked(t, s, merkel); after != before {
		t.Fatalf("KB version %s after refused reloads, want %s", after, before)
	}
	if s.refused.Load() != 2 || s.swaps.Load() != 0 {
		t.Fatalf("%d refused, %d swaps; want 2 and 0", s.refused.Load(), s.swaps.Load())
	}
	if n := o.count(); n != 1 {
		t.Fatalf("%d generations open, want 1 (a refused KB is closed again)", n)
	}
}

func TestWatchFollowsTheLinkAndSignals(t *testing.T) {
	k := buildKBs(t)
	swaps := make(chan Swap, 4)
	s, _ := newSwapper(t, k, Poll(5*time.Millisecond), Notify(func(sw Swap) { swaps <- sw }))
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	reload := make(chan os.Signal, 1)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		s.Watch(ctx, reload)
	}()
	defer func() { cancel(); <-watched }()

	point(t, k.root, k.b)
	if sw := <-swaps; sw.To.Dir != mustResolve(t, k.b) {
		t.Fatalf("the link moved to b, the swap went to %s", sw.To.Dir)
	}
	reload <- os.Interrupt // any signal value: the command sends SIGHUP
	if sw := <-swaps; sw.To.Dir != mustResolve(t, k.b) || sw.From.Dir != sw.To.Dir {
		t.Fatalf("a reload signal swapped %s -> %s, want b reopened", sw.From.Dir, sw.To.Dir)
	}
}

// TestLinkDuringSwaps links from many goroutines while the KB is swapped
// back and forth: no call may fail or see a closed KB (run with -race).
func TestLinkDuringSwaps(t *testing.T) {
	k := buildKBs(t)
	s, o := newSwapper(t, k)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var calls, failures atomic.Int64
	versions := sync.Map{}
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, ver, _, err := s.LinkVersioned(context.Background(), link.Document{Text: merkel})
				calls.Add(1)
				if err != nil {
					failures.Add(1)
				}
				versions.Store(ver, true)
			}
		}()
	}
	for i := range 10 {
		point(t, k.root, []string{k.b, k.a}[i%2])
		if _, err := s.Reload(context.Background()); err != nil {
			t.Error(err)
		}
	}
	close(stop)
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	n := 0
	versions.Range(func(any, any) bool { n++; return true })
	if failures.Load() != 0 || n != 2 || o.count() != 0 || o.opened.Load() != 11 {
		t.Fatalf("%d of %d calls failed, %d versions seen, %d generations open, %d opened; want 0 failures, 2 versions, 0 open, 11 opened",
			failures.Load(), calls.Load(), n, o.count(), o.opened.Load())
	}
}

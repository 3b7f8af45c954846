package kb

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/linkstream/linkstream/kb/dump"
	"github.com/linkstream/linkstream/kb/wikitext"
)

// ErrNoInput is returned by Build when no input was given.
var ErrNoInput = errors.New("kb: build: no input (give a dump, a wikitext directory or a DBpedia directory)")

// ErrOutputExists is returned by Build when the output path exists and is
// neither a KB directory nor empty: Build replaces KBs, never other data.
var ErrOutputExists = errors.New("kb: build: output exists and is not a knowledge base")

// BuildOption configures Build.
type BuildOption interface{ apply(*buildCfg) }

type buildOptionFunc func(*buildCfg)

func (f buildOptionFunc) apply(c *buildCfg) { f(c) }

type source struct {
	kind string // dump, wikitext, dbpedia, wikidata, aliases, summaries
	path string
}

type buildCfg struct {
	sources  []source
	workers  int
	progress io.Writer
	every    time.Duration
	descLen  int
	sample   int
}

// Dump adds a MediaWiki XML dump (plain, .bz2, or multistream .bz2 with its
// index beside it). Pages of Wikidata items inside it are read as Wikidata
// input.
func Dump(path string) BuildOption {
	return buildOptionFunc(func(c *buildCfg) { c.sources = append(c.sources, source{"dump", path}) })
}

// WikitextDir adds a directory of raw wikitext files, one article per
// *.txt file, titled from the file name (settled by the bold lead name).
func WikitextDir(dir string) BuildOption {
	return buildOptionFunc(func(c *buildCfg) { c.sources = append(c.sources, source{"wikitext", dir}) })
}

// DBpedia adds a directory of DBpedia N-Triples files (labels, abstracts,
// anchor texts, page links, redirects, disambiguations, types, categories,
// page ids; plain or .bz2, found by name in sub-directories too).
func DBpedia(dir string) BuildOption {
	return buildOptionFunc(func(c *buildCfg) { c.sources = append(c.sources, source{"dbpedia", dir}) })
}

// Wikidata adds a Wikidata input giving QIDs (and weak types from P31): a
// wikidatawiki XML dump or a JSON dump, plain or .bz2.
func Wikidata(path string) BuildOption {
	return buildOptionFunc(func(c *buildCfg) { c.sources = append(c.sources, source{"wikidata", path}) })
}

// AliasDictionary adds an alias dictionary: lines of "string TAB title TAB
// probability [TAB count]", plain, .gz or .bz2 (see aliases.go for how
// its strings become candidates and priors).
func AliasDictionary(path string) BuildOption {
	return buildOptionFunc(func(c *buildCfg) { c.sources = append(c.sources, source{"aliases", path}) })
}

// Summaries adds entity summaries (title, lead text, short description,
// topic): a JSON object keyed by title, or JSON lines; plain, .gz or .bz2.
// Summarised titles become described entities.
func Summaries(path string) BuildOption {
	return buildOptionFunc(func(c *buildCfg) { c.sources = append(c.sources, source{"summaries", path}) })
}

// WordFrequencies adds a word-frequency list: lines of "word TAB zipf"
// (see words.go), plain, .gz or .bz2.
func WordFrequencies(path string) BuildOption {
	return buildOptionFunc(func(c *buildCfg) { c.sources = append(c.sources, source{"words", path}) })
}

// Workers sets how many goroutines parse pages; default GOMAXPROCS.
func Workers(n int) BuildOption { return buildOptionFunc(func(c *buildCfg) { c.workers = n }) }

// Progress writes a progress line to w every interval (default none; one
// second when interval is 0).
func Progress(w io.Writer, interval time.Duration) BuildOption {
	return buildOptionFunc(func(c *buildCfg) { c.progress, c.every = w, interval })
}

// DescriptionLength sets the description length in bytes; default
// wikitext.DefaultDescriptionLen (300).
func DescriptionLength(n int) BuildOption {
	return buildOptionFunc(func(c *buildCfg) { c.descLen = n })
}

// OccurrenceSample makes pass 2 (counting how often each surface occurs in
// text, for link probabilities) read only one page in n, chosen by a hash
// of the title, and scale the counts by n. Default 1: exact counts over all
// text, at the cost of parsing every page twice.
func OccurrenceSample(n int) BuildOption {
	return buildOptionFunc(func(c *buildCfg) { c.sample = n })
}

// BuildStats are measured by Build and kept in format.json.
type BuildStats struct {
	Pages       int64       `json:"pages"`
	InputBytes  int64       `json:"input_bytes"` // as stored (compressed)
	XMLBytes    int64       `json:"xml_bytes"`   // decompressed, pass 1
	Pass1Sec    float64     `json:"pass1_seconds"`
	Pass2Sec    float64     `json:"pass2_seconds"`
	WriteSec    float64     `json:"write_seconds"`
	Workers     int         `json:"workers"`
	SpillBytes  int64       `json:"pass2_text_bytes"` // plain text kept for pass 2
	WikidataQID int         `json:"wikidata_items_matched"`
	Summaries   int         `json:"summaries,omitempty"`
	Words       int         `json:"word_frequencies,omitempty"`
	Aliases     *AliasStats `json:"aliases,omitempty"`
}

// Build reads the inputs and writes a KB to out. It writes into a fresh
// directory beside out and renames it into place only when complete, so a
// failed or interrupted build never leaves a KB that opens; an existing KB
// at out is replaced.
func Build(ctx context.Context, out string, opts ...BuildOption) (Info, error) {
	cfg := buildCfg{workers: runtime.GOMAXPROCS(0), descLen: wikitext.DefaultDescriptionLen, sample: 1}
	for _, o := range opts {
		o.apply(&cfg)
	}
	if len(cfg.sources) == 0 {
		return Info{}, ErrNoInput
	}
	if cfg.workers <= 0 {
		cfg.workers = 1
	}
	if cfg.sample <= 0 {
		cfg.sample = 1
	}
	if cfg.progress != nil && cfg.every <= 0 {
		cfg.every = time.Second
	}
	if err := checkOutput(out); err != nil {
		return Info{}, err
	}
	info := Info{Created: time.Now().UTC().Truncate(time.Second)}
	var paths []string
	for _, s := range cfg.sources {
		if _, err := os.Stat(s.path); err != nil {
			return Info{}, fmt.Errorf("kb: build: %s input: %w", s.kind, err)
		}
		paths = append(paths, s.path)
		info.Inputs = append(info.Inputs, Input{Kind: s.kind, Name: filepath.Base(s.path), Bytes: dump.SizeOf(s.path)})
	}
	total := dump.SizeOf(paths...)

	// everything is written aside, in a directory renamed into place at the end
	parent := filepath.Dir(filepath.Clean(out))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return Info{}, fmt.Errorf("kb: build: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".building-")
	if err != nil {
		return Info{}, fmt.Errorf("kb: build: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it private; a KB is shared read-only
		os.RemoveAll(tmp)
		return Info{}, fmt.Errorf("kb: build: %w", err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	sp, err := newSpill(filepath.Join(tmp, "pass2.s2"))
	if err != nil {
		return Info{}, err
	}
	defer sp.finish()

	b := &builder{cfg: cfg, acc: newAccumulator(), wd: newWikidataSet(), spill: sp}
	prog := &dump.Progress{}
	prog.Total.Store(total)

	// pass 1: titles, redirects, links, descriptions, types
	t0 := time.Now()
	stop := b.report(prog, "pass 1/2")
	err = b.pass1(ctx, prog)
	stop()
	if err == nil {
		err = sp.finish()
	}
	if err != nil {
		return Info{}, err
	}
	info.Build.SpillBytes = sp.bytes
	info.Build.Pages = prog.Pages.Load()
	info.Build.XMLBytes = prog.XML.Load()
	info.Build.InputBytes = prog.Bytes.Load()
	info.Build.Pass1Sec = time.Since(t0).Seconds()
	info.Build.Workers = cfg.workers
	info.Build.WikidataQID = b.wd.apply(b.acc)
	info.Build.Summaries, info.Build.Aliases, info.Build.Words = b.summaries, b.aliases, b.words
	tb, err := b.acc.prepare()
	if err != nil {
		return Info{}, err
	}

	// pass 2: occurrences of every surface in text
	t1 := time.Now()
	prog2 := &dump.Progress{}
	pass2Total := sp.bytes
	for _, s := range cfg.sources {
		if s.kind == "dbpedia" {
			pass2Total += dump.SizeOf(s.path)
		}
	}
	prog2.Total.Store(pass2Total)
	stop = b.report(prog2, "pass 2/2")
	oc := newOccurrenceCounter(tb)
	err = b.pass2(ctx, prog2, oc, tb)
	stop()
	if err != nil {
		return Info{}, err
	}
	for i := range tb.normRecs {
		tb.normRecs[i].occ = oc.counts[i] * uint32(cfg.sample)
	}
	for i, k := range tb.exactKeys {
		if id, ok := tb.normID(Normalize(k)); ok {
			tb.exactRecs[i].occ = tb.normRecs[id].occ
			if tb.exactRecs[i].flags&surfaceFlagCased != 0 {
				// a spelling's own sense does not change how often its
				// key is a link
				tb.exactRecs[i].linked = tb.normRecs[id].linked
			}
		}
	}
	info.Build.Pass2Sec = time.Since(t1).Seconds()
	info.LinkProbability = "exact: every normalised surface counted at every token position of the plain text of all articles and abstracts (second pass over the text kept from the first); in the article of an entity the surface may name, only its linked occurrences count (articles do not link to themselves)"
	if cfg.sample > 1 {
		info.LinkProbability = fmt.Sprintf("approximate: occurrences counted in 1 page of %d (by title hash) and scaled by %d", cfg.sample, cfg.sample)
	}
	info.Counts.Articles = b.acc.stats.Articles
	info.Counts.Redirects = b.acc.stats.Redirects
	info.Counts.Disambiguations = b.acc.stats.Disambiguations
	info.Counts.Links = b.acc.stats.Links

	sp.remove()
	if err := ctx.Err(); err != nil {
		return Info{}, err
	}
	if err := writeTables(tmp, b.acc, tb, &info); err != nil {
		return Info{}, err
	}
	if err := replaceDir(tmp, out); err != nil {
		return Info{}, err
	}
	done = true
	if cfg.progress != nil {
		fmt.Fprintf(cfg.progress, "kb build: wrote %s: %d entities, %d surfaces (%d normalised), %d titles in %.1fs\n",
			out, info.Counts.Entities, info.Counts.ExactSurfaces, info.Counts.NormSurfaces, info.Counts.Titles, time.Since(t0).Seconds())
	}
	return info, nil
}

// checkOutput refuses to overwrite anything but a KB or an empty directory.
func checkOutput(out string) error {
	st, err := os.Stat(out)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("kb: build: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("kb: build: %s: %w", out, ErrOutputExists)
	}
	if _, err := os.Stat(filepath.Join(out, fileFormat)); err == nil {
		return nil
	}
	ents, err := os.ReadDir(out)
	if err != nil {
		return fmt.Errorf("kb: build: %w", err)
	}
	if len(ents) > 0 {
		return fmt.Errorf("kb: build: %s: %w", out, ErrOutputExists)
	}
	return nil
}

// replaceDir moves the finished tmp into place. An old KB is moved aside
// first and removed after; the window where out is missing is two renames.
func replaceDir(tmp, out string) error {
	old := ""
	if _, err := os.Stat(out); err == nil {
		old = tmp + ".old"
		if err := os.Rename(out, old); err != nil {
			return fmt.Errorf("kb: build: move old KB aside: %w", err)
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		if old != "" {
			os.Rename(old, out)
		}
		return fmt.Errorf("kb: build: %w", err)
	}
	if old != "" {
		os.RemoveAll(old)
	}
	return nil
}

type builder struct {
	cfg       buildCfg
	summaries int
	words     int
	aliases   *AliasStats
	acc       *accumulator
	wd        *wikidataSet
	spill     *spill
}

func (b *builder) dumpOptions(prog *dump.Progress) dump.Options {
	return dump.Options{Workers: b.cfg.workers, Progress: prog}
}

// pass1 reads every source into the accumulator.
func (b *builder) pass1(ctx context.Context, prog *dump.Progress) error {
	// Wikidata first: it only annotates, and its pages in a --dump must not
	// be taken for articles
	for _, s := range b.cfg.sources {
		if s.kind == "wikidata" {
			if err := b.wd.loadFile(ctx, s.path, b.dumpOptions(prog)); err != nil {
				return err
			}
		}
	}
	// Dump files are read concurrently (up to one per worker): a dump split
	// in parts (pages-articles1…27) then decompresses in parallel like a
	// multistream one. Each file also has its own parsing workers.
	var dumps []source
	for _, s := range b.cfg.sources {
		if s.kind == "dump" {
			dumps = append(dumps, s)
		}
	}
	if err := b.readDumps(ctx, prog, dumps); err != nil {
		return err
	}
	// Summaries before alias dictionaries: a dictionary gives every
	// article it did not name candidates through the article's title.
	for _, kind := range []string{"wikitext", "dbpedia", "words", "summaries", "aliases"} {
		if err := b.readKind(ctx, prog, kind); err != nil {
			return err
		}
	}
	return nil
}

// readKind reads the sources of one kind read by a single goroutine.
func (b *builder) readKind(ctx context.Context, prog *dump.Progress, kind string) error {
	for _, s := range b.cfg.sources {
		if s.kind != kind {
			continue
		}
		var err error
		switch s.kind {
		case "wikitext":
			err = dump.ReadWikitextDir(ctx, s.path, prog, func(p *dump.Page) error {
				b.addPage(b.facts(p, true))
				return nil
			})
		case "dbpedia":
			err = b.acc.loadDBpedia(ctx, s.path, b.cfg.descLen, func(n int64) { prog.Bytes.Add(n) })
		case "words":
			var n int
			n, err = b.acc.loadWordFrequencies(ctx, s.path, func(n int64) { prog.Bytes.Add(n) })
			b.words += n
		case "summaries":
			var n int
			n, err = b.acc.loadSummaries(ctx, s.path, b.cfg.descLen, func(n int64) { prog.Bytes.Add(n) })
			b.summaries += n
			prog.Pages.Add(int64(n))
		case "aliases":
			var st AliasStats
			st, err = b.acc.loadAliases(ctx, s.path, func(n int64) { prog.Bytes.Add(n) }, b.cfg.progress)
			b.aliases = mergeAliasStats(b.aliases, st)
		}
		if err != nil {
			return fmt.Errorf("kb: build: %w", err)
		}
	}
	return nil
}

func (b *builder) readDumps(ctx context.Context, prog *dump.Progress, dumps []source) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, b.cfg.workers)
	errs := make([]error, len(dumps))
	var wg sync.WaitGroup
	for i, s := range dumps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			defer func() { <-sem }()
			errs[i] = dump.ReadFile(ctx, s.path, b.dumpOptions(prog), func(p *dump.Page) error {
				if isWikidataPage(p) {
					if err := b.wd.addJSON([]byte(p.Text)); err != nil {
						return fmt.Errorf("kb: build: %s: page %q: wikidata JSON: %w", s.path, p.Title, err)
					}
					return nil
				}
				if p.NS != 0 {
					return nil
				}
				b.addPage(b.facts(p, false))
				return nil
			})
			if errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	// report the root cause, not the cancellations it caused
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return fmt.Errorf("kb: build: %w", err)
		}
	}
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("kb: build: %w", err)
		}
	}
	return nil
}

// addPage merges a page's facts and spills its text for pass 2.
func (b *builder) addPage(f *pageFacts) {
	if f.redirect == "" && !f.disambig && b.sampled(f.title) {
		anchors := make([]string, len(f.links))
		for i, l := range f.links {
			anchors[i] = l.Anchor
		}
		b.spill.add(spilled{f.title, strings.Join(anchors, "\x00"), f.text})
	}
	f.text = ""
	b.acc.addPage(f)
}

// facts parses one page; called concurrently.
func (b *builder) facts(p *dump.Page, fromFile bool) *pageFacts {
	title := wikitext.NormalizeTitle(p.Title)
	if fromFile {
		title = settleTitle(p.Title, p.Text)
	}
	if p.Redirect != "" {
		return &pageFacts{title: title, redirect: wikitext.NormalizeTitle(p.Redirect)}
	}
	return analyse(title, p.ID, p.Text, b.cfg.descLen)
}

// sampled reports whether pass 2 reads this page.
func (b *builder) sampled(title string) bool {
	if b.cfg.sample <= 1 {
		return true
	}
	h := fnv.New32a()
	h.Write([]byte(title))
	return h.Sum32()%uint32(b.cfg.sample) == 0
}

// pass2 counts surface occurrences in the plain text spilled by pass 1
// and in the DBpedia abstracts.
func (b *builder) pass2(ctx context.Context, prog *dump.Progress, oc *occurrenceCounter, tb *tables) error {
	self := func(title string) EntityID {
		if id, ok := b.acc.titles.ids[title]; ok {
			return EntityID(tb.eidOf[b.acc.resolve(id)])
		}
		return NoEntity
	}
	count := func(feed func(ch chan<- spilled) error) error {
		var wg sync.WaitGroup
		ch := make(chan spilled, 64)
		for w := 0; w < b.cfg.workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for t := range ch {
					if ctx.Err() == nil {
						oc.count(t.text, t.anchors, self(t.title))
					}
				}
			}()
		}
		err := feed(ch)
		close(ch)
		wg.Wait()
		if err == nil {
			err = ctx.Err()
		}
		return err
	}
	err := count(func(ch chan<- spilled) error {
		return b.spill.texts(func(p spilled) {
			prog.Pages.Add(1)
			prog.XML.Add(int64(len(p.text)))
			prog.Bytes.Add(int64(len(p.text)))
			ch <- p
		})
	})
	if err != nil {
		return fmt.Errorf("kb: build: pass 2: %w", err)
	}
	for _, s := range b.cfg.sources {
		if s.kind != "dbpedia" {
			continue
		}
		err := count(func(ch chan<- spilled) error {
			return dbpediaTexts(ctx, s.path, func(n int64) { prog.Bytes.Add(n) }, func(title, text string) {
				if b.sampled(title) {
					prog.Pages.Add(1)
					ch <- spilled{title: title, text: text}
				}
			})
		})
		if err != nil {
			return fmt.Errorf("kb: build: pass 2: %w", err)
		}
	}
	return nil
}

// report prints progress every interval until the returned stop is called.
func (b *builder) report(p *dump.Progress, phase string) (stop func()) {
	if b.cfg.progress == nil {
		return func() {}
	}
	start := time.Now()
	done := make(chan struct{})
	var wg sync.WaitGroup
	var once atomic.Bool
	line := func(final bool) {
		el := time.Since(start).Seconds()
		if el <= 0 {
			el = 1e-9
		}
		pages, in, xml, total := p.Pages.Load(), p.Bytes.Load(), p.XML.Load(), p.Total.Load()
		var sb strings.Builder
		fmt.Fprintf(&sb, "kb build: %s: %d pages (%.0f/s), %.1f MB/s XML, %.1f MB/s input", phase, pages, float64(pages)/el, float64(xml)/el/1e6, float64(in)/el/1e6)
		if total > 0 && !final {
			frac := float64(in) / float64(total)
			fmt.Fprintf(&sb, ", %.0f%%", 100*frac)
			if frac > 0.01 && frac < 1 {
				eta := time.Duration(el / frac * (1 - frac) * float64(time.Second))
				fmt.Fprintf(&sb, ", ETA %s", eta.Round(time.Second))
			}
		}
		if final {
			fmt.Fprintf(&sb, ", done in %.1fs", el)
		}
		fmt.Fprintln(b.cfg.progress, sb.String())
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(b.cfg.every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				line(false)
			}
		}
	}()
	return func() {
		if once.Swap(true) {
			return
		}
		close(done)
		wg.Wait()
		line(true)
	}
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/linkstream/linkstream/eval"
	"github.com/linkstream/linkstream/eval/selflink"
	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/kb/dump"
	"github.com/linkstream/linkstream/kb/wikitext"
	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/pipeline"
)

// defaultDataDir is where dataset short names resolve: the shared data
// folder beside the repository, as the tests use it.
const defaultDataDir = "../shared/data"

// runEval scores the linker against gold: `linkstream eval --kb KBDIR
// --dataset NAME|PATH[,NAME|PATH...]`. With --predictions it scores saved
// `link` output instead of running the linker (any linker that writes the
// output contract, such as bench/peer, can be scored the same way).
// `linkstream eval selflink ...` writes the Wikipedia self-linking gold;
// `linkstream eval export ...` writes a dataset as JSONL (documents with gold)
// for other linkers to read.
func runEval(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "selflink" {
		return runSelfLink(ctx, args[1:])
	}
	if len(args) > 0 && args[0] == "export" {
		return runEvalExport(args[1:])
	}
	fs := newFlagSet("eval", "--kb KBDIR [--model DIR] --dataset NAME|PATH[,...] [--mode never|ambiguous|always] [--out results.json] [--errors errors.jsonl]")
	var lf linkerFlags
	lf.register(fs)
	datasets := fs.String("dataset", "", "datasets, comma-separated: msnbc, aquaint, ace2004, reuters128, all, or paths to a WNED folder/.xml, a NIF .ttl or a JSONL gold file")
	dataDir := fs.String("data", defaultDataDir, "shared data folder that dataset names resolve in")
	out := fs.String("out", "", "write the JSON report here")
	errs := fs.String("errors", "", "write every error, with candidates and features, as JSONL here")
	preds := fs.String("predictions", "", "score this saved link output (JSONL, the link contract) instead of running the linker")
	workers := fs.Int("concurrency", 4*runtime.GOMAXPROCS(0), "documents linked at once")
	goldSpans := fs.Bool("gold-spans", true, "also link the gold spans to measure disambiguation accuracy")
	details := fs.Bool("details", true, "print counts, coverage and per-type rows under the table")
	markdown := fs.Bool("markdown", false, "also print the table in Markdown, for EVALUATION.md")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *datasets == "" {
		return errors.New("eval: no dataset: pass --dataset msnbc|aquaint|ace2004|reuters128|all or a path")
	}
	var names []string
	for _, n := range strings.Split(*datasets, ",") {
		if n = strings.TrimSpace(n); n == "all" {
			names = append(names, eval.Names()...)
		} else if n != "" {
			names = append(names, n)
		}
	}

	var (
		linker link.Linker
		spans  eval.SpanLinker
		kbase  eval.KB
		opts   []eval.Option
	)
	opts = append(opts, eval.WithWorkers(*workers), eval.WithLabel("machine", machine()))
	if *preds != "" {
		saved, err := readPredictions(*preds)
		if err != nil {
			return err
		}
		linker = saved
		opts = append(opts, eval.WithLabel("predictions", *preds))
		if lf.kbDir != "" {
			k, err := kb.Open(lf.kbDir)
			if err != nil {
				return fmt.Errorf("eval: %w", err)
			}
			defer k.Close()
			kbase = kbAdapter{k}
		}
	} else {
		ol, err := lf.open()
		if err != nil {
			return fmt.Errorf("eval: %w", err)
		}
		defer ol.Close()
		linker, kbase = newLinker(ol)
		if *goldSpans {
			spans = spanAdapter{ol.Linker}
		}
		opts = append(opts, eval.WithLabel("mode", lf.mode), eval.WithLabel("model", ol.modelID()))
	}
	if kbase != nil {
		opts = append(opts, eval.WithKB(kbase, lf.kbDir))
	}
	if spans != nil {
		opts = append(opts, eval.WithSpanLinker(spans))
	}
	var errFile *os.File
	if *errs != "" {
		f, err := os.Create(*errs)
		if err != nil {
			return fmt.Errorf("eval: %w", err)
		}
		defer f.Close()
		errFile = f
	}

	var reports []*eval.Report
	for _, n := range names {
		path := eval.ResolveName(*dataDir, n)
		ds, err := eval.Open(path)
		if err != nil {
			return err
		}
		o := opts
		var bw *bufio.Writer
		if errFile != nil {
			bw = bufio.NewWriter(errFile)
			o = append(o, eval.WithErrors(bw))
		}
		rep, err := eval.Evaluate(ctx, ds, linker, o...)
		if err != nil {
			return err
		}
		if *preds != "" {
			rep.Timing = eval.Timing{} // replaying a file measures nothing
		}
		if bw != nil {
			if err := bw.Flush(); err != nil {
				return fmt.Errorf("eval: write %s: %w", *errs, err)
			}
		}
		reports = append(reports, rep)
		fmt.Fprintf(os.Stderr, "eval: %s done: micro F1 %.1f\n", rep.Dataset, 100*rep.All.Micro.F1)
	}
	if err := eval.WriteTable(os.Stdout, reports...); err != nil {
		return err
	}
	if *markdown {
		fmt.Println()
		if err := eval.WriteMarkdown(os.Stdout, reports...); err != nil {
			return err
		}
	}
	if *details {
		for _, r := range reports {
			fmt.Println()
			if err := eval.WriteDetails(os.Stdout, r); err != nil {
				return err
			}
		}
	}
	if *out != "" {
		b, err := json.MarshalIndent(struct {
			Reports []*eval.Report `json:"reports"`
		}{reports}, "", "  ")
		if err != nil {
			return fmt.Errorf("eval: %w", err)
		}
		if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("eval: %w", err)
		}
	}
	return nil
}

// newLinker hands the opened pipeline linker and its KB to the evaluation:
// the Linker as it is (it is a link.Linker), the KB through kbAdapter.
func newLinker(ol *openedLinker) (link.Linker, eval.KB) { return ol.Linker, kbAdapter{ol.kb} }

// spanAdapter answers eval.SpanLinker with pipeline.Linker.LinkSpans, which
// returns explanations in text order and skips spans it cannot place: they
// are matched back by span, and a missing one is NIL.
type spanAdapter struct{ l *pipeline.Linker }

// ResetStream forgets the Linker's stream memory (eval.StreamResetter).
func (a spanAdapter) ResetStream() { a.l.ResetStream() }

func (a spanAdapter) LinkSpans(ctx context.Context, in link.Document, spans []eval.Span) ([]eval.SpanDecision, error) {
	ps := make([]pipeline.Span, len(spans))
	for i, s := range spans {
		ps[i] = pipeline.Span{Start: s.Start, End: s.End}
	}
	ex, err := a.l.LinkSpans(ctx, link.Document{ID: in.ID, Text: in.Text}, ps)
	if err != nil {
		return nil, err
	}
	by := make(map[eval.Span]*pipeline.Explanation, len(ex))
	for i := range ex {
		by[eval.Span{Start: ex[i].Start, End: ex[i].End}] = &ex[i]
	}
	out := make([]eval.SpanDecision, len(spans))
	for i, s := range spans {
		e := by[s]
		if e == nil {
			continue
		}
		d := eval.SpanDecision{Title: e.Chosen, Score: e.Score}
		for _, c := range e.Candidates {
			// prior and inlinks as the KB gives them, the other features
			// as the score reads them, where they are not 0
			f := map[string]float64{"prior": c.Prior, "inlinks": float64(c.Inlinks), "context": c.Context}
			for i, x := range c.Features {
				if i != int(pipeline.FeaturePrior) && i != int(pipeline.FeatureProminence) && x != 0 {
					f[pipeline.FeatureNames[i]] = math.Round(x*1000) / 1000
				}
			}
			d.Candidates = append(d.Candidates, eval.Candidate{Title: c.Title, Score: c.Probability, Features: f})
		}
		out[i] = d
	}
	return out, nil
}

// kbAdapter answers eval.KB from the knowledge base: a gold title from
// another year of Wikipedia resolves through its other spellings and, when
// renamed beyond spelling, through the page its string names
// (EntityByTitleOfAnyYear).
type kbAdapter struct{ k *kb.KB }

func (a kbAdapter) Resolve(title string) (string, bool) {
	id, ok := a.k.EntityByTitleOfAnyYear(title)
	if !ok {
		return "", false
	}
	return a.k.Entity(id).Title, true
}

func (a kbAdapter) HasDescription(title string) bool {
	id, ok := a.k.EntityByTitleOfAnyYear(title)
	return ok && strings.TrimSpace(a.k.Entity(id).Description) != ""
}

func (a kbAdapter) Type(title string) string {
	id, ok := a.k.EntityByTitleOfAnyYear(title)
	if !ok {
		return ""
	}
	return a.k.Entity(id).Type.String()
}

// savedPredictions replays link output read from a file, by document id.
type savedPredictions map[string]link.Result

func (s savedPredictions) Link(_ context.Context, in link.Document) (link.Result, error) {
	p, ok := s[in.ID]
	if !ok {
		return link.Result{}, fmt.Errorf("no saved output for document %q", in.ID)
	}
	return p, nil
}

// readPredictions reads JSONL link output ({"id", "links": [...], "nil": [...]}).
func readPredictions(path string) (savedPredictions, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	defer f.Close()
	out := savedPredictions{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var r link.Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("eval: %s line %d: %w", path, line, err)
		}
		prev := out[r.ID]
		out[r.ID] = link.Result{ID: r.ID, Links: append(prev.Links, r.Links...), NIL: append(prev.NIL, r.NIL...)}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("eval: %s: %w", path, err)
	}
	return out, nil
}

// machine names the machine for the report: CPU model, cores, OS/arch.
func machine() string {
	model := ""
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(io.LimitReader(f, 1<<20))
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	return fmt.Sprintf("%s, %d cores, %s/%s", orUnknown(model), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown CPU"
	}
	return s
}

// evalPathList is a repeatable path flag.
type evalPathList []string

func (p *evalPathList) String() string     { return strings.Join(*p, ",") }
func (p *evalPathList) Set(v string) error { *p = append(*p, v); return nil }

// runSelfLink writes the Wikipedia self-linking gold: for each source (a
// dump file or a folder of raw wikitext), OUT/<source>.jsonl holds the test
// half's articles as plain text with their editors' links as gold;
// OUT/holdout-titles.txt lists every test-half title, one a line, for a KB
// build that can hold titles out; and OUT/kb-input.xml is a dump of every
// page read with the test articles reduced to their link-free lead
// (selflink.HoldoutText), from which today's `kb build` makes a KB that
// learnt nothing from the test half's links (see EVALUATION.md).
func runSelfLink(ctx context.Context, args []string) error {
	fs := newFlagSet("eval selflink", "--dump FILE [--dump FILE ...] [--wikitext DIR ...] --out DIR")
	var dumps, dirs evalPathList
	fs.Var(&dumps, "dump", "MediaWiki XML dump (plain or .bz2); repeatable")
	fs.Var(&dirs, "wikitext", "folder of raw wikitext articles, one a .txt file; repeatable")
	outDir := fs.String("out", "", "output folder")
	salt := fs.String("salt", selflink.DefaultSalt, "split salt: another salt draws another split")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *outDir == "" || len(dumps)+len(dirs) == 0 {
		return errors.New("eval selflink: pass --out DIR and at least one --dump or --wikitext")
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return fmt.Errorf("eval selflink: %w", err)
	}
	type source struct {
		name, path string
		dir        bool
	}
	var sources []source
	for _, d := range dumps {
		sources = append(sources, source{sourceName(d, false), d, false})
	}
	for _, d := range dirs {
		sources = append(sources, source{sourceName(d, true), d, true})
	}
	type kbPage struct{ source, title, redirect, text string }
	var (
		holdout []string
		kbPages []kbPage
	)
	docsBySource := map[string][]selflink.Doc{}
	var order []string
	for _, src := range sources {
		var (
			mu                          sync.Mutex
			docs                        []selflink.Doc
			st                          selflink.Stats
			pages, train, test, skipped int
		)
		fn := func(pg *dump.Page) error {
			if pg.NS != 0 {
				return nil
			}
			title := wikitext.NormalizeTitle(pg.Title)
			if pg.Redirect != "" {
				mu.Lock()
				kbPages = append(kbPages, kbPage{src.name, title, pg.Redirect, pg.Text})
				mu.Unlock()
				return nil
			}
			parsed := wikitext.Parse(pg.Text)
			inTest := selflink.InTest(title, *salt)
			mu.Lock()
			defer mu.Unlock()
			pages++
			if why := selflink.Skip(&parsed); why != "" || parsed.Redirect != "" {
				skipped++
				kbPages = append(kbPages, kbPage{src.name, title, parsed.Redirect, pg.Text})
				return nil
			}
			if !inTest {
				train++
				kbPages = append(kbPages, kbPage{src.name, title, "", pg.Text})
				return nil
			}
			test++
			holdout = append(holdout, title)
			kbPages = append(kbPages, kbPage{src.name, title, "", selflink.HoldoutText(pg.Text)})
			d := selflink.Convert(title, &parsed, &st)
			d.Source = src.name
			docs = append(docs, d)
			return nil
		}
		var err error
		if src.dir {
			err = dump.ReadWikitextDir(ctx, src.path, nil, fn)
		} else {
			err = dump.ReadFile(ctx, src.path, dump.Options{}, fn)
		}
		if err != nil {
			return fmt.Errorf("eval selflink: %w", err)
		}
		if _, seen := docsBySource[src.name]; !seen {
			order = append(order, src.name)
		}
		docsBySource[src.name] = append(docsBySource[src.name], docs...)
		fmt.Fprintf(os.Stderr, "selflink %s (%s): %d articles, %d skipped, %d train, %d test; %d links, %d placed, %d unplaced\n",
			src.name, src.path, pages, skipped, train, test, st.Links, st.Placed, st.Unplaced)
	}
	for _, name := range order {
		docs := docsBySource[name]
		sort.Slice(docs, func(i, j int) bool { return docs[i].ID < docs[j].ID })
		if err := writeJSONL(filepath.Join(*outDir, name+".jsonl"), docs); err != nil {
			return err
		}
	}
	// The KB input: every page as read, test articles reduced by
	// selflink.HoldoutText, in a stable order.
	sort.Slice(kbPages, func(i, j int) bool {
		if kbPages[i].source != kbPages[j].source {
			return kbPages[i].source < kbPages[j].source
		}
		return kbPages[i].title < kbPages[j].title
	})
	kf, err := os.Create(filepath.Join(*outDir, "kb-input.xml"))
	if err != nil {
		return fmt.Errorf("eval selflink: %w", err)
	}
	kw := bufio.NewWriter(kf)
	dw := selflink.NewDumpWriter(kw)
	for i, p := range kbPages {
		dw.Page(p.title, int64(i+1), p.redirect, p.text)
	}
	err = errors.Join(dw.Close(), kw.Flush(), kf.Close())
	if err != nil {
		return fmt.Errorf("eval selflink: kb-input.xml: %w", err)
	}
	sort.Strings(holdout)
	body := strings.Join(holdout, "\n")
	if body != "" {
		body += "\n"
	}
	if err := os.WriteFile(filepath.Join(*outDir, "holdout-titles.txt"), []byte(body), 0o644); err != nil {
		return fmt.Errorf("eval selflink: %w", err)
	}
	return nil
}

// sourceName names a self-linking source after its folder: the gensim dump
// in gensim-enwiki/ is "gensim-enwiki", wtf-wikipedia/wikitext/ is
// "wtf-wikipedia".
func sourceName(path string, dir bool) string {
	p := filepath.Clean(path)
	if !dir {
		p = filepath.Dir(p)
	}
	if filepath.Base(p) == "wikitext" {
		p = filepath.Dir(p)
	}
	if b := filepath.Base(p); b != "." && b != "/" {
		return b
	}
	return "selflink"
}

func writeJSONL(path string, docs []selflink.Doc) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("eval selflink: %w", err)
	}
	bw := bufio.NewWriter(f)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range docs {
		if err := enc.Encode(&docs[i]); err != nil {
			f.Close()
			return fmt.Errorf("eval selflink: %s: %w", path, err)
		}
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("eval selflink: %s: %w", path, err)
	}
	return f.Close()
}

// runEvalExport writes datasets as JSONL gold ({"id","text","gold"}): input
// for `linkstream link` and the peer linker (both read id and text), and a
// conversion of any supported format to the plain JSONL gold format.
func runEvalExport(args []string) error {
	fs := newFlagSet("eval export", "--dataset NAME|PATH[,...] --out FILE")
	datasets := fs.String("dataset", "", "datasets, comma-separated (names as for eval, or all)")
	dataDir := fs.String("data", defaultDataDir, "shared data folder that dataset names resolve in")
	out := fs.String("out", "", "output JSONL file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *datasets == "" || *out == "" {
		return errors.New("eval export: pass --dataset and --out")
	}
	f, err := os.Create(*out)
	if err != nil {
		return fmt.Errorf("eval export: %w", err)
	}
	bw := bufio.NewWriter(f)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, n := range strings.Split(*datasets, ",") {
		names := []string{strings.TrimSpace(n)}
		if names[0] == "all" {
			names = eval.Names()
		}
		for _, name := range names {
			ds, err := eval.Open(eval.ResolveName(*dataDir, name))
			if err != nil {
				f.Close()
				return err
			}
			for _, d := range ds.Docs {
				rec := struct {
					ID   string      `json:"id"`
					Text string      `json:"text"`
					Gold []eval.Gold `json:"gold"`
				}{d.ID, d.Text, d.Gold}
				if rec.Gold == nil {
					rec.Gold = []eval.Gold{}
				}
				if err := enc.Encode(&rec); err != nil {
					f.Close()
					return fmt.Errorf("eval export: %w", err)
				}
			}
		}
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("eval export: %w", err)
	}
	return f.Close()
}

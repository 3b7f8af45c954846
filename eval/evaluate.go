package eval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/linkstream/linkstream/link"
)

// Option configures Evaluate.
type Option interface{ apply(*cfg) }

type cfg struct {
	kb      KB
	kbLabel string
	spans   SpanLinker
	errs    io.Writer
	workers int
	labels  map[string]string
	now     func() time.Time
}

type optFunc func(*cfg)

func (f optFunc) apply(c *cfg) { f(c) }

// WithKB sets the knowledge base used to resolve redirects and to measure
// coverage, and a label naming it in the report (its path or version).
// Default: none; titles then compare after normalisation only and coverage
// is reported as unknown.
func WithKB(kb KB, label string) Option {
	return optFunc(func(c *cfg) { c.kb, c.kbLabel = kb, label })
}

// WithSpanLinker enables disambiguation accuracy on gold spans and fills the
// errors file with candidates and feature scores. Default: none.
func WithSpanLinker(s SpanLinker) Option { return optFunc(func(c *cfg) { c.spans = s }) }

// WithErrors writes every error as one JSON object a line to w. Default: none.
func WithErrors(w io.Writer) Option { return optFunc(func(c *cfg) { c.errs = w }) }

// WithWorkers sets how many documents are linked at once. Default:
// GOMAXPROCS. Throughput figures are only comparable at equal settings.
func WithWorkers(n int) Option { return optFunc(func(c *cfg) { c.workers = n }) }

// WithLabel records a free key/value in the report (mode, model, machine,
// commit): the numbers are worthless without them.
func WithLabel(key, value string) Option {
	return optFunc(func(c *cfg) {
		if c.labels == nil {
			c.labels = map[string]string{}
		}
		c.labels[key] = value
	})
}

// Report is the result of one evaluation run; it is written as JSON.
type Report struct {
	Dataset string            `json:"dataset"`
	Source  string            `json:"source"`
	Format  string            `json:"format"`
	KB      string            `json:"kb,omitempty"`
	Labels  map[string]string `json:"labels,omitempty"`
	Date    string            `json:"date"`
	Read    ReadStats         `json:"read"`

	Docs          int      `json:"docs"`
	GoldMentions  int      `json:"gold_mentions"`
	GoldLinked    int      `json:"gold_linked"`
	GoldNIL       int      `json:"gold_nil"`
	Predicted     int      `json:"predicted_links"`
	Spotted       int      `json:"spotted_mentions"`
	NILLinked     int      `json:"gold_nil_linked"`
	FailedDocs    int      `json:"failed_docs"`
	FailedReasons []string `json:"failed_reasons,omitempty"`

	// All is the strong-match score on every gold mention.
	All Score `json:"all"`
	// Covered is the score on gold the KB holds (plus NIL gold); predictions
	// on the spans of uncovered gold are left out. Zero without a KB.
	Covered  *Score             `json:"covered,omitempty"`
	Coverage *Coverage          `json:"coverage,omitempty"`
	Disamb   *Disamb            `json:"disambiguation,omitempty"`
	PerType  map[string]TypeRow `json:"per_type"`
	Timing   Timing             `json:"timing"`
}

// Coverage says how much of the linked gold the KB can possibly get right.
type Coverage struct {
	Mentions         int     `json:"mentions"`
	MentionsInKB     int     `json:"mentions_in_kb"`
	MentionsWithDesc int     `json:"mentions_with_description"`
	Entities         int     `json:"entities"`
	EntitiesInKB     int     `json:"entities_in_kb"`
	EntitiesWithDesc int     `json:"entities_with_description"`
	Foreign          int     `json:"foreign_mentions,omitempty"`
	InKB             float64 `json:"in_kb"`
	WithDesc         float64 `json:"with_description"`
}

// Disamb is accuracy when the linker is handed the gold spans (D2KB).
type Disamb struct {
	Linked          int     `json:"linked"`
	Correct         int     `json:"correct"`
	Answered        int     `json:"answered"`
	Accuracy        float64 `json:"accuracy"`
	Precision       float64 `json:"precision"`
	LinkedCovered   int     `json:"linked_covered"`
	CorrectCovered  int     `json:"correct_covered"`
	AccuracyCovered float64 `json:"accuracy_covered"`
	// Recalled: linked gold whose entity is among the candidates the
	// linker weighed for its span (candidate recall, what disambiguation
	// can at best get right).
	Recalled        int     `json:"recalled"`
	CandidateRecall float64 `json:"candidate_recall"`
	NILGold         int     `json:"nil_gold"`
	NILKept         int     `json:"nil_kept"`
	Seconds         float64 `json:"seconds"`
}

// TypeRow is micro P/R/F1 for the outcomes filed under one type.
type TypeRow struct {
	Counts Counts `json:"counts"`
	PRF
}

// Timing measures the end-to-end linking phase only (not reading, scoring
// or the disambiguation pass).
type Timing struct {
	Workers        int     `json:"workers"`
	Seconds        float64 `json:"seconds"`
	DocsPerSec     float64 `json:"docs_per_sec"`
	LinksPerSec    float64 `json:"links_per_sec"`
	MentionsPerSec float64 `json:"mentions_per_sec"`
	GoldPerSec     float64 `json:"gold_mentions_per_sec"`
	CodePoints     int     `json:"code_points"`
}

// ErrorRecord is one line of the errors file.
type ErrorRecord struct {
	Dataset string `json:"dataset"`
	Doc     string `json:"doc"`
	Kind    string `json:"kind"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Mention string `json:"mention"`
	Context string `json:"context"`
	Type    string `json:"type"`

	Gold        string `json:"gold,omitempty"`
	GoldInKB    bool   `json:"gold_in_kb,omitempty"`
	GoldHasDesc bool   `json:"gold_has_description,omitempty"`
	Overlap     bool   `json:"overlaps_gold,omitempty"`
	GoldSpan    *Span  `json:"gold_span,omitempty"`

	Pred       string  `json:"pred,omitempty"`
	PredScore  float64 `json:"pred_score,omitempty"`
	PredMethod string  `json:"pred_method,omitempty"`

	// Decision is what the span linker said for this span, with its
	// candidates and feature scores, when one is configured.
	Decision *SpanDecision `json:"decision,omitempty"`
}

// ErrNoDocuments is returned by Evaluate for a dataset without documents.
var ErrNoDocuments = errors.New("eval: dataset has no documents")

// contextWindow is how many code points of text each side of an error the
// errors file shows.
const contextWindow = 60

type docResult struct {
	res link.Result
	err error
}

// Evaluate links every document of ds with lk, scores the links against the
// gold, and returns the report. A document whose Link call fails counts as
// linking nothing (its gold all missed) and is listed in FailedReasons; the
// run stops only when ctx ends or every document fails.
func Evaluate(ctx context.Context, ds *Dataset, lk link.Linker, opts ...Option) (*Report, error) {
	c := cfg{workers: runtime.GOMAXPROCS(0), now: time.Now}
	for _, o := range opts {
		o.apply(&c)
	}
	if c.workers < 1 {
		c.workers = 1
	}
	if len(ds.Docs) == 0 {
		return nil, ErrNoDocuments
	}
	rep := &Report{
		Dataset: ds.Name, Source: ds.Source, Format: ds.Format, KB: c.kbLabel,
		Labels: c.labels, Date: c.now().UTC().Format(time.RFC3339), Read: ds.Read,
		Docs: len(ds.Docs), PerType: map[string]TypeRow{},
	}

	resetStream(lk)
	results, elapsed := linkAll(ctx, ds, lk, c.workers)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("eval: %s: %w", ds.Name, err)
	}

	var all, covered []Counts
	perType := map[string]*Counts{}
	var records []ErrorRecord
	cov := &Coverage{}
	entities := map[string]*goldItem{}
	codePoints := 0
	var disamb *Disamb
	if c.spans != nil {
		disamb = &Disamb{}
		resetStream(c.spans)
	}
	var dElapsed time.Duration
	for i, d := range ds.Docs {
		runes := []rune(d.Text)
		codePoints += len(runes)
		res := results[i]
		if res.err != nil {
			rep.FailedDocs++
			if len(rep.FailedReasons) < maxProblems {
				rep.FailedReasons = append(rep.FailedReasons, fmt.Sprintf("%s: %v", d.ID, res.err))
			}
		}
		gold := resolveGold(c.kb, d.Gold)
		preds := resolvePreds(c.kb, res.res)
		for gi := range gold {
			g := &gold[gi]
			rep.GoldMentions++
			if g.key == "" {
				rep.GoldNIL++
				continue
			}
			rep.GoldLinked++
			cov.Mentions++
			if g.Foreign {
				cov.Foreign++
			}
			if g.inKB {
				cov.MentionsInKB++
			}
			if g.hasDesc {
				cov.MentionsWithDesc++
			}
			if _, seen := entities[g.key]; !seen {
				entities[g.key] = g
			}
		}
		rep.Spotted += len(preds)
		for _, p := range preds {
			if p.key != "" {
				rep.Predicted++
			}
		}
		cnt, outs := scoreDoc(gold, preds)
		all = append(all, cnt)
		cg, cp := coveredOnly(gold, preds)
		ccnt, _ := scoreDoc(cg, cp)
		covered = append(covered, ccnt)

		var docRecs []ErrorRecord
		for _, o := range outs {
			tc := perType[o.typ]
			if tc == nil {
				tc = &Counts{}
				perType[o.typ] = tc
			}
			switch o.kind {
			case "tp":
				tc.TP++
				continue
			case KindWrong:
				tc.FP++
				tc.FN++
			case KindNILLinked:
				tc.FP++
				rep.NILLinked++
			case KindSpurious:
				tc.FP++
			case KindMissed:
				tc.FN++
			}
			if c.errs != nil {
				docRecs = append(docRecs, newRecord(ds.Name, d.ID, runes, o))
			}
		}

		if c.spans != nil || c.errs != nil {
			t0 := time.Now()
			dRecs, err := spanPass(ctx, c, ds.Name, d, runes, gold, docRecs, disamb)
			dElapsed += time.Since(t0)
			if err != nil {
				return nil, err
			}
			docRecs = append(docRecs, dRecs...)
		}
		sort.SliceStable(docRecs, func(a, b int) bool { return docRecs[a].Start < docRecs[b].Start })
		records = append(records, docRecs...)
	}
	if rep.FailedDocs == len(ds.Docs) {
		return nil, fmt.Errorf("eval: %s: every document failed, first: %s", ds.Name, rep.FailedReasons[0])
	}

	rep.All = scoreOf(all)
	for t, tc := range perType {
		rep.PerType[t] = TypeRow{Counts: *tc, PRF: tc.PRF()}
	}
	if c.kb != nil {
		s := scoreOf(covered)
		rep.Covered = &s
		cov.Entities = len(entities)
		for _, g := range entities {
			if g.inKB {
				cov.EntitiesInKB++
			}
			if g.hasDesc {
				cov.EntitiesWithDesc++
			}
		}
		cov.InKB = ratio(cov.MentionsInKB, cov.Mentions)
		cov.WithDesc = ratio(cov.MentionsWithDesc, cov.Mentions)
		rep.Coverage = cov
	}
	if disamb != nil {
		disamb.Accuracy = ratio(disamb.Correct, disamb.Linked)
		disamb.Precision = ratio(disamb.Correct, disamb.Answered)
		disamb.AccuracyCovered = ratio(disamb.CorrectCovered, disamb.LinkedCovered)
		disamb.CandidateRecall = ratio(disamb.Recalled, disamb.Linked)
		disamb.Seconds = dElapsed.Seconds()
		rep.Disamb = disamb
	}
	sec := elapsed.Seconds()
	rep.Timing = Timing{Workers: c.workers, Seconds: sec, CodePoints: codePoints}
	if sec > 0 {
		rep.Timing.DocsPerSec = float64(len(ds.Docs)) / sec
		rep.Timing.LinksPerSec = float64(rep.Predicted) / sec
		rep.Timing.MentionsPerSec = float64(rep.Spotted) / sec
		rep.Timing.GoldPerSec = float64(rep.GoldMentions) / sec
	}
	if c.errs != nil {
		enc := json.NewEncoder(c.errs)
		enc.SetEscapeHTML(false)
		for i := range records {
			if err := enc.Encode(&records[i]); err != nil {
				return nil, fmt.Errorf("eval: write errors: %w", err)
			}
		}
	}
	return rep, nil
}

// linkAll runs lk over every document with a fixed pool of workers and
// returns results in document order and the wall time of the whole phase.
func linkAll(ctx context.Context, ds *Dataset, lk link.Linker, workers int) ([]docResult, time.Duration) {
	results := make([]docResult, len(ds.Docs))
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				d := ds.Docs[i]
				res, err := lk.Link(ctx, link.Document{ID: d.ID, Text: d.Text})
				results[i] = docResult{res: res, err: err}
			}
		}()
	}
feed:
	for i := range ds.Docs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return results, time.Since(start)
}

// spanPass asks the span linker about every gold span of the document (the
// disambiguation score) and, in a call of its own, about the spans of the
// error records that no gold span explains, and attaches its decisions to
// the error records. The gold spans are linked alone because the linker
// reads a document's other mentions (coherence, earlier names): spurious
// spans beside them would make the score depend on whether an errors file
// was asked for. It returns the records of disambiguation errors. Without a
// span linker it does nothing.
func spanPass(ctx context.Context, c cfg, dsName string, d Doc, runes []rune, gold []goldItem, recs []ErrorRecord, st *Disamb) ([]ErrorRecord, error) {
	if c.spans == nil {
		return nil, nil
	}
	decided := map[Span]SpanDecision{}
	linkSpans := func(spans []Span) error {
		var todo []Span
		for _, s := range spans {
			if _, ok := decided[s]; !ok && !slices.Contains(todo, s) {
				todo = append(todo, s)
			}
		}
		if len(todo) == 0 {
			return nil
		}
		dec, err := c.spans.LinkSpans(ctx, link.Document{ID: d.ID, Text: d.Text}, todo)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("eval: %s: %w", dsName, ctx.Err())
			}
			return fmt.Errorf("eval: %s: link spans of %s: %w", dsName, d.ID, err)
		}
		if len(dec) != len(todo) {
			return fmt.Errorf("eval: %s: link spans of %s: %d decisions for %d spans", dsName, d.ID, len(dec), len(todo))
		}
		for i, s := range todo {
			decided[s] = dec[i]
		}
		return nil
	}
	goldSpans := make([]Span, len(gold))
	for i, g := range gold {
		goldSpans[i] = Span{g.Start, g.End}
	}
	recSpans := make([]Span, len(recs))
	for i, r := range recs {
		recSpans[i] = Span{r.Start, r.End}
	}
	if err := linkSpans(goldSpans); err != nil {
		return nil, err
	}
	if err := linkSpans(recSpans); err != nil {
		return nil, err
	}
	for i := range recs {
		dd := decided[recSpans[i]]
		recs[i].Decision = &dd
	}
	var out []ErrorRecord
	for gi := range gold {
		g := &gold[gi]
		dd := decided[goldSpans[gi]]
		key, _ := Canonical(c.kb, dd.Title)
		if g.key == "" {
			st.NILGold++
			if key == "" {
				st.NILKept++
			}
			continue
		}
		st.Linked++
		if g.inKB {
			st.LinkedCovered++
		}
		for _, cd := range dd.Candidates {
			if k, _ := Canonical(c.kb, cd.Title); k == g.key {
				st.Recalled++
				break
			}
		}
		if key != "" {
			st.Answered++
		}
		if key == g.key {
			st.Correct++
			if g.inKB {
				st.CorrectCovered++
			}
			continue
		}
		if c.errs != nil {
			r := newRecord(dsName, d.ID, runes, outcome{kind: KindDisamb, gold: g, typ: typeOf(g, nil)})
			r.Pred, r.PredScore, r.PredMethod = dd.Title, dd.Score, dd.Method
			r.Decision = &dd
			out = append(out, r)
		}
	}
	return out, nil
}

func newRecord(dsName, docID string, runes []rune, o outcome) ErrorRecord {
	r := ErrorRecord{Dataset: dsName, Doc: docID, Kind: o.kind, Type: o.typ}
	switch {
	case o.pred != nil:
		r.Start, r.End = o.pred.Start, o.pred.End
		r.Pred, r.PredScore, r.PredMethod = o.pred.Title, o.pred.Score, string(o.pred.Method)
	case o.gold != nil:
		r.Start, r.End = o.gold.Start, o.gold.End
	}
	if o.gold != nil {
		r.Gold, r.GoldInKB, r.GoldHasDesc = o.gold.Title, o.gold.inKB, o.gold.hasDesc
		if o.gold.key == "" {
			r.Gold = "NIL"
		}
		if o.overlap {
			r.Overlap = true
			r.GoldSpan = &Span{o.gold.Start, o.gold.End}
		}
	}
	r.Mention = substr(runes, r.Start, r.End)
	r.Context = substr(runes, r.Start-contextWindow, r.Start) + "[[" + r.Mention + "]]" + substr(runes, r.End, r.End+contextWindow)
	return r
}

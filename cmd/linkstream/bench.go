package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/linkstream/linkstream/bench"
	"github.com/linkstream/linkstream/eval"
	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/pipeline"
)

// runBench prints the Linker's throughput table: the cheap path per core,
// the cross-encoder through the micro-batcher against ONNX Runtime in a
// tight loop, and documents per second (and F1) per cross-encoder mode.
func runBench(ctx context.Context, args []string) error {
	fs := newFlagSet("bench", "[--kb KBDIR] [--model DIR] [--dataset msnbc] [--duration 5s]   (no --kb: the demo KB)")
	var lf linkerFlags
	lf.register(fs)
	dataset := fs.String("dataset", "msnbc", "documents to link (a dataset name or path, as for eval): news text, and gold for the F1 column")
	dataDir := fs.String("data", defaultDataDir, "shared data folder that dataset names resolve in")
	duration := fs.Duration("duration", 5*time.Second, "minimum time per measurement")
	batch := fs.Int("batch", 32, "batch size of the tight loop and the micro-batcher")
	concurrency := fs.Int("concurrency", 16, "documents in flight for the per-mode rows")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cleanup, err := lf.demoKBUnlessGiven(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	ds, docs, err := benchDocuments(*dataDir, *dataset)
	if err != nil {
		return err
	}
	var rows []bench.Row
	add := func(what string, value float64, unit, note string) {
		rows = append(rows, bench.Row{What: what, Value: fmt.Sprintf("%.1f", value), Unit: unit, Note: note})
	}
	fmt.Fprintf(os.Stderr, "bench: %d documents of %s, %s per measurement, GOMAXPROCS %d\n", len(docs), ds.Name, *duration, runtime.GOMAXPROCS(0))

	lf.mode = string(pipeline.Never)
	cheap, err := lf.open()
	if err != nil {
		return err
	}
	t, err := bench.Link(ctx, cheap.Linker, docs, 1, *duration)
	if err != nil {
		return err
	}
	add("cheap path (mode never), 1 goroutine", t.MentionsPerSec(), "mentions/s", fmt.Sprintf("%.1f docs/s; goal ≥ 50,000 mentions/s per core", t.DocsPerSec()))
	cheapF1, err := modeF1(ctx, cheap, ds)
	cheap.Close()
	if err != nil {
		return err
	}

	perMode := map[pipeline.Mode]bench.Throughput{}
	var ceiling float64 // FLOP/s of the model in the tight loop
	var f1 = map[pipeline.Mode]float64{pipeline.Never: cheapF1}
	for _, mode := range []pipeline.Mode{pipeline.Always, pipeline.Ambiguous} {
		lf.mode = string(mode)
		ol, err := lf.open(pipeline.Batching(*batch, 5*time.Millisecond, 1024))
		if err != nil {
			return err
		}
		if mode == pipeline.Always {
			if err := batcherRows(ctx, ol, docs, *batch, *duration, add, &ceiling); err != nil {
				ol.Close()
				return err
			}
		}
		before := ol.Stats().Batches
		t, err := bench.Link(ctx, ol.Linker, docs, *concurrency, *duration)
		work := ol.Stats().Batches
		work.Pairs -= before.Pairs
		work.Slots -= before.Slots
		if err == nil {
			f1[mode], err = modeF1(ctx, ol, ds)
		}
		ol.Close()
		if err != nil {
			return err
		}
		perMode[mode] = t
		note := fmt.Sprintf("%.0f mentions/s, %.1f pairs/doc, F1 %.3f", t.MentionsPerSec(), float64(t.Pairs)/float64(max(t.Docs, 1)), f1[mode])
		if ceiling > 0 {
			achieved := modelGFLOPs(work) / t.Elapsed.Seconds()
			note += fmt.Sprintf("; model work %.0f GFLOP/s = %.0f%% of the tight loop", achieved, 100*achieved*1e9/ceiling)
		}
		add(fmt.Sprintf("documents, mode %s, %d in flight", mode, *concurrency), t.DocsPerSec(), "docs/s", note)
	}
	amb, all := perMode[pipeline.Ambiguous], perMode[pipeline.Always]
	if all.DocsPerSec() > 0 {
		add("ambiguous / always", amb.DocsPerSec()/all.DocsPerSec(), "×", fmt.Sprintf("F1 %+.1f points; goal ≥ 5× at ≤ 1 point lost", 100*(f1[pipeline.Ambiguous]-f1[pipeline.Always])))
	}
	rows = append(rows, bench.Row{What: "F1 mode never", Value: fmt.Sprintf("%.3f", f1[pipeline.Never]), Note: "strong match, micro, all gold of " + ds.Name})
	return bench.Print(os.Stdout, rows)
}

// batcherRows compares the micro-batcher with ONNX Runtime in a tight loop
// on the same pairs, all of the model's maximum length.
func batcherRows(ctx context.Context, ol *openedLinker, docs []link.Document, batch int, d time.Duration, add func(string, float64, string, string), ceiling *float64) error {
	var passages []string
	for id := 0; id < ol.kb.Len() && len(passages) < 64; id++ {
		if e := ol.kb.Entity(kb.EntityID(id)); len(e.Description) > 200 {
			passages = append(passages, e.Title+": "+e.Description)
		}
	}
	pairs := bench.FixedLengthPairs(ol.encoder, docs, passages, 8*batch)
	if len(pairs) < batch {
		return fmt.Errorf("bench: only %d pairs of full length from these documents", len(pairs))
	}
	n := ol.encoder.MaxLength()
	one, err := bench.TightLoop(ol.encoder, pairs, 1, d)
	if err != nil {
		return err
	}
	add(fmt.Sprintf("ONNX Runtime tight loop, batch 1, length %d", n), one.PairsPerSec(), "pairs/s", ol.modelID())
	// The tight loop runs before and after the batcher, and the ratio is
	// taken to their mean: drift on a shared machine hits both sides.
	before, err := bench.TightLoop(ol.encoder, pairs, batch, d)
	if err != nil {
		return err
	}
	through, err := bench.Batcher(ctx, ol.Linker, pairs, 2*batch, d)
	if err != nil {
		return err
	}
	after, err := bench.TightLoop(ol.encoder, pairs, batch, d)
	if err != nil {
		return err
	}
	tight := (before.PairsPerSec() + after.PairsPerSec()) / 2
	flops := bench.MiniLML12.FLOPs(n)
	add(fmt.Sprintf("ONNX Runtime tight loop, batch %d, length %d", batch, n), tight, "pairs/s",
		fmt.Sprintf("before/after the batcher %.1f/%.1f; %.1f GFLOP/pair → %.0f GFLOP/s", before.PairsPerSec(), after.PairsPerSec(), flops/1e9, tight*flops/1e9))
	st := ol.Stats().Batches
	add(fmt.Sprintf("micro-batcher, %d goroutines × 1 pair", 2*batch), through.PairsPerSec(), "pairs/s",
		fmt.Sprintf("mean batch %.1f, mean wait %s", st.MeanBatch, st.MeanWait.Round(time.Microsecond)))
	add("micro-batcher / tight loop", through.PairsPerSec()/tight, "×", "goal ≥ 0.9")
	*ceiling = tight * flops
	return nil
}

// modelGFLOPs is the model work a Linker's batches did, from their padded
// token positions at their mean padded length.
func modelGFLOPs(st pipeline.BatchStats) float64 {
	if st.Pairs == 0 {
		return 0
	}
	n := int(st.Slots / st.Pairs)
	return float64(st.Pairs) * bench.MiniLML12.FLOPs(n) / 1e9
}

// modeF1 is the strong-match micro F1 of the linker on the dataset.
func modeF1(ctx context.Context, ol *openedLinker, ds *eval.Dataset) (float64, error) {
	lk, kbase := newLinker(ol)
	rep, err := eval.Evaluate(ctx, ds, lk, eval.WithKB(kbase, ""))
	if err != nil {
		return 0, err
	}
	return rep.All.Micro.F1, nil
}

// benchDocuments opens a dataset (a name or path, as for eval) and its
// documents without the gold.
func benchDocuments(dataDir, name string) (*eval.Dataset, []link.Document, error) {
	ds, err := eval.Open(eval.ResolveName(dataDir, name))
	if err != nil {
		return nil, nil, err
	}
	docs := make([]link.Document, len(ds.Docs))
	for i, d := range ds.Docs {
		docs[i] = link.Document{ID: d.ID, Text: d.Text}
	}
	return ds, docs, nil
}

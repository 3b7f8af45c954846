package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/linkstream/linkstream/eval"
	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/pipeline"
	"github.com/linkstream/linkstream/train"
)

// testSets are the benchmarks the project never fits on.
var testSets = map[string]bool{"aquaint": true, "reuters128": true}

// runTrain fits the score's weights: `linkstream train --kb KBDIR
// [--dataset msnbc,ace2004] [--out pipeline/fit.json]`. It links the gold
// spans of the development sets with the cross-encoder on every ambiguous
// mention, fits the cheap weights (no cross-encoder) and the reranked
// weights (with it) by conditional logit, extracts the features again
// with the fit (coherence depends on which links are confident) and
// refits, then fits the link-or-NIL decision and its threshold to the
// annotated mentions of --nil-dataset linked end to end in mode ambiguous
// (see calibrateNIL). It prints what fitting changed
// (hand-set against fitted, each feature left out) and writes the fit.
func runTrain(ctx context.Context, args []string) error {
	fs := newFlagSet("train", "--kb KBDIR [--model DIR] [--dataset msnbc,ace2004] [--nil-dataset msnbc,ace2004] [--drop FEATURE,...] [--out pipeline/fit.json]")
	var lf linkerFlags
	lf.register(fs)
	datasets := fs.String("dataset", "msnbc,ace2004", "development datasets to fit on, comma-separated: names or paths (WNED, NIF, JSONL such as 'eval selflink' output); never a test set")
	nilSets := fs.String("nil-dataset", "msnbc,ace2004", "development datasets whose annotated mentions the link-or-NIL decision is fitted to")
	thresholdList := fs.String("threshold-dataset", "msnbc", "of the --nil-dataset sets, those annotated in full, whose end-to-end micro F1 the NIL threshold maximises")
	dataDir := fs.String("data", defaultDataDir, "shared data folder that dataset names resolve in")
	out := fs.String("out", filepath.Join("pipeline", "fit.json"), "write the fit here")
	l2 := fs.Float64("l2", 1, "L2 penalty on the weights (on the summed log-likelihood)")
	rounds := fs.Int("rounds", 2, "feature extractions: each after the first uses the previous fit")
	dropList := fs.String("drop", "", "features held at weight 0, comma-separated (e.g. earlier_name): those whose removal the held-out ablation favours")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *rounds < 1 || *l2 < 0 {
		return errors.New("train: --rounds must be ≥ 1 and --l2 ≥ 0")
	}
	drop, err := parseDrop(*dropList)
	if err != nil {
		return err
	}
	free := newFreeFeatures(drop)
	fitSets, err := openDevSets(*dataDir, *datasets)
	if err != nil {
		return err
	}
	calSets, err := openDevSets(*dataDir, *nilSets)
	if err != nil {
		return err
	}
	thresholdSets := map[string]bool{}
	for _, n := range strings.Split(*thresholdList, ",") {
		if n = strings.TrimSpace(n); n != "" {
			thresholdSets[n] = true
		}
	}
	rec := trainingRecord{
		FittedAt: time.Now().UTC().Format(time.DateOnly), L2: *l2, Rounds: *rounds,
		Command: "linkstream train --dataset " + *datasets + " --nil-dataset " + *nilSets + " --threshold-dataset " + *thresholdList,
	}
	if *dropList != "" {
		rec.Command += " --drop " + *dropList
	}
	tmp, err := os.MkdirTemp("", "linkstream-train-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	fit := pipeline.DefaultFit
	var groups []train.Group
	for round := 1; round <= *rounds; round++ {
		// Each round links with the previous round's fit, through --weights.
		if round > 1 {
			lf.weights = filepath.Join(tmp, "fit.json")
			if err := writeFit(lf.weights, fit); err != nil {
				return err
			}
		}
		groups, rec.Datasets, rec.Model, rec.KB, err = extract(ctx, lf, fitSets)
		if err != nil {
			return err
		}
		if fit, err = fitWeights(groups, *l2, free, fit); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "train: round %d: %d mentions with a choice to make\n", round, len(groups))
	}
	rec.Comparison, rec.Ablation, err = compare(groups, *l2, free, fit)
	if err != nil {
		return err
	}

	lf.weights = filepath.Join(tmp, "fit.json")
	if err := writeFit(lf.weights, fit); err != nil {
		return err
	}
	fit.Link, rec.NIL, err = calibrateNIL(ctx, lf, *l2, calSets, thresholdSets)
	if err != nil {
		return err
	}
	fit.NILThreshold = rec.NIL.Threshold
	if fit.Training, err = json.Marshal(rec); err != nil {
		return err
	}
	printTraining(os.Stdout, fit, rec)
	if err := writeFit(*out, fit); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "train: wrote %s\n", *out)
	return nil
}

// trainingRecord is what a fit file says of how it was made.
type trainingRecord struct {
	FittedAt   string          `json:"fitted_at"`
	Command    string          `json:"command"`
	KB         string          `json:"kb"`
	Model      string          `json:"model"`
	L2         float64         `json:"l2"`
	Rounds     int             `json:"rounds"`
	Datasets   []trainingSet   `json:"datasets"`
	Comparison []weightsResult `json:"comparison"`
	Ablation   []weightsResult `json:"ablation"`
	NIL        nilCalibration  `json:"nil"`
}

type trainingSet struct {
	Name string `json:"name"`
	Docs int    `json:"docs"`
	// Gold counts linked gold mentions; Groups those with the right
	// entity among two or more candidates: what the fit learns from.
	Gold   int `json:"gold"`
	Groups int `json:"groups"`
}

// weightsResult is one set of weights judged on the training mentions:
// accuracy in-sample and held out (fitted on the other datasets).
type weightsResult struct {
	Name             string  `json:"name"`
	CheapAccuracy    float64 `json:"cheap_accuracy"`
	CheapHeldOut     float64 `json:"cheap_held_out,omitempty"`
	RerankedAccuracy float64 `json:"reranked_accuracy"`
	RerankedHeldOut  float64 `json:"reranked_held_out,omitempty"`
}

type nilPoint struct {
	Threshold float64 `json:"threshold"`
	F1        float64 `json:"f1"`
}

func openDevSets(dataDir, list string) ([]*eval.Dataset, error) {
	var names []string
	for _, n := range strings.Split(list, ",") {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		if testSets[strings.ToLower(n)] {
			return nil, fmt.Errorf("train: %s is a test set: the project never fits on it (fit on msnbc, ace2004 or self-linking gold)", n)
		}
		names = append(names, n)
	}
	var sets []*eval.Dataset
	for _, n := range names {
		ds, err := eval.Open(eval.ResolveName(dataDir, n))
		if err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		if testSets[ds.Name] {
			return nil, fmt.Errorf("train: %s is a test set: the project never fits on it (fit on msnbc, ace2004 or self-linking gold)", ds.Name)
		}
		sets = append(sets, ds)
	}
	if len(sets) == 0 {
		return nil, errors.New("train: no dataset: pass --dataset msnbc,ace2004")
	}
	return sets, nil
}

// freeFeatures says which weights a fit may set: cheap leaves the
// cross-encoder out, and both leave out the features --drop holds at 0.
type freeFeatures struct{ cheap, full []bool }

func newFreeFeatures(drop []pipeline.Feature) freeFeatures {
	f := freeFeatures{make([]bool, pipeline.NumFeatures), make([]bool, pipeline.NumFeatures)}
	for i := range f.full {
		f.full[i] = !slices.Contains(drop, pipeline.Feature(i))
		f.cheap[i] = f.full[i] && i != int(pipeline.FeatureCrossEncoder) && i != int(pipeline.FeatureCrossEncoderName)
	}
	return f
}

func (f freeFeatures) without(i pipeline.Feature) freeFeatures {
	out := freeFeatures{slices.Clone(f.cheap), slices.Clone(f.full)}
	out.cheap[i], out.full[i] = false, false
	return out
}

// parseDrop reads --drop: feature names, comma-separated.
func parseDrop(list string) ([]pipeline.Feature, error) {
	var drop []pipeline.Feature
	for _, n := range strings.Split(list, ",") {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		i := slices.Index(pipeline.FeatureNames[:], n)
		if i < 0 {
			return nil, fmt.Errorf("train: --drop %q: not a feature; the features are %s", n, strings.Join(pipeline.FeatureNames[:], ", "))
		}
		drop = append(drop, pipeline.Feature(i))
	}
	if !slices.Contains(newFreeFeatures(drop).cheap, true) {
		return nil, errors.New("train: --drop leaves the cheap score no feature to fit")
	}
	return drop, nil
}

// extract links every dataset's gold spans in mode always and returns one
// group per mention whose gold entity is among two or more candidates.
func extract(ctx context.Context, lf linkerFlags, sets []*eval.Dataset) ([]train.Group, []trainingSet, string, string, error) {
	lf.mode = string(pipeline.Always)
	ol, err := lf.open()
	if err != nil {
		return nil, nil, "", "", fmt.Errorf("train: %w", err)
	}
	defer ol.Close()
	kbase := kbAdapter{ol.kb}
	var groups []train.Group
	var info []trainingSet
	for _, ds := range sets {
		st := trainingSet{Name: ds.Name, Docs: len(ds.Docs)}
		for di, d := range ds.Docs {
			spans := make([]pipeline.Span, len(d.Gold))
			gold := make(map[pipeline.Span]string, len(d.Gold))
			for i, g := range d.Gold {
				spans[i] = pipeline.Span{Start: g.Start, End: g.End}
				if g.IsNIL() {
					continue
				}
				st.Gold++
				if t, inKB := eval.Canonical(kbase, g.Title); inKB {
					gold[spans[i]] = t
				}
			}
			ex, err := ol.LinkSpans(ctx, link.Document{ID: d.ID, Text: d.Text}, spans)
			if err != nil {
				return nil, nil, "", "", fmt.Errorf("train: %s %s: %w", ds.Name, d.ID, err)
			}
			for _, e := range ex {
				want, ok := gold[pipeline.Span{Start: e.Start, End: e.End}]
				if !ok || e.Follows || len(e.Candidates) < 2 {
					continue
				}
				g := train.Group{Gold: -1, Set: ds.Name}
				for j, c := range e.Candidates {
					g.X = append(g.X, e.Candidates[j].Features[:])
					if t, _ := eval.Canonical(kbase, c.Title); t == want {
						g.Gold = j
					}
				}
				if g.Gold >= 0 {
					groups = append(groups, g)
					st.Groups++
				}
			}
			if (di+1)%10 == 0 || di+1 == len(ds.Docs) {
				fmt.Fprintf(os.Stderr, "train: %s: %d/%d documents\n", ds.Name, di+1, len(ds.Docs))
			}
		}
		info = append(info, st)
	}
	return groups, info, ol.modelID(), ol.kbVersion(), nil
}

// fitWeights fits the cheap and the reranked weights; the Outlier weight,
// which no development set can fit, is kept from base.
func fitWeights(groups []train.Group, l2 float64, free freeFeatures, base pipeline.Fit) (pipeline.Fit, error) {
	cheap, err := train.Fit(groups, train.Problem{Free: free.cheap, L2: l2})
	if err != nil {
		return base, fmt.Errorf("train: cheap weights: %w", err)
	}
	full, err := train.Fit(groups, train.Problem{Free: free.full, L2: l2})
	if err != nil {
		return base, fmt.Errorf("train: reranked weights: %w", err)
	}
	f := base
	f.Version = pipeline.FitVersion
	f.Cheap = base.Cheap.WithVector(pipeline.Vector(cheap.W))
	f.Reranked = base.Reranked.WithVector(pipeline.Vector(full.W))
	return f, nil
}

// compare judges the hand-set weights, the fit, and the fit without each
// free feature in turn, in-sample and held out by dataset.
func compare(groups []train.Group, l2 float64, free freeFeatures, fit pipeline.Fit) ([]weightsResult, []weightsResult, error) {
	hand := pipeline.HandSetWeights.Vector()
	handCheap := hand
	handCheap[pipeline.FeatureCrossEncoder], handCheap[pipeline.FeatureCrossEncoderName] = 0, 0
	cheapW, fullW := fit.Cheap.Vector(), fit.Reranked.Vector()
	comparison := []weightsResult{
		{Name: "hand-set", CheapAccuracy: train.Accuracy(groups, handCheap[:]), RerankedAccuracy: train.Accuracy(groups, hand[:])},
		{Name: "fitted", CheapAccuracy: train.Accuracy(groups, cheapW[:]), RerankedAccuracy: train.Accuracy(groups, fullW[:])},
	}
	var err error
	if comparison[1].CheapHeldOut, comparison[1].RerankedHeldOut, err = heldOut(groups, l2, free); err != nil {
		return nil, nil, err
	}
	var ablation []weightsResult
	for i := range pipeline.NumFeatures {
		if !free.full[i] {
			continue
		}
		r := weightsResult{Name: "without " + pipeline.FeatureNames[i]}
		less := free.without(i)
		c, err := train.Fit(groups, train.Problem{Free: less.cheap, L2: l2})
		if err != nil {
			return nil, nil, err
		}
		f, err := train.Fit(groups, train.Problem{Free: less.full, L2: l2})
		if err != nil {
			return nil, nil, err
		}
		r.CheapAccuracy, r.RerankedAccuracy = c.Accuracy, f.Accuracy
		if r.CheapHeldOut, r.RerankedHeldOut, err = heldOut(groups, l2, less); err != nil {
			return nil, nil, err
		}
		ablation = append(ablation, r)
	}
	return comparison, ablation, nil
}

// heldOut fits on all datasets but one and scores that one, for each, and
// returns the accuracies pooled over the mentions (0 with one dataset).
func heldOut(groups []train.Group, l2 float64, free freeFeatures) (cheap, full float64, err error) {
	sets := map[string]bool{}
	for _, g := range groups {
		sets[g.Set] = true
	}
	if len(sets) < 2 {
		return 0, 0, nil
	}
	var cheapRight, fullRight float64
	for set := range sets {
		var in, out []train.Group
		for _, g := range groups {
			if g.Set == set {
				out = append(out, g)
			} else {
				in = append(in, g)
			}
		}
		c, err := train.Fit(in, train.Problem{Free: free.cheap, L2: l2})
		if err != nil {
			return 0, 0, err
		}
		f, err := train.Fit(in, train.Problem{Free: free.full, L2: l2})
		if err != nil {
			return 0, 0, err
		}
		cheapRight += train.Accuracy(out, c.W) * float64(len(out))
		fullRight += train.Accuracy(out, f.W) * float64(len(out))
	}
	n := float64(len(groups))
	return cheapRight / n, fullRight / n, nil
}

// calibrateNIL links the datasets end to end (mode ambiguous, no NIL
// threshold) and fits the link-or-NIL decision to their spotted mentions
// that are annotated, linked or NIL: a logistic regression of "the winner
// is the gold entity of this span" (strong match, as eval scores it) on
// the winner's link features. Mentions nobody annotated are left out: a
// partly annotated set cannot say whether they should link, and fitting
// to them would fit one benchmark's annotation habits. It returns the
// weights and the threshold on their confidence with the highest micro F1
// on the annotated mentions, pooled over the datasets, with the sweep, and
// beside it the sweep of the old rule (a threshold on the winner's
// probability).
func calibrateNIL(ctx context.Context, lf linkerFlags, l2 float64, sets []*eval.Dataset, thresholdSets map[string]bool) (pipeline.LinkWeights, nilCalibration, error) {
	lf.mode = string(pipeline.Ambiguous)
	lf.nilThreshold = optionalFloat{v: 0, set: true}
	ol, err := lf.open(pipeline.WithLinkWeights(pipeline.LinkWeights{}))
	if err != nil {
		return pipeline.LinkWeights{}, nilCalibration{}, fmt.Errorf("train: %w", err)
	}
	defer ol.Close()
	kbase := kbAdapter{ol.kb}
	var (
		groups, all []train.Group // annotated spotted mentions; every one of the threshold sets
		allGold     int
	)
	for _, ds := range sets {
		for _, d := range ds.Docs {
			gold := map[[2]int]string{}
			for _, g := range d.Gold {
				if g.IsNIL() {
					gold[[2]int{g.Start, g.End}] = ""
					continue
				}
				if thresholdSets[ds.Name] {
					allGold++
				}
				gold[[2]int{g.Start, g.End}], _ = eval.Canonical(kbase, g.Title)
			}
			_, ex, err := ol.LinkWith(ctx, link.Document{ID: d.ID, Text: d.Text}, pipeline.WithExplanations(true))
			if err != nil {
				return pipeline.LinkWeights{}, nilCalibration{}, fmt.Errorf("train: %s %s: %w", ds.Name, d.ID, err)
			}
			for _, e := range ex {
				if e.Chosen == "" {
					continue
				}
				want, annotated := gold[[2]int{e.Start, e.End}]
				right := 1 // the NIL "candidate"
				if chosen, _ := eval.Canonical(kbase, e.Chosen); annotated && want == chosen {
					right = 0
				}
				g := train.Group{X: [][]float64{e.Decision[:], make([]float64, pipeline.NumLinkFeatures)}, Gold: right, Set: ds.Name}
				if annotated {
					groups = append(groups, g)
				}
				if thresholdSets[ds.Name] {
					all = append(all, g)
				}
			}
		}
	}
	free := make([]bool, pipeline.NumLinkFeatures)
	for i := range free {
		free[i] = true
	}
	res, err := train.Fit(groups, train.Problem{Free: free, L2: l2})
	if err != nil {
		return pipeline.LinkWeights{}, nilCalibration{}, fmt.Errorf("train: link decision: %w", err)
	}
	w := pipeline.LinkWeights(res.W)
	cal := nilCalibration{Mentions: len(groups), LogLoss: res.LogLoss}
	if len(all) == 0 {
		return w, cal, fmt.Errorf("train: no spotted mention in the threshold datasets %v", sortedNames(thresholdSets))
	}
	cal.ThresholdMentions = len(all)
	cal.Threshold, cal.Sweep = sweep(all, allGold, w.Confidence)
	_, cal.ProbabilitySweep = sweep(all, allGold, pipeline.LinkWeights{}.Confidence)
	return w, cal, nil
}

// nilCalibration records how the link decision was fitted.
type nilCalibration struct {
	// Mentions is the annotated spotted mentions it was fitted to,
	// ThresholdMentions the spotted mentions the threshold was chosen on.
	Mentions          int        `json:"mentions"`
	ThresholdMentions int        `json:"threshold_mentions"`
	LogLoss           float64    `json:"log_loss"`
	Threshold         float64    `json:"threshold"`
	Sweep             []nilPoint `json:"sweep"`
	// ProbabilitySweep is the old rule's: the winner's probability.
	ProbabilitySweep []nilPoint `json:"probability_sweep"`
}

// sweep scores thresholds 0, 0.05, …, 0.9 on a confidence and returns the
// one whose F1, averaged with its neighbours', is best, with all points; a group's candidate 0 is its link, right when
// Gold is 0.
func sweep(groups []train.Group, goldLinked int, confidence func(pipeline.LinkVector) float64) (float64, []nilPoint) {
	var points []nilPoint
	for step := 0; step <= 18; step++ {
		t := float64(step) / 20 // exact steps: 0.6, not 0.6000000000000001
		var tp, fp int
		for _, g := range groups {
			if confidence(pipeline.LinkVector(g.X[0])) < t {
				continue
			}
			if g.Gold == 0 {
				tp++
			} else {
				fp++
			}
		}
		points = append(points, nilPoint{Threshold: t, F1: eval.Counts{TP: tp, FP: fp, FN: goldLinked - tp}.PRF().F1})
	}
	return smoothedPeak(points), points
}

func writeFit(path string, f pipeline.Fit) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	return nil
}

// printTraining writes the weights and the comparisons as Markdown, for
// EVALUATION.md.
func printTraining(w io.Writer, fit pipeline.Fit, rec trainingRecord) {
	fmt.Fprintf(w, "| feature | hand-set | fitted cheap | fitted reranked |\n|---|---:|---:|---:|\n")
	hand, cheap, full := pipeline.HandSetWeights.Vector(), fit.Cheap.Vector(), fit.Reranked.Vector()
	for i := range pipeline.NumFeatures {
		fmt.Fprintf(w, "| %s | %.3f | %.3f | %.3f |\n", pipeline.FeatureNames[i], hand[i], cheap[i], full[i])
	}
	fmt.Fprintf(w, "\n| weights | cheap acc. | cheap held out | reranked acc. | reranked held out |\n|---|---:|---:|---:|---:|\n")
	for _, r := range append(append([]weightsResult(nil), rec.Comparison...), rec.Ablation...) {
		fmt.Fprintf(w, "| %s | %.1f | %s | %.1f | %s |\n", r.Name, 100*r.CheapAccuracy, pctOrDash(r.CheapHeldOut), 100*r.RerankedAccuracy, pctOrDash(r.RerankedHeldOut))
	}
	fmt.Fprintf(w, "\nmentions:")
	for _, s := range rec.Datasets {
		fmt.Fprintf(w, " %s %d of %d linked gold;", s.Name, s.Groups, s.Gold)
	}
	fmt.Fprintf(w, "\n\n| link feature | weight |\n|---|---:|\n")
	for i, n := range pipeline.LinkFeatureNames {
		fmt.Fprintf(w, "| %s | %.3f |\n", n, fit.Link[i])
	}
	fmt.Fprintf(w, "\nlink decision fitted to %d annotated spotted mentions; NIL threshold %.2f on its confidence, chosen on %d spotted mentions; micro F1 by threshold, fitted confidence / winner's probability:", rec.NIL.Mentions, fit.NILThreshold, rec.NIL.ThresholdMentions)
	for i, p := range rec.NIL.Sweep {
		fmt.Fprintf(w, " %.2f→%.1f/%.1f", p.Threshold, 100*p.F1, 100*rec.NIL.ProbabilitySweep[i].F1)
	}
	fmt.Fprintln(w)
}

func pctOrDash(x float64) string {
	if x == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f", 100*x)
}

func sortedNames(m map[string]bool) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// smoothedPeak is the threshold whose F1, averaged with its neighbours',
// is highest (the first of equals): a lone spike between dips does not win.
func smoothedPeak(points []nilPoint) float64 {
	best, bestF1 := 0.0, -1.0
	for i := range points {
		lo, hi := max(i-1, 0), min(i+1, len(points)-1)
		var mean float64
		for _, p := range points[lo : hi+1] {
			mean += p.F1
		}
		if mean /= float64(hi - lo + 1); mean > bestF1 {
			best, bestF1 = points[i].Threshold, mean
		}
	}
	return best
}

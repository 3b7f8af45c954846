package main

import (
	"context"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linkstream/linkstream/pipeline"
	"github.com/linkstream/linkstream/train"
)

// captureStderr runs fn with os.Stderr sent to a file and returns what fn
// wrote there.
func captureStderr(t *testing.T, fn func()) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	saved := os.Stderr
	os.Stderr = f
	defer func() { os.Stderr = saved }()
	fn()
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every flag in every sub-command's -h names its argument in one word: the
// flag package reads back-quoted words in a usage string as the argument's
// name, which once printed "-kb linkstream kb build".
func TestHelpNamesEachArgumentInOneWord(t *testing.T) {
	for name := range commands {
		var err error
		out := captureStderr(t, func() { err = dispatch(context.Background(), append(strings.Fields(name), "-h")) })
		if !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%s -h: err = %v, want flag.ErrHelp", name, err)
		}
		flags := 0
		for _, line := range strings.Split(out, "\n") {
			if !strings.HasPrefix(line, "  -") {
				continue
			}
			flags++
			if f := strings.Fields(line); len(f) > 2 {
				t.Errorf("%s -h: %q names its argument in %d words", name, line, len(f)-1)
			}
		}
		if flags == 0 {
			t.Errorf("%s -h printed no flags:\n%s", name, out)
		}
		if name == "link" && (!strings.Contains(out, "  -kb KBDIR\n") || !strings.Contains(out, "  -model MODELDIR\n")) {
			t.Errorf("link -h lacks -kb KBDIR and -model MODELDIR:\n%s", out)
		}
	}
}

// tinyKBDir builds a KB from a two-page dump, for commands that only need
// one to exist.
func tinyKBDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	dump := filepath.Join(dir, "pages.xml")
	err := os.WriteFile(dump, []byte(`<mediawiki>
<page><title>Ada Lovelace</title><ns>0</ns><id>1</id><revision><text>'''Ada Lovelace''' wrote about the [[Analytical Engine]].</text></revision></page>
<page><title>Analytical Engine</title><ns>0</ns><id>2</id><revision><text>The '''Analytical Engine''' was designed by [[Charles Babbage|Babbage]]. [[Ada Lovelace|Lovelace]] wrote its first program.</text></revision></page>
</mediawiki>`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	kbDir := filepath.Join(dir, "kb")
	if err := dispatch(context.Background(), []string{"kb", "build", "--quiet", "--dump", dump, "--out", kbDir}); err != nil {
		t.Fatal(err)
	}
	return kbDir
}

// An option the pipeline rejects is an error naming it, not a crash: the
// half-opened linker used to be closed through a nil *pipeline.Linker.
func TestRejectedLinkerOptionIsAnError(t *testing.T) {
	kbDir := tinyKBDir(t)
	in := filepath.Join(t.TempDir(), "doc.txt")
	if err := os.WriteFile(in, []byte("Ada Lovelace"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "links.jsonl")
	err := dispatch(context.Background(), []string{"link", "--kb", kbDir, "--mode", "never", "--ambiguity", "2", "--in", in, "--out", out})
	if err == nil || !strings.Contains(err.Error(), "ambiguity") {
		t.Fatalf("link --ambiguity 2: err = %v, want one about the ambiguity threshold", err)
	}
}

// --cuda N loads the CUDA stack before anything else: with nothing fetched
// the error names the flag, the CUDA build of ONNX Runtime and the make
// target, whether or not the machine has a driver.
func TestCUDAWithoutDepsGPUNamesTheTarget(t *testing.T) {
	kbDir := tinyKBDir(t)
	t.Setenv("LINKSTREAM_CACHE", t.TempDir())
	in := filepath.Join(t.TempDir(), "doc.txt")
	if err := os.WriteFile(in, []byte("Ada Lovelace"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := dispatch(context.Background(), []string{"link", "--kb", kbDir, "--cuda", "0", "--in", in, "--out", filepath.Join(t.TempDir(), "links.jsonl")})
	if err == nil {
		t.Fatal("link --cuda 0 with an empty cache succeeded")
	}
	t.Logf("error seen by the user: %v", err)
	for _, want := range []string{"--cuda 0", "libonnxruntime.so", "(run: make deps-gpu)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q", want)
		}
	}
}

// train never fits on a test set, and --weights names what it could not read.
func TestTrainAndWeightsRefuseWhatTheyCannotUse(t *testing.T) {
	kbDir := tinyKBDir(t)
	for _, set := range []string{"aquaint", "reuters128", "msnbc,reuters128"} {
		err := dispatch(context.Background(), []string{"train", "--kb", kbDir, "--dataset", set, "--out", filepath.Join(t.TempDir(), "fit.json")})
		if err == nil || !strings.Contains(err.Error(), "test set") {
			t.Errorf("train --dataset %s: err = %v, want a refusal naming the test set", set, err)
		}
	}
	in := filepath.Join(t.TempDir(), "doc.txt")
	if err := os.WriteFile(in, []byte("Ada Lovelace"), 0o644); err != nil {
		t.Fatal(err)
	}
	badFit := filepath.Join(t.TempDir(), "fit.json")
	if err := os.WriteFile(badFit, []byte(`{"version": 7}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ weights, want string }{
		{`{"prior": 1, "contxt": 2}`, "contxt"},
		{filepath.Join(t.TempDir(), "missing.json"), "no such file"},
		{badFit, "make train"},
	} {
		err := dispatch(context.Background(), []string{"link", "--kb", kbDir, "--mode", "never", "--weights", tc.weights, "--in", in, "--out", filepath.Join(t.TempDir(), "o.jsonl")})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--weights %s: err = %v, want one naming %q", tc.weights, err, tc.want)
		}
	}
}

// A fit file from --weights is what the Linker scores with: its NIL
// threshold applies unless --nil-threshold is given.
func TestWeightsFileSetsTheNILThreshold(t *testing.T) {
	kbDir := tinyKBDir(t)
	in := filepath.Join(t.TempDir(), "doc.txt")
	if err := os.WriteFile(in, []byte("Ada Lovelace met Charles Babbage in London."), 0o644); err != nil {
		t.Fatal(err)
	}
	fit := pipeline.HandSetFit
	fit.Link[pipeline.LinkBias] = -20 // every confidence near 0
	fit.NILThreshold = 0.5
	path := filepath.Join(t.TempDir(), "fit.json")
	if err := writeFit(path, fit); err != nil {
		t.Fatal(err)
	}
	links := func(extra ...string) int {
		out := filepath.Join(t.TempDir(), "o.jsonl")
		if err := dispatch(context.Background(), append([]string{"link", "--kb", kbDir, "--mode", "never", "--weights", path, "--in", in, "--out", out}, extra...)); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(string(b), `"title"`)
	}
	if n := links(); n != 0 {
		t.Errorf("a fit whose confidences are all near 0, NIL threshold 0.5, linked %d mentions", n)
	}
	if n := links("--nil-threshold", "0"); n == 0 {
		t.Error("--nil-threshold 0 over the fit's 0.5 linked nothing")
	}
}

// The NIL threshold is where the sweep's F1, averaged with its
// neighbours', peaks: a lone spike between two dips does not win.
func TestSmoothedPeakIgnoresALoneSpike(t *testing.T) {
	var points []nilPoint
	for i, f := range []float64{0.5, 0.9, 0.5, 0.7, 0.75, 0.7, 0.5} {
		points = append(points, nilPoint{Threshold: float64(i) / 10, F1: f})
	}
	if got := smoothedPeak(points); got != 0.4 {
		t.Errorf("threshold %.1f, want 0.4 (the plateau), not 0.1 (the spike)", got)
	}
}

// sweep counts a group's link as right when its Gold is 0, and scores
// every threshold against all the gold links.
func TestSweepCountsTheLinksAboveEachThreshold(t *testing.T) {
	group := func(conf float64, right bool) train.Group {
		x := make([]float64, pipeline.NumLinkFeatures)
		x[pipeline.LinkProbability] = math.Log(conf)
		g := train.Group{X: [][]float64{x, make([]float64, pipeline.NumLinkFeatures)}, Gold: 1}
		if right {
			g.Gold = 0
		}
		return g
	}
	groups := []train.Group{group(0.12, false), group(0.5, true), group(0.7, true)}
	_, points := sweep(groups, 4, pipeline.LinkWeights{}.Confidence)
	// t = 0: 2 right, 1 wrong, 2 gold missed: F1 = 4/7; t = 0.15: 2/3.
	if len(points) != 19 || math.Abs(points[0].F1-4.0/7) > 1e-9 || math.Abs(points[3].F1-2.0/3) > 1e-9 {
		t.Errorf("sweep %v", points[:4])
	}
}

// --drop holds features at 0 in both fits and leaves them out of the
// ablation; a name that is not a feature is refused with the list.
func TestDropHoldsFeaturesAtZero(t *testing.T) {
	if _, err := parseDrop("earlier_name,priors"); err == nil || !strings.Contains(err.Error(), "prominence") {
		t.Errorf("--drop priors: err = %v, want a refusal listing the features", err)
	}
	var cheap []string
	for i, n := range pipeline.FeatureNames {
		if i != int(pipeline.FeatureCrossEncoder) && i != int(pipeline.FeatureCrossEncoderName) {
			cheap = append(cheap, n)
		}
	}
	if _, err := parseDrop(strings.Join(cheap, ",")); err == nil || !strings.Contains(err.Error(), "no feature") {
		t.Errorf("--drop of every cheap feature: err = %v, want a refusal", err)
	}
	drop, err := parseDrop(" earlier_name , ")
	if err != nil || len(drop) != 1 || drop[0] != pipeline.FeatureEarlierName {
		t.Fatalf("parseDrop = %v, %v", drop, err)
	}
	// Two candidates told apart by earlier_name alone, the gold the second.
	var groups []train.Group
	for _, set := range []string{"a", "b"} {
		for range 5 {
			x0, x1 := make([]float64, pipeline.NumFeatures), make([]float64, pipeline.NumFeatures)
			x1[pipeline.FeatureEarlierName], x0[pipeline.FeaturePrior], x1[pipeline.FeaturePrior] = 1, 0.1, 0
			groups = append(groups, train.Group{X: [][]float64{x0, x1}, Gold: 1, Set: set})
		}
	}
	free := newFreeFeatures(drop)
	fit, err := fitWeights(groups, 1, free, pipeline.DefaultFit)
	if err != nil {
		t.Fatal(err)
	}
	if fit.Cheap.EarlierName != 0 || fit.Reranked.EarlierName != 0 {
		t.Errorf("a dropped feature got weights %v and %v", fit.Cheap.EarlierName, fit.Reranked.EarlierName)
	}
	if all, err := fitWeights(groups, 1, newFreeFeatures(nil), pipeline.DefaultFit); err != nil || all.Cheap.EarlierName <= 0 {
		t.Errorf("without --drop the feature that picks every gold got %v (%v)", all.Cheap.EarlierName, err)
	}
	_, ablation, err := compare(groups, 1, free, fit)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ablation {
		if r.Name == "without earlier_name" {
			t.Errorf("the ablation leaves out a feature already dropped: %+v", r)
		}
	}
}

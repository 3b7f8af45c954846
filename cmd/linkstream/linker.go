package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/models"
	"github.com/linkstream/linkstream/pipeline"
)

// linkerFlags are the flags of every sub-command that links: link, eval,
// bench, run and demo.
type linkerFlags struct {
	kbDir        string
	modelDir     string
	mode         string
	ambiguity    float64
	nilThreshold optionalFloat
	cuda         int
	threads      int
	maxLength    int
	weights      string
	streamDocs   int
}

func (f *linkerFlags) register(fs *flag.FlagSet) {
	// Back-quoted words in a usage string name the flag's argument in -h
	// ("-kb KBDIR"): commands are quoted with '...' instead.
	fs.StringVar(&f.kbDir, "kb", "", "knowledge-base directory `KBDIR` (from 'linkstream kb build')")
	fs.StringVar(&f.modelDir, "model", "", "cross-encoder directory `MODELDIR` with model.onnx and tokenizer.json (default: the model 'make deps' fetched)")
	fs.StringVar(&f.mode, "mode", string(pipeline.Ambiguous), "when the cross-encoder runs: never, ambiguous or always")
	fs.Float64Var(&f.ambiguity, "ambiguity", pipeline.DefaultAmbiguityThreshold, "link ambiguity (2nd best / best) above which mode ambiguous calls the cross-encoder")
	fs.Var(&f.nilThreshold, "nil-threshold", "score under which a mention is reported as NIL (default: the fit's: "+strconv.FormatFloat(pipeline.DefaultNILThreshold, 'g', -1, 64)+" in the embedded one, "+strconv.FormatFloat(pipeline.HandSetFit.NILThreshold, 'g', -1, 64)+" with the hand-set weights a KB built from dumps alone gets)")
	fs.IntVar(&f.cuda, "cuda", -1, "run the cross-encoder on this CUDA device with batches for a GPU (needs 'make deps-gpu' and the NVIDIA driver); -1 = CPU")
	fs.IntVar(&f.threads, "threads", 0, "ONNX Runtime intra-op threads (0 = one per core)")
	fs.StringVar(&f.weights, "weights", "", `a fit file from 'linkstream train' (weights and NIL threshold), or weights as JSON for both the cheap and the reranked score, e.g. {"prior":1,"context":4,"cross_encoder":0.8} (missing keys keep the embedded fit's); default: the embedded fit, or for a KB built from dumps alone the hand-set weights`)
	fs.IntVar(&f.maxLength, "max-length", models.DefaultMaxLength, "cross-encoder input length in tokens: query and description are truncated, longest first, to fit")
	fs.IntVar(&f.streamDocs, "stream-docs", 0, "also weigh each candidate against the confident entities of the last N documents linked (stream coherence); 0 = off. Results then depend on the order documents finish in: link one at a time (--concurrency 1) to reproduce them")
}

// openedLinker is a Linker with the KB and model it owns.
type openedLinker struct {
	*pipeline.Linker
	kb      *kb.KB
	encoder *models.CrossEncoder
}

// Close releases what open got; it is safe on a partly opened linker, as
// open's own error paths leave it.
func (o *openedLinker) Close() error {
	if o.Linker != nil {
		o.Linker.Close()
	}
	var err error
	if o.encoder != nil {
		err = o.encoder.Close()
	}
	return errors.Join(err, o.kb.Close())
}

// modelID names the cross-encoder in use, "none" in mode never.
func (o *openedLinker) modelID() string { return modelIDOf(o.encoder) }

func modelIDOf(enc *models.CrossEncoder) string {
	if enc == nil {
		return "none"
	}
	return enc.ModelID()
}

func (o *openedLinker) kbVersion() string { return kbVersionOf(o.kb) }

// kbVersionOf names the KB in output records: its content hash, shortened
// ("sha256:0123456789ab"), which changes whenever the KB's data does.
func kbVersionOf(k *kb.KB) string {
	h := k.Info().ContentHash
	if len(h) > len("sha256:")+12 {
		h = h[:len("sha256:")+12]
	}
	if h == "" {
		return "unknown"
	}
	return h
}

// options are the Linker options the flags ask for, the model aside.
func (f *linkerFlags) options() (pipeline.Mode, []pipeline.Option, error) {
	if f.kbDir == "" {
		return "", nil, errors.New("no knowledge base: pass --kb KBDIR (build one with `linkstream kb build`, or run `make demo`, which builds the demo KB)")
	}
	mode, err := pipeline.ParseMode(f.mode)
	if err != nil {
		return "", nil, err
	}
	opts := []pipeline.Option{
		pipeline.CrossEncoderMode(mode),
		pipeline.AmbiguityThreshold(f.ambiguity),
	}
	// Without --weights the library chooses: the embedded fit, or the
	// hand-set weights for a KB built from dumps alone.
	if f.weights != "" {
		fit, err := f.fit()
		if err != nil {
			return "", nil, err
		}
		opts = append(opts, pipeline.WithFit(fit))
	}
	if f.nilThreshold.set {
		opts = append(opts, pipeline.NILThreshold(f.nilThreshold.v))
	}
	if f.cuda >= 0 {
		opts = append(opts, pipeline.DeviceBatching())
	}
	if f.streamDocs != 0 {
		opts = append(opts, pipeline.StreamMemory(f.streamDocs))
	}
	return mode, opts, nil
}

// fit is the scorer --weights names: the embedded fit, a fit file, or
// the embedded fit with some weights replaced (in both its weight sets).
func (f *linkerFlags) fit() (pipeline.Fit, error) {
	fit := pipeline.DefaultFit
	w := strings.TrimSpace(f.weights)
	switch {
	case w == "":
		return fit, nil
	case strings.HasPrefix(w, "{"):
		for _, ws := range []*pipeline.Weights{&fit.Cheap, &fit.Reranked} {
			dec := json.NewDecoder(strings.NewReader(w))
			dec.DisallowUnknownFields()
			if err := dec.Decode(ws); err != nil {
				return fit, fmt.Errorf("--weights: %w (the keys are %s and outlier)", err, strings.Join(pipeline.FeatureNames[:], ", "))
			}
		}
		return fit, nil
	}
	fit, err := pipeline.ReadFit(w)
	if err != nil {
		return fit, fmt.Errorf("--weights: %w (pass a fit file from 'linkstream train' or a JSON object)", err)
	}
	return fit, nil
}

func (f *linkerFlags) open(extra ...pipeline.Option) (*openedLinker, error) {
	mode, opts, err := f.options()
	if err != nil {
		return nil, err
	}
	k, err := kb.Open(f.kbDir)
	if err != nil {
		return nil, err
	}
	o := &openedLinker{kb: k}
	if mode != pipeline.Never {
		if o.encoder, err = f.openEncoder(); err != nil {
			k.Close()
			return nil, err
		}
		opts = append(opts, pipeline.CrossEncoder(o.encoder))
	}
	if o.Linker, err = pipeline.New(k, append(opts, extra...)...); err != nil {
		o.Close()
		return nil, err
	}
	return o, nil
}

func (f *linkerFlags) openEncoder() (*models.CrossEncoder, error) {
	cache := cacheDir()
	var lib string
	var err error
	if f.cuda >= 0 {
		// The CUDA build of ONNX Runtime instead of the CPU one (a process
		// holds one), its CUDA libraries loaded now.
		if lib, err = models.CUDARuntime(cache, f.cuda); err != nil {
			return nil, fmt.Errorf("--cuda %d: %w", f.cuda, err)
		}
	} else if lib, err = models.RuntimeLibrary(cache); err != nil {
		return nil, err
	}
	if err := models.InitRuntime(lib); err != nil {
		return nil, err
	}
	dir := f.modelDir
	if dir == "" {
		paths, err := models.Default(cache)
		if err != nil {
			return nil, err
		}
		dir = paths.ModelDir
	}
	opts := []models.Opt{models.MaxLength(f.maxLength)}
	if f.threads > 0 {
		opts = append(opts, models.IntraOpThreads(f.threads))
	}
	if f.cuda >= 0 {
		opts = append(opts, models.CUDA(f.cuda))
	}
	enc, err := models.NewCrossEncoder(dir, opts...)
	if err != nil {
		return nil, fmt.Errorf("cross-encoder: %w", err)
	}
	return enc, nil
}

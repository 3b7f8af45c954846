package pipeline

import (
	"errors"
	"fmt"
	"time"

	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/models"
)

// Mode says when the cross-encoder runs.
type Mode string

const (
	// Never: the cheap score decides every mention.
	Never Mode = "never"
	// Ambiguous: the cross-encoder decides mentions whose link ambiguity
	// (2nd best / best cheap score) is above the threshold.
	Ambiguous Mode = "ambiguous"
	// Always: the cross-encoder scores every mention with two or more candidates.
	Always Mode = "always"
)

// ParseMode reads a mode name as written on the command line.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case Never, Ambiguous, Always:
		return m, nil
	}
	return "", fmt.Errorf("pipeline: unknown cross-encoder mode %q (want never, ambiguous or always)", s)
}

// Option configures a Linker.
type Option interface{ apply(*cfg) }

type optFunc func(*cfg)

func (f optFunc) apply(c *cfg) { f(c) }

type cfg struct {
	encoder         *models.CrossEncoder
	reranker        Reranker
	mode            Mode
	ambiguity       float64
	nilThreshold    float64
	topK            int
	crossTopK       int
	window          int
	maxTokens       int
	minLinkProb     float64
	minLinkProbBOS  float64
	commonWordPrior float64
	commonZipf      float64
	cacheBytes      int64
	maxBatch        int
	maxWait         time.Duration
	maxPending      int
	buckets         int
	workers         int
	maxDocBytes     int
	downweight      bool
	streamDocs      int
	idf             IDF
	// cheap scores every mention; reranked the mentions the cross-encoder read.
	cheap, reranked Weights
	link            LinkWeights
	// scorerSet and nilSet: an option chose the weights, the threshold.
	scorerSet, nilSet bool
}

// DefaultAmbiguityThreshold was calibrated on the development sets (MSNBC
// and ACE2004; see EVALUATION.md): with the fitted weights, whose
// probabilities are flatter than the hand-set ones', a mention goes to the
// cross-encoder when its runner-up scores at least 0.9 of its best. End to
// end F1 was the same at 0.8, 0.9 and 0.95 while documents/s went 10 → 32
// → 164 on MSNBC.
const DefaultAmbiguityThreshold = 0.9

// DefaultNILThreshold is the embedded fit's, chosen by `linkstream train`
// on the development sets.
var DefaultNILThreshold = DefaultFit.NILThreshold

func defaultCfg() cfg {
	return cfg{
		mode:            Ambiguous,
		ambiguity:       DefaultAmbiguityThreshold,
		nilThreshold:    DefaultNILThreshold,
		topK:            8,
		crossTopK:       3,
		window:          40,
		maxTokens:       8,
		minLinkProb:     0.01,
		minLinkProbBOS:  0.2,
		commonWordPrior: 0.5,
		commonZipf:      4.0,
		cacheBytes:      64 << 20,
		maxBatch:        32,
		maxWait:         5 * time.Millisecond,
		maxPending:      1024,
		buckets:         4,
		workers:         1,
		maxDocBytes:     link.DefaultMaxDocumentBytes,
		cheap:           DefaultFit.Cheap,
		reranked:        DefaultFit.Reranked,
		link:            DefaultFit.Link,
	}
}

func (c *cfg) validate() error {
	var errs []error
	if c.mode != Never && c.encoder == nil && c.reranker == nil {
		errs = append(errs, fmt.Errorf("cross-encoder mode %q needs a model: pass pipeline.CrossEncoder(...) or pipeline.WithReranker(...), or use mode never", c.mode))
	}
	if c.encoder != nil && c.reranker != nil {
		errs = append(errs, errors.New("CrossEncoder and WithReranker both given: pass one reranker"))
	}
	if c.streamDocs < 0 {
		errs = append(errs, fmt.Errorf("stream memory of %d documents: it must be ≥ 0 (0 = off)", c.streamDocs))
	}
	if c.topK < 1 || c.crossTopK < 2 || c.maxTokens < 1 || c.maxBatch < 1 || c.maxPending < c.maxBatch || c.workers < 1 || c.maxDocBytes < 1 {
		errs = append(errs, errors.New("top-k, max tokens, max batch, workers and max document bytes must be ≥ 1, cross-encoder top-k ≥ 2, and the queue at least one batch long"))
	}
	if c.ambiguity < 0 || c.ambiguity > 1 || c.nilThreshold < 0 || c.nilThreshold > 1 {
		errs = append(errs, errors.New("ambiguity and NIL thresholds must lie in [0, 1]"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	return nil
}

// CrossEncoder sets the ONNX model that reranks ambiguous mentions: the
// Linker puts it behind its micro-batcher (see Batching, InferenceWorkers),
// shared by every concurrent Link call. The Linker does not close the
// model. Without it or WithReranker only mode Never is allowed.
func CrossEncoder(e *models.CrossEncoder) Option { return optFunc(func(c *cfg) { c.encoder = e }) }

// WithReranker sets another Reranker in the cross-encoder's place (a
// bi-encoder, a remote service); Batching and InferenceWorkers do not apply
// to it, and the Linker does not close it.
func WithReranker(r Reranker) Option { return optFunc(func(c *cfg) { c.reranker = r }) }

// CrossEncoderMode sets when the cross-encoder runs (default Ambiguous).
func CrossEncoderMode(m Mode) Option { return optFunc(func(c *cfg) { c.mode = m }) }

// AmbiguityThreshold sets the link ambiguity (2nd best / best cheap score)
// above which mode Ambiguous calls the cross-encoder (default
// DefaultAmbiguityThreshold). Lower sends more mentions to the model:
// slower, rarely more accurate.
func AmbiguityThreshold(t float64) Option { return optFunc(func(c *cfg) { c.ambiguity = t }) }

// NILThreshold sets the score under which a mention is reported as NIL
// instead of linked (default DefaultNILThreshold).
func NILThreshold(t float64) Option {
	return optFunc(func(c *cfg) { c.nilThreshold, c.nilSet = t, true })
}

// TopK sets how many candidates by prior a mention keeps (default 8).
func TopK(k int) Option { return optFunc(func(c *cfg) { c.topK = k }) }

// CrossEncoderTopK sets how many of a mention's candidates, best cheap
// score first, the cross-encoder reranks (default 3). The model's cost
// grows with it; candidates below the cheap score's top few are rarely right.
func CrossEncoderTopK(k int) Option { return optFunc(func(c *cfg) { c.crossTopK = k }) }

// ContextWindow sets how many words either side of a mention form its
// context (default 40).
func ContextWindow(words int) Option { return optFunc(func(c *cfg) { c.window = words }) }

// MinLinkProbability sets the link probability a surface needs to be spotted
// mid-sentence (default 0.01) and as a single word opening a sentence, where
// its capital says nothing (default 0.2). This is what keeps "Same" from
// linking to a town in East Timor.
func MinLinkProbability(midSentence, sentenceStart float64) Option {
	return optFunc(func(c *cfg) { c.minLinkProb, c.minLinkProbBOS = midSentence, sentenceStart })
}

// CommonWordPrior sets the prior the best candidate of a one-word surface
// that is also a common word (kb.SurfaceInfo.LowerSense: "Page", "March")
// needs for the word to be spotted inside a sentence (default 0.5); such a
// word opening a sentence is never spotted alone.
func CommonWordPrior(p float64) Option { return optFunc(func(c *cfg) { c.commonWordPrior = p }) }

// CommonWordZipf sets how common a word must be in running text (its Zipf
// value in the KB's word frequencies, kb.SurfaceInfo.Zipf) for a one-word
// mention opening a sentence to need a capitalised use of the word inside
// a sentence of the same document (default 4: "instead" 5.2, "obama" 4.9,
// "berlin" 4.4, "tesla" 3.8).
func CommonWordZipf(z float64) Option { return optFunc(func(c *cfg) { c.commonZipf = z }) }

// CacheBytes bounds the candidate cache (default 64 MiB).
func CacheBytes(n int64) Option { return optFunc(func(c *cfg) { c.cacheBytes = n }) }

// Batching sets the micro-batcher: at most maxBatch pairs a batch (default
// 32), a pair waits at most maxWait for batch-mates (default 5ms), at most
// queue pairs wait in all before callers block (default 1024).
func Batching(maxBatch int, maxWait time.Duration, queue int) Option {
	return optFunc(func(c *cfg) { c.maxBatch, c.maxWait, c.maxPending = maxBatch, maxWait, queue })
}

// DeviceBatching sets the micro-batcher for a cross-encoder on a GPU
// (models.CUDA; linkstream --cuda selects it): at most 256 pairs a batch,
// a wait of at most 10ms for batch-mates, 8192 pairs queued, and eight
// length buckets instead of four. A GPU's cost per call is largely fixed
// (kernel launches, copies) until its cores are busy, so it wants batches
// of hundreds; padding then costs in proportion, and with hundreds of pairs
// per call eight buckets (at most an eighth of the maximum length padded
// per pair) still fill. These are the library's choice for a device, not
// yet measured on one; Batching after it overrides the first three.
func DeviceBatching() Option {
	return optFunc(func(c *cfg) {
		c.maxBatch, c.maxWait, c.maxPending, c.buckets = 256, 10*time.Millisecond, 8192, 8
	})
}

// InferenceWorkers sets how many batches run at once (default 1: on a small
// CPU one batch with all intra-op threads beats two that share them).
func InferenceWorkers(n int) Option { return optFunc(func(c *cfg) { c.workers = n }) }

// MaxDocumentBytes bounds the text Link accepts (default
// link.DefaultMaxDocumentBytes); a longer one fails with ErrTooLarge.
func MaxDocumentBytes(n int) Option { return optFunc(func(c *cfg) { c.maxDocBytes = n }) }

// DownweightOutliers lowers the score of entities linked far more often than
// their prominence predicts (the corpus statistics). Off by default.
func DownweightOutliers(on bool) Option { return optFunc(func(c *cfg) { c.downweight = on }) }

// StreamMemory makes the confident entities of the last docs documents
// linked part of every document's coherence (see stream.go); 0, the
// default, keeps coherence inside each document.
func StreamMemory(docs int) Option { return optFunc(func(c *cfg) { c.streamDocs = docs }) }

// WithIDF sets the term weights of the context similarity (default: KBIDF
// over the KB's descriptions).
func WithIDF(idf IDF) Option { return optFunc(func(c *cfg) { c.idf = idf }) }

// WithWeights sets the feature weights of the score (see Weights), the same
// for mentions the cross-encoder read and the rest (whose cross-encoder
// features are zero).
func WithWeights(w Weights) Option {
	return optFunc(func(c *cfg) { c.cheap, c.reranked, c.scorerSet = w, w, true })
}

// WithLinkWeights sets the link-or-NIL decision's weights (see
// LinkWeights); zero weights make a link's confidence its probability
// among the candidates.
func WithLinkWeights(w LinkWeights) Option {
	return optFunc(func(c *cfg) { c.link, c.scorerSet = w, true })
}

// WithFit sets the cheap and reranked weights and the NIL threshold of a
// fit (see ReadFit); a later NILThreshold still overrides its threshold.
func WithFit(f Fit) Option {
	return optFunc(func(c *cfg) {
		c.cheap, c.reranked, c.link, c.nilThreshold = f.Cheap, f.Reranked, f.Link, f.NILThreshold
		c.scorerSet = true
	})
}

package pipeline

import (
	"context"

	"github.com/linkstream/linkstream/models"
)

// Pair is what a Reranker scores: a mention in its sentence-sized context,
// the mention marked with brackets ("... met [Merkel] in ..."), and one
// candidate entity as "Title: description".
type Pair struct {
	Query   string
	Passage string
}

// Reranker scores the candidates of the mentions the cheap score cannot
// settle: the Linker sends it, for each such mention, its few best
// candidates as Pairs, and weighs the scores with the cheap features (the
// cross_encoder weight of Weights). Scores are logits: only their order and
// differences among one mention's candidates matter, higher is better.
//
// Rerank returns one score per pair, in order, or an error that fails the
// Link call (wrapped); it must honour ctx, which carries the Link call's
// deadline and trace. Implementations must be safe for concurrent use:
// every concurrent Link call of a Linker shares its Reranker, which is what
// lets an implementation batch across documents.
//
// The Linker's own implementation is the ONNX cross-encoder behind the
// shared micro-batcher (option CrossEncoder); option WithReranker plugs in
// any other (a bi-encoder, a remote GPU service).
type Reranker interface {
	Rerank(ctx context.Context, pairs []Pair) ([]float32, error)
}

// batchedCrossEncoder is the Reranker that option CrossEncoder builds: the
// pairs of every concurrent call go through one micro-batcher to ONNX
// Runtime, bucketed by token length.
type batchedCrossEncoder struct {
	enc   *models.CrossEncoder
	batch *batcher
}

func newBatchedCrossEncoder(enc *models.CrossEncoder, c *cfg) *batchedCrossEncoder {
	run := func(_ context.Context, batch []models.Encoded) ([]float32, error) { return enc.Run(batch) }
	return &batchedCrossEncoder{
		enc:   enc,
		batch: newBatcher(run, c.maxBatch, c.maxWait, c.maxPending, c.workers, lengthBuckets(enc.MaxLength(), c.buckets)),
	}
}

// lengthBuckets splits token lengths up to maxLen into n buckets (4 on a
// CPU, 8 with DeviceBatching), so a batch pads at most maxLen/n per pair.
func lengthBuckets(maxLen, n int) []int {
	step := max(maxLen/n, 1)
	bounds := make([]int, 0, n)
	for b := step; b < maxLen && len(bounds) < n-1; b += step {
		bounds = append(bounds, b)
	}
	return append(bounds, maxLen)
}

func (b *batchedCrossEncoder) Rerank(ctx context.Context, pairs []Pair) ([]float32, error) {
	encs := make([]models.Encoded, len(pairs))
	for i, p := range pairs {
		encs[i] = b.enc.Encode(p.Query, p.Passage)
	}
	return b.batch.Score(ctx, encs)
}

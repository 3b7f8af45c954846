package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"

	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/models"
)

// Errors Link returns for input it cannot link. Both come wrapped in a
// permanent *link.Error (the same document fails the same way again), so
// link.IsPermanent holds for them; test for each with errors.Is.
var (
	// ErrInvalidText: the text is not valid UTF-8, so code-point offsets
	// would mean nothing.
	ErrInvalidText = errors.New("pipeline: text is not valid UTF-8")
	// ErrTooLarge: the text is longer than the MaxDocumentBytes option.
	ErrTooLarge = errors.New("pipeline: document too large")
)

// Linker links documents. It is safe for concurrent use; concurrent calls
// share the candidate cache and the cross-encoder's micro-batcher.
type Linker struct {
	kb      *kb.KB
	cfg     cfg
	cands   *candidateCache
	walks   *walkMemo
	rerank  Reranker             // nil in mode Never
	ce      *batchedCrossEncoder // the Linker's own Reranker, nil with WithReranker
	corpus  *corpusStats
	stream  *streamMemory // nil unless StreamMemory
	scratch sync.Pool
	// closeOnce makes Close idempotent: the cache's Close panics when
	// called twice, and deferred clean-ups often overlap.
	closeOnce sync.Once

	docs, mentions, links, nils, crossEncoded atomic.Int64
}

// New builds a Linker over an open knowledge base.
func New(k *kb.KB, opts ...Option) (*Linker, error) {
	if k == nil {
		return nil, errors.New("pipeline: no knowledge base: open one with kb.Open")
	}
	c := defaultCfg()
	for _, o := range opts {
		o.apply(&c)
	}
	if !c.scorerSet && k.Info().Build.Aliases == nil {
		// The embedded fit belongs to KBs built from an alias dictionary
		// (make kb): their priors and prominence. A KB from dumps alone
		// scores with the hand-set weights unless told otherwise.
		c.cheap, c.reranked, c.link = HandSetFit.Cheap, HandSetFit.Reranked, HandSetFit.Link
		if !c.nilSet {
			c.nilThreshold = HandSetFit.NILThreshold
		}
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	if c.idf == nil {
		c.idf = KBIDF(k, idfSample)
	}
	cands, err := newCandidateCache(k, c.cacheBytes, c.topK, c.idf)
	if err != nil {
		return nil, err
	}
	l := &Linker{kb: k, cfg: c, cands: cands, walks: newWalkMemo(k), corpus: newCorpusStats(corpusCapacity, corpusWindow)}
	l.scratch.New = func() any { return new(docScratch) }
	if c.streamDocs > 0 {
		l.stream = newStreamMemory(c.streamDocs)
	}
	switch {
	case c.mode == Never:
	case c.reranker != nil:
		l.rerank = c.reranker
	default:
		l.ce = newBatchedCrossEncoder(c.encoder, &c)
		l.rerank = l.ce
	}
	return l, nil
}

// Close stops the micro-batcher after the queued pairs ran. The KB, the
// model and a WithReranker Reranker stay open: they belong to the caller.
// Calls after the first do nothing.
func (l *Linker) Close() {
	l.closeOnce.Do(func() {
		if l.ce != nil {
			l.ce.batch.Close()
		}
		l.cands.cache.Close()
	})
}

// docScratch holds a document's working buffers between calls.
type docScratch struct {
	toks     []token
	norm     normTokens
	mentions []mention
}

// Link finds and links the entity mentions of one document.
func (l *Linker) Link(ctx context.Context, doc link.Document) (link.Result, error) {
	res, _, err := l.link(ctx, doc, nil, l.defaultCall(false))
	return res, err
}

// Explain is Link that also returns, for every mention, each candidate's
// features and score: what the evaluation writes next to each error.
func (l *Linker) Explain(ctx context.Context, doc link.Document) (link.Result, []Explanation, error) {
	return l.link(ctx, doc, nil, l.defaultCall(true))
}

// Span is a gold mention, in code points, end exclusive.
type Span struct{ Start, End int }

// LinkSpans disambiguates given spans instead of spotting its own: the best
// candidate of each span, NIL only when the KB has none. It measures the
// disambiguation alone, as the evaluation's "accuracy on gold spans".
func (l *Linker) LinkSpans(ctx context.Context, doc link.Document, spans []Span) ([]Explanation, error) {
	_, ex, err := l.link(ctx, doc, spans, l.defaultCall(true))
	return ex, err
}

func (l *Linker) link(ctx context.Context, doc link.Document, spans []Span, c call) (link.Result, []Explanation, error) {
	res := link.Result{ID: doc.ID, Links: []link.Link{}, NIL: []link.NilMention{}}
	if len(doc.Text) > l.cfg.maxDocBytes {
		return res, nil, link.Permanent(fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(doc.Text), l.cfg.maxDocBytes))
	}
	if !utf8.ValidString(doc.Text) {
		return res, nil, link.Permanent(ErrInvalidText)
	}
	ctx, span := tracer.Start(ctx, "pipeline.link")
	defer span.End()
	span.SetAttributes(attribute.String("document.id", doc.ID), attribute.Int("document.bytes", len(doc.Text)))

	s := l.scratch.Get().(*docScratch)
	defer l.scratch.Put(s)
	text := doc.Text
	s.toks = tokenize(text, s.toks)
	s.norm.reset(text, s.toks)
	story := storySportOf(&s.norm, len(s.toks))
	var quoted speakers // the document's speakers, read once on first need
	if spans != nil {
		s.mentions = l.goldMentions(text, s.toks, spans, s.mentions[:0])
	} else {
		s.mentions = l.spot(text, s.toks, &s.norm, story.sports, s.mentions[:0])
		s.mentions = l.unknownPersons(text, s.toks, &s.norm, &quoted, s.mentions)
	}
	s.mentions = l.stateMentions(text, s.toks, &s.norm, s.mentions, spans == nil)
	datelineCities(text, s.toks, s.mentions)
	placesIn(text, s.toks, s.mentions)
	officeStates(text, s.toks, s.mentions)
	nationalities(text, s.toks, s.mentions)
	ownedByCompany(text, s.toks, s.mentions)
	personsByName(text, s.mentions)
	l.addEarlierNames(s.mentions)
	scores := l.score(text, s.toks, s.mentions)
	// On given spans expansion only ties short forms to earlier full
	// forms among them; it adds mentions only when spotting.
	s.mentions, scores = l.expand(text, s.toks, &s.norm, &quoted, s.mentions, scores, spans == nil)
	l.teamsOfPlaces(text, s.toks, &s.norm, story, s.mentions, scores)
	l.qualify(text, s.toks, &s.norm, s.mentions, scores)
	l.cohere(text, s.toks, s.mentions, scores)
	if err := l.crossEncode(ctx, text, s.toks, s.mentions, scores, spans != nil, c); err != nil {
		return res, nil, err
	}
	l.confide(s.mentions, scores)
	l.decide(text, s.mentions, scores, spans != nil, c.nilThreshold, &res)
	l.docs.Add(1)
	l.mentions.Add(int64(len(s.mentions)))
	l.links.Add(int64(len(res.Links)))
	l.nils.Add(int64(len(res.NIL)))
	span.SetAttributes(attribute.Int("links", len(res.Links)), attribute.Int("nil", len(res.NIL)))
	var ex []Explanation
	if c.explain {
		ex = l.explanations(text, s.mentions, scores, spans != nil, c.nilThreshold)
	}
	return res, ex, nil
}

// mentionScores holds one mention's candidates' features and probabilities.
type mentionScores struct {
	feats        []features
	p            []float64
	best, second int
	crossEncoded bool
	// decision and confidence are the link-or-NIL features of the winner
	// and their verdict (see nil.go).
	decision   LinkVector
	confidence float64
}

func (ms *mentionScores) rescore(w Weights) {
	for i, f := range ms.feats {
		ms.p[i] = w.score(f)
	}
	ms.best, ms.second = softmax(ms.p)
}

// score computes the cheap features of every candidate of every mention.
func (l *Linker) score(text string, toks []token, mentions []mention) []mentionScores {
	scores := make([]mentionScores, len(mentions))
	l.scoreSome(text, toks, mentions, scores, nil)
	return scores
}

// scoreSome computes the cheap features of the mentions idx (in text
// order; every mention when nil) into scores.
func (l *Linker) scoreSome(text string, toks []token, mentions []mention, scores []mentionScores, idx []int) {
	window := newContextWindow(text, toks, l.cfg.idf)
	one := func(i int) {
		m := &mentions[i]
		window.slide(m.tokFrom-l.cfg.window, m.tokTo+l.cfg.window)
		window.excluding(m.tokFrom, m.tokTo, func() { scores[i] = l.features(text, m, window) })
	}
	if idx == nil {
		for i := range mentions {
			one(i)
		}
		return
	}
	for _, i := range idx {
		one(i)
	}
}

// features computes the cheap features of a mention's candidates.
func (l *Linker) features(text string, m *mention, window *contextWindow) mentionScores {
	cands := m.entry.cands
	acronym := acronymLetters(text[m.start:m.end])
	credit := creditLine(text, m.start, m.end)
	ms := mentionScores{feats: make([]features, len(cands)), p: make([]float64, len(cands)), best: -1, second: -1}
	for j := range cands {
		c := &cands[j]
		f := &ms.feats[j]
		f.described = c.desc != ""
		f.x[FeaturePrior] = math.Log(c.prior + 0.001)
		f.x[FeatureProminence] = math.Log1p(float64(c.inlinks))
		f.x[FeatureStringMatch] = stringMatch(m.norm, c)
		f.x[FeatureContext] = float64(window.cosine(c.vec))
		if len(c.anchorVec.terms) > 0 {
			f.x[FeatureAnchorContext] = float64(window.cosine(c.anchorVec))
		}
		if f.described {
			f.x[FeatureDescribed] = 1
		}
		if c.earlier {
			f.x[FeatureEarlierName] = 1
		}
		if c.qualified {
			f.x[FeatureQualified] = 1
		}
		if credit && newsLike(c) {
			f.x[FeatureCredit] = 1
		}
		if acronym != "" && isInitialsOf(acronym, nameOf(c.title)) {
			f.x[FeatureAcronym] = 1
		}
		if l.cfg.downweight {
			f.outlier = l.corpus.penalty(c.entity)
		}
	}
	if len(cands) > 0 {
		ms.rescore(l.cfg.cheap)
	}
	return ms
}

// crossEncode sends the ambiguous mentions' (context, description) pairs
// to the Reranker, in one call per document.
func (l *Linker) crossEncode(ctx context.Context, text string, toks []token, mentions []mention, scores []mentionScores, gold bool, c call) error {
	if l.rerank == nil || c.mode == Never {
		return nil
	}
	type ref struct{ mention, cand int }
	var refs []ref
	var pairs []Pair
	for i := range mentions {
		ms := &scores[i]
		if len(ms.feats) < 2 || mentions[i].follows >= 0 || mentions[i].dateline {
			continue
		}
		top := l.cfg.crossTopK
		if c.mode == Ambiguous && !gold && ambiguity(ms.p, ms.best, ms.second) < c.ambiguity {
			if !l.nearNIL(&mentions[i], ms, c.nilThreshold) {
				continue
			}
			top = nearNILTopK
		}
		query := crossEncoderQuery(text, toks, &mentions[i])
		for _, j := range topByProbability(ms.p, top) {
			c := &mentions[i].entry.cands[j]
			pairs = append(pairs, Pair{Query: query, Passage: passage(c)})
			refs = append(refs, ref{i, j})
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	logits, err := l.rerank.Rerank(ctx, pairs)
	if err != nil {
		return fmt.Errorf("pipeline: rerank: %w", err)
	}
	if len(logits) != len(pairs) {
		return fmt.Errorf("pipeline: rerank: %d scores for %d pairs", len(logits), len(pairs))
	}
	for k, r := range refs {
		scores[r.mention].feats[r.cand].setCrossEncoder(float64(logits[k]))
		scores[r.mention].crossEncoded = true
	}
	for i := range scores {
		if scores[i].crossEncoded {
			floorCrossEncoder(scores[i].feats)
			scores[i].rescore(l.cfg.reranked)
			l.crossEncoded.Add(1)
		}
	}
	return nil
}

// nilBand is how close to the NIL threshold a link's confidence must lie
// for mode ambiguous to ask the cross-encoder about a clear winner: the
// model's reading decides whether such a mention is linked at all
// ("near Memphis", whose first sense wins alone but with little
// confidence).
const nilBand = 0.05

// nearNILTopK is how many candidates of a clear winner near the NIL
// threshold the cross-encoder reads: the winner and its runner-up.
const nearNILTopK = 2

// nearNIL: the mention's cheap winner is linked or left NIL by a margin
// under nilBand.
func (l *Linker) nearNIL(m *mention, ms *mentionScores, threshold float64) bool {
	if ms.best < 0 {
		return false
	}
	conf := l.cfg.link.Confidence(linkVector(m, &ms.feats[ms.best], ms.p[ms.best]))
	return math.Abs(conf-threshold) < nilBand
}

// passage is what the reranker reads of a candidate: its description, or,
// for an entity the KB knows only by name, what the KB knows of it (its
// title, qualifier included, its type and the words of the strings that
// link to it), so that the model does not read a bare title as a perfect
// short answer.
func passage(c *candidate) string {
	if c.desc != "" {
		return c.title + ": " + c.desc
	}
	p := c.title + ": " + c.title
	if kind, ok := typePhrases[c.typ]; ok {
		p += " is " + kind
	}
	if c.anchorWords != "" {
		p += ", named in links with the words " + c.anchorWords
	}
	return p + "."
}

var typePhrases = map[string]string{"PER": "a person", "ORG": "an organisation", "LOC": "a place"}

// topByProbability lists the indices of the k most probable candidates.
func topByProbability(p []float64, k int) []int {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return p[idx[a]] > p[idx[b]] })
	return idx[:min(k, len(idx))]
}

// floorCrossEncoder gives the candidates the model did not score its lowest
// logit: being left out must not help them.
func floorCrossEncoder(feats []features) {
	lowest := math.Inf(1)
	for _, f := range feats {
		if f.hasCrossEncoder {
			lowest = math.Min(lowest, f.crossEncoder())
		}
	}
	for j := range feats {
		if !feats[j].hasCrossEncoder {
			feats[j].setCrossEncoder(lowest)
		}
	}
}

// crossEncoderQuery is the mention in its sentence-sized context: the
// tutorial's ±10 tokens, with the mention marked so the model knows which
// name is meant.
func crossEncoderQuery(text string, toks []token, m *mention) string {
	const side = 12
	before := windowText(text, toks, m.tokFrom-side, m.tokFrom)
	after := windowText(text, toks, m.tokTo, m.tokTo+side)
	return before + " [" + text[m.start:m.end] + "] " + after
}

// decide turns scores into links and NILs, in text order.
func (l *Linker) decide(text string, mentions []mention, scores []mentionScores, gold bool, nilThreshold float64, res *link.Result) {
	offs := runeOffsets{text: text}
	for _, i := range textOrder(mentions) {
		m, ms := &mentions[i], &scores[i]
		start, end := offs.at(m.start), offs.at(m.end)
		surface := text[m.start:m.end]
		entry, decider := m.entry, m
		if m.follows >= 0 {
			// A short form takes its full form's final decision.
			ms, entry, decider = &scores[m.follows], mentions[m.follows].entry, &mentions[m.follows]
		}
		l.observeLink(decider, entry, ms, gold, nilThreshold)
		if ms.best < 0 || (!gold && ms.confidence < nilThreshold) {
			res.NIL = append(res.NIL, link.NilMention{Start: start, End: end, Mention: surface, Type: nilType(entry, ms)})
			continue
		}
		c := &entry.cands[ms.best]
		res.Links = append(res.Links, link.Link{
			Start: start, End: end, Mention: surface,
			Title: c.title, URL: WikipediaURL(c.title), QID: c.qid, Type: c.typ,
			Score:     round3(ms.confidence),
			Ambiguity: round3(ambiguity(ms.p, ms.best, ms.second)),
			Method:    methodOf(m, ms),
		})
	}
}

func methodOf(m *mention, ms *mentionScores) link.Method {
	switch {
	case ms.crossEncoded:
		return link.MethodCrossEncoder
	case m.follows >= 0:
		return link.MethodContext
	case len(ms.feats) == 1:
		return link.MethodPrior
	}
	// The prior alone decided when the candidate with the best prior won.
	top := 0
	for j, f := range ms.feats {
		if f.x[FeaturePrior] > ms.feats[top].x[FeaturePrior] {
			top = j
		}
	}
	if top == ms.best {
		return link.MethodPrior
	}
	return link.MethodContext
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// ErrNoCrossEncoder is returned by CrossEncode on a Linker without its own
// cross-encoder: in mode Never, or built with WithReranker.
var ErrNoCrossEncoder = errors.New("pipeline: the Linker has no cross-encoder of its own (mode never, or WithReranker)")

// CrossEncode scores already encoded pairs through the Linker's shared
// micro-batcher, batched with the pairs of every concurrent Link call: what
// the benchmarks use to measure the batcher without tokenising.
func (l *Linker) CrossEncode(ctx context.Context, encs []models.Encoded) ([]float32, error) {
	if l.ce == nil {
		return nil, ErrNoCrossEncoder
	}
	return l.ce.batch.Score(ctx, encs)
}

// Stats is a snapshot of the Linker's counters.
type Stats struct {
	Documents    int64      `json:"documents"`
	Mentions     int64      `json:"mentions"`
	Links        int64      `json:"links"`
	NIL          int64      `json:"nil"`
	CrossEncoded int64      `json:"cross_encoded"`
	Cache        CacheStats `json:"cache"`
	Batches      BatchStats `json:"batches"`
}

// Stats reports what the Linker has done since it started.
func (l *Linker) Stats() Stats {
	st := Stats{
		Documents: l.docs.Load(), Mentions: l.mentions.Load(), Links: l.links.Load(),
		NIL: l.nils.Load(), CrossEncoded: l.crossEncoded.Load(), Cache: l.cands.stats(),
	}
	if l.ce != nil {
		st.Batches = l.ce.batch.stats.snapshot()
	}
	return st
}

// Outliers returns the n entities linked most often beyond what their
// prominence predicts (the corpus statistics).
func (l *Linker) Outliers(n int) []Outlier { return l.corpus.top(n) }

// weightsOf is the weights a mention's scores were computed with.
func (l *Linker) weightsOf(ms *mentionScores) Weights {
	if ms.crossEncoded {
		return l.cfg.reranked
	}
	return l.cfg.cheap
}

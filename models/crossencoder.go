package models

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	ort "github.com/yalue/onnxruntime_go"
)

const (
	modelFile     = "model.onnx"
	tokenizerFile = "tokenizer.json"
)

var (
	// ErrBadModel is wrapped when model.onnx lacks the input_ids or
	// attention_mask input, has an input we do not know how to fill, or
	// does not have exactly one [batch, 1] float output.
	ErrBadModel = errors.New("models: not a cross-encoder graph")
	// ErrNoCUDA is wrapped when CUDA(...) was asked for and the loaded ONNX
	// Runtime library has no CUDA execution provider (the library make deps
	// fetches is CPU-only; make deps-gpu fetches the CUDA build), and by
	// CUDARuntime when the NVIDIA driver or the device is missing.
	ErrNoCUDA = errors.New("models: CUDA execution provider unavailable")
	// ErrClosed is returned by Run after Close.
	ErrClosed = errors.New("models: cross-encoder closed")
)

// Opt configures NewCrossEncoder.
type Opt interface{ apply(*cfg) }

type cfg struct {
	maxLength  int
	intraOp    int
	cuda       bool
	cudaDevice int
	id         string
}

type optFunc func(*cfg)

func (f optFunc) apply(c *cfg) { f(c) }

// DefaultMaxLength is the default token cap of a pair: the length the
// MS MARCO cross-encoders were trained at.
const DefaultMaxLength = 128

// MaxLength caps a pair's tokens, special tokens included (default
// DefaultMaxLength).
// Longer pairs are truncated longest side first. Attention cost grows with
// the square of it: 128 covers a sentence of context plus an entity's first
// sentence; raise it for long descriptions at a price in pairs/s.
func MaxLength(n int) Opt { return optFunc(func(c *cfg) { c.maxLength = n }) }

// IntraOpThreads sets ONNX Runtime's threads per Run call (default 0: one
// per physical core). Lower it when several encoders or other CPU-heavy work
// share the machine.
func IntraOpThreads(n int) Opt { return optFunc(func(c *cfg) { c.intraOp = n }) }

// CUDA runs the model on GPU deviceID. NewCrossEncoder fails with ErrNoCUDA
// when the ONNX Runtime library lacks the CUDA provider, rather than
// silently falling back to CPU: InitRuntime must have loaded the library
// CUDARuntime returns.
func CUDA(deviceID int) Opt {
	return optFunc(func(c *cfg) { c.cuda, c.cudaDevice = true, deviceID })
}

// ID overrides the model id reported by ModelID (default: the manifest id
// when dir is a manifest model's directory, else the directory's name).
func ID(id string) Opt { return optFunc(func(c *cfg) { c.id = id }) }

// CrossEncoder scores (query, passage) pairs with one ONNX Runtime session.
// Encode, Run and Score are safe for concurrent use (ONNX Runtime sessions
// allow concurrent Run calls; each call owns its tensors), though concurrent
// Runs share the intra-op threads: one batching goroutine is faster.
type CrossEncoder struct {
	cfg     cfg
	dir     string
	tok     *pairTokenizer
	inputs  []string // in the order Run fills them
	outName string

	mu     sync.RWMutex // Run holds it shared, Close exclusively
	sess   *ort.DynamicAdvancedSession
	closed bool
}

// NewCrossEncoder loads dir/model.onnx and dir/tokenizer.json. InitRuntime
// must have succeeded first. Missing or unloadable files give a *FileError
// naming the file (and "run: make deps"); a graph with the wrong inputs or
// outputs gives ErrBadModel.
func NewCrossEncoder(dir string, opts ...Opt) (*CrossEncoder, error) {
	c := cfg{maxLength: DefaultMaxLength}
	for _, o := range opts {
		o.apply(&c)
	}
	if c.maxLength < 4 {
		return nil, fmt.Errorf("models: MaxLength %d too small", c.maxLength)
	}
	if c.intraOp < 0 {
		return nil, fmt.Errorf("models: IntraOpThreads %d < 0", c.intraOp)
	}
	if !runtimeReady() {
		return nil, ErrNoRuntime
	}
	modelPath := filepath.Join(dir, modelFile)
	tokPath := filepath.Join(dir, tokenizerFile)
	for _, f := range []string{modelPath, tokPath} {
		if _, err := os.Stat(f); err != nil {
			return nil, missing(f)
		}
	}
	tokData, err := os.ReadFile(tokPath)
	if err != nil {
		return nil, corrupt(tokPath, err)
	}
	tok, err := newPairTokenizer(tokData, c.maxLength)
	if err != nil {
		return nil, corrupt(tokPath, err)
	}
	e := &CrossEncoder{cfg: c, dir: dir, tok: tok}
	if e.cfg.id == "" {
		e.cfg.id = idForDir(dir)
	}
	if err := e.open(modelPath); err != nil {
		tok.tok.Close()
		return nil, err
	}
	return e, nil
}

func (e *CrossEncoder) open(modelPath string) error {
	ins, outs, err := ort.GetInputOutputInfo(modelPath)
	if err != nil {
		return corrupt(modelPath, err)
	}
	have := map[string]bool{}
	for _, in := range ins {
		switch in.Name {
		case "input_ids", "attention_mask", "token_type_ids":
		default:
			return fmt.Errorf("%w: %s: unexpected input %q", ErrBadModel, modelPath, in.Name)
		}
		if in.DataType != ort.TensorElementDataTypeInt64 {
			return fmt.Errorf("%w: %s: input %s is %v, want int64", ErrBadModel, modelPath, in.Name, in.DataType)
		}
		have[in.Name] = true
		e.inputs = append(e.inputs, in.Name)
	}
	if !have["input_ids"] || !have["attention_mask"] {
		return fmt.Errorf("%w: %s: needs input_ids and attention_mask, has %v", ErrBadModel, modelPath, e.inputs)
	}
	if len(outs) != 1 || outs[0].DataType != ort.TensorElementDataTypeFloat ||
		len(outs[0].Dimensions) != 2 || outs[0].Dimensions[1] != 1 {
		return fmt.Errorf("%w: %s: want one float output of shape [batch, 1], have %v", ErrBadModel, modelPath, outs)
	}
	e.outName = outs[0].Name

	so, err := ort.NewSessionOptions()
	if err != nil {
		return fmt.Errorf("models: session options: %w", err)
	}
	defer so.Destroy()
	if e.cfg.intraOp > 0 {
		if err := so.SetIntraOpNumThreads(e.cfg.intraOp); err != nil {
			return fmt.Errorf("models: intra-op threads: %w", err)
		}
	}
	if err := so.SetInterOpNumThreads(1); err != nil {
		return fmt.Errorf("models: inter-op threads: %w", err)
	}
	if e.cfg.cuda {
		if err := e.appendCUDA(so); err != nil {
			// ONNX Runtime's own message names a library it could not
			// load; say which runtime would have it.
			return fmt.Errorf("%w: device %d: %w (a CUDA session needs the CUDA build of ONNX Runtime that CUDARuntime readies: run %s)",
				ErrNoCUDA, e.cfg.cudaDevice, err, GPUFixTarget)
		}
	}
	sess, err := ort.NewDynamicAdvancedSession(modelPath, e.inputs, []string{e.outName}, so)
	if err != nil {
		return corrupt(modelPath, err)
	}
	e.sess = sess
	return nil
}

func (e *CrossEncoder) appendCUDA(so *ort.SessionOptions) error {
	co, err := ort.NewCUDAProviderOptions()
	if err != nil {
		return err
	}
	defer co.Destroy()
	if err := co.Update(map[string]string{"device_id": strconv.Itoa(e.cfg.cudaDevice)}); err != nil {
		return err
	}
	return so.AppendExecutionProviderCUDA(co)
}

// idForDir names a model by its manifest entry when dir is one (it ends
// with the entry's directory under the cache, wherever the cache is), else
// by the directory's base name.
func idForDir(dir string) string {
	abs, _ := filepath.Abs(dir)
	if m, err := manifest(); err == nil {
		for _, mi := range m.Models {
			if rel := string(filepath.Separator) + filepath.FromSlash(mi.Dir); strings.HasSuffix(abs, rel) {
				return mi.ID
			}
		}
	}
	return filepath.Base(abs)
}

// ModelID names the loaded model (see ID).
func (e *CrossEncoder) ModelID() string { return e.cfg.id }

// MaxLength is the token cap per pair, special tokens included.
func (e *CrossEncoder) MaxLength() int { return e.cfg.maxLength }

// Encode tokenizes a pair as [CLS] query [SEP] passage [SEP] (or the
// model's own pair template), truncated longest side first to MaxLength,
// with token type ids 0 for the query part and 1 for the passage part.
// It matches HuggingFace tokenizers 0.22 (see testdata/pairs_golden.json).
// After Close it returns an empty Encoded, which Run rejects.
func (e *CrossEncoder) Encode(query, passage string) Encoded {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return Encoded{}
	}
	return e.tok.encode(query, passage)
}

// Run scores a batch in one ONNX Runtime call, padding every pair to the
// longest in the batch, and returns one raw logit per pair, in order (apply
// Sigmoid for a probability). With the default model a pair's logit does not
// depend on its batch-mates.
func (e *CrossEncoder) Run(batch []Encoded) ([]float32, error) {
	if len(batch) == 0 {
		return nil, nil
	}
	width := 0
	for i, enc := range batch {
		if enc.Len() == 0 || len(enc.TypeIDs) != enc.Len() {
			return nil, fmt.Errorf("models: Run: pair %d is not an Encoded from Encode", i)
		}
		width = max(width, enc.Len())
	}
	n := len(batch)
	ids := make([]int64, n*width)
	mask := make([]int64, n*width)
	types := make([]int64, n*width)
	for i, enc := range batch {
		row := i * width
		copy(ids[row:], enc.IDs)
		copy(types[row:], enc.TypeIDs)
		for j := enc.Len(); j < width; j++ {
			ids[row+j] = e.tok.padID
		}
		for j := range enc.Len() {
			mask[row+j] = 1
		}
	}
	shape := ort.NewShape(int64(n), int64(width))
	data := map[string][]int64{"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
	inputs := make([]ort.Value, len(e.inputs))
	defer func() {
		for _, v := range inputs {
			if v != nil {
				v.Destroy()
			}
		}
	}()
	for k, name := range e.inputs {
		t, err := ort.NewTensor(shape, data[name])
		if err != nil {
			return nil, fmt.Errorf("models: tensor %s: %w", name, err)
		}
		inputs[k] = t
	}
	out, err := ort.NewEmptyTensor[float32](ort.NewShape(int64(n), 1))
	if err != nil {
		return nil, fmt.Errorf("models: output tensor: %w", err)
	}
	defer out.Destroy()

	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return nil, ErrClosed
	}
	if err := e.sess.Run(inputs, []ort.Value{out}); err != nil {
		return nil, fmt.Errorf("models: run %s on %d pairs of %d tokens: %w", e.cfg.id, n, width, err)
	}
	return append([]float32(nil), out.GetData()...), nil
}

// Score encodes and runs pairs as one batch.
func (e *CrossEncoder) Score(pairs []Pair) ([]float32, error) {
	encs := make([]Encoded, len(pairs))
	for i, p := range pairs {
		encs[i] = e.Encode(p.Query, p.Passage)
	}
	return e.Run(encs)
}

// Close releases the session and tokenizer; Run after Close returns
// ErrClosed. Safe to call more than once.
func (e *CrossEncoder) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	err := e.sess.Destroy()
	e.tok.tok.Close()
	return err
}

// Sigmoid maps a logit to a probability in (0, 1).
func Sigmoid(logit float32) float32 {
	return float32(1 / (1 + math.Exp(-float64(logit))))
}

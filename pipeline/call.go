package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/linkstream/linkstream/link"
)

// CallOption changes one LinkWith call without touching the Linker's
// configuration: what an HTTP request asks for (mode, NIL threshold,
// explanations) while every request shares one Linker and its batcher.
type CallOption interface{ applyCall(*call) }

type callFunc func(*call)

func (f callFunc) applyCall(c *call) { f(c) }

// call is the per-call part of the configuration; Link and Explain use the
// Linker's own values.
type call struct {
	mode         Mode
	ambiguity    float64
	nilThreshold float64
	explain      bool
}

func (l *Linker) defaultCall(explain bool) call {
	return call{mode: l.cfg.mode, ambiguity: l.cfg.ambiguity, nilThreshold: l.cfg.nilThreshold, explain: explain}
}

// WithMode makes this call run the cross-encoder (the reranker) never, for
// ambiguous mentions or always. Ambiguous and Always need a Linker built
// with one: on a Linker in mode Never the call fails with ErrNoCrossEncoder.
func WithMode(m Mode) CallOption { return callFunc(func(c *call) { c.mode = m }) }

// WithNILThreshold sets this call's NIL threshold, in [0, 1].
func WithNILThreshold(t float64) CallOption { return callFunc(func(c *call) { c.nilThreshold = t }) }

// WithAmbiguityThreshold sets this call's ambiguity threshold of mode
// Ambiguous, in [0, 1].
func WithAmbiguityThreshold(t float64) CallOption {
	return callFunc(func(c *call) { c.ambiguity = t })
}

// WithExplanations makes LinkWith also return every mention's candidates
// with their features (as Explain does).
func WithExplanations(on bool) CallOption { return callFunc(func(c *call) { c.explain = on }) }

// ErrBadCallOption is returned by LinkWith for an option value out of range
// (a threshold outside [0, 1], an unknown mode).
var ErrBadCallOption = errors.New("pipeline: bad call option")

// LinkWith is Link with per-call options; the explanations are nil unless
// WithExplanations(true) is given.
func (l *Linker) LinkWith(ctx context.Context, doc link.Document, opts ...CallOption) (link.Result, []Explanation, error) {
	c := l.defaultCall(false)
	for _, o := range opts {
		o.applyCall(&c)
	}
	if _, err := ParseMode(string(c.mode)); err != nil {
		return link.Result{ID: doc.ID}, nil, fmt.Errorf("%w: %v", ErrBadCallOption, err)
	}
	if c.nilThreshold < 0 || c.nilThreshold > 1 || c.ambiguity < 0 || c.ambiguity > 1 {
		return link.Result{ID: doc.ID}, nil, fmt.Errorf("%w: thresholds must lie in [0, 1]", ErrBadCallOption)
	}
	if c.mode != Never && l.rerank == nil {
		return link.Result{ID: doc.ID}, nil, ErrNoCrossEncoder
	}
	return l.link(ctx, doc, nil, c)
}

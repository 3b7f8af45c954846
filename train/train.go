// Package train fits the weights of a log-linear candidate score: a
// conditional logit, in which each mention's candidates compete through a
// softmax over w·x and the likelihood is that of the right candidate. It is
// the model the pipeline scores with (pipeline.Weights), fitted by Newton's
// method with an L2 penalty; the log-likelihood is concave, so the optimum
// is unique and a few iterations reach it. The package knows nothing of
// the pipeline: groups of feature vectors in, weights out.
package train

import (
	"errors"
	"fmt"
	"math"
)

// Group is one mention: the feature vector of each candidate and the index
// of the right one.
type Group struct {
	X    [][]float64
	Gold int
	// Set names where the mention comes from (a dataset), for held-out
	// evaluation.
	Set string
}

// Problem is what to fit: which features are free, and how strongly the
// weights are pulled towards zero.
type Problem struct {
	// Free[i] says feature i is fitted; the others keep weight 0.
	Free []bool
	// L2 is the penalty λ·‖w‖²/2 on the summed log-likelihood.
	L2 float64
	// MaxIter bounds the Newton steps (default 50).
	MaxIter int
}

// Result is a fit and how well it explains its data.
type Result struct {
	W []float64
	// LogLoss is the mean negative log-likelihood of the right candidates.
	LogLoss float64
	// Accuracy is the share of groups whose right candidate scores highest.
	Accuracy   float64
	Iterations int
}

// ErrNoData is returned for an empty problem.
var ErrNoData = errors.New("train: no groups with a right candidate to fit")

// Fit maximises Σ ln softmax(w·x)[gold] − λ‖w‖²/2 over the free weights.
func Fit(groups []Group, p Problem) (Result, error) {
	if len(groups) == 0 {
		return Result{}, ErrNoData
	}
	dim := len(groups[0].X[0])
	if len(p.Free) != dim {
		return Result{}, fmt.Errorf("train: %d free flags for %d features", len(p.Free), dim)
	}
	var free []int
	for i, f := range p.Free {
		if f {
			free = append(free, i)
		}
	}
	for _, g := range groups {
		if g.Gold < 0 || g.Gold >= len(g.X) {
			return Result{}, fmt.Errorf("train: a group's right candidate %d is not one of its %d", g.Gold, len(g.X))
		}
		for _, x := range g.X {
			if len(x) != dim {
				return Result{}, fmt.Errorf("train: a feature vector of length %d among vectors of %d", len(x), dim)
			}
		}
	}
	maxIter := p.MaxIter
	if maxIter <= 0 {
		maxIter = 50
	}
	w := make([]float64, dim)
	obj := objective(groups, w, p.L2)
	it := 0
	for it < maxIter {
		it++
		grad, hess := derivatives(groups, w, free, p.L2)
		step, err := solve(hess, grad)
		if err != nil {
			return Result{}, err
		}
		// Newton's step, halved until the objective improves.
		gain := -1.0
		for t := 1.0; t > 1e-6 && gain < 0; t /= 2 {
			cand := append([]float64(nil), w...)
			for k, i := range free {
				cand[i] += t * step[k]
			}
			if o := objective(groups, cand, p.L2); o > obj-1e-12 {
				w, gain, obj = cand, o-obj, o
			}
		}
		if gain < 1e-9*math.Max(1, math.Abs(obj)) {
			break
		}
	}
	return Result{W: w, LogLoss: LogLoss(groups, w), Accuracy: Accuracy(groups, w), Iterations: it}, nil
}

// probabilities is the softmax of w·x over a group's candidates.
func probabilities(g Group, w []float64, p []float64) []float64 {
	p = p[:0]
	top := math.Inf(-1)
	for _, x := range g.X {
		z := dot(w, x)
		p = append(p, z)
		top = math.Max(top, z)
	}
	var sum float64
	for j := range p {
		p[j] = math.Exp(p[j] - top)
		sum += p[j]
	}
	for j := range p {
		p[j] /= sum
	}
	return p
}

func objective(groups []Group, w []float64, l2 float64) float64 {
	var ll float64
	var p []float64
	for _, g := range groups {
		p = probabilities(g, w, p)
		ll += math.Log(math.Max(p[g.Gold], 1e-300))
	}
	return ll - l2*dot(w, w)/2
}

// derivatives returns the gradient and the negated Hessian of the
// objective in the free coordinates.
func derivatives(groups []Group, w []float64, free []int, l2 float64) ([]float64, [][]float64) {
	n := len(free)
	grad := make([]float64, n)
	neg := make([][]float64, n)
	for a := range neg {
		neg[a] = make([]float64, n)
		neg[a][a] = l2
		grad[a] = -l2 * w[free[a]]
	}
	var p []float64
	mean := make([]float64, n)
	for _, g := range groups {
		p = probabilities(g, w, p)
		clear(mean)
		for j, x := range g.X {
			for a, i := range free {
				mean[a] += p[j] * x[i]
			}
		}
		for a, i := range free {
			grad[a] += g.X[g.Gold][i] - mean[a]
		}
		// Var(x) under p: Σ p xxᵀ − μμᵀ.
		for j, x := range g.X {
			for a, i := range free {
				d := x[i] - mean[a]
				for b, k := range free {
					neg[a][b] += p[j] * d * (x[k] - mean[b])
				}
			}
		}
	}
	return grad, neg
}

// solve returns x with A·x = b for a symmetric positive definite A
// (Cholesky); a feature that never varies makes A singular without L2.
func solve(a [][]float64, b []float64) ([]float64, error) {
	n := len(b)
	l := make([][]float64, n)
	for i := range l {
		l[i] = make([]float64, n)
		for j := 0; j <= i; j++ {
			s := a[i][j]
			for k := 0; k < j; k++ {
				s -= l[i][k] * l[j][k]
			}
			if i == j {
				if s <= 1e-12 {
					return nil, errors.New("train: the features are collinear or constant (raise the L2 penalty or drop one)")
				}
				l[i][i] = math.Sqrt(s)
			} else {
				l[i][j] = s / l[j][j]
			}
		}
	}
	y := make([]float64, n)
	for i := range y {
		s := b[i]
		for k := 0; k < i; k++ {
			s -= l[i][k] * y[k]
		}
		y[i] = s / l[i][i]
	}
	x := make([]float64, n)
	for i := n - 1; i >= 0; i-- {
		s := y[i]
		for k := i + 1; k < n; k++ {
			s -= l[k][i] * x[k]
		}
		x[i] = s / l[i][i]
	}
	return x, nil
}

// LogLoss is the mean negative log-likelihood of the right candidates.
func LogLoss(groups []Group, w []float64) float64 {
	if len(groups) == 0 {
		return 0
	}
	return -objective(groups, w, 0) / float64(len(groups))
}

// Accuracy is the share of groups whose right candidate has the highest
// score (ties count against it).
func Accuracy(groups []Group, w []float64) float64 {
	if len(groups) == 0 {
		return 0
	}
	right := 0
	for _, g := range groups {
		gold := dot(w, g.X[g.Gold])
		ok := true
		for j, x := range g.X {
			if j != g.Gold && dot(w, x) >= gold {
				ok = false
				break
			}
		}
		if ok {
			right++
		}
	}
	return float64(right) / float64(len(groups))
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

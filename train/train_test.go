package train

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// sample draws groups whose right candidate follows the conditional logit
// with weights w: what Fit must recover.
func sample(r *rand.Rand, w []float64, n int) []Group {
	groups := make([]Group, n)
	for i := range groups {
		k := 2 + r.IntN(4)
		g := Group{X: make([][]float64, k)}
		z := make([]float64, k)
		var sum float64
		for j := range g.X {
			x := make([]float64, len(w))
			for d := range x {
				x[d] = r.NormFloat64()
			}
			g.X[j] = x
			z[j] = math.Exp(dot(w, x))
			sum += z[j]
		}
		u := r.Float64() * sum
		for j := range z {
			if u -= z[j]; u <= 0 || j == k-1 {
				g.Gold = j
				break
			}
		}
		groups[i] = g
	}
	return groups
}

func TestFitRecoversTheWeights(t *testing.T) {
	truth := []float64{1.5, -0.7, 0.3}
	groups := sample(rand.New(rand.NewPCG(1, 2)), truth, 20000)
	res, err := Fit(groups, Problem{Free: []bool{true, true, true}, L2: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	for i := range truth {
		if math.Abs(res.W[i]-truth[i]) > 0.06 {
			t.Errorf("w[%d] = %.3f, want %.3f ± 0.06 (all %v)", i, res.W[i], truth[i], res.W)
		}
	}
	if res.Iterations < 2 || res.Iterations > 20 {
		t.Errorf("%d Newton steps: the fit should need a few", res.Iterations)
	}
	// The fitted weights explain the data at least as well as the truth
	// (they maximise the likelihood), and far better than no weights.
	if lt := LogLoss(groups, truth); res.LogLoss > lt+1e-3 {
		t.Errorf("log loss %.4f, the true weights' %.4f", res.LogLoss, lt)
	}
	if l0 := LogLoss(groups, make([]float64, 3)); res.LogLoss > l0-0.2 {
		t.Errorf("log loss %.4f barely under the uniform %.4f", res.LogLoss, l0)
	}
}

func TestFitKeepsFixedWeightsAtZero(t *testing.T) {
	groups := sample(rand.New(rand.NewPCG(3, 4)), []float64{1, 2}, 3000)
	res, err := Fit(groups, Problem{Free: []bool{true, false}, L2: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	if res.W[1] != 0 || res.W[0] <= 0 {
		t.Errorf("weights %v: want the second fixed at 0 and the first positive", res.W)
	}
}

func TestL2ShrinksTheWeights(t *testing.T) {
	groups := sample(rand.New(rand.NewPCG(5, 6)), []float64{2}, 500)
	loose, err := Fit(groups, Problem{Free: []bool{true}, L2: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	tight, err := Fit(groups, Problem{Free: []bool{true}, L2: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if !(math.Abs(tight.W[0]) < math.Abs(loose.W[0])/2) {
		t.Errorf("λ=1000 gave %.3f, λ=0.001 gave %.3f: the penalty should shrink the weight", tight.W[0], loose.W[0])
	}
}

func TestAccuracyCountsTiesAgainst(t *testing.T) {
	groups := []Group{
		{X: [][]float64{{1}, {0}}, Gold: 0},
		{X: [][]float64{{1}, {0}}, Gold: 1},
		{X: [][]float64{{1}, {1}}, Gold: 0},
	}
	if a := Accuracy(groups, []float64{1}); math.Abs(a-1.0/3) > 1e-12 {
		t.Errorf("accuracy %.3f, want 1/3", a)
	}
}

func TestFitRejectsBadInput(t *testing.T) {
	if _, err := Fit(nil, Problem{}); !errors.Is(err, ErrNoData) {
		t.Errorf("no groups: %v", err)
	}
	bad := []Group{{X: [][]float64{{1}, {2}}, Gold: 2}}
	if _, err := Fit(bad, Problem{Free: []bool{true}}); err == nil {
		t.Error("a right candidate out of range was accepted")
	}
	ragged := []Group{{X: [][]float64{{1}, {2, 3}}, Gold: 0}}
	if _, err := Fit(ragged, Problem{Free: []bool{true}}); err == nil {
		t.Error("vectors of different lengths were accepted")
	}
	constant := []Group{{X: [][]float64{{1}, {1}}, Gold: 0}}
	if _, err := Fit(constant, Problem{Free: []bool{true}}); err == nil {
		t.Error("a feature that never varies, without L2, should be reported as singular")
	}
}

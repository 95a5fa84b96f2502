package logit

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFitRecoversWeights fits data drawn from a known model and checks that
// the fitted weights are close to the true ones.
func TestFitRecoversWeights(t *testing.T) {
	truth := Model{Bias: -0.5, Weights: []float64{2, -1, 0}}
	r := rand.New(rand.NewPCG(1, 2))
	var x [][]float64
	var y []float64
	for range 20000 {
		row := []float64{r.NormFloat64(), 3 + 2*r.NormFloat64(), r.Float64()}
		x = append(x, row)
		label := 0.0
		if r.Float64() < truth.Prob(row) {
			label = 1
		}
		y = append(y, label)
	}
	m, err := Fit(x, y, 0)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m.Bias-truth.Bias) > 0.15 {
		t.Errorf("bias %.3f, want about %.3f", m.Bias, truth.Bias)
	}
	for j, w := range m.Weights {
		if math.Abs(w-truth.Weights[j]) > 0.1 {
			t.Errorf("weight %d is %.3f, want about %.3f", j, w, truth.Weights[j])
		}
	}
}

func TestFitIsDeterministic(t *testing.T) {
	x := [][]float64{{0, 1}, {1, 0}, {2, 2}, {3, 1}, {0.5, 0.5}, {4, 3}}
	y := []float64{0, 0, 1, 1, 0, 1}
	a, err := Fit(x, y, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Fit(x, y, 1)
	if a.Bias != b.Bias || a.Weights[0] != b.Weights[0] || a.Weights[1] != b.Weights[1] {
		t.Errorf("two fits differ: %v and %v", a, b)
	}
}

func TestFitSeparableWithPenalty(t *testing.T) {
	// Separable data has no maximum likelihood; the penalty keeps the
	// weights finite.
	x := [][]float64{{0}, {1}, {2}, {3}}
	y := []float64{0, 0, 1, 1}
	m, err := Fit(x, y, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if math.IsInf(m.Weights[0], 0) || math.IsNaN(m.Weights[0]) || m.Prob([]float64{3}) < 0.9 || m.Prob([]float64{0}) > 0.1 {
		t.Errorf("model %+v", m)
	}
}

func TestFitRejectsBadInput(t *testing.T) {
	if _, err := Fit(nil, nil, 0); err == nil {
		t.Error("no rows: want an error")
	}
	if _, err := Fit([][]float64{{1}, {1, 2}}, []float64{0, 1}, 0); err == nil {
		t.Error("ragged rows: want an error")
	}
}

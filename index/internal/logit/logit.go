// Package logit fits logistic regression: the probability of a yes given a
// few numbers, as sigmoid(bias + Σ weight·x). It is how the index learns,
// from questions labelled by people, when its best passages answer a
// question and when a message is small talk.
//
// Fitting is deterministic: the same rows give the same weights, bit for
// bit, so a committed model can be checked by fitting it again.
package logit

import (
	"errors"
	"fmt"
	"math"
)

// Model is a fitted logistic regression.
type Model struct {
	Bias    float64
	Weights []float64
}

// Prob is the model's probability of a yes for x.
func (m Model) Prob(x []float64) float64 {
	z := m.Bias
	for i, w := range m.Weights {
		z += w * x[i]
	}
	return Sigmoid(z)
}

// Sigmoid is 1 / (1 + e^-z).
func Sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// Fit fits a model to rows x with labels y (0 or 1) by Newton's method,
// with an L2 penalty of l2 on the weights of the standardised features
// (not on the bias): a little keeps correlated features from pulling
// against each other. Features are standardised while fitting and the
// weights returned apply to x as it is.
func Fit(x [][]float64, y []float64, l2 float64) (Model, error) {
	if len(x) == 0 || len(x) != len(y) {
		return Model{}, fmt.Errorf("logit: %d rows and %d labels", len(x), len(y))
	}
	d := len(x[0])
	mean, scale := make([]float64, d), make([]float64, d)
	for _, row := range x {
		if len(row) != d {
			return Model{}, errors.New("logit: rows of different lengths")
		}
		for j, v := range row {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(len(x))
	}
	for _, row := range x {
		for j, v := range row {
			scale[j] += (v - mean[j]) * (v - mean[j])
		}
	}
	for j := range scale {
		scale[j] = math.Sqrt(scale[j] / float64(len(x)))
		if scale[j] == 0 {
			scale[j] = 1 // a constant feature: its weight stays 0
		}
	}
	z := make([][]float64, len(x))
	for i, row := range x {
		z[i] = make([]float64, d+1)
		z[i][0] = 1
		for j, v := range row {
			z[i][j+1] = (v - mean[j]) / scale[j]
		}
	}

	// Newton's method on the penalised log-likelihood: each step solves
	// H·δ = g with the gradient g and the Hessian H.
	beta := make([]float64, d+1)
	for iter := 0; iter < 100; iter++ {
		g := make([]float64, d+1)
		h := make([][]float64, d+1)
		for k := range h {
			h[k] = make([]float64, d+1)
		}
		for i, zi := range z {
			p := Sigmoid(dot(beta, zi))
			for k := range zi {
				g[k] += (y[i] - p) * zi[k]
				for l := range zi {
					h[k][l] += p * (1 - p) * zi[k] * zi[l]
				}
			}
		}
		for k := 1; k <= d; k++ {
			g[k] -= l2 * beta[k]
			h[k][k] += l2
		}
		step, err := solve(h, g)
		if err != nil {
			return Model{}, err
		}
		moved := 0.0
		for k := range beta {
			beta[k] += step[k]
			moved = math.Max(moved, math.Abs(step[k]))
		}
		if moved < 1e-12 {
			break
		}
	}

	m := Model{Bias: beta[0], Weights: make([]float64, d)}
	for j := range d {
		m.Weights[j] = beta[j+1] / scale[j]
		m.Bias -= beta[j+1] * mean[j] / scale[j]
	}
	return m, nil
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// solve solves a·x = b by Gaussian elimination with partial pivoting.
func solve(a [][]float64, b []float64) ([]float64, error) {
	n := len(b)
	m := make([][]float64, n)
	for i := range a {
		m[i] = append(append([]float64{}, a[i]...), b[i])
	}
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		if math.Abs(m[p][c]) < 1e-300 {
			return nil, errors.New("logit: singular system")
		}
		m[c], m[p] = m[p], m[c]
		for r := c + 1; r < n; r++ {
			f := m[r][c] / m[c][c]
			for k := c; k <= n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := m[r][n]
		for k := r + 1; k < n; k++ {
			s -= m[r][k] * x[k]
		}
		x[r] = s / m[r][r]
	}
	return x, nil
}

package calibrate

import (
	"math"
	"math/rand/v2"
	"testing"
)

// sample is synthetic held-out data: the true margin z of every row, its
// label drawn with probability sigmoid(z), and a model's margin k*z (k > 1
// is over-confident).
type sample struct {
	z, margin, labels []float64
}

// draw draws n rows with z ~ N(0, sd²), seeded.
func draw(seed uint64, n int, sd, k float64) sample {
	r := rand.New(rand.NewPCG(seed, 1))
	var d sample
	for range n {
		z := sd * r.NormFloat64()
		d.z = append(d.z, z)
		d.margin = append(d.margin, k*z)
		d.labels = append(d.labels, bernoulli(r, sigmoid(z)))
	}
	return d
}

// probs are the model's probabilities sigmoid(k*z).
func (d sample) probs() []float64 {
	p := make([]float64, len(d.margin))
	for i, m := range d.margin {
		p[i] = sigmoid(m)
	}
	return p
}

// bernoulli is 1 with probability p.
func bernoulli(r *rand.Rand, p float64) float64 {
	if r.Float64() < p {
		return 1
	}
	return 0
}

// sigmoid is 1 / (1 + exp(-x)).
func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// near reports whether got is within tol of want (relative above 1).
func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*max(1, math.Abs(want))
}

// logLoss is the mean log loss of p for labels, failing t on bad input.
func logLoss(t *testing.T, labels, p []float64) float64 {
	t.Helper()
	m, err := metrics(labels, p)
	if err != nil {
		t.Fatal(err)
	}
	return m.LogLoss
}

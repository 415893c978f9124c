package calibrate

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Isotonic predictions are non-decreasing in the score and within [0, 1],
// inside and outside the fitted range, on noisy data with ties.
func TestIsotonicMonotoneInUnitInterval(t *testing.T) {
	for seed := range uint64(5) {
		d := draw(seed, 300, 2, 1)
		s := rounded(d.margin, 1)
		m, err := FitIsotonic(s, d.labels)
		if err != nil {
			t.Fatal(err)
		}
		grid := sortedGrid(seed, -10, 10, 2000)
		prev := math.Inf(-1)
		for _, x := range grid {
			p := m.Prob(x)
			if p < prev || p < 0 || p > 1 {
				t.Fatalf("seed %d: Prob(%v) = %v after %v", seed, x, p, prev)
			}
			prev = p
		}
	}
}

// sortedGrid is n sorted uniform draws on [lo, hi] plus the ends.
func sortedGrid(seed uint64, lo, hi float64, n int) []float64 {
	r := rand.New(rand.NewPCG(seed, 2))
	g := []float64{lo, hi}
	for range n {
		g = append(g, lo+(hi-lo)*r.Float64())
	}
	slices.Sort(g)
	return g
}

// Where higher scores mean more positives, Platt's A is negative and the
// calibrated probability rises with the score.
func TestPlattIncreasing(t *testing.T) {
	d := draw(21, 500, 1.5, 2)
	p, err := FitPlatt(d.margin, d.labels, InputScore)
	if err != nil {
		t.Fatal(err)
	}
	if p.A >= 0 {
		t.Fatalf("A = %v, want negative", p.A)
	}
	grid := sortedGrid(21, -20, 20, 1000)
	for i := 1; i < len(grid); i++ {
		if p.Prob(grid[i]) < p.Prob(grid[i-1]) {
			t.Fatalf("Prob(%v) < Prob(%v)", grid[i], grid[i-1])
		}
	}
	if lo, hi := p.Prob(-1), p.Prob(1); !(lo < hi) {
		t.Errorf("Prob(-1) = %v, Prob(1) = %v: not increasing", lo, hi)
	}
}

// A model three times over-confident (probabilities sigmoid(3z) where the
// truth is sigmoid(z)): every calibration fitted on 5,000 held-out rows
// lowers the log loss on 20,000 fresh rows, and Platt on logits recovers
// the factor (A near -1/3, B near 0).
func TestCalibrationFixesOverconfidence(t *testing.T) {
	held, fresh := draw(31, 5000, 1.5, 3), draw(32, 20000, 1.5, 3)
	raw := logLoss(t, fresh.labels, fresh.probs())
	for _, tt := range []struct {
		kind Kind
		in   Input
	}{{KindPlatt, InputLogit}, {KindPlatt, InputScore}, {KindIsotonic, InputScore}} {
		c, err := Fit(tt.kind, held.probs(), held.labels, tt.in)
		if err != nil {
			t.Fatal(err)
		}
		got := logLoss(t, fresh.labels, c.Apply(fresh.probs()))
		if got >= raw {
			t.Errorf("%s on %s: fresh log loss %.4f, not below the raw %.4f", tt.kind, tt.in, got, raw)
		}
	}
	p, _ := FitPlatt(held.probs(), held.labels, InputLogit)
	if math.Abs(p.A+1.0/3) > 0.03 || math.Abs(p.B) > 0.1 {
		t.Errorf("A, B = %v, %v; want about -1/3, 0", p.A, p.B)
	}
}

// The true model calibrated on its margin with Platt stays close to the
// identity: A near -1, B near 0.
func TestPlattOnCalibratedModel(t *testing.T) {
	d := draw(41, 20000, 1.5, 1)
	p, err := FitPlatt(d.margin, d.labels, InputScore)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(p.A+1) > 0.05 || math.Abs(p.B) > 0.05 {
		t.Errorf("A, B = %v, %v; want about -1, 0", p.A, p.B)
	}
}

// Platt and isotonic fits do not depend on the order of the rows.
func TestFitIgnoresRowOrder(t *testing.T) {
	d := draw(51, 400, 1, 2)
	perm := rand.New(rand.NewPCG(51, 3)).Perm(len(d.margin))
	s, y := make([]float64, len(perm)), make([]float64, len(perm))
	for i, j := range perm {
		s[i], y[i] = d.margin[j], d.labels[j]
	}
	for _, kind := range []Kind{KindPlatt, KindIsotonic} {
		a, _ := Fit(kind, d.margin, d.labels, InputScore)
		b, _ := Fit(kind, s, y, InputScore)
		pa, pb := a.Apply(d.margin), b.Apply(d.margin)
		if !equalWithin(pa, pb, 1e-12) {
			t.Errorf("%s: predictions depend on the row order", kind)
		}
	}
}

package calibrate

import (
	"math"
	"slices"
	"testing"
)

// The isotonic fits below are pool-adjacent-violators by hand.
func TestIsotonicKnownAnswers(t *testing.T) {
	third := 1.0 / 3
	tests := []struct {
		name         string
		x, y         []float64
		wantX, wantY []float64
		at, want     []float64 // Prob(at[i]) == want[i]
	}{{
		// 0 | 1 0 0 | 1: the violators 1, 0, 0 pool to 1/3; the inner
		// point x=3 of that level is dropped.
		name: "one pool", x: []float64{1, 2, 3, 4, 5}, y: []float64{0, 1, 0, 0, 1},
		wantX: []float64{1, 2, 4, 5}, wantY: []float64{0, third, third, 1},
		at: []float64{0, 1, 3, 4.5, 5, 9}, want: []float64{0, 0, third, 2 * third, 1, 1},
	}, {
		// x=1 twice (labels 1, 0) is one point of mean 1/2 and weight 2;
		// with x=2 (label 0) it pools to (1 + 0) / 3.
		name: "ties weigh by count", x: []float64{2, 1, 3, 1}, y: []float64{0, 1, 1, 0},
		wantX: []float64{1, 2, 3}, wantY: []float64{third, third, 1},
		at: []float64{-1, 1.5, 2.5, 3.5}, want: []float64{third, third, 2 * third, 1},
	}, {
		name: "already monotone", x: []float64{1, 2, 3}, y: []float64{0, 0, 1},
		wantX: []float64{1, 2, 3}, wantY: []float64{0, 0, 1},
		at: []float64{1.5, 2.5, 2.75}, want: []float64{0, 0.5, 0.75},
	}, {
		name: "all decreasing pools to the mean", x: []float64{1, 2, 3, 4}, y: []float64{1, 1, 0, 0},
		wantX: []float64{1, 4}, wantY: []float64{0.5, 0.5},
		at: []float64{-10, 2, 10}, want: []float64{0.5, 0.5, 0.5},
	}, {
		name: "one score", x: []float64{2, 2, 2}, y: []float64{1, 0, 0},
		wantX: []float64{2}, wantY: []float64{third},
		at: []float64{-5, 2, 7}, want: []float64{third, third, third},
	}, {
		// 5e-16 is less than 1e-15 above 0: tied with it, as in
		// scikit-learn's _make_unique.
		name: "closer than 1e-15 is a tie", x: []float64{0, 5e-16, 1}, y: []float64{1, 0, 1},
		wantX: []float64{0, 1}, wantY: []float64{0.5, 1},
		at: []float64{5e-16, 0.5}, want: []float64{0.5, 0.75},
	}, {
		name: "1e-15 apart is not a tie", x: []float64{0, 2e-15, 1}, y: []float64{1, 0, 1},
		wantX: []float64{0, 2e-15, 1}, wantY: []float64{0.5, 0.5, 1},
		at: []float64{1e-15}, want: []float64{0.5},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := FitIsotonic(tt.x, tt.y)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(m.X, tt.wantX) || !equalWithin(m.Y, tt.wantY, 1e-15) {
				t.Fatalf("breakpoints %v %v, want %v %v", m.X, m.Y, tt.wantX, tt.wantY)
			}
			for i, s := range tt.at {
				if got := m.Prob(s); !near(got, tt.want[i], 1e-15) {
					t.Errorf("Prob(%v) = %v, want %v", s, got, tt.want[i])
				}
			}
		})
	}
}

// equalWithin reports equal lengths and values within tol.
func equalWithin(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !near(a[i], b[i], tol) {
			return false
		}
	}
	return true
}

// With two distinct scores Platt's two parameters can make each score's
// probability equal the mean target there, which is then the maximum: with
// p(s) = 1/(1+exp(A s + B)), A s + B = -logit(mean target at s).
func TestPlattKnownAnswers(t *testing.T) {
	ln2 := math.Ln2
	tests := []struct {
		name   string
		s, y   []float64
		in     Input
		wantAB [2]float64
	}{{
		// 3 positives at s=1, 1 negative at s=-1: targets 4/5 and 1/3, so
		// A+B = -ln 4 and -A+B = ln 2.
		name: "separable", s: []float64{1, 1, -1, 1}, y: []float64{1, 1, 0, 1},
		wantAB: [2]float64{-1.5 * ln2, -ln2 / 2},
	}, {
		// Four of each class, targets 5/6 and 1/6; s=2 holds 3 positives
		// and a negative (mean target 2/3), s=-2 the mirror (1/3):
		// symmetric, so B = 0 and 2A = -ln 2.
		name: "symmetric", s: []float64{2, 2, 2, 2, -2, -2, -2, -2}, y: []float64{1, 1, 1, 0, 0, 0, 0, 1},
		wantAB: [2]float64{-ln2 / 2, 0},
	}, {
		// The separable case again through logits: logit(sigmoid(±1)) = ±1.
		name: "separable, logit input", s: []float64{sigmoid(1), sigmoid(1), sigmoid(-1), sigmoid(1)},
		y: []float64{1, 1, 0, 1}, in: InputLogit,
		wantAB: [2]float64{-1.5 * ln2, -ln2 / 2},
	}, {
		// One class: the likelihood is highest at A = 0 and p = (N+ + 1) /
		// (N+ + 2) = 4/5 everywhere, B = -ln 4.
		name: "positives only", s: []float64{-1, 0, 2}, y: []float64{1, 1, 1},
		wantAB: [2]float64{0, -2 * ln2},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := FitPlatt(tt.s, tt.y, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !near(p.A, tt.wantAB[0], 1e-9) || !near(p.B, tt.wantAB[1], 1e-9) {
				t.Errorf("A, B = %v, %v, want %v, %v", p.A, p.B, tt.wantAB[0], tt.wantAB[1])
			}
		})
	}
}

// Every score of a one-score sample is the same point: A and B are not
// both identified, but the fitted probability there is the mean target.
func TestPlattOneScore(t *testing.T) {
	p, err := FitPlatt([]float64{3, 3, 3, 3}, []float64{1, 0, 0, 0}, InputScore)
	if err != nil {
		t.Fatal(err)
	}
	// Targets 2/3 (one positive) and 1/5 (three negatives): mean
	// (2/3 + 3/5) / 4 = 19/60.
	if got := p.Prob(3); !near(got, 19.0/60, 1e-12) {
		t.Errorf("Prob(3) = %v, want 19/60", got)
	}
}

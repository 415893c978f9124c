package uplift

import (
	"errors"
	"math"
	"testing"
)

// binomialPMF is C(n,k) s^k (1-s)^(n-k) in log space, a direct sum term
// independent of gonum's incomplete beta.
func binomialPMF(n, k int64, s float64) float64 {
	lg := func(x int64) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
	return math.Exp(lg(n) - lg(k) - lg(n-k) + float64(k)*math.Log(s) + float64(n-k)*math.Log1p(-s))
}

// tails sums P(X < lo) and P(X > hi) directly.
func tails(n int64, s float64, lo, hi int64) (below, above float64) {
	for k := int64(0); k <= n; k++ {
		switch {
		case k < lo:
			below += binomialPMF(n, k, s)
		case k > hi:
			above += binomialPMF(n, k, s)
		}
	}
	return below, above
}

func TestBinomialRangeByHand(t *testing.T) {
	// Binomial(10, 1/2): P(X <= 1) = 11/1024 = 0.0107 <= 0.025 but
	// P(X <= 2) = 56/1024 = 0.0547 > 0.025, so the range is [2, 8] and a
	// count falls outside with probability 22/1024 = 0.0215 <= 0.05.
	r, err := BinomialRange(10, 0.5, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if r != (CountRange{2, 8}) {
		t.Errorf("range %+v, want [2, 8]", r)
	}
	if !r.Contains(2) || !r.Contains(8) || r.Contains(1) || r.Contains(9) {
		t.Errorf("endpoints are not inclusive: %+v", r)
	}
	if r, _ := BinomialRange(0, 0.3, 0.001); r != (CountRange{0, 0}) {
		t.Errorf("n = 0: %+v, want [0, 0]", r)
	}
}

func TestBinomialRangeExactAndTight(t *testing.T) {
	for _, c := range []struct {
		n    int64
		s, a float64
	}{
		{10, 0.5, 0.05}, {37, 0.1, 0.001}, {200, 0.1, 0.001}, {1000, 0.05, 0.001},
		{5000, 0.5, 0.001}, {20000, 0.1, 0.001}, {3, 0.9, 0.2}, {1, 0.5, 0.5},
	} {
		r, err := BinomialRange(c.n, c.s, c.a)
		if err != nil {
			t.Fatal(err)
		}
		below, above := tails(c.n, c.s, r.Lo, r.Hi)
		if below > c.a/2*(1+1e-9) || above > c.a/2*(1+1e-9) {
			t.Errorf("n %d s %g: %+v leaves %g below and %g above, want each <= %g",
				c.n, c.s, r, below, above, c.a/2)
		}
		// Tight: one step further in on either side breaks the bound.
		if b, _ := tails(c.n, c.s, r.Lo+1, r.Hi); r.Lo < r.Hi && b <= c.a/2 {
			t.Errorf("n %d s %g: lower end %d could be %d", c.n, c.s, r.Lo, r.Lo+1)
		}
		if _, a := tails(c.n, c.s, r.Lo, r.Hi-1); r.Lo < r.Hi && a <= c.a/2 {
			t.Errorf("n %d s %g: upper end %d could be %d", c.n, c.s, r.Hi, r.Hi-1)
		}
	}
}

func TestBinomialRangeErrors(t *testing.T) {
	for _, c := range []struct {
		n    int64
		s, a float64
	}{{-1, 0.5, 0.01}, {10, 0, 0.01}, {10, 1, 0.01}, {10, 0.5, 0}, {10, 0.5, 1}, {10, math.NaN(), 0.01}} {
		if _, err := BinomialRange(c.n, c.s, c.a); !errors.Is(err, ErrInvalid) {
			t.Errorf("BinomialRange(%d, %g, %g): err %v, want ErrInvalid", c.n, c.s, c.a, err)
		}
	}
}

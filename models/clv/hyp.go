package clv

import "math"

// maxSeriesTerms bounds the hypergeometric series; for z < 1 the terms
// shrink geometrically (ratio -> z), so this is only reached for z within
// about 1e-5 of 1, i.e. horizons some 10^5 times a customer's age.
const maxSeriesTerms = 2_000_000

// oneMinusEuler returns
//
//	h(A, B, C, z) = (1 - (1-z)^B · 2F1(A, B; C; z)) / B
//
// for 0 <= z < 1, B > -1 and C > 0, continuous in B (h = -log(1-z) at
// B = 0). Both BG/NBD expectations reduce to it: by Euler's transformation
// (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z) = (1-z)^(a-1) 2F1(a+b-1-r, a-1;
// a+b+x-1; z), whose series converges even at z = 1 (C-A-B = r+x+1-a > 0
// whenever the original one diverges there), never overflows for large x,
// and, written as 2F1 = 1 + B·G, has no 0/0 at a = 1.
//
// It returns NaN when the arguments are outside that domain or the series
// does not converge within maxSeriesTerms.
func oneMinusEuler(A, B, C, z float64) float64 {
	if !(z >= 0 && z < 1) || !(B > -1) || !(C > 0) || math.IsNaN(A) {
		return math.NaN()
	}
	l := math.Log1p(-z)
	first := -l
	if B != 0 {
		first = -math.Expm1(B*l) / B
	}
	g, ok := seriesG(A, B, C, z)
	if !ok {
		return math.NaN()
	}
	return first - math.Exp(B*l)*g
}

// seriesG sums G = Σ_{n≥1} (A)_n (B+1)_{n-1} / ((C)_n n!) z^n, so that
// 2F1(A, B; C; z) = 1 + B·G.
func seriesG(A, B, C, z float64) (float64, bool) {
	if z == 0 {
		return 0, true
	}
	term := A / C * z
	sum := term
	// Past n0 every factor of the ratio is positive and the ratio moves
	// monotonically towards z, which the tail bound below relies on.
	n0 := math.Max(math.Max(math.Abs(A), math.Abs(B)), C) + 1
	for n := 1.0; n < maxSeriesTerms; n++ {
		ratio := (A + n) * (B + n) / ((C + n) * (n + 1)) * z
		term *= ratio
		sum += term
		if term == 0 {
			return sum, true
		}
		// The ratios tend to z; once they are below 1 the tail is at most
		// a geometric series in the larger of the current ratio and z.
		rho := math.Max(math.Abs(ratio), z)
		if n > n0 && rho < 1 && math.Abs(term)*rho/(1-rho) <= 1e-16*math.Abs(sum) {
			return sum, true
		}
	}
	return sum, false
}

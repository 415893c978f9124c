package clv

import "math"

// maxSeriesTerms bounds the hypergeometric series; for z < 1 the terms
// shrink geometrically (ratio -> z), so this is only reached for z within
// about 1e-5 of 1, i.e. horizons some 10^5 times a customer's age.
const maxSeriesTerms = 2_000_000

// scaledH returns C·h(A, B, C, z), where
//
//	h(A, B, C, z) = (1 - (1-z)^B · 2F1(A, B; C; z)) / B,
//
// for 0 <= z < 1, B > -1 and C > -1, continuous in B (h = -log(1-z) at
// B = 0) and in C (the factor C cancels the pole of 2F1 at C = 0). Both
// BG/NBD expectations are C·h times P(alive): by Euler's transformation
// (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z) = (1-z)^(a-1) 2F1(a+b-1-r, a-1;
// a+b+x-1; z), whose series converges even at z = 1 (C-A-B = r+x+1-a > 0
// whenever the original one diverges there), never overflows for large x,
// and, written as 2F1 = 1 + B·G, has no 0/0 at a = 1. Scaling by C keeps
// a+b <= 1 (C = a+b-1 in (-1, 0] for x = 0) within the domain: the
// expectations exist for every a, b > 0.
//
// It returns NaN when the arguments are outside that domain or the series
// does not converge within maxSeriesTerms.
func scaledH(A, B, C, z float64) float64 {
	if !(z >= 0 && z < 1) || !(B > -1) || !(C > -1) || math.IsNaN(A) {
		return math.NaN()
	}
	l := math.Log1p(-z)
	first := -l
	if B != 0 {
		first = -math.Expm1(B*l) / B
	}
	g, ok := seriesCG(A, B, C, z)
	if !ok {
		return math.NaN()
	}
	return C*first - math.Exp(B*l)*g
}

// seriesCG sums C·G = Σ_{n≥1} (A)_n (B+1)_{n-1} / ((C+1)_{n-1} n!) z^n,
// where 2F1(A, B; C; z) = 1 + B·G, for B > -1 and C > -1. It stops once
// the tail is provably below 1e-16 of the sum (tailNegligible).
func seriesCG(A, B, C, z float64) (float64, bool) {
	if z == 0 {
		return 0, true
	}
	term := A * z
	sum := term
	for n := 1.0; n < maxSeriesTerms; n++ {
		qa, qb := (A+n)/(C+n), (B+n)/(n+1)
		term *= qa * qb * z
		sum += term
		if term == 0 {
			return sum, true
		}
		if A+n > 0 && tailNegligible(term, sum, z*math.Max(qa, 1)*math.Max(qb, 1)) {
			return sum, true
		}
	}
	return sum, false
}

// tailNegligible reports whether the terms after term, each at most rho
// times the one before, add up to at most 1e-16 of sum.
//
// seriesCG passes rho = z·max(qa, 1)·max(qb, 1) from the factors of the
// last ratio, qa = (A+n)/(C+n) and qb = (B+n)/(n+1): once A+n, B+n and C+n
// are positive, each factor is monotonic in n and tends to 1, so it stays
// below max(itself, 1) for every later term.
func tailNegligible(term, sum, rho float64) bool {
	return rho < 1 && math.Abs(term)*rho/(1-rho) <= 1e-16*math.Abs(sum)
}

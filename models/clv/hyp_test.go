package clv

import (
	"math"
	"testing"
)

// TestOneMinusEulerMpmath compares h(A, B, C, z) = (1 − (1−z)^B 2F1(A, B;
// C; z))/B with mpmath (50 digits), including z close to 1, where the
// series converges slowly, B = 0, a negative A and a diverging-at-1 2F1.
func TestOneMinusEulerMpmath(t *testing.T) {
	for _, tc := range []struct{ A, B, C, z, want float64 }{
		{1.976, -0.207, 2.219, 0.5, 0.09652432665367946},
		{1.976, -0.207, 7.219, 0.99, 6.8575998971060573},
		{1.976, -0.207, 2.219, 0.999, 5.1740532578034134},
		{0.3, 2.5, 4.0, 0.95, 0.39968784054535439},
		{-0.6, 0.4, 0.9, 0.9, 1.8000298383675917},
		{5.0, 3.0, 1.5, 0.7, -86.625170995379112},
		{1.2, 0, 2.0, 0.8, 0.85338998865137303}, // the limit at B = 0 (mpmath at B = 1e-40)
	} {
		if got := oneMinusEuler(tc.A, tc.B, tc.C, tc.z); math.Abs(got-tc.want) > 1e-12*math.Abs(tc.want) {
			t.Errorf("h(%v, %v, %v, %v) = %.17g, want %.17g", tc.A, tc.B, tc.C, tc.z, got, tc.want)
		}
	}
}

// TestOneMinusEulerUntransformed checks the Euler-transformed form used by
// the BG/NBD expectations against the textbook one, (1 − (1−z)^(r+x)
// 2F1(r+x, b+x; a+b+x−1; z))/(a−1), summed term by term, for z where that
// series converges quickly.
func TestOneMinusEulerUntransformed(t *testing.T) {
	for _, p := range [][4]float64{{0.243, 4.414, 0.793, 2.426}, {1.5, 10, 2.5, 0.6}, {0.05, 0.5, 3, 7}} {
		r, a, b := p[0], p[2], p[3]
		for _, x := range []float64{0, 1, 5, 30} {
			for _, z := range []float64{0, 0.01, 0.2, 0.5, 0.7} {
				want := (1 - math.Pow(1-z, r+x)*plain2F1(r+x, b+x, a+b+x-1, z)) / (a - 1)
				got := oneMinusEuler(a+b-1-r, a-1, a+b+x-1, z)
				if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
					t.Errorf("params %v x=%v z=%v: %.15g, textbook %.15g", p, x, z, got, want)
				}
			}
		}
	}
}

// plain2F1 sums the Gauss series until the terms vanish (|z| <= 0.7).
func plain2F1(a, b, c, z float64) float64 {
	term, sum := 1.0, 1.0
	for n := 0.0; n < 10000; n++ {
		term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
		sum += term
		if math.Abs(term) < 1e-18*math.Abs(sum) {
			break
		}
	}
	return sum
}

func TestOneMinusEulerDomain(t *testing.T) {
	for _, tc := range [][4]float64{
		{1, 0.5, 2, 1},            // z = 1
		{1, 0.5, 2, -0.1},         // z < 0
		{1, -1, 2, 0.5},           // B = -1
		{1, 0.5, 0, 0.5},          // C = 0
		{math.NaN(), 0.5, 2, 0.5}, // NaN
	} {
		if got := oneMinusEuler(tc[0], tc[1], tc[2], tc[3]); !math.IsNaN(got) {
			t.Errorf("h%v = %v, want NaN", tc, got)
		}
	}
}

package segrule

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestNthSmallest: the k-th smallest by selection is the k-th of the
// sorted values, with nothing larger before it and nothing smaller after,
// for inputs that defeat naive pivots.
func TestNthSmallest(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	patterns := map[string]func(i, n int) float64{
		"random":     func(int, int) float64 { return r.NormFloat64() },
		"sorted":     func(i, _ int) float64 { return float64(i) },
		"reversed":   func(i, n int) float64 { return float64(n - i) },
		"equal":      func(int, int) float64 { return 7 },
		"few":        func(int, int) float64 { return float64(r.IntN(3)) },
		"organ pipe": func(i, n int) float64 { return float64(min(i, n-i)) },
		"signed 0":   func(i, _ int) float64 { return math.Copysign(0, float64(i%2)-0.5) },
	}
	for name, gen := range patterns {
		for _, n := range []int{1, 2, 3, 5, 17, 1000, 20001} {
			vals := make([]float64, n)
			for i := range vals {
				vals[i] = gen(i, n)
			}
			want := slices.Sorted(slices.Values(vals))
			for _, k := range []int{0, n / 3, n / 2, n - 1, r.IntN(n)} {
				s := slices.Clone(vals)
				got := nthSmallest(s, k)
				if got != want[k] || slices.Max(s[:k+1]) != got || slices.Min(s[k:]) != got {
					t.Fatalf("%s n=%d k=%d: got %v, want %v, or not partitioned", name, n, k, got, want[k])
				}
			}
		}
	}
}

func TestQuantileCont(t *testing.T) {
	cases := []struct {
		vals []float64
		q    float64
		want float64
		ok   bool
	}{
		{nil, 0.5, 0, false},
		{[]float64{7}, 0.9, 7, true},
		{[]float64{3, 1}, 0.5, 2, true},                       // r = 0.5
		{[]float64{8, 0}, 0.25, 2, true},                      // r = 0.25: 0*0.75 + 8*0.25
		{[]float64{12, -4, 4, 0}, 1, 12, true},                // r = 3: the maximum
		{[]float64{40, 10, 30, 20}, 0.25, 17.5, true},         // r = 0.75: 10*0.25 + 20*0.75
		{[]float64{5, 5, 1, 5, 9}, 0.5, 5, true},              // r = 2, ties
		{[]float64{math.Inf(1), math.Inf(-1)}, 0.5, 0, false}, // -inf*0.5 + inf*0.5 is NaN
		{[]float64{math.Inf(1), 1, 2}, 1, math.Inf(1), true},  // r = 2, no interpolation
	}
	for _, c := range cases {
		got, ok := quantileCont(slices.Clone(c.vals), c.q)
		if ok != c.ok || ok && got != c.want {
			t.Errorf("quantileCont(%v, %v) = %v, %v; want %v, %v", c.vals, c.q, got, ok, c.want, c.ok)
		}
	}
}

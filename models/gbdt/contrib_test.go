package gbdt

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/segmint/segmint/models/frame"
)

// TestContributionsSumToTheRawScore: for every row, the base and the
// contributions add up to the raw score; a feature the label ignores gets
// less credit than one it follows (the default trees fit some noise too).
func TestContributionsSumToTheRawScore(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	const n = 3000
	a, b := make([]float64, n), make([]float64, n)
	cat := make([]int32, n)
	y := make([]float64, n)
	for r := range n {
		a[r], b[r], cat[r] = rng.NormFloat64(), rng.NormFloat64(), int32(rng.IntN(3))
		if r%17 == 0 {
			a[r] = math.NaN()
		}
		z := 2*b[r] + 0.8*float64(cat[r])
		if rng.Float64() < 1/(1+math.Exp(-z)) {
			y[r] = 1
		}
	}
	x := &frame.Frame{Rows: n, Cols: []*frame.Column{
		{Name: "noise", Kind: frame.Numeric, Num: a},
		{Name: "signal", Kind: frame.Numeric, Num: b},
		{Name: "plan", Kind: frame.Categorical, Levels: []string{"basic", "plus", "pro"}, Codes: cat},
	}}
	for _, obj := range []Objective{Binary, Regression, AbsoluteError} {
		p := DefaultParams()
		p.Objective, p.Subsample = obj, 0.8
		m := fit(t, x, y, p)
		raw, err := m.PredictRaw(x)
		if err != nil {
			t.Fatal(err)
		}
		base, contrib, err := m.Contributions(x)
		if err != nil {
			t.Fatal(err)
		}
		var absNoise, absSignal float64
		for r := range n {
			s := base
			for _, c := range contrib[r] {
				s += c
			}
			if math.Abs(s-raw[r]) > 1e-9 {
				t.Fatalf("%s row %d: base + contributions = %.12f, raw score %.12f", obj, r, s, raw[r])
			}
			absNoise += math.Abs(contrib[r][0])
			absSignal += math.Abs(contrib[r][1])
		}
		if obj == Binary && !(absSignal > 2*absNoise) {
			t.Errorf("mean |contribution|: signal %.3f, noise %.3f", absSignal/n, absNoise/n)
		}
	}
}

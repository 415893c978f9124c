package train

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/segmint/segmint/lib/propensity"
	"github.com/segmint/segmint/models/frame"
	"github.com/segmint/segmint/models/learn"
)

// fairnessSet is a holdout of three countries: in "fr" and "gb" the label
// follows x, in "de" (when random is true) it ignores it; "it" and "es"
// have too few customers to stand alone and are pooled.
func fairnessSet(n int, seed uint64, random bool) *propensity.Set {
	rng := rand.New(rand.NewPCG(seed, 3))
	levels := []string{"de", "es", "fr", "gb", "it"}
	x, codes, y := make([]float64, n), make([]int32, n), make([]float64, n)
	for i := range n {
		x[i] = rng.NormFloat64()
		codes[i] = int32([]int{0, 2, 3, 3, 3, 2, 0, 3}[i%8])
		switch i % 50 {
		case 0:
			codes[i] = 4
		case 25:
			codes[i] = 1
		}
		z := 2 * x[i]
		if random && codes[i] == 0 {
			z = 0
		}
		if rng.Float64() < 1/(1+math.Exp(-z)) {
			y[i] = 1
		}
	}
	fr := &frame.Frame{Rows: n, Cols: []*frame.Column{{Name: "x", Kind: frame.Numeric, Num: x},
		{Name: "country", Kind: frame.Categorical, Levels: levels, Codes: codes}}}
	return &propensity.Set{X: fr, Y: y}
}

func TestFairnessFlagsAGroupTheModelCannotRank(t *testing.T) {
	for _, random := range []bool{false, true} {
		train, hold := fairnessSet(4000, 1, random), fairnessSet(2000, 2, random)
		f, _, err := learn.FitHoldout(t.Context(), "logreg", learn.Binary, 1, train.X, train.Y, hold.X, hold.Y)
		if err != nil {
			t.Fatal(err)
		}
		text, flagged, err := fairness(f, hold)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("random %v: %s", random, text)
		var groups []string
		for _, part := range strings.Split(text, "; ") {
			if name, _, ok := strings.Cut(part, " n="); ok {
				groups = append(groups, name)
			}
		}
		if strings.Join(groups, ",") != "gb,de,fr,other countries" || flagged != random {
			t.Errorf("random labels in de %v: flagged %v, %q", random, flagged, text)
		}
	}
	one := fairnessSet(200, 3, false)
	for i := range one.X.Cols[1].Codes {
		one.X.Cols[1].Codes[i] = 3
	}
	f, _, err := learn.FitHoldout(t.Context(), "logreg", learn.Binary, 1, one.X, one.Y, one.X, one.Y)
	if err != nil {
		t.Fatal(err)
	}
	if text, flagged, err := fairness(f, one); err != nil || text != "" || flagged {
		t.Errorf("one group: %q %v %v", text, flagged, err)
	}
}

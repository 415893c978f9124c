package learn

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/segmint/segmint/models/frame"
	"github.com/segmint/segmint/models/gbdt"
	"github.com/segmint/segmint/models/registry"
)

// TestScaledGBDTFollowsTheRowCount: smaller trees and larger leaves
// shares on fewer rows, early stopping always on.
func TestScaledGBDTFollowsTheRowCount(t *testing.T) {
	for _, tc := range []struct{ rows, leaves, minLeaf int }{
		{800, 7, 20}, {4999, 7, 49}, {5000, 15, 50}, {19999, 15, 199}, {20000, 31, 200}, {1_000_000, 31, 200},
	} {
		p := ScaledGBDT(Binary, tc.rows, 3)
		if p.MaxLeaves != tc.leaves || p.MinSamplesLeaf != tc.minLeaf || p.EarlyStopping != gbdt.EarlyStopOn || p.Seed != 3 || p.Validate() != nil {
			t.Errorf("%d rows: %+v", tc.rows, p)
		}
	}
	if p := ScaledGBDT(Regression, 100, 1); p.Objective != gbdt.Regression {
		t.Errorf("regression objective %q", p.Objective)
	}
	if s := Settings("gbdt", Binary, 1000, 1); len(s) != 2 || s[0].GBDT != nil || s[1].GBDT == nil || s[1].GBDT.MaxLeaves != 7 {
		t.Errorf("gbdt settings %+v", s)
	}
	if s := Settings("logreg", Binary, 1000, 1); len(s) != 1 || s[0].Kind != "logreg" {
		t.Errorf("logreg settings %+v", s)
	}
}

// TestOffsetSetting: a regression with an offset learns the label minus
// the feature and predicts the feature plus its output, floored; the
// model file carries the offset, and PredictRaw and SettingOf honour it.
func TestOffsetSetting(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 3000
	last, other := make([]float64, n), make([]float64, n)
	y := make([]float64, n)
	for i := range n {
		last[i], other[i] = rng.Float64()*100, rng.Float64()
		y[i] = max(last[i]+20*other[i]-15+rng.NormFloat64(), 0)
	}
	x := &frame.Frame{Rows: n, Cols: []*frame.Column{
		{Name: "last", Kind: frame.Numeric, Num: last}, {Name: "other", Kind: frame.Numeric, Num: other}}}
	p := gbdt.DefaultParams()
	p.Objective = gbdt.AbsoluteError
	s := Setting{Name: "l1_offset", Kind: "gbdt", GBDT: &p, Offset: &registry.Offset{Column: "last", Floor: 0}}
	f, pred, err := FitHoldoutSetting(t.Context(), s, Regression, 1, x, y, x, y)
	if err != nil {
		t.Fatal(err)
	}
	if f.Offset == nil || f.Offset.Column != "last" {
		t.Fatalf("file offset %+v", f.Offset)
	}
	again, err := PredictRaw(f, x)
	if err != nil {
		t.Fatal(err)
	}
	var mae float64
	for i := range n {
		if again[i] != pred[i] || pred[i] < 0 {
			t.Fatalf("row %d: holdout %v, PredictRaw %v", i, pred[i], again[i])
		}
		mae += math.Abs(pred[i] - y[i])
	}
	if mae /= n; mae > 1.5 || f.Metrics["mae"] != mae {
		t.Errorf("MAE %.3f (file %v), want at most 1.5", mae, f.Metrics["mae"])
	}
	// The bare model learnt the difference: without the offset its
	// predictions are near 20·other - 15, not near the label.
	m, err := Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	bare, err := m.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	if d := bare[0] - (20*other[0] - 15); math.Abs(d) > 3 {
		t.Errorf("bare output %v for other %v", bare[0], other[0])
	}
	back, err := SettingOf(f)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(back.GBDT)
	b, _ := json.Marshal(p)
	if back.Offset == nil || *back.Offset != *s.Offset || string(a) != string(b) {
		t.Errorf("SettingOf: %+v", back)
	}
	if _, _, err := FitHoldoutSetting(t.Context(), s, Binary, 1, x, y, x, y); err == nil {
		t.Error("an offset on a binary task was accepted")
	}
	s.Offset = &registry.Offset{Column: "nope"}
	if _, _, err := FitHoldoutSetting(t.Context(), s, Regression, 1, x, y, x, y); err == nil {
		t.Error("an offset on a missing column was accepted")
	}
}

// TestImportanceRanksTheInformativeFeatureFirst: on a label driven by one
// of three features, both learners rank that one first.
func TestImportanceRanksTheInformativeFeatureFirst(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n = 2000
	cols := map[string][]float64{"noise_a": make([]float64, n), "signal": make([]float64, n), "noise_b": make([]float64, n)}
	y := make([]float64, n)
	for i := range n {
		for _, c := range cols {
			c[i] = rng.NormFloat64()
		}
		if cols["signal"][i]+0.3*rng.NormFloat64() > 0 {
			y[i] = 1
		}
	}
	x := &frame.Frame{Rows: n}
	for _, name := range []string{"noise_a", "signal", "noise_b"} {
		x.Cols = append(x.Cols, &frame.Column{Name: name, Kind: frame.Numeric, Num: cols[name]})
	}
	for _, kind := range []string{"gbdt", "logreg"} {
		f, _, err := FitHoldout(t.Context(), kind, Binary, 1, x, y, x, y)
		if err != nil {
			t.Fatal(err)
		}
		f.Name = kind
		ranked, err := Importance(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(ranked) != 3 || ranked[0].Feature != "signal" || !(ranked[0].Share > 0.5) ||
			math.Abs(ranked[0].Share+ranked[1].Share+ranked[2].Share-1) > 1e-12 {
			t.Errorf("%s: %v", kind, ranked)
		}
	}
}

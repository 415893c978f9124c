package calibrate

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// candidate returns the candidate of the kind, failing t without one.
func candidate(t *testing.T, ch Choice, kind Kind) Candidate {
	t.Helper()
	for _, c := range ch.Candidates {
		if c.Kind == kind {
			return c
		}
	}
	t.Fatalf("no %s candidate in %+v", kind, ch.Candidates)
	return Candidate{}
}

// A three times over-confident model is Platt-shaped in its logits: Platt
// wins, beats the raw probabilities and the base rate, and is refitted on
// all the rows.
func TestChooseOverconfident(t *testing.T) {
	d := draw(61, 5000, 1.5, 3)
	p := d.probs()
	ch, err := Choose(p, d.labels, Options{Input: InputLogit})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Calibrator.Kind != KindPlatt {
		t.Fatalf("chose %s from %+v", ch.Calibrator.Kind, ch.Candidates)
	}
	platt, none := candidate(t, ch, KindPlatt), candidate(t, ch, KindNone)
	if candidate(t, ch, KindIsotonic).Skipped != "" || none.Skipped != "" {
		t.Errorf("a candidate was skipped: %+v", ch.Candidates)
	}
	if !(platt.Metrics.LogLoss < none.Metrics.LogLoss && platt.Metrics.LogLoss < ch.BaseRate.LogLoss) {
		t.Errorf("platt %+v, none %+v, base rate %+v", platt.Metrics, none.Metrics, ch.BaseRate)
	}
	want, _ := FitPlatt(p, d.labels, InputLogit)
	if *ch.Calibrator.Platt != want {
		t.Errorf("calibrator %+v, want the fit on all rows %+v", *ch.Calibrator.Platt, want)
	}
}

// "none" involves no fit: its figures are those of the scores themselves.
// The base rate's are close to those of the overall positive share r:
// log loss -(r ln r + (1-r) ln(1-r)) and Brier r(1-r).
func TestChooseReference(t *testing.T) {
	d := draw(62, 3000, 1, 1)
	p := d.probs()
	ch, err := Choose(p, d.labels, Options{})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := metrics(d.labels, p)
	if got := candidate(t, ch, KindNone).Metrics; got != raw {
		t.Errorf("none %+v, want %+v", got, raw)
	}
	r := float64(ch.Positives) / float64(ch.Rows)
	entropy := -(r*math.Log(r) + (1-r)*math.Log(1-r))
	if !near(ch.BaseRate.LogLoss, entropy, 1e-3) || !near(ch.BaseRate.Brier, r*(1-r), 1e-3) {
		t.Errorf("base rate %+v, want about %v, %v", ch.BaseRate, entropy, r*(1-r))
	}
	if ch.Rows != 3000 || ch.Folds != DefaultFolds || ch.Positives != countPositives(d.labels) {
		t.Errorf("rows %d, folds %d, positives %d", ch.Rows, ch.Folds, ch.Positives)
	}
}

// A step in the truth (10% below 0.5, 90% above) is no sigmoid of the
// score: isotonic regression wins on enough rows.
func TestChooseIsotonicForStep(t *testing.T) {
	r := rand.New(rand.NewPCG(63, 1))
	var s, y []float64
	for range 4000 {
		x := r.Float64()
		s, y = append(s, x), append(y, bernoulli(r, 0.1+0.8*float64(int(2*x))))
	}
	ch, err := Choose(s, y, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Calibrator.Kind != KindIsotonic {
		t.Errorf("chose %s from %+v", ch.Calibrator.Kind, ch.Candidates)
	}
}

// Below MinIsotonicRows isotonic regression is skipped, and scores that
// are not probabilities cannot be kept as they are.
func TestChooseSkips(t *testing.T) {
	d := draw(64, 999, 1.5, 3)
	ch, err := Choose(d.margin, d.labels, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []Kind{KindNone, KindIsotonic} {
		if c := candidate(t, ch, kind); c.Skipped == "" || c.Metrics != (Metrics{}) {
			t.Errorf("%s not skipped: %+v", kind, c)
		}
	}
	if ch.Calibrator.Kind != KindPlatt {
		t.Errorf("chose %s, the only candidate left is platt", ch.Calibrator.Kind)
	}
	ch, _ = Choose(d.margin, d.labels, Options{MinIsotonicRows: 999})
	if candidate(t, ch, KindIsotonic).Skipped != "" {
		t.Error("isotonic skipped at the minimum")
	}
}

// The same input gives the same choice, byte for byte.
func TestChooseDeterministic(t *testing.T) {
	d := draw(65, 1500, 1.5, 2)
	var out [2][]byte
	for i := range out {
		ch, err := Choose(d.probs(), d.labels, Options{Folds: 4})
		if err != nil {
			t.Fatal(err)
		}
		out[i], _ = json.Marshal(ch)
	}
	if string(out[0]) != string(out[1]) {
		t.Errorf("two runs differ:\n%s\n%s", out[0], out[1])
	}
}

// Every fold gets about as many rows of each class as every other.
func TestFoldsBalanced(t *testing.T) {
	d := draw(66, 1003, 1, 1)
	cv := newCrossValidation(d.margin, d.labels, 5)
	var count [5][2]int
	for i, f := range cv.fold {
		count[f][int(d.labels[i])]++
	}
	for class := range 2 {
		lo, hi := count[0][class], count[0][class]
		for f := range count {
			lo, hi = min(lo, count[f][class]), max(hi, count[f][class])
		}
		if hi-lo > 1 {
			t.Errorf("class %d: folds hold %v", class, count)
		}
	}
}

func TestBadInput(t *testing.T) {
	ok := []float64{0.2, 0.4, 0.6, 0.8}
	okY := []float64{0, 1, 0, 1}
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"empty", func() error { _, err := FitIsotonic(nil, nil); return err }, ErrEmpty},
		{"lengths", func() error { _, err := FitPlatt(ok, okY[:3], InputScore); return err }, ErrLength},
		{"NaN score", func() error { _, err := FitPlatt([]float64{math.NaN()}, []float64{1}, ""); return err }, ErrNonFinite},
		{"infinite score", func() error { _, err := FitIsotonic([]float64{math.Inf(1)}, []float64{1}); return err }, ErrNonFinite},
		{"label 2", func() error { _, err := FitIsotonic(ok, []float64{0, 1, 2, 1}); return err }, ErrLabel},
		{"logit of 1.5", func() error { _, err := FitPlatt([]float64{0.5, 1.5}, []float64{0, 1}, InputLogit); return err }, ErrProbability},
		{"unknown input", func() error { _, err := FitPlatt(ok, okY, "probit"); return err }, ErrCalibrator},
		{"unknown kind", func() error { _, err := Fit("beta", ok, okY, InputScore); return err }, ErrCalibrator},
		{"one class", func() error { _, err := Choose(ok, []float64{1, 1, 1, 1}, Options{Folds: 2}); return err }, ErrSingleClass},
		{"one fold", func() error { _, err := Choose(ok, okY, Options{Folds: 1}); return err }, ErrOptions},
		{"rows below folds", func() error { _, err := Choose(ok, okY, Options{}); return err }, ErrOptions},
		{"negative isotonic rows", func() error { _, err := Choose(ok, okY, Options{Folds: 2, MinIsotonicRows: -1}); return err }, ErrOptions},
		{"choose logit of -1", func() error {
			_, err := Choose([]float64{-1, 0.4, 0.6, 0.8}, okY, Options{Folds: 2, Input: InputLogit})
			return err
		}, ErrProbability},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
}

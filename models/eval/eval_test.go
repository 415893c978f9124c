package eval

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// sample draws n rows: label y ~ Bernoulli(0.3), and a score that ranks
// positives higher by signal standard deviations, rounded to make ties.
func sample(n int, signal float64, seed uint64) (y, score []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	y = make([]float64, n)
	score = make([]float64, n)
	for i := range y {
		if rng.Float64() < 0.3 {
			y[i] = 1
		}
		score[i] = math.Round((signal*y[i]+rng.NormFloat64())*20) / 20
	}
	return y, score
}

func apply(v []float64, f func(float64) float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = f(x)
	}
	return out
}

func TestRankingProperties(t *testing.T) {
	y, s := sample(5000, 1, 7)
	auc, err := ROCAUC(y, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	ap, err := AveragePrecision(y, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The same labels ranked perfectly, in reverse, and by a constant.
	for _, tt := range []struct {
		name    string
		score   []float64
		auc, ap float64
	}{
		{"perfect", y, 1, 1},
		{"reversed", apply(y, func(v float64) float64 { return -v }), 0, -1},
		{"constant", apply(y, func(float64) float64 { return 0.5 }), 0.5, -1},
		// Strictly increasing transforms keep every order and tie.
		{"exp", apply(s, math.Exp), auc, ap},
		{"affine", apply(s, func(v float64) float64 { return 3*v - 7 }), auc, ap},
		{"logistic", apply(s, func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }), auc, ap},
	} {
		gotAUC, err := ROCAUC(y, tt.score, nil)
		if err != nil {
			t.Fatal(err)
		}
		if gotAUC != tt.auc {
			t.Errorf("%s: auc %v, want %v", tt.name, gotAUC, tt.auc)
		}
		if tt.ap < 0 {
			continue
		}
		gotAP, err := AveragePrecision(y, tt.score, nil)
		if err != nil {
			t.Fatal(err)
		}
		if gotAP != tt.ap {
			t.Errorf("%s: average precision %v, want %v", tt.name, gotAP, tt.ap)
		}
	}
	// A constant score has the precision of the base rate.
	pos := 0.0
	for _, v := range y {
		pos += v
	}
	if got, _ := AveragePrecision(y, apply(y, func(float64) float64 { return 1 }), nil); !near(got, pos/float64(len(y))) {
		t.Errorf("constant score: average precision %v, want the base rate %v", got, pos/float64(len(y)))
	}
}

func TestRandomScoreAUCNearHalf(t *testing.T) {
	y, s := sample(20000, 0, 11) // score independent of the label
	auc, err := ROCAUC(y, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The standard error of the AUC here is about 0.0045.
	if math.Abs(auc-0.5) > 0.02 {
		t.Errorf("auc of a random score %v, want about 0.5", auc)
	}
}

// Integer weights are the same as repeating rows.
func TestWeightsRepeatRows(t *testing.T) {
	y, s := sample(300, 1, 3)
	rng := rand.New(rand.NewPCG(5, 5))
	w := make([]float64, len(y))
	var ry, rs []float64
	for i := range y {
		w[i] = float64(rng.IntN(4)) // some rows weigh 0
		for range int(w[i]) {
			ry, rs = append(ry, y[i]), append(rs, s[i])
		}
	}
	p := apply(s, func(v float64) float64 { return 1 / (1 + math.Exp(-v)) })
	rp := apply(rs, func(v float64) float64 { return 1 / (1 + math.Exp(-v)) })
	for _, tt := range []struct {
		name string
		f    func(y, s, w []float64) (float64, error)
		s, r []float64
	}{
		{"roc auc", ROCAUC, s, rs},
		{"average precision", AveragePrecision, s, rs},
		{"log loss", LogLoss, p, rp},
		{"brier", BrierScore, p, rp},
		{"mae", MAE, s, rs},
		{"rmse", RMSE, s, rs},
	} {
		weighted, err := tt.f(y, tt.s, w)
		if err != nil {
			t.Fatal(err)
		}
		repeated, err := tt.f(ry, tt.r, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !near(weighted, repeated) {
			t.Errorf("%s: weighted %v, repeated rows %v", tt.name, weighted, repeated)
		}
	}
}

func TestProbabilityMetrics(t *testing.T) {
	y := []float64{1, 0, 1, 1, 0}
	half := []float64{0.5, 0.5, 0.5, 0.5, 0.5}
	if got, _ := LogLoss(y, half, nil); !near(got, math.Ln2) {
		t.Errorf("log loss of 0.5: %v, want ln 2", got)
	}
	if got, _ := BrierScore(y, half, nil); got != 0.25 {
		t.Errorf("brier of 0.5: %v, want 0.25", got)
	}
	if got, _ := LogLoss(y, y, nil); got > 1e-15 || got < 0 {
		t.Errorf("log loss of perfect predictions: %v, want about 0", got)
	}
	// A certain mistake is clipped, not infinite: -ln(eps) / 5 rows.
	wrong := []float64{0, 0, 1, 1, 0}
	if got, _ := LogLoss(y, wrong, nil); !near(got, -math.Log(LogLossEps)/5+4*-math.Log(1-LogLossEps)/5) {
		t.Errorf("log loss with one certain mistake: %v", got)
	}
	// One class alone is fine for probability metrics.
	if got, err := BrierScore([]float64{1, 1}, []float64{0.9, 0.7}, nil); err != nil || !near(got, (0.01+0.09)/2) {
		t.Errorf("brier of one class: %v, %v", got, err)
	}
}

func TestValueMetrics(t *testing.T) {
	y := []float64{10, 20, 30, 40}
	pred := []float64{12, 18, 30, 36}
	if got, _ := MAE(y, pred, nil); got != 2 {
		t.Errorf("mae %v, want 2", got)
	}
	if got, _ := RMSE(y, pred, nil); !near(got, math.Sqrt(6)) {
		t.Errorf("rmse %v, want sqrt 6", got)
	}
	if got, _ := MAE(y, pred, []float64{0, 0, 1, 1}); got != 2 {
		t.Errorf("weighted mae %v, want 2", got)
	}
}

func TestCalibrationOfCalibratedModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	n := 50000
	y, p := make([]float64, n), make([]float64, n)
	for i := range y {
		p[i] = rng.Float64()
		if rng.Float64() < p[i] {
			y[i] = 1
		}
	}
	for _, by := range []Binning{Uniform, Quantile} {
		bins, err := Calibration(y, p, 10, by)
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range bins {
			// 5000 rows a bin: the observed rate's standard error is < 0.008.
			if b.Count < 4000 || math.Abs(b.ObservedRate-b.MeanPredicted) > 0.03 {
				t.Errorf("binning %d bin %d: %+v", by, i, b)
			}
			if b.MeanPredicted < b.Lower || b.MeanPredicted > b.Upper {
				t.Errorf("binning %d bin %d: mean %v outside (%v, %v]", by, i, b.MeanPredicted, b.Lower, b.Upper)
			}
		}
	}
	// Edges go to the lower bin, as numpy.searchsorted(side="left") sends them.
	bins, _ := Calibration([]float64{0, 1, 1}, []float64{0, 0.5, 1}, 2, Uniform)
	if bins[0].Count != 2 || bins[1].Count != 1 {
		t.Errorf("edge rows: %+v", bins)
	}
}

func TestLiftProperties(t *testing.T) {
	y, s := sample(1003, 1, 13)
	rows, err := Lift(y, s, 10)
	if err != nil {
		t.Fatal(err)
	}
	pos, n := 0.0, 0
	for _, r := range rows {
		pos += r.Positives
		n += r.Rows
	}
	if n != len(y) || rows[9].Gains != 1 || rows[9].CumShare != 1 || !near(rows[9].CumLift, 1) {
		t.Errorf("last group: %+v, %d rows in all", rows[9], n)
	}
	if rows[0].Lift < 1.5 || rows[0].MaxScore < rows[0].MinScore || rows[0].MinScore < rows[1].MaxScore {
		t.Errorf("top decile %+v, second %+v", rows[0], rows[1])
	}
	// The table depends on the scores only, not on the order of the rows.
	perm := rand.New(rand.NewPCG(1, 2)).Perm(len(y))
	py, ps := make([]float64, len(y)), make([]float64, len(y))
	for i, j := range perm {
		py[i], ps[i] = y[j], s[j]
	}
	shuffled, err := Lift(py, ps, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows, shuffled) {
		t.Errorf("shuffled rows change the table:\n%+v\n%+v", rows, shuffled)
	}
	// A constant score spreads the positives evenly.
	flat, err := Lift(y, apply(s, func(float64) float64 { return 1 }), 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range flat {
		if !near(r.Lift, 1) || !near(r.CumLift, 1) {
			t.Errorf("constant score group %d: lift %v cumulative %v, want 1", r.Group, r.Lift, r.CumLift)
		}
	}
	// A perfect score puts every positive first.
	best, _ := Lift(y, y, 10)
	if best[0].Rate != 1 || best[0].Lift != float64(len(y))/pos {
		t.Errorf("perfect score top group: %+v", best[0])
	}
}

func TestPSIProperties(t *testing.T) {
	_, s := sample(2000, 0, 17)
	r, err := PSI(s, s, 10)
	if err != nil {
		t.Fatal(err)
	}
	if r.Value != 0 {
		t.Errorf("psi of a distribution against itself: %v", r.Value)
	}
	_, other := sample(2000, 0, 19)
	drift := apply(other, func(v float64) float64 { return v + 1 })
	same, _ := PSI(s, other, 10)
	moved, _ := PSI(s, drift, 10)
	if same.Value < 0 || same.Value > 0.05 || moved.Value < 0.25 {
		t.Errorf("psi of a second sample %v, of a shifted one %v", same.Value, moved.Value)
	}
	for i, c := range moved.Contribution {
		if c < 0 {
			t.Errorf("bin %d contributes %v < 0", i, c)
		}
	}
}

func TestBadInput(t *testing.T) {
	nan := math.NaN()
	score := []float64{0.1, 0.4, 0.35, 0.8}
	y := []float64{0, 0, 1, 1}
	binary := map[string]func(y, s, w []float64) (float64, error){
		"roc auc": ROCAUC, "average precision": AveragePrecision,
		"log loss": LogLoss, "brier": BrierScore,
	}
	tests := []struct {
		name    string
		y, s, w []float64
		want    error
		ranking bool // only the ranking metrics reject it
	}{
		{"empty", nil, nil, nil, ErrEmpty, false},
		{"length", y, score[:3], nil, ErrLength, false},
		{"nan score", y, []float64{0.1, nan, 0.3, 0.4}, nil, ErrNonFinite, false},
		{"infinite score", y, []float64{0.1, math.Inf(1), 0.3, 0.4}, nil, ErrNonFinite, false},
		{"nan label", []float64{0, nan, 1, 1}, score, nil, ErrNonFinite, false},
		{"label 2", []float64{0, 2, 1, 1}, score, nil, ErrLabel, false},
		{"single class", []float64{1, 1, 1, 1}, score, nil, ErrSingleClass, true},
		{"weights length", y, score, []float64{1, 1}, ErrLength, false},
		{"negative weight", y, score, []float64{1, -1, 1, 1}, ErrWeight, false},
		{"zero weights", y, score, []float64{0, 0, 0, 0}, ErrEmpty, false},
		{"nan weight", y, score, []float64{1, nan, 1, 1}, ErrNonFinite, false},
		{"positives weigh nothing", y, score, []float64{1, 1, 0, 0}, ErrSingleClass, true},
	}
	for _, tt := range tests {
		for name, f := range binary {
			_, err := f(tt.y, tt.s, tt.w)
			ranking := name == "roc auc" || name == "average precision"
			if tt.ranking && !ranking {
				continue
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("%s, %s: error %v, want %v", name, tt.name, err, tt.want)
			}
		}
	}
	if _, err := LogLoss(y, []float64{0.1, 1.5, 0.3, 0.4}, nil); !errors.Is(err, ErrProbability) {
		t.Errorf("probability 1.5: %v", err)
	}
	if _, err := MAE([]float64{1, nan}, []float64{1, 2}, nil); !errors.Is(err, ErrNonFinite) {
		t.Errorf("mae of NaN: %v", err)
	}
	if _, err := RMSE(nil, nil, nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("rmse of nothing: %v", err)
	}
	if _, err := Lift([]float64{0, 0, 0, 0}, score, 2); !errors.Is(err, ErrSingleClass) {
		t.Errorf("lift without positives: %v", err)
	}
	if _, err := Lift(y, score, 5); !errors.Is(err, ErrBins) {
		t.Errorf("5 groups of 4 rows: %v", err)
	}
	if _, err := Calibration(y, score, 0, Uniform); !errors.Is(err, ErrBins) {
		t.Errorf("0 bins: %v", err)
	}
	if _, err := PSI(score, []float64{nan}, 10); !errors.Is(err, ErrNonFinite) {
		t.Errorf("psi of NaN: %v", err)
	}
	if _, err := PSI(nil, score, 10); !errors.Is(err, ErrEmpty) {
		t.Errorf("psi of nothing: %v", err)
	}
}

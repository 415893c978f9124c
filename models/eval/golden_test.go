package eval

import (
	"math"
	"strconv"
	"testing"

	"github.com/segmint/segmint/lib/fixture"
)

// inputs are the columns of testdata/inputs.csv, written by
// testdata/golden.py.
type inputs struct {
	y, p, u, w, value, pred, expected, actual []float64
}

func readInputs(t *testing.T) inputs {
	t.Helper()
	rows := fixture.ReadCSV(t, "testdata/inputs.csv")
	var in inputs
	cols := []*[]float64{&in.y, &in.p, &in.u, &in.w, &in.value, &in.pred, &in.expected, &in.actual}
	for _, row := range rows[1:] {
		for j, c := range cols {
			v, err := strconv.ParseFloat(row[j], 64)
			if err != nil {
				t.Fatal(err)
			}
			*c = append(*c, v)
		}
	}
	if len(in.y) != 400 {
		t.Fatalf("read %d rows, want 400", len(in.y))
	}
	return in
}

// near reports whether got is within 1e-12 (relative, or absolute near 0)
// of want: the figures differ from scikit-learn's only by the order of
// floating-point sums.
func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-12*max(1, math.Abs(want))
}

// TestGoldenScikitLearn holds every metric to scikit-learn 1.2.1 on the same
// 400 rows (testdata/golden.py prints the figures).
func TestGoldenScikitLearn(t *testing.T) {
	in := readInputs(t)
	tests := []struct {
		name string
		f    func(y, s, w []float64) (float64, error)
		y, s []float64
		w    []float64
		want float64
	}{
		{"roc auc ties", ROCAUC, in.y, in.p, nil, 0.8163563030979147},
		{"roc auc ties weighted", ROCAUC, in.y, in.p, in.w, 0.8097111476042964},
		{"roc auc distinct", ROCAUC, in.y, in.u, nil, 0.820990302926285},
		{"average precision ties", AveragePrecision, in.y, in.p, nil, 0.6607450531388871},
		{"average precision ties weighted", AveragePrecision, in.y, in.p, in.w, 0.6500970502667793},
		{"average precision distinct", AveragePrecision, in.y, in.u, nil, 0.6826151635681148},
		{"log loss", LogLoss, in.y, in.p, nil, 0.6752310615961187},
		{"log loss weighted", LogLoss, in.y, in.p, in.w, 0.7204936195212135},
		{"brier", BrierScore, in.y, in.p, nil, 0.16815775},
		{"brier weighted", BrierScore, in.y, in.p, in.w, 0.16926073236982683},
		{"mae", MAE, in.value, in.pred, nil, 15.086775},
		{"mae weighted", MAE, in.value, in.pred, in.w, 15.118496769490442},
		{"rmse", RMSE, in.value, in.pred, nil, 19.300926525687828},
		{"rmse weighted", RMSE, in.value, in.pred, in.w, 19.17743641349075},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.f(tt.y, tt.s, tt.w)
			if err != nil {
				t.Fatal(err)
			}
			if !near(got, tt.want) {
				t.Errorf("got %.17g, scikit-learn %.17g", got, tt.want)
			}
		})
	}
}

func TestGoldenCalibration(t *testing.T) {
	in := readInputs(t)
	tests := []struct {
		by                  Binning
		observed, predicted []float64
	}{
		{Uniform,
			[]float64{0.041666666666666664, 0.06153846153846154, 0.12121212121212122, 0.22, 0.3728813559322034, 0.5102040816326531, 0.5333333333333333, 0.7619047619047619, 0.8571428571428571, 0.8571428571428571},
			[]float64{0.06875000000000002, 0.15753846153846154, 0.25333333333333335, 0.35059999999999986, 0.4555932203389831, 0.5536734693877552, 0.652, 0.7542857142857142, 0.8550000000000001, 0.9500000000000001}},
		{Quantile,
			[]float64{0.024390243902439025, 0.09302325581395349, 0.025, 0.1794871794871795, 0.25, 0.3, 0.48717948717948717, 0.6, 0.525, 0.7894736842105263},
			[]float64{0.09024390243902437, 0.16720930232558145, 0.22875, 0.2833333333333333, 0.35624999999999984, 0.4360000000000001, 0.5053846153846153, 0.5800000000000001, 0.6660000000000001, 0.8321052631578948}},
	}
	for _, tt := range tests {
		bins, err := Calibration(in.y, in.p, 10, tt.by)
		if err != nil {
			t.Fatal(err)
		}
		count := 0
		var obs, pred []float64
		for _, b := range bins {
			count += b.Count
			if b.Count > 0 { // calibration_curve leaves out empty bins
				obs = append(obs, b.ObservedRate)
				pred = append(pred, b.MeanPredicted)
			}
		}
		if count != len(in.y) {
			t.Errorf("binning %d: bins hold %d rows, want %d", tt.by, count, len(in.y))
		}
		if len(obs) != len(tt.observed) {
			t.Fatalf("binning %d: %d non-empty bins, scikit-learn %d", tt.by, len(obs), len(tt.observed))
		}
		for i := range obs {
			if !near(obs[i], tt.observed[i]) || !near(pred[i], tt.predicted[i]) {
				t.Errorf("binning %d bin %d: observed %v predicted %v, scikit-learn %v %v",
					tt.by, i, obs[i], pred[i], tt.observed[i], tt.predicted[i])
			}
		}
	}
}

func TestGoldenLift(t *testing.T) {
	in := readInputs(t)
	tests := []struct {
		name  string
		score []float64
		want  []float64
	}{
		{"ties", in.p, []float64{32.0, 20.999999999999993, 23.33333333333333, 18.866666666666667, 11.4, 9.4, 7.0, 1.5714285714285714, 3.428571428571429, 1.0}},
		{"distinct", in.u, []float64{32.0, 21.0, 23.0, 18.0, 13.0, 10.0, 7.0, 1.0, 4.0, 0.0}},
	}
	for _, tt := range tests {
		rows, err := Lift(in.y, tt.score, 10)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			if math.Abs(r.Positives-tt.want[i]) > 1e-9 {
				t.Errorf("%s decile %d: %v positives, numpy %v", tt.name, i+1, r.Positives, tt.want[i])
			}
		}
	}
}

func TestGoldenPSI(t *testing.T) {
	in := readInputs(t)
	round := func(v []float64) []float64 { // numpy.round: half to even
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = math.RoundToEven(x)
		}
		return out
	}
	shift := func(v []float64, d float64) []float64 {
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = x + d
		}
		return out
	}
	tests := []struct {
		name             string
		expected, actual []float64
		want             float64
		bins             int
	}{
		{"normal", in.expected, in.actual, 0.19448263159729276, 10},
		{"repeated edges", round(in.expected), round(in.actual), 0.17809583651275274, 4},
		{"empty bins", in.expected, shift(in.actual, 3), 6.47957646283361, 10},
	}
	for _, tt := range tests {
		r, err := PSI(tt.expected, tt.actual, 10)
		if err != nil {
			t.Fatal(err)
		}
		if !near(r.Value, tt.want) || len(r.Expected) != tt.bins {
			t.Errorf("%s: psi %.17g over %d bins, numpy %.17g over %d", tt.name, r.Value, len(r.Expected), tt.want, tt.bins)
		}
	}
}

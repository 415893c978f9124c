package eval

import (
	"errors"
	"math"
	"testing"
)

// TestROCCurveMatchesScikitLearn: the example of scikit-learn's roc_curve
// documentation, y = [0, 0, 1, 1] (there 1, 1, 2, 2 with pos_label=2),
// scores [0.1, 0.4, 0.35, 0.8]: fpr [0, 0, 0.5, 0.5, 1], tpr [0, 0.5, 0.5,
// 1, 1], thresholds [inf, 0.8, 0.4, 0.35, 0.1]; and a tie, y = [1, 0, 1,
// 0] with scores [0.5, 0.5, 0.9, 0.1], where roc_curve gives fpr [0, 0,
// 0.5, 1], tpr [0, 0.5, 1, 1] and thresholds [inf, 0.9, 0.5, 0.1].
func TestROCCurveMatchesScikitLearn(t *testing.T) {
	for _, tt := range []struct {
		name                string
		y, score            []float64
		fpr, tpr, threshold []float64
	}{
		{"docs", []float64{0, 0, 1, 1}, []float64{0.1, 0.4, 0.35, 0.8},
			[]float64{0, 0, 0.5, 0.5, 1}, []float64{0, 0.5, 0.5, 1, 1}, []float64{math.Inf(1), 0.8, 0.4, 0.35, 0.1}},
		{"tie", []float64{1, 0, 1, 0}, []float64{0.5, 0.5, 0.9, 0.1},
			[]float64{0, 0, 0.5, 1}, []float64{0, 0.5, 1, 1}, []float64{math.Inf(1), 0.9, 0.5, 0.1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ROCCurve(tt.y, tt.score, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.fpr) {
				t.Fatalf("%d points, want %d: %+v", len(got), len(tt.fpr), got)
			}
			for i, p := range got {
				if p.FPR != tt.fpr[i] || p.TPR != tt.tpr[i] || p.Threshold != tt.threshold[i] {
					t.Errorf("point %d = %+v, want fpr %v tpr %v threshold %v", i, p, tt.fpr[i], tt.tpr[i], tt.threshold[i])
				}
			}
		})
	}
}

// TestROCCurveAreaIsROCAUC: the trapezoid area under the curve is the
// ROC AUC, ties included.
func TestROCCurveAreaIsROCAUC(t *testing.T) {
	y, s := sample(3000, 1, 11)
	curve, err := ROCCurve(y, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	area := 0.0
	for i := 1; i < len(curve); i++ {
		area += (curve[i].FPR - curve[i-1].FPR) * (curve[i].TPR + curve[i-1].TPR) / 2
	}
	auc, err := ROCAUC(y, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(area-auc) > 1e-12 {
		t.Errorf("area %v, ROC AUC %v", area, auc)
	}
	if _, err := ROCCurve([]float64{1, 1}, []float64{0.2, 0.3}, nil); !errors.Is(err, ErrSingleClass) {
		t.Errorf("one class: err = %v, want ErrSingleClass", err)
	}
}

func TestThinKeepsEndsAndAtMostN(t *testing.T) {
	y, s := sample(5000, 1, 3)
	curve, err := ROCCurve(y, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(curve) <= ROCPoints {
		t.Fatalf("only %d points: the sample should have more distinct scores", len(curve))
	}
	thin := Thin(curve, ROCPoints)
	if len(thin) != ROCPoints || thin[0] != curve[0] || thin[len(thin)-1] != curve[len(curve)-1] {
		t.Fatalf("thinned to %d points, ends %+v %+v", len(thin), thin[0], thin[len(thin)-1])
	}
	for i := 1; i < len(thin); i++ {
		if thin[i].FPR < thin[i-1].FPR || thin[i].TPR < thin[i-1].TPR {
			t.Fatalf("point %d goes back: %+v after %+v", i, thin[i], thin[i-1])
		}
	}
	if short := Thin(curve[:5], ROCPoints); len(short) != 5 {
		t.Errorf("a short curve was changed: %d points", len(short))
	}
}

func TestEvaluateValueGroupsByPrediction(t *testing.T) {
	// 20 rows: prediction i, actual 2i; group 1 holds the two highest.
	var y, pred []float64
	for i := range 20 {
		pred = append(pred, float64(i))
		y = append(y, 2*float64(i))
	}
	ev, err := EvaluateValue(y, pred)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Value) != 10 || ev.Rows != 20 {
		t.Fatalf("%d groups of %d rows", len(ev.Value), ev.Rows)
	}
	first, last := ev.Value[0], ev.Value[9]
	if first.Rows != 2 || first.MeanPredicted != 18.5 || first.MeanActual != 37 {
		t.Errorf("group 1 = %+v, want 2 rows, predicted 18.5, actual 37", first)
	}
	if last.MeanPredicted != 0.5 || last.MeanActual != 1 {
		t.Errorf("group 10 = %+v, want predicted 0.5, actual 1", last)
	}
	if _, err := EvaluateValue(y[:5], pred[:5]); !errors.Is(err, ErrBins) {
		t.Errorf("5 rows: err = %v, want ErrBins", err)
	}
}

func TestEvaluateClassifierTables(t *testing.T) {
	y, s := sample(2000, 1.5, 5)
	p := apply(s, func(v float64) float64 { return 1 / (1 + math.Exp(-v)) })
	ev, err := EvaluateClassifier(y, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.ROC) > ROCPoints || len(ev.Lift) != 10 || len(ev.Calibration) != 10 || ev.Rows != 2000 {
		t.Fatalf("roc %d points, lift %d, calibration %d, rows %d", len(ev.ROC), len(ev.Lift), len(ev.Calibration), ev.Rows)
	}
	if ev.Lift[0].Lift <= 1 || ev.Lift[9].Lift >= 1 {
		t.Errorf("top decile lift %v, bottom %v: a signal should rank positives first", ev.Lift[0].Lift, ev.Lift[9].Lift)
	}
}

package eval

import (
	"cmp"
	"fmt"
	"slices"
)

// Evaluation is what a report draws of a model: its curves on the
// holdout it was measured on. A classifier has ROC, Lift and Calibration;
// a regression has Value.
type Evaluation struct {
	// Rows is the number of holdout rows.
	Rows int `json:"rows"`
	// ROC is the ROC curve thinned to at most ROCPoints points.
	ROC []ROCPoint `json:"roc,omitempty"`
	// Lift is the lift table by decile of score.
	Lift []LiftRow `json:"lift,omitempty"`
	// Calibration is the table of 10 equal-width bins of probability.
	Calibration []CalibrationBin `json:"calibration,omitempty"`
	// Value is predicted against actual value by decile of prediction.
	Value []ValueBin `json:"value,omitempty"`
}

// ROCPoints is the most points an Evaluation keeps of a ROC curve.
const ROCPoints = 101

// evaluationBins is the number of groups of the lift, calibration and
// value tables.
const evaluationBins = 10

// ValueBin is one group of rows ranked by predicted value, highest first:
// the mean prediction against the mean of what happened.
type ValueBin struct {
	Group         int     `json:"group"`
	Rows          int     `json:"rows"`
	MeanPredicted float64 `json:"mean_predicted"`
	MeanActual    float64 `json:"mean_actual"`
}

// EvaluateClassifier is the evaluation of probabilities p of 0/1 labels y:
// the ROC curve, lift by decile and calibration in 10 equal-width bins.
func EvaluateClassifier(y, p []float64) (*Evaluation, error) {
	roc, err := ROCCurve(y, p, nil)
	if err != nil {
		return nil, err
	}
	lift, err := Lift(y, p, evaluationBins)
	if err != nil {
		return nil, err
	}
	cal, err := Calibration(y, p, evaluationBins, Uniform)
	if err != nil {
		return nil, err
	}
	return &Evaluation{Rows: len(y), ROC: Thin(roc, ROCPoints), Lift: lift, Calibration: cal}, nil
}

// EvaluateValue is the evaluation of value predictions pred of true
// values y: the rows ranked by prediction, highest first (ties by input
// order), cut into 10 groups of equal size as Lift cuts them.
func EvaluateValue(y, pred []float64) (*Evaluation, error) {
	if err := pair("y", y, "prediction", pred); err != nil {
		return nil, fmt.Errorf("value evaluation: %w", err)
	}
	n := len(y)
	if n < evaluationBins {
		return nil, fmt.Errorf("value evaluation: %d rows for %d groups: %w", n, evaluationBins, ErrBins)
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(pred[b], pred[a]) })
	out := make([]ValueBin, evaluationBins)
	for g := range out {
		lo, hi := cut(g, n, evaluationBins), cut(g+1, n, evaluationBins)
		b := ValueBin{Group: g + 1, Rows: hi - lo}
		for _, i := range order[lo:hi] {
			b.MeanPredicted += pred[i]
			b.MeanActual += y[i]
		}
		b.MeanPredicted /= float64(b.Rows)
		b.MeanActual /= float64(b.Rows)
		out[g] = b
	}
	return &Evaluation{Rows: n, Value: out}, nil
}

package eval

import (
	"fmt"
	"math"
)

// ROCPoint is one point of a ROC curve: the false and true positive rates
// of predicting positive for every score at or above Threshold.
type ROCPoint struct {
	FPR       float64 `json:"fpr"`
	TPR       float64 `json:"tpr"`
	Threshold float64 `json:"-"`
}

// ROCCurve is the ROC curve of scores against 0/1 labels y, with optional
// weights w (nil for none), as scikit-learn's roc_curve with
// drop_intermediate=False: a point per distinct score, highest first,
// after the origin, whose threshold is +Inf (scikit-learn 1.3 and later).
// Both classes must be present.
func ROCCurve(y, score, w []float64) ([]ROCPoint, error) {
	groups, pos, neg, err := rankInput(y, score, w)
	if err != nil {
		return nil, fmt.Errorf("roc curve: %w", err)
	}
	out := make([]ROCPoint, 0, len(groups)+1)
	out = append(out, ROCPoint{Threshold: math.Inf(1)})
	tp, fp := 0.0, 0.0
	for _, g := range groups {
		tp += g.pos
		fp += g.neg
		out = append(out, ROCPoint{FPR: fp / neg, TPR: tp / pos, Threshold: g.score})
	}
	return out, nil
}

// Thin keeps at most n points of a curve (n >= 2): the first, the last
// and the points at evenly spaced positions between, so that a chart of
// many thousand thresholds stays small and keeps its shape.
func Thin(curve []ROCPoint, n int) []ROCPoint {
	if n < 2 || len(curve) <= n {
		return curve
	}
	out := make([]ROCPoint, n)
	last := len(curve) - 1
	for i := range out {
		out[i] = curve[(i*last+(n-1)/2)/(n-1)]
	}
	return out
}

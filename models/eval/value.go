package eval

import (
	"fmt"
	"math"
)

// valueInput checks true values y against predictions pred with optional
// weights w and returns the total weight.
func valueInput(y, pred, w []float64) (float64, error) {
	if err := pair("y", y, "prediction", pred); err != nil {
		return 0, err
	}
	if err := weights(w, len(y)); err != nil {
		return 0, err
	}
	return total(w, len(y)), nil
}

// MAE is the mean absolute error of value predictions pred against true
// values y, weighted by w (nil for none), in the units of y.
func MAE(y, pred, w []float64) (float64, error) {
	sumW, err := valueInput(y, pred, w)
	if err != nil {
		return 0, fmt.Errorf("mae: %w", err)
	}
	s := 0.0
	for i := range y {
		s += weight(w, i) * math.Abs(pred[i]-y[i])
	}
	return s / sumW, nil
}

// RMSE is the root mean squared error of value predictions pred against true
// values y, weighted by w (nil for none), in the units of y.
func RMSE(y, pred, w []float64) (float64, error) {
	sumW, err := valueInput(y, pred, w)
	if err != nil {
		return 0, fmt.Errorf("rmse: %w", err)
	}
	return math.Sqrt(sumSquares(y, pred, w) / sumW), nil
}

// sumSquares is the weighted sum of squared differences between y and pred.
func sumSquares(y, pred, w []float64) float64 {
	s := 0.0
	for i := range y {
		d := pred[i] - y[i]
		s += weight(w, i) * d * d
	}
	return s
}

package eval

import (
	"fmt"
	"math"
)

// LogLossEps is the clipping bound of LogLoss: the float64 machine epsilon,
// scikit-learn 1.2's eps="auto".
const LogLossEps = 0x1p-52

// probInput checks 0/1 labels y against probabilities p with optional
// weights w and returns the total weight.
func probInput(y, p, w []float64) (float64, error) {
	if err := pair("y", y, "p", p); err != nil {
		return 0, err
	}
	if _, err := labels(y); err != nil {
		return 0, err
	}
	if err := probabilities(p); err != nil {
		return 0, err
	}
	if err := weights(w, len(y)); err != nil {
		return 0, err
	}
	return total(w, len(y)), nil
}

// total is the sum of the weights, or n when w is nil.
func total(w []float64, n int) float64 {
	if w == nil {
		return float64(n)
	}
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	return sum
}

// LogLoss is the mean negative log-likelihood of 0/1 labels y under
// predicted probabilities p of the positive class, weighted by w (nil for
// none). Probabilities are clipped to [LogLossEps, 1-LogLossEps] first, as
// scikit-learn does, so a confident mistake costs about 36 instead of
// infinity. One class alone is allowed.
func LogLoss(y, p, w []float64) (float64, error) {
	sumW, err := probInput(y, p, w)
	if err != nil {
		return 0, fmt.Errorf("log loss: %w", err)
	}
	loss := 0.0
	for i, yi := range y {
		q := min(max(p[i], LogLossEps), 1-LogLossEps)
		if yi == 0 {
			q = 1 - q
		}
		loss -= weight(w, i) * math.Log(q)
	}
	return loss / sumW, nil
}

// BrierScore is the mean squared difference between predicted probabilities
// p and 0/1 labels y, weighted by w (nil for none): 0 is perfect, 0.25 is
// what a constant 0.5 scores. One class alone is allowed.
func BrierScore(y, p, w []float64) (float64, error) {
	sumW, err := probInput(y, p, w)
	if err != nil {
		return 0, fmt.Errorf("brier score: %w", err)
	}
	return sumSquares(y, p, w) / sumW, nil
}

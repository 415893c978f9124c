package calibrate

import (
	"errors"
	"fmt"
	"math"
)

// Errors the functions wrap; test with errors.Is.
var (
	// ErrEmpty: there are no rows.
	ErrEmpty = errors.New("no rows")
	// ErrLength: scores and labels have different lengths.
	ErrLength = errors.New("length mismatch")
	// ErrNonFinite: a score is NaN or infinite.
	ErrNonFinite = errors.New("NaN or infinite score")
	// ErrLabel: a label is neither 0 nor 1.
	ErrLabel = errors.New("label is not 0 or 1")
	// ErrProbability: a score read as a probability is outside [0, 1].
	ErrProbability = errors.New("probability outside [0, 1]")
	// ErrSingleClass: Choose needs both classes among the labels.
	ErrSingleClass = errors.New("only one class present")
	// ErrOptions: the options of Choose are unusable.
	ErrOptions = errors.New("bad options")
	// ErrCalibrator: a calibrator is malformed (unknown kind, missing or
	// non-finite parameters, unordered breakpoints).
	ErrCalibrator = errors.New("invalid calibrator")
)

// checkPairs checks non-empty finite scores against 0/1 labels of the same
// length.
func checkPairs(scores, labels []float64) error {
	if len(scores) == 0 {
		return ErrEmpty
	}
	if len(scores) != len(labels) {
		return fmt.Errorf("%d scores, %d labels: %w", len(scores), len(labels), ErrLength)
	}
	if err := checkFinite(scores); err != nil {
		return err
	}
	return checkLabels(labels)
}

// checkFinite reports the first NaN or infinite score.
func checkFinite(scores []float64) error {
	for i, s := range scores {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			return fmt.Errorf("score %d is %v: %w", i, s, ErrNonFinite)
		}
	}
	return nil
}

// checkLabels reports the first label that is not 0 or 1.
func checkLabels(labels []float64) error {
	for i, y := range labels {
		if y != 0 && y != 1 {
			return fmt.Errorf("label %d is %v: %w", i, y, ErrLabel)
		}
	}
	return nil
}

// checkProbabilities reports the first score outside [0, 1].
func checkProbabilities(scores []float64) error {
	if i := firstNonProbability(scores); i >= 0 {
		return fmt.Errorf("score %d is %v: %w", i, scores[i], ErrProbability)
	}
	return nil
}

// firstNonProbability is the index of the first score outside [0, 1] (NaN
// included), or -1.
func firstNonProbability(scores []float64) int {
	for i, s := range scores {
		if !(s >= 0 && s <= 1) {
			return i
		}
	}
	return -1
}

// countPositives is the number of labels equal to 1.
func countPositives(labels []float64) int {
	n := 0
	for _, y := range labels {
		if y == 1 {
			n++
		}
	}
	return n
}

package eval

import (
	"errors"
	"fmt"
	"math"
)

// Errors the metrics wrap; test with errors.Is.
var (
	// ErrEmpty: there are no rows (or, for weighted metrics, no weight).
	ErrEmpty = errors.New("no rows")
	// ErrLength: the slices passed together have different lengths.
	ErrLength = errors.New("length mismatch")
	// ErrNonFinite: a value is NaN or infinite.
	ErrNonFinite = errors.New("NaN or infinite value")
	// ErrLabel: a binary label is neither 0 nor 1.
	ErrLabel = errors.New("label is not 0 or 1")
	// ErrSingleClass: the labels hold one class where the metric needs both.
	ErrSingleClass = errors.New("only one class present")
	// ErrProbability: a predicted probability is outside [0, 1].
	ErrProbability = errors.New("probability outside [0, 1]")
	// ErrWeight: a weight is negative.
	ErrWeight = errors.New("negative weight")
	// ErrBins: the number of bins or groups is unusable.
	ErrBins = errors.New("bad number of bins")
)

// finite checks that v is non-empty and holds no NaN or infinity.
func finite(name string, v []float64) error {
	if len(v) == 0 {
		return fmt.Errorf("%s: %w", name, ErrEmpty)
	}
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%s row %d is %v: %w", name, i, x, ErrNonFinite)
		}
	}
	return nil
}

// sameLength checks that b has as many rows as a.
func sameLength(aName string, a []float64, bName string, b []float64) error {
	if len(a) != len(b) {
		return fmt.Errorf("%s has %d rows, %s has %d: %w", aName, len(a), bName, len(b), ErrLength)
	}
	return nil
}

// pair checks two finite slices of equal, non-zero length.
func pair(aName string, a []float64, bName string, b []float64) error {
	if err := sameLength(aName, a, bName, b); err != nil {
		return err
	}
	if err := finite(aName, a); err != nil {
		return err
	}
	return finite(bName, b)
}

// labels checks that every y is 0 or 1 and returns the number of positives.
func labels(y []float64) (int, error) {
	pos := 0
	for i, v := range y {
		switch v {
		case 1:
			pos++
		case 0:
		default:
			return 0, fmt.Errorf("y row %d is %v: %w", i, v, ErrLabel)
		}
	}
	return pos, nil
}

// bothClasses checks that y is 0/1 and holds both classes.
func bothClasses(y []float64) error {
	pos, err := labels(y)
	if err != nil {
		return err
	}
	if pos == 0 || pos == len(y) {
		return fmt.Errorf("y has %d positives among %d rows: %w", pos, len(y), ErrSingleClass)
	}
	return nil
}

// weights checks w against n rows: nil is allowed (unit weights); otherwise
// it must have n finite, non-negative values with a positive sum.
func weights(w []float64, n int) error {
	if w == nil {
		return nil
	}
	if len(w) != n {
		return fmt.Errorf("weights have %d rows, y has %d: %w", len(w), n, ErrLength)
	}
	if err := finite("weight", w); err != nil {
		return err
	}
	sum := 0.0
	for i, x := range w {
		if x < 0 {
			return fmt.Errorf("weight row %d is %v: %w", i, x, ErrWeight)
		}
		sum += x
	}
	if sum == 0 {
		return fmt.Errorf("weights sum to zero: %w", ErrEmpty)
	}
	return nil
}

// probabilities checks that every p is in [0, 1].
func probabilities(p []float64) error {
	for i, x := range p {
		if x < 0 || x > 1 {
			return fmt.Errorf("p row %d is %v: %w", i, x, ErrProbability)
		}
	}
	return nil
}

// weight returns w[i], or 1 when w is nil.
func weight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

package uplift

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/stat/distuv"
)

// Level is the confidence level of every interval in this package.
const Level = 0.95

// ErrEmptyGroup means a group has no people, so it has no rate or mean.
var ErrEmptyGroup = errors.New("empty group")

// ErrTooFew means a group has one person: a mean exists but its variance,
// and so Welch's interval, does not.
var ErrTooFew = errors.New("fewer than two people in a group")

// ErrInvalid means an input is out of its domain (negative count, more
// conversions than people, a share outside (0, 1), a non-finite value).
var ErrInvalid = errors.New("invalid input")

// Interval is a point estimate with its two-sided 95% confidence interval.
type Interval struct {
	Estimate float64 `json:"estimate"`
	Lo       float64 `json:"lo"`
	Hi       float64 `json:"hi"`
}

// Contains reports whether v lies in [Lo, Hi].
func (iv Interval) Contains(v float64) bool { return iv.Lo <= v && v <= iv.Hi }

// zCrit is the standard normal quantile for a two-sided Level interval
// (1.959964...).
func zCrit() float64 { return distuv.UnitNormal.Quantile(1 - (1-Level)/2) }

// twoSidedNormal is the two-sided p-value of a standard normal statistic,
// from the lower tail so that small p-values keep their precision.
func twoSidedNormal(z float64) float64 {
	if z > 0 {
		z = -z
	}
	return 2 * distuv.UnitNormal.CDF(z)
}

// checkGroups validates both groups and names the one that fails.
func checkGroups(treated, control interface{ validate() error }) error {
	if err := treated.validate(); err != nil {
		return fmt.Errorf("treated group: %w", err)
	}
	if err := control.validate(); err != nil {
		return fmt.Errorf("control group: %w", err)
	}
	return nil
}

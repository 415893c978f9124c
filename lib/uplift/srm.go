package uplift

import (
	"fmt"

	"gonum.org/v1/gonum/stat/distuv"
)

// DefaultSRMThreshold is the p-value below which SampleRatio flags a
// sample-ratio mismatch when no threshold is given. It is strict on
// purpose: the check runs on every measurement, and a split that is truly
// off by a few percent at segment sizes of thousands gives p-values far
// below it.
const DefaultSRMThreshold = 0.001

// SRMResult is the sample-ratio mismatch check of one measurement: are
// the realised group sizes plausible under the configured control share?
type SRMResult struct {
	Treated              int64   `json:"treated"`
	Control              int64   `json:"control"`
	ControlShare         float64 `json:"control_share"`
	ObservedControlShare float64 `json:"observed_control_share"`
	ChiSquare            float64 `json:"chi_square"`
	PValue               float64 `json:"p_value"`
	Threshold            float64 `json:"threshold"`
	// Flag is PValue < Threshold: the split is not what was configured,
	// and the comparison of the groups should not be trusted.
	Flag bool `json:"flag"`
}

// SampleRatio tests the observed group sizes against the configured
// control share with Pearson's chi-square goodness of fit on 1 degree of
// freedom: sum over both groups of (observed - expected)^2 / expected.
// threshold 0 means DefaultSRMThreshold; otherwise it must lie in (0, 1).
func SampleRatio(treated, control int64, controlShare, threshold float64) (SRMResult, error) {
	if threshold == 0 {
		threshold = DefaultSRMThreshold
	}
	if err := checkSRMInput(treated, control, controlShare, threshold); err != nil {
		return SRMResult{}, err
	}
	chi2 := chiSquare(treated, control, controlShare)
	p := distuv.ChiSquared{K: 1}.Survival(chi2)
	return SRMResult{
		Treated: treated, Control: control, ControlShare: controlShare,
		ChiSquare: chi2, ObservedControlShare: float64(control) / float64(treated+control),
		PValue: p, Threshold: threshold, Flag: p < threshold,
	}, nil
}

// chiSquare is Pearson's statistic of the two observed group sizes
// against their expected sizes under the control share.
func chiSquare(treated, control int64, share float64) float64 {
	n := float64(treated + control)
	return sqDevOver(float64(control), n*share) + sqDevOver(float64(treated), n*(1-share))
}

// checkSRMInput rejects negative counts, no people at all, and a share or
// threshold outside (0, 1).
func checkSRMInput(treated, control int64, share, threshold float64) error {
	switch {
	case treated < 0 || control < 0:
		return fmt.Errorf("group sizes %d and %d: %w", treated, control, ErrInvalid)
	case treated+control == 0:
		return fmt.Errorf("no people in either group: %w", ErrEmptyGroup)
	case !(share > 0 && share < 1):
		return fmt.Errorf("control share %v: %w", share, ErrInvalid)
	case !(threshold > 0 && threshold < 1):
		return fmt.Errorf("threshold %v: %w", threshold, ErrInvalid)
	}
	return nil
}

// sqDevOver is (observed - expected)^2 / expected.
func sqDevOver(observed, expected float64) float64 {
	d := observed - expected
	return d * d / expected
}

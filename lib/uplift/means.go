package uplift

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// MeansResult compares a per-person mean (orders or revenue per person,
// people without any counted as 0) between the treated and control groups.
type MeansResult struct {
	TreatedN    int64   `json:"treated_n"`
	ControlN    int64   `json:"control_n"`
	TreatedMean float64 `json:"treated_mean"`
	ControlMean float64 `json:"control_mean"`
	TreatedSD   float64 `json:"treated_sd"`
	ControlSD   float64 `json:"control_sd"`
	// Diff is treated mean - control mean with Welch's t interval.
	Diff Interval `json:"diff"`
	// StdErr is the standard error of Diff, sqrt(s1^2/n1 + s0^2/n0); the
	// t statistic is Diff.Estimate / StdErr.
	StdErr float64 `json:"std_err"`
	// DF is the Welch-Satterthwaite degrees of freedom; nil when both
	// groups are constant (no variance to weigh).
	DF *float64 `json:"df"`
	// Relative is Diff.Estimate / control mean; nil when the control mean
	// is 0.
	Relative *float64 `json:"relative"`
	// PValue is the two-sided p-value of equal means (Welch's t-test).
	PValue float64 `json:"p_value"`
}

// MeansOf compares per-person values of the two groups; see Means.
func MeansOf(treated, control []float64) (MeansResult, error) {
	return Means(MomentsOf(treated), MomentsOf(control))
}

// Means compares two groups by Welch's unequal-variance t: with
// v = s^2/n per group, the difference d has standard error
// sqrt(v1 + v0) and Welch-Satterthwaite degrees of freedom
// (v1 + v0)^2 / (v1^2/(n1-1) + v0^2/(n0-1)).
//
// Each group needs at least two people (ErrEmptyGroup, ErrTooFew) and
// finite moments (ErrInvalid). When both groups are constant the standard
// error is 0: the interval is the point d and the p-value is 1 if d is 0
// and 0 otherwise.
func Means(treated, control Moments) (MeansResult, error) {
	if err := checkGroups(treated, control); err != nil {
		return MeansResult{}, err
	}
	r := MeansResult{
		TreatedN: treated.N, ControlN: control.N,
		TreatedMean: treated.Mean, ControlMean: control.Mean,
		TreatedSD: treated.SD(), ControlSD: control.SD(),
	}
	r.Diff, r.StdErr, r.DF, r.PValue = welch(treated, control)
	r.Relative = relativeTo(r.Diff.Estimate, control.Mean)
	return r, nil
}

// validate checks that a group can enter Welch's test.
func (m Moments) validate() error {
	switch {
	case m.N < 0 || isNonFinite(m.Mean) || isNonFinite(m.M2) || m.M2 < 0:
		return fmt.Errorf("moments %+v: %w", m, ErrInvalid)
	case m.N == 0:
		return ErrEmptyGroup
	case m.N == 1:
		return ErrTooFew
	}
	return nil
}

// welch is the difference of means with its interval, standard error,
// degrees of freedom and two-sided p-value.
func welch(t, c Moments) (diff Interval, se float64, df *float64, p float64) {
	d := t.Mean - c.Mean
	v1 := t.Variance() / float64(t.N)
	v0 := c.Variance() / float64(c.N)
	se = math.Sqrt(v1 + v0)
	if se == 0 {
		return Interval{Estimate: d, Lo: d, Hi: d}, 0, nil, constantP(d)
	}
	nu := welchDF(v1/(v1+v0), v0/(v1+v0), t.N, c.N)
	half := tQuantile(1-(1-Level)/2, nu) * se
	p = tTwoSided(d/se, nu)
	return Interval{Estimate: d, Lo: d - half, Hi: d + half}, se, &nu, p
}

// welchDF is the Welch-Satterthwaite degrees of freedom written with each
// group's share w of the squared standard error, which neither overflows
// nor underflows for extreme variances: 1 / (w1^2/(n1-1) + w0^2/(n0-1)).
func welchDF(w1, w0 float64, n1, n0 int64) float64 {
	return 1 / (w1*w1/float64(n1-1) + w0*w0/float64(n0-1))
}

// normalDF is the degrees of freedom beyond which Student's t is replaced
// by the standard normal. They agree there to about 1e-6 (the 97.5%
// quantiles are 1.9599664 and 1.9599640), while gonum's incomplete beta
// drifts for huge nu and breaks down near 1e15 (probabilities above 1).
// Welch's df never exceeds n1 + n0 - 2, so only groups of hundreds of
// thousands of people reach it.
const normalDF = 1e6

// tQuantile is the p quantile of Student's t on nu degrees of freedom.
func tQuantile(p, nu float64) float64 {
	if nu > normalDF {
		return distuv.UnitNormal.Quantile(p)
	}
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}.Quantile(p)
}

// tTwoSided is the two-sided p-value of a t statistic on nu degrees of
// freedom.
func tTwoSided(t, nu float64) float64 {
	if nu > normalDF {
		return twoSidedNormal(t)
	}
	return 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}.Survival(math.Abs(t))
}

// constantP is the p-value of equal means between two constant groups.
func constantP(d float64) float64 {
	if d == 0 {
		return 1
	}
	return 0
}

// relativeTo is d / base, or nil when base is 0.
func relativeTo(d, base float64) *float64 {
	if base == 0 {
		return nil
	}
	r := d / base
	return &r
}

// isNonFinite reports NaN or an infinity.
func isNonFinite(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }

package uplift

import (
	"fmt"
	"math"
)

// Binary is one group's binary outcome: N people, Converted of whom
// converted in the window.
type Binary struct {
	N         int64 `json:"n"`
	Converted int64 `json:"converted"`
}

// Rate is Converted / N (0 when N is 0; Conversion rejects that case).
func (b Binary) Rate() float64 {
	if b.N == 0 {
		return 0
	}
	return float64(b.Converted) / float64(b.N)
}

// validate reports an empty group or impossible counts.
func (b Binary) validate() error {
	if b.N < 0 || b.Converted < 0 || b.Converted > b.N {
		return fmt.Errorf("%d converted of %d: %w", b.Converted, b.N, ErrInvalid)
	}
	if b.N == 0 {
		return ErrEmptyGroup
	}
	return nil
}

// ConversionResult compares the conversion rate of the treated group (p1)
// with that of the control group (p0).
type ConversionResult struct {
	Treated     Binary  `json:"treated"`
	Control     Binary  `json:"control"`
	TreatedRate float64 `json:"treated_rate"`
	ControlRate float64 `json:"control_rate"`
	// Diff is p1 - p0 with Newcombe's hybrid score interval.
	Diff Interval `json:"diff"`
	// Relative is p1/p0 - 1 with Katz's log interval; nil when p0 or p1
	// is 0 (the ratio or its log does not exist) or both are 1 (the log
	// variance is 0 and the interval would claim certainty).
	Relative *Interval `json:"relative"`
	// PValue is the two-sided p-value of p1 = p0 (pooled two-proportion
	// z-test). It and Diff come from different constructions, so right at
	// the 5% boundary Diff may hold 0 while PValue < 0.05, or the reverse.
	PValue float64 `json:"p_value"`
}

// Conversion compares treated with control conversion. It fails with
// ErrEmptyGroup when a group has no people and ErrInvalid on impossible
// counts.
//
// The difference uses Newcombe's hybrid score interval (method 10 of
// Newcombe 1998, Stat Med 17:873-890): the Wilson intervals [l1, u1] and
// [l0, u0] of each rate are combined into
//
//	[d - sqrt((p1-l1)^2 + (u0-p0)^2),  d + sqrt((u1-p1)^2 + (p0-l0)^2)].
//
// Unlike the Wald interval it stays inside [-1, 1], is not degenerate at 0
// or n conversions, and keeps close to 95% coverage at small counts, which
// matter for small segments and rare conversions; it needs no iteration.
func Conversion(treated, control Binary) (ConversionResult, error) {
	if err := checkGroups(treated, control); err != nil {
		return ConversionResult{}, err
	}
	return ConversionResult{
		Treated: treated, Control: control,
		TreatedRate: treated.Rate(), ControlRate: control.Rate(),
		Diff:     newcombe(treated, control),
		Relative: katz(treated, control),
		PValue:   pooledZTest(treated, control),
	}, nil
}

// Wilson is the Wilson score interval (without continuity correction) of
// the rate x/n: the 95% interval Newcombe (1998, method 3) recommends for
// a single proportion.
func Wilson(x, n int64) (Interval, error) {
	b := Binary{N: n, Converted: x}
	if err := b.validate(); err != nil {
		return Interval{}, err
	}
	lo, hi := wilson(b)
	return Interval{Estimate: b.Rate(), Lo: lo, Hi: hi}, nil
}

// wilson is the Wilson interval of a valid group: the roots of
// |p - p̂| = z sqrt(p(1-p)/n), clamped to [0, 1] against rounding.
func wilson(b Binary) (lo, hi float64) {
	z := zCrit()
	n, x := float64(b.N), float64(b.Converted)
	z2 := z * z
	centre := (x + z2/2) / (n + z2)
	half := z * math.Sqrt(x*(n-x)/n+z2/4) / (n + z2)
	lo, hi = math.Max(0, centre-half), math.Min(1, centre+half)
	if x == 0 {
		lo = 0 // exact: centre and half are equal but may round apart
	}
	if x == n {
		hi = 1
	}
	return lo, hi
}

// newcombe is the hybrid score interval of p1 - p0 (method 10).
func newcombe(t, c Binary) Interval {
	p1, p0 := t.Rate(), c.Rate()
	l1, u1 := wilson(t)
	l0, u0 := wilson(c)
	d := p1 - p0
	return Interval{
		Estimate: d,
		Lo:       d - math.Hypot(p1-l1, u0-p0),
		Hi:       d + math.Hypot(u1-p1, p0-l0),
	}
}

// katz is p1/p0 - 1 with the delta-method interval on log(p1/p0), whose
// variance is 1/x1 - 1/n1 + 1/x0 - 1/n0 (Katz et al. 1978, Biometrics
// 34:469-474); nil when a group has no conversions or everybody in both
// groups converted.
func katz(t, c Binary) *Interval {
	if t.Converted == 0 || c.Converted == 0 {
		return nil
	}
	v := 1/float64(t.Converted) - 1/float64(t.N) + 1/float64(c.Converted) - 1/float64(c.N)
	if v <= 0 {
		return nil
	}
	logRR := math.Log(t.Rate() / c.Rate())
	half := zCrit() * math.Sqrt(v)
	return &Interval{
		Estimate: math.Exp(logRR) - 1,
		Lo:       math.Exp(logRR-half) - 1,
		Hi:       math.Exp(logRR+half) - 1,
	}
}

// pooledZTest is the two-sided p-value of the pooled two-proportion
// z-test, z = (p1 - p0) / sqrt(p(1-p)(1/n1 + 1/n0)) with p the pooled rate.
// When nobody or everybody converted the rates are equal and there is no
// evidence of a difference: the p-value is 1.
func pooledZTest(t, c Binary) float64 {
	n1, n0 := float64(t.N), float64(c.N)
	p := float64(t.Converted+c.Converted) / (n1 + n0)
	se := math.Sqrt(p * (1 - p) * (1/n1 + 1/n0))
	if se == 0 {
		return 1
	}
	return twoSidedNormal((t.Rate() - c.Rate()) / se)
}

package uplift

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

// near fails the test when got is further than tol from want.
func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol || math.IsNaN(got) {
		t.Errorf("%s = %.9g, want %.9g ± %g", what, got, want, tol)
	}
}

// noDifference checks what identical groups give: a difference of 0 with a
// p-value of 1, in an interval symmetric about 0.
func noDifference(t *testing.T, diff Interval, p float64) {
	t.Helper()
	if diff.Estimate != 0 || p != 1 {
		t.Errorf("identical groups: diff %g p %g, want 0 and 1", diff.Estimate, p)
	}
	near(t, "symmetry", diff.Lo, -diff.Hi, 1e-15)
}

// Published values are given to 4 decimals, so they are matched to half a
// unit in the last place.
const fourDecimals = 0.5e-4

func TestWilsonKnownAnswers(t *testing.T) {
	cases := []struct {
		x, n   int64
		lo, hi float64
	}{
		// Newcombe (1998), "Two-sided confidence intervals for the single
		// proportion", Stat Med 17:857-872, Table I, method 3 (score).
		{81, 263, 0.2553, 0.3662},
		// 0 of n by hand: with x = 0 the centre (z^2/2)/(n+z^2) equals the
		// half-width, so the limits are 0 and z^2/(n+z^2) =
		// 3.841459/13.841459 = 0.27753.
		{0, 10, 0, 0.2775},
		// n of n mirrors it.
		{10, 10, 1 - 0.2775, 1},
	}
	for _, c := range cases {
		iv, err := Wilson(c.x, c.n)
		if err != nil {
			t.Fatal(err)
		}
		near(t, "wilson lo", iv.Lo, c.lo, fourDecimals)
		near(t, "wilson hi", iv.Hi, c.hi, fourDecimals)
	}
	if iv, _ := Wilson(0, 10); iv.Lo != 0 {
		t.Errorf("0 of 10: lower limit %g, want exactly 0", iv.Lo)
	}
}

func TestConversionNewcombeExamples(t *testing.T) {
	cases := []struct {
		name             string
		treated, control Binary
		d, lo, hi        float64
	}{
		// Newcombe (1998), Stat Med 17:873-890, Table II, method 10; the
		// same figures are asserted by the propint R package's tests.
		{"56/70 vs 48/80", Binary{70, 56}, Binary{80, 48}, 0.2, 0.0524, 0.3339},
		{"9/10 vs 3/10", Binary{10, 9}, Binary{10, 3}, 0.6, 0.1705, 0.8090},
		// Zero conversions in both groups, by hand: Wilson upper limits
		// z^2/(n+z^2) are 0.27753 (n=10) and 0.16113 (n=20), lower 0, so
		// lo = 0 - sqrt(0^2 + 0.16113^2), hi = 0 + sqrt(0.27753^2 + 0^2)
		// (also Newcombe's Table II example (e)).
		{"0/10 vs 0/20", Binary{10, 0}, Binary{20, 0}, 0, -0.1611, 0.2775},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Conversion(c.treated, c.control)
			if err != nil {
				t.Fatal(err)
			}
			near(t, "diff", r.Diff.Estimate, c.d, 1e-12)
			near(t, "lo", r.Diff.Lo, c.lo, fourDecimals)
			near(t, "hi", r.Diff.Hi, c.hi, fourDecimals)
		})
	}
}

func TestConversionPValueAndRelative(t *testing.T) {
	r, err := Conversion(Binary{70, 56}, Binary{80, 48})
	if err != nil {
		t.Fatal(err)
	}
	// By hand: pooled p = 104/150 = 0.693333, se = sqrt(p(1-p)(1/70+1/80))
	// = sqrt(0.212622 * 0.0267857) = 0.075467, z = 0.2/0.075467 = 2.65016,
	// two-sided p = 2(1 - Phi(2.65016)) = 0.008045 (chi-square 7.0234 on 1
	// df; GSK's cicalc reports the equal Mee score statistic at delta 0 as
	// 2.65 with one-sided p 0.004).
	near(t, "p-value", r.PValue, 0.008045, 2e-6)
	// Katz by hand: log(0.8/0.6) = 0.287682, se^2 = 1/56 - 1/70 + 1/48 -
	// 1/80 = 0.0119048, half-width 1.959964 * 0.109109 = 0.213850, so
	// exp(0.073832) - 1 = 0.076626 and exp(0.501532) - 1 = 0.651249.
	if r.Relative == nil {
		t.Fatal("relative difference missing")
	}
	near(t, "relative", r.Relative.Estimate, 1.0/3, 1e-12)
	near(t, "relative lo", r.Relative.Lo, 0.076626, 2e-6)
	near(t, "relative hi", r.Relative.Hi, 0.651249, 2e-6)
	near(t, "treated rate", r.TreatedRate, 0.8, 1e-15)
	near(t, "control rate", r.ControlRate, 0.6, 1e-15)
}

func TestConversionZeroConversions(t *testing.T) {
	// 5 of 56 against 0 of 29: Newcombe (1998) Table II example (d), method
	// 10, gives -0.0381 to 0.1926.
	r, err := Conversion(Binary{56, 5}, Binary{29, 0})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "lo", r.Diff.Lo, -0.0381, fourDecimals)
	near(t, "hi", r.Diff.Hi, 0.1926, fourDecimals)
	if r.Relative != nil {
		t.Errorf("relative difference over a zero control rate = %+v, want nil", *r.Relative)
	}
	if r.PValue <= 0 || r.PValue >= 1 {
		t.Errorf("p-value %g, want inside (0, 1)", r.PValue)
	}
	r, _ = Conversion(Binary{29, 0}, Binary{56, 5})
	if r.Relative != nil {
		t.Errorf("relative difference with a zero treated rate = %+v, want nil", *r.Relative)
	}
	both, _ := Conversion(Binary{10, 0}, Binary{20, 0})
	if both.PValue != 1 || both.Relative != nil {
		t.Errorf("nobody converted: p %g relative %v, want 1 and nil", both.PValue, both.Relative)
	}
}

func TestConversionIdenticalGroups(t *testing.T) {
	g := Binary{N: 1000, Converted: 50}
	r, err := Conversion(g, g)
	if err != nil {
		t.Fatal(err)
	}
	// Equal Wilson intervals make the Newcombe interval symmetric.
	noDifference(t, r.Diff, r.PValue)
	if r.Relative == nil || r.Relative.Estimate != 0 || !r.Relative.Contains(0) {
		t.Errorf("identical groups: relative %+v, want 0 inside its interval", r.Relative)
	}
	all, _ := Conversion(Binary{10, 10}, Binary{20, 20})
	if all.PValue != 1 || !(all.Diff.Lo < 0 && all.Diff.Hi > 0) || all.Relative != nil {
		t.Errorf("everybody converted: p %g diff %+v relative %v; want 1, an interval around 0, nil",
			all.PValue, all.Diff, all.Relative)
	}
}

func TestConversionErrors(t *testing.T) {
	cases := []struct {
		name             string
		treated, control Binary
		want             error
	}{
		{"empty control", Binary{100, 5}, Binary{0, 0}, ErrEmptyGroup},
		{"empty treated", Binary{0, 0}, Binary{100, 5}, ErrEmptyGroup},
		{"more conversions than people", Binary{10, 11}, Binary{10, 1}, ErrInvalid},
		{"negative count", Binary{10, 1}, Binary{-1, 0}, ErrInvalid},
		{"negative conversions", Binary{10, -1}, Binary{10, 1}, ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Conversion(c.treated, c.control)
			if !errors.Is(err, c.want) {
				t.Errorf("err = %v, want %v", err, c.want)
			}
		})
	}
	if _, err := Conversion(Binary{100, 5}, Binary{0, 0}); !strings.Contains(err.Error(), "control") {
		t.Errorf("error %q does not name the group", err)
	}
}

func TestConversionJSON(t *testing.T) {
	r, err := Conversion(Binary{56, 5}, Binary{29, 0})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"treated":{"n":56,"converted":5}`, `"control_rate":0`,
		`"diff":{"estimate":`, `"lo":`, `"relative":null`, `"p_value":`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON %s lacks %s", b, key)
		}
	}
}

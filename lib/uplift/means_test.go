package uplift

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

// R's sleep data (Student 1908): extra hours of sleep under two drugs.
var (
	sleepGroup1 = []float64{0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0}
	sleepGroup2 = []float64{1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4}
)

func TestWelchSleepData(t *testing.T) {
	// R: t.test(extra ~ group, data = sleep) prints "t = -1.8608,
	// df = 17.776, p-value = 0.07939", 95 percent confidence interval
	// -3.3654832 0.2054832, means 0.75 and 2.33.
	r, err := MeansOf(sleepGroup1, sleepGroup2)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "treated mean", r.TreatedMean, 0.75, 1e-12)
	near(t, "control mean", r.ControlMean, 2.33, 1e-12)
	near(t, "diff", r.Diff.Estimate, -1.58, 1e-12)
	near(t, "lo", r.Diff.Lo, -3.3654832, 5e-8)
	near(t, "hi", r.Diff.Hi, 0.2054832, 5e-8)
	near(t, "p-value", r.PValue, 0.07939, 5e-6)
	if r.DF == nil {
		t.Fatal("df missing")
	}
	near(t, "df", *r.DF, 17.776, 5e-4)
	near(t, "relative", *r.Relative, -1.58/2.33, 1e-12)
}

func TestWelchScrewsExample(t *testing.T) {
	// Wikipedia, "Student's t-test", worked example with unequal
	// variances: standard error ≈ 0.04849, d.f. ≈ 7.031, t ≈ 1.959,
	// two-tailed p ≈ 0.090.
	a1 := []float64{30.02, 29.99, 30.11, 29.97, 30.01, 29.99}
	a2 := []float64{29.89, 29.93, 29.72, 29.98, 30.02, 29.98}
	r, err := MeansOf(a1, a2)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "diff", r.Diff.Estimate, 0.095, 1e-12)
	near(t, "df", *r.DF, 7.031, 5e-4)
	near(t, "standard error", r.StdErr, 0.04849, 5e-6)
	near(t, "t", r.Diff.Estimate/r.StdErr, 1.959, 5e-4)
	if r.PValue < 0.0895 || r.PValue >= 0.0915 {
		t.Errorf("p-value %g, want ≈ 0.090", r.PValue)
	}
}

func TestMomentsStable(t *testing.T) {
	// 4, 7, 13, 16 have mean 10 and sample variance 30; shifted by 1e9 the
	// textbook sum-of-squares formula loses every digit in float64.
	xs := []float64{1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16}
	var streamed Moments
	for _, x := range xs {
		streamed.Add(x)
	}
	for name, m := range map[string]Moments{
		"two-pass": MomentsOf(xs),
		"welford":  streamed,
		"merged":   MomentsOf(xs[:1]).Merge(MomentsOf(xs[1:])),
		"merged 2": MomentsOf(xs[:3]).Merge(MomentsOf(xs[3:])),
		"empty+":   Moments{}.Merge(MomentsOf(xs)),
		"+empty":   MomentsOf(xs).Merge(Moments{}),
	} {
		if m.N != 4 {
			t.Errorf("%s: n %d", name, m.N)
		}
		near(t, name+" mean", m.Mean, 1e9+10, 1e-6)
		near(t, name+" variance", m.Variance(), 30, 1e-6)
	}
}

func TestMeansEdgeCases(t *testing.T) {
	t.Run("identical groups", func(t *testing.T) {
		r, err := MeansOf(sleepGroup1, sleepGroup1)
		if err != nil {
			t.Fatal(err)
		}
		noDifference(t, r.Diff, r.PValue)
	})
	t.Run("nobody ordered in either group", func(t *testing.T) {
		r, err := MeansOf(make([]float64, 50), make([]float64, 40))
		if err != nil {
			t.Fatal(err)
		}
		if r.Diff != (Interval{}) || r.StdErr != 0 || r.PValue != 1 || r.DF != nil || r.Relative != nil {
			t.Errorf("all zeros: %+v", r)
		}
		if _, err := json.Marshal(r); err != nil {
			t.Errorf("all-zero result does not encode: %v", err)
		}
	})
	t.Run("constant but different", func(t *testing.T) {
		r, _ := MeansOf([]float64{2, 2, 2}, []float64{1, 1})
		if r.Diff != (Interval{1, 1, 1}) || r.PValue != 0 || r.DF != nil {
			t.Errorf("constant groups: %+v", r)
		}
		near(t, "relative", *r.Relative, 1, 0)
	})
	t.Run("one constant group", func(t *testing.T) {
		// Only the treated variance counts, so df = n1 - 1.
		r, _ := MeansOf(sleepGroup1, []float64{0, 0, 0, 0})
		near(t, "df", *r.DF, 9, 1e-9)
	})
}

func TestMeansHugeGroups(t *testing.T) {
	// 1e15 "people" per group is absurd, but it puts df near 2e15, where
	// gonum's Student's t returns probabilities above 1: the normal must
	// take over. By hand: se = sqrt(4/1e15 + 9/1e15) = 1.140175e-7,
	// z = 2e-7/se = 1.754116, two-sided p = 0.079411; half-width
	// 1.959964 * se = 2.234702e-7.
	const n = 1e15
	r, err := Means(Moments{N: n, Mean: 10.0000002, M2: 4 * (n - 1)},
		Moments{N: n, Mean: 10, M2: 9 * (n - 1)})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "p-value", r.PValue, 0.079411, 2e-6)
	near(t, "half-width", (r.Diff.Hi-r.Diff.Lo)/2, 2.234702e-7, 1e-12)
	if *r.DF < 1e15 {
		t.Errorf("df %g, want about 2e15", *r.DF)
	}
}

func TestMeansErrors(t *testing.T) {
	cases := []struct {
		name             string
		treated, control []float64
		want             error
	}{
		{"empty control", sleepGroup1, nil, ErrEmptyGroup},
		{"empty treated", []float64{}, sleepGroup2, ErrEmptyGroup},
		{"one person", []float64{3}, sleepGroup2, ErrTooFew},
		{"NaN value", []float64{1, math.NaN()}, sleepGroup2, ErrInvalid},
		{"infinite value", sleepGroup1, []float64{1, math.Inf(1)}, ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := MeansOf(c.treated, c.control)
			if !errors.Is(err, c.want) {
				t.Errorf("err = %v, want %v", err, c.want)
			}
		})
	}
	_, err := Means(Moments{N: 5, Mean: 1, M2: -1}, MomentsOf(sleepGroup2))
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "treated") {
		t.Errorf("negative M2: %v", err)
	}
}

func TestMeansJSON(t *testing.T) {
	r, err := MeansOf(sleepGroup1, sleepGroup2)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"treated_n":10`, `"control_mean":2.3`, `"treated_sd":`,
		`"diff":{"estimate":`, `"df":17.77`, `"relative":-0.67`, `"p_value":0.079`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON %s lacks %s", b, key)
		}
	}
}

package uplift

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

// chi2OneDFSurvival is P(X > x) for X ~ chi-square(1) = P(|Z| > sqrt(x))
// = erfc(sqrt(x/2)): an independent route to the p-value (gonum goes
// through the incomplete gamma function).
func chi2OneDFSurvival(x float64) float64 { return math.Erfc(math.Sqrt(x / 2)) }

func TestSampleRatioHandComputed(t *testing.T) {
	cases := []struct {
		name             string
		treated, control int64
		share            float64
		chi2, p          float64
		flag             bool
	}{
		// 10,000 people, 50% control: expected 5000 each, so
		// chi2 = 100^2/5000 + 100^2/5000 = 4, p = P(|Z| > 2) = 0.0455003.
		{"50/50 off by 100", 5100, 4900, 0.5, 4, 0.0455003, false},
		// 10% control of 10,000: expected 1000 and 9000, observed 1100 and
		// 8900: chi2 = 100^2/1000 + 100^2/9000 = 10 + 1.1111 = 11.1111,
		// p = P(|Z| > 3.3333) = 0.000858.
		{"10% control, 10% too many", 8900, 1100, 0.1, 100.0 / 9, chi2OneDFSurvival(100.0 / 9), true},
		{"exact split", 9000, 1000, 0.1, 0, 1, false},
		// Nobody landed in control: the most extreme mismatch there is.
		{"no control at all", 1000, 0, 0.1, 1000*0.1 + 100.0*100/900, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := SampleRatio(c.treated, c.control, c.share, 0)
			if err != nil {
				t.Fatal(err)
			}
			near(t, "chi-square", r.ChiSquare, c.chi2, 1e-9)
			near(t, "p-value", r.PValue, c.p, math.Max(1e-7, c.p*1e-6))
			near(t, "p-value vs erfc", r.PValue, chi2OneDFSurvival(c.chi2), 1e-12)
			if r.Flag != c.flag || r.Threshold != DefaultSRMThreshold {
				t.Errorf("flag %v threshold %g, want %v and the default", r.Flag, r.Threshold, c.flag)
			}
		})
	}
	if p := chi2OneDFSurvival(100.0 / 9); math.Abs(p-0.000858) > 5e-7 {
		t.Errorf("hand value of P(chi2 > 11.11) = %g, want 0.000858", p)
	}
}

func TestSampleRatioThreshold(t *testing.T) {
	r, err := SampleRatio(5100, 4900, 0.5, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Flag || r.Threshold != 0.05 {
		t.Errorf("p 0.0455 under threshold 0.05: flag %v threshold %g", r.Flag, r.Threshold)
	}
	near(t, "observed control share", r.ObservedControlShare, 0.49, 1e-15)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"control_share":0.5`, `"observed_control_share":0.49`,
		`"chi_square":4`, `"threshold":0.05`, `"flag":true`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON %s lacks %s", b, key)
		}
	}
}

func TestSampleRatioErrors(t *testing.T) {
	cases := []struct {
		name             string
		treated, control int64
		share, threshold float64
		want             error
	}{
		{"nobody", 0, 0, 0.1, 0, ErrEmptyGroup},
		{"negative", -1, 10, 0.1, 0, ErrInvalid},
		{"share 0", 90, 10, 0, 0, ErrInvalid},
		{"share 1", 90, 10, 1, 0, ErrInvalid},
		{"share NaN", 90, 10, math.NaN(), 0, ErrInvalid},
		{"threshold 1", 90, 10, 0.1, 1, ErrInvalid},
		{"threshold negative", 90, 10, 0.1, -0.01, ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := SampleRatio(c.treated, c.control, c.share, c.threshold); !errors.Is(err, c.want) {
				t.Errorf("err = %v, want %v", err, c.want)
			}
		})
	}
}

package clv_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/segmint/segmint/models/clv"
)

// TestFitNBDCDNOW checks NBD on CDNOW's 2,357 customers against scipy's
// Nelder-Mead on the same summary (r = 0.384768, α = 12.072085,
// log-likelihood -9763.6602), and its prediction t(r+x)/(α+T).
func TestFitNBDCDNOW(t *testing.T) {
	cs := publishedCustomers(t, cdnowSummary)
	m, err := clv.FitNBD(cs)
	if err != nil {
		t.Fatal(err)
	}
	if !near(m.R, 0.38476769, 1e-5) || !near(m.Alpha, 12.07208541, 1e-5) || math.Abs(m.Fit.LogLikelihood-(-9763.660222)) > 1e-4 {
		t.Errorf("NBD r = %.6f, alpha = %.6f, log-likelihood %.6f", m.R, m.Alpha, m.Fit.LogLikelihood)
	}
	c := clv.Customer{Frequency: 2, Recency: 30.43, T: 38.86}
	if got, want := m.ExpectedPurchases(39, c), 39*(m.R+2)/(m.Alpha+38.86); got != want {
		t.Errorf("E[Y(39)] = %v, want %v", got, want)
	}
	if got := m.ExpectedPurchases(-1, c); !math.IsNaN(got) {
		t.Errorf("E[Y(-1)] = %v, want NaN", got)
	}
}

// TestFitFamilyCDNOW: on CDNOW dropout is plain (Fader, Hardie and Lee's
// BG/NBD beats NBD by 181 log-likelihood points), so both dropout models
// pass the test and publish P(alive).
func TestFitFamilyCDNOW(t *testing.T) {
	f, err := clv.FitFamily(publishedCustomers(t, cdnowSummaryValue))
	if err != nil {
		t.Fatal(err)
	}
	if f.BGNBD == nil || f.MBGNBD == nil || len(f.Tests) != 2 {
		t.Fatalf("family %+v", f)
	}
	for i, want := range []float64{2 * (-9582.4256 + 9763.6602), 2 * (-9582.1327 + 9763.6602)} {
		if tc := f.Tests[i]; !tc.Identified || math.Abs(tc.Statistic-want) > 0.001 || tc.Reason != "" {
			t.Errorf("test %d: %+v, want a statistic of %.3f", i, tc, want)
		}
	}
	models := f.Models()
	kinds := []string{models[0].Kind(), models[1].Kind(), models[2].Kind()}
	if strings.Join(kinds, ",") != "bgnbd,mbgnbd,nbd" {
		t.Fatalf("models %v", kinds)
	}
	for _, m := range models {
		if m.DropoutIdentified() != (m.Kind() != clv.KindNBD) || m.Validate() != nil {
			t.Errorf("%s: dropout identified %v (%s), %v", m.Kind(), m.DropoutIdentified(), m.PAliveNullReason(), m.Validate())
		}
	}
}

// TestDropoutNotIdentified: customers who buy steadily to the end, with
// no sign of leaving, give dropout models that either run to a bound or
// do not beat NBD; neither publishes P(alive), and NBD predicts without
// one, saying why.
func TestDropoutNotIdentified(t *testing.T) {
	var cs []clv.Customer
	for i := range 300 {
		T := float64(10 + i%40)
		x := i % 7
		cs = append(cs, clv.Customer{ID: "c", Frequency: x, Recency: T * float64(x) / float64(x+1), T: T, MonetaryValue: float64(10 + i%13)})
		if x == 0 {
			cs[len(cs)-1].Recency = 0
		}
	}
	f, err := clv.FitFamily(cs)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range f.Tests {
		if tc.Identified || !strings.HasPrefix(tc.Reason, "dropout not identified") {
			t.Errorf("%+v", tc)
		}
		t.Logf("%s: %s", tc.Model, tc.Reason)
	}
	for _, m := range f.Models() {
		pred, err := m.Predict(cs[:3], clv.ValueOptions{Months: 12})
		if err != nil {
			t.Fatal(err)
		}
		if pred[0].ProbabilityAlive != nil || m.PAliveNullReason() == "" || !(pred[1].ExpectedPurchases > 0) {
			t.Errorf("%s: %+v (%q)", m.Kind(), pred, m.PAliveNullReason())
		}
	}
}

// TestFitBGNBDBoundary: a fit that drifts to the optimizer's bounds is an
// ErrNotIdentified error.
func TestFitBGNBDBoundary(t *testing.T) {
	var loyal []clv.Customer
	for i := range 20 {
		loyal = append(loyal, clv.Customer{ID: "c", Frequency: 5 + i%3, Recency: 10, T: 10})
	}
	if _, err := clv.FitBGNBD(loyal); !errors.Is(err, clv.ErrNotIdentified) {
		t.Errorf("everybody bought on the last day: %v", err)
	}
}

// TestBGNBDBelowOne: BG/NBD's expectations exist for a + b <= 1. At the
// parameters fitted on the Online Retail II year up to 2010-09-10 (a + b =
// 0.571) they match the textbook formula evaluated by mpmath (40 digits,
// analytic continuation of 2F1 to c = a+b−1 < 0) over the 90-day holdout
// and a year, and E[X(t)] too.
func TestBGNBDBelowOne(t *testing.T) {
	m := clv.BGNBD{R: 0.7720591233601434, Alpha: 9.58801802092675, A: 0.0056570126990900865, B: 0.5650529938085564}
	for _, tc := range []struct {
		c      clv.Customer
		alive  float64
		expect []float64
	}{
		{clv.Customer{Frequency: 0, Recency: 0, T: 20}, 1, []float64{0.3344601928701754, 1.349386108925991}},
		{clv.Customer{Frequency: 0, Recency: 0, T: 2}, 1, []float64{0.8513518765335104, 3.428492213618467}},
		{clv.Customer{Frequency: 1, Recency: 3, T: 24}, 0.9460828855107472, []float64{0.6407109205324776, 2.590217263921383}},
		{clv.Customer{Frequency: 5, Recency: 10, T: 30}, 0.932894111545537, []float64{1.747074448754011, 7.069769545572032}},
		{clv.Customer{Frequency: 20, Recency: 35, T: 40}, 0.9973771446545414, []float64{5.36780528818597, 21.73205127906135}},
	} {
		if got := m.ProbabilityAlive(tc.c); !near(got, tc.alive, 1e-12) {
			t.Errorf("%+v: P(alive) = %.16g, want %.16g", tc.c, got, tc.alive)
		}
		for i, h := range []float64{90.0 / 7, 52.14} {
			if got := m.ExpectedPurchases(h, tc.c); !near(got, tc.expect[i], 1e-10) {
				t.Errorf("%+v: E[Y(%v)] = %.16g, want %.16g", tc.c, h, got, tc.expect[i])
			}
		}
	}
	for i, h := range []float64{1, 90.0 / 7, 52} {
		want := []float64{0.08045379853811107, 1.02811224031344, 4.128162080109347}[i]
		if got := m.ExpectedPurchasesNew(h); !near(got, want, 1e-10) {
			t.Errorf("E[X(%v)] = %.16g, want %.16g", h, got, want)
		}
	}
}

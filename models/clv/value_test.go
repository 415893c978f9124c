package clv_test

import (
	"math"
	"testing"

	"github.com/segmint/segmint/models/clv"
)

// TestCustomerValueLifetimesQuickstart reproduces the CLV table of
// lifetimes' Quickstart (12 months at 1% a month). That run used lifetimes'
// default freq="D", i.e. 30 model periods (here weeks) to the month, which
// PeriodsPerMonth = 30 reproduces.
func TestCustomerValueLifetimesQuickstart(t *testing.T) {
	cs := publishedCustomers(t, cdnowSummaryValue)
	bg := mustFitBGNBD(t, cs)
	gg, err := clv.FitGammaGamma(cs)
	if err != nil {
		t.Fatal(err)
	}
	o := clv.ValueOptions{Months: 12, MonthlyDiscount: 0.01, PeriodsPerMonth: 30}
	for _, tc := range []struct {
		id   int
		want float64
	}{{1, 140.096211}, {2, 18.943467}, {3, 38.180574}, {6, 1003.868107}, {7, 28.109683}, {9, 167.418216}} {
		if got := clv.CustomerValue(bg, gg, cs[tc.id-1], o); !near(got, tc.want, 1e-5) {
			t.Errorf("customer %d: CLV = %.6f, want %.6f", tc.id, got, tc.want)
		}
	}
}

// TestCustomerValueWeekly compares the weekly horizon (4.345 weeks a
// month, lifetimes' freq="W") with bench/reference.py at fixed parameters.
func TestCustomerValueWeekly(t *testing.T) {
	bg := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	gg := clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	o := clv.ValueOptions{Months: 12, MonthlyDiscount: 0.01}
	for _, tc := range []struct {
		c           clv.Customer
		spend, want float64
	}{
		{clv.Customer{Frequency: 0, Recency: 0, T: 38.86}, 35.2189781, 8.369004359},
		{clv.Customer{Frequency: 2, Recency: 30.43, T: 38.86, MonetaryValue: 22.35}, 24.66371391, 36.28921113},
		{clv.Customer{Frequency: 7, Recency: 29.43, T: 38.86, MonetaryValue: 73.74}, 71.4696709, 283.5327763},
	} {
		if got := gg.ExpectedValue(tc.c); !near(got, tc.spend, 1e-8) {
			t.Errorf("%+v: E[M] = %.10g, want %.10g", tc.c, got, tc.spend)
		}
		if got := clv.CustomerValue(bg, gg, tc.c, o); !near(got, tc.want, 1e-8) {
			t.Errorf("%+v: CLV = %.10g, want %.10g", tc.c, got, tc.want)
		}
		// Without discounting the monthly increments add up to the
		// purchases expected over the whole horizon.
		undiscounted := clv.CustomerValue(bg, gg, tc.c, clv.ValueOptions{Months: 12})
		if want := gg.ExpectedValue(tc.c) * bg.ExpectedPurchases(12*clv.WeeksPerMonth, tc.c); !near(undiscounted, want, 1e-12) {
			t.Errorf("%+v: undiscounted CLV = %v, want %v", tc.c, undiscounted, want)
		}
	}
}

func TestValueOptions(t *testing.T) {
	if got := clv.MonthlyRate(math.Pow(1.01, 12) - 1); math.Abs(got-0.01) > 1e-15 {
		t.Errorf("MonthlyRate(12.68%%) = %v, want 0.01", got)
	}
	for _, o := range []clv.ValueOptions{
		{Months: 0},
		{Months: 12, MonthlyDiscount: -1},
		{Months: 12, MonthlyDiscount: math.NaN()},
		{Months: 12, PeriodsPerMonth: -4},
	} {
		if o.Validate() == nil {
			t.Errorf("%+v: no error", o)
		}
		c := clv.Customer{Frequency: 1, Recency: 1, T: 2, MonetaryValue: 5}
		if got := clv.CustomerValue(clv.BGNBD{R: 1, Alpha: 1, A: 1, B: 1}, clv.GammaGamma{P: 1, Q: 2, Gamma: 1}, c, o); !math.IsNaN(got) {
			t.Errorf("%+v: CLV = %v, want NaN", o, got)
		}
	}
}

package clv_test

import (
	"math"
	"testing"

	"github.com/segmint/segmint/models/clv"
)

// TestFitGammaGammaCDNOW reproduces Fader and Hardie's note on the
// Gamma-Gamma model: p = 6.25, q = 3.74, gamma = 15.44 on the 946 repeat
// buyers of the CDNOW sample.
func TestFitGammaGammaCDNOW(t *testing.T) {
	cs := publishedCustomers(t, cdnowSummaryValue)
	m, err := clv.FitGammaGamma(cs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("p=%.6f q=%.6f gamma=%.6f LL=%.4f (%d iterations)", m.P, m.Q, m.Gamma, m.Fit.LogLikelihood, m.Fit.Iterations)
	for _, p := range []struct {
		name      string
		got, want float64
	}{{"p", m.P, 6.25}, {"q", m.Q, 3.74}, {"gamma", m.Gamma, 15.44}} {
		if math.Abs(p.got-p.want) > 0.01 {
			t.Errorf("%s = %.4f, want %.2f ± 0.01", p.name, p.got, p.want)
		}
	}
	if m.Fit.Customers != 946 {
		t.Errorf("fitted on %d customers, want the 946 repeat buyers", m.Fit.Customers)
	}
	// scipy's Nelder-Mead from bench/reference.py reaches -4055.9232.
	if math.Abs(m.Fit.LogLikelihood-(-4055.9232)) > 1e-3 {
		t.Errorf("log-likelihood = %.4f, want -4055.9232", m.Fit.LogLikelihood)
	}

	// lifetimes' Quickstart: conditional expected average profit of the
	// first customers, and its mean over all 2,357.
	for _, tc := range []struct {
		id   int
		want float64
	}{{1, 24.658619}, {2, 18.911489}, {3, 35.170981}, {6, 71.462843}, {9, 27.282408}} {
		if got := m.ExpectedValue(cs[tc.id-1]); math.Abs(got-tc.want) > 1e-4 {
			t.Errorf("customer %d: E[M] = %.6f, want %.6f", tc.id, got, tc.want)
		}
	}
	var sum float64
	for _, c := range cs {
		sum += m.ExpectedValue(c)
	}
	if mean := sum / float64(len(cs)); math.Abs(mean-35.2529588256) > 1e-4 {
		t.Errorf("mean E[M] = %.6f, want 35.252959", mean)
	}
	if got := m.ExpectedValue(clv.Customer{T: 10}); got != m.MeanValue() {
		t.Errorf("E[M | x = 0] = %v, want the population mean %v", got, m.MeanValue())
	}
}

// TestFitGammaGammaFreeOrders: repeat buyers whose repeat purchases were
// all free (the full CDNOW cohort has some) are left out and counted.
func TestFitGammaGammaFreeOrders(t *testing.T) {
	cs := publishedCustomers(t, cdnowSummaryValue)
	plain, err := clv.FitGammaGamma(cs)
	if err != nil {
		t.Fatal(err)
	}
	free := append(cs[:len(cs):len(cs)], clv.Customer{ID: "free", Frequency: 3, Recency: 5, T: 38.86})
	m, err := clv.FitGammaGamma(free)
	if err != nil {
		t.Fatal(err)
	}
	if m.Fit.Excluded != 1 || m.Fit.Customers != 946 || m.P != plain.P || m.Q != plain.Q || m.Gamma != plain.Gamma {
		t.Errorf("with a free-orders customer: %+v; without: %+v", m, plain)
	}
}

func TestFitGammaGammaErrors(t *testing.T) {
	// Every repeat purchase worth the same: no spread to fit, p → ∞.
	var same []clv.Customer
	for i := range 20 {
		same = append(same, clv.Customer{ID: "c", Frequency: 1 + i%3, Recency: 10, T: 10, MonetaryValue: 10})
	}
	checkFitErrors(t, clv.FitGammaGamma, []fitError{
		{"no customers", nil, clv.ErrNoCustomers},
		{"no repeat buyers", []clv.Customer{{ID: "a", T: 10}, {ID: "b", T: 2}}, clv.ErrNoRepeatBuyers},
		{"only free repeat purchases", []clv.Customer{{ID: "a", Frequency: 2, Recency: 3, T: 10, MonetaryValue: 0}}, clv.ErrNoRepeatBuyers},
		{"negative spend", []clv.Customer{{ID: "a", Frequency: 2, Recency: 3, T: 10, MonetaryValue: -1}}, nil},
		{"NaN spend", []clv.Customer{{ID: "a", Frequency: 2, Recency: 3, T: 10, MonetaryValue: math.NaN()}}, nil},
		{"identical spend", same, nil},
	})
	if got := (clv.GammaGamma{P: 6, Q: 0.9, Gamma: 15}).ExpectedValue(clv.Customer{Frequency: 1, Recency: 1, T: 2, MonetaryValue: 10}); !math.IsNaN(got) {
		t.Errorf("E[M] with q < 1 = %v, want NaN", got)
	}
}

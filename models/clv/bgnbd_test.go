package clv_test

import (
	"errors"
	"math"
	"testing"

	"github.com/segmint/segmint/models/clv"
)

// TestFitBGNBDCDNOW reproduces Fader, Hardie and Lee (2005): r = 0.243,
// alpha = 4.414, a = 0.793, b = 2.426, log-likelihood -9582.4 on the 2,357
// customers of the CDNOW sample.
func TestFitBGNBDCDNOW(t *testing.T) {
	m := mustFitBGNBD(t, publishedCustomers(t, cdnowSummary))
	t.Log(describe(m))
	checkParams(t, m, 0.243, 4.414, 0.793, 2.426)
	if math.Abs(m.Fit.LogLikelihood-(-9582.4)) > 0.05 {
		t.Errorf("log-likelihood = %.4f, want -9582.4", m.Fit.LogLikelihood)
	}
	if m.Fit.Customers != 2357 {
		t.Errorf("fitted on %d customers, want 2357", m.Fit.Customers)
	}
	// The maximum: moving any parameter by 0.1% lowers the likelihood.
	cs := publishedCustomers(t, cdnowSummary)
	for i := range 4 {
		for _, f := range []float64{0.999, 1.001} {
			q := m
			*[]*float64{&q.R, &q.Alpha, &q.A, &q.B}[i] *= f
			ll, err := q.LogLikelihood(cs)
			if err != nil {
				t.Fatal(err)
			}
			if ll >= m.Fit.LogLikelihood {
				t.Errorf("parameter %d × %v: log-likelihood %.6f is not below the fit's %.6f", i, f, ll, m.Fit.LogLikelihood)
			}
		}
	}
}

// TestBGNBDPublishedPredictions checks predictions against figures
// published with lifetimes: its tests (from Hardie's spreadsheet) and its
// Quickstart (docs/Quickstart.md, predicted purchases in the next week).
func TestBGNBDPublishedPredictions(t *testing.T) {
	m := mustFitBGNBD(t, publishedCustomers(t, cdnowSummary))

	// A customer with x = 2, t_x = 30.43, T = 38.86 expects 1.226
	// purchases in the next 39 weeks.
	if got := m.ExpectedPurchases(39, clv.Customer{Frequency: 2, Recency: 30.43, T: 38.86}); math.Abs(got-1.226) > 0.001 {
		t.Errorf("E[Y(39) | 2, 30.43, 38.86] = %.4f, want 1.226", got)
	}

	// E[X(t)] for a new customer.
	for _, tc := range []struct{ t, want float64 }{
		{0.1429, 0.0078}, {1, 0.0532}, {3, 0.1506}, {31.8571, 1.0405}, {32, 1.0437}, {78, 1.8576},
	} {
		if got := m.ExpectedPurchasesNew(tc.t); math.Abs(got-tc.want) > 0.001 {
			t.Errorf("E[X(%v)] = %.4f, want %.4f", tc.t, got, tc.want)
		}
	}

	// The five best customers for the next week.
	for _, tc := range []struct {
		c    clv.Customer
		want float64
	}{
		{clv.Customer{ID: "509", Frequency: 18, Recency: 35.14, T: 35.86}, 0.424877},
		{clv.Customer{ID: "841", Frequency: 19, Recency: 34.00, T: 34.14}, 0.474738},
		{clv.Customer{ID: "1981", Frequency: 17, Recency: 28.43, T: 28.86}, 0.486526},
		{clv.Customer{ID: "157", Frequency: 29, Recency: 37.71, T: 38.00}, 0.662396},
		{clv.Customer{ID: "1516", Frequency: 26, Recency: 30.86, T: 31.00}, 0.710623},
	} {
		if got := m.ExpectedPurchases(1, tc.c); math.Abs(got-tc.want) > 2e-6 {
			t.Errorf("customer %s: E[Y(1)] = %.6f, want %.6f", tc.c.ID, got, tc.want)
		}
	}
}

// TestBGNBDReference compares predictions at fixed parameters with
// bench/reference.py, which evaluates the textbook formulas with scipy's
// hyp2f1 (no Euler transformation), over horizons up to ten years.
func TestBGNBDReference(t *testing.T) {
	m := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	checkReference(t, m, []reference{
		{1, []float64{0.005595657889, 0.195098052, 0.2520730223, 0.9155490825, 1.464547771}},
		{0.2121009854, []float64{0.006062951798, 0.2031869871, 0.2598234649, 0.861474316, 1.307418451}},
		{0.7265785701, []float64{0.03744796974, 1.226028175, 1.558720806, 4.935056969, 7.319313812}},
		{0.6417563459, []float64{0.106629213, 3.337053275, 4.198855585, 12.35966371, 17.77346897}},
		{0.9689156497, []float64{0.7106209373, 20.74972614, 25.75819594, 70.1069572, 98.12962792}},
		{3.193598824e-18, []float64{2.9442822e-18, 8.919164575e-17, 1.114762104e-16, 3.150230816e-16, 4.464164106e-16}},
	})
}

// checkParams holds m's fitted r, alpha, a and b against published values,
// each to ±0.002.
func checkParams(t *testing.T, m clv.BGNBD, r, alpha, a, b float64) {
	t.Helper()
	for _, p := range []struct {
		name      string
		got, want float64
	}{{"r", m.R, r}, {"alpha", m.Alpha, alpha}, {"a", m.A, a}, {"b", m.B, b}} {
		if math.Abs(p.got-p.want) > 0.002 {
			t.Errorf("%s = %.4f, want %.3f ± 0.002", p.name, p.got, p.want)
		}
	}
}

// referenceCustomers are the customers of the reference tests (BG/NBD and
// MBG/NBD), and referenceHorizons the horizons of their E[Y(t)].
var (
	referenceCustomers = []clv.Customer{
		{Frequency: 0, Recency: 0, T: 38.86},
		{Frequency: 1, Recency: 1.71, T: 38.86},
		{Frequency: 2, Recency: 30.43, T: 38.86},
		{Frequency: 7, Recency: 29.43, T: 38.86},
		{Frequency: 26, Recency: 30.86, T: 31},
		{Frequency: 40, Recency: 10, T: 38.86},
	}
	referenceHorizons = []float64{1, 39, 52, 260, 520}
)

// reference is what a reference computes for one of referenceCustomers:
// P(alive) and E[Y(t)] at each of referenceHorizons.
type reference struct {
	alive  float64
	expect []float64
}

// checkReference holds m's predictions for referenceCustomers, in order,
// against want, to a relative 1e-8.
func checkReference(t *testing.T, m clv.BGNBD, want []reference) {
	t.Helper()
	for k, c := range referenceCustomers {
		tc := want[k]
		if got := m.ProbabilityAlive(c); !near(got, tc.alive, 1e-8) {
			t.Errorf("%+v: P(alive) = %.10g, want %.10g", c, got, tc.alive)
		}
		for i, h := range referenceHorizons {
			if got := m.ExpectedPurchases(h, c); !near(got, tc.expect[i], 1e-8) {
				t.Errorf("%+v: E[Y(%v)] = %.10g, want %.10g", c, h, got, tc.expect[i])
			}
		}
	}
}

// near reports whether got is within rel of want, relatively.
func near(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Abs(want)
}

// TestBGNBDProperties checks what must hold for any parameters: P(alive)
// in [0, 1] and 1 without repeat purchases (lifetimes' tests), expected
// purchases 0 at t = 0 and growing with t, continuity at a = 1 where the
// closed form has 0/0.
func TestBGNBDProperties(t *testing.T) {
	m := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	if got := m.ProbabilityAlive(clv.Customer{Frequency: 0, Recency: 0, T: 1}); got != 1 {
		t.Errorf("P(alive | x = 0) = %v, want 1", got)
	}
	for x := 0; x < 100; x += 10 {
		for tx := 0.0; tx < 100; tx += 10 {
			for T := tx; T < 100; T += 10 {
				c := clv.Customer{Frequency: x, Recency: tx, T: T}
				if x == 0 {
					c.Recency = 0
				}
				if p := m.ProbabilityAlive(c); !(p >= 0 && p <= 1) {
					t.Errorf("P(alive | %d, %v, %v) = %v", x, tx, T, p)
				}
				prev := m.ExpectedPurchases(0, c)
				if prev != 0 {
					t.Errorf("E[Y(0) | %d, %v, %v] = %v, want 0", x, tx, T, prev)
				}
				for _, h := range []float64{1, 10, 100, 1000} {
					e := m.ExpectedPurchases(h, c)
					if !(e >= prev) {
						t.Errorf("E[Y(%v) | %d, %v, %v] = %v, below %v at a shorter horizon", h, x, tx, T, e, prev)
					}
					prev = e
				}
			}
		}
	}

	c := clv.Customer{Frequency: 3, Recency: 20, T: 38}
	at := func(a float64) float64 { return clv.BGNBD{R: 0.5, Alpha: 4, A: a, B: 2}.ExpectedPurchases(52, c) }
	lo, mid, hi := at(1-1e-6), at(1), at(1+1e-6)
	if math.IsNaN(mid) || !near(mid, (lo+hi)/2, 1e-6) {
		t.Errorf("E[Y(52)] at a = 1-1e-6, 1, 1+1e-6: %v, %v, %v", lo, mid, hi)
	}

	for _, bad := range []clv.Customer{
		{Frequency: 1, Recency: 5, T: 4},
		{Frequency: 0, Recency: 1, T: 4},
		{Frequency: 1, Recency: math.NaN(), T: 4},
	} {
		if got := m.ExpectedPurchases(10, bad); !math.IsNaN(got) {
			t.Errorf("E[Y(10) | %+v] = %v, want NaN", bad, got)
		}
	}
	if got := m.ExpectedPurchasesNew(-1); !math.IsNaN(got) {
		t.Errorf("E[X(-1)] = %v, want NaN", got)
	}
}

func TestFitBGNBDErrors(t *testing.T) {
	// Everybody bought on the last day: no sign of dropout, a → 0.
	var loyal []clv.Customer
	for i := range 20 {
		loyal = append(loyal, clv.Customer{ID: "c", Frequency: 5 + i%3, Recency: 10, T: 10})
	}
	checkFitErrors(t, clv.FitBGNBD, []fitError{
		{"no customers", nil, clv.ErrNoCustomers},
		{"no repeat buyers", []clv.Customer{{ID: "a", T: 10}, {ID: "b", T: 3}}, clv.ErrNoRepeatBuyers},
		{"NaN recency", []clv.Customer{{ID: "a", Frequency: 1, Recency: math.NaN(), T: 10}}, nil},
		{"infinite age", []clv.Customer{{ID: "a", Frequency: 1, Recency: 1, T: math.Inf(1)}}, nil},
		{"recency above age", []clv.Customer{{ID: "a", Frequency: 1, Recency: 11, T: 10}}, nil},
		{"recency without repeat", []clv.Customer{{ID: "a", Frequency: 0, Recency: 1, T: 10}}, nil},
		{"negative frequency", []clv.Customer{{ID: "a", Frequency: -1, T: 10}}, nil},
		{"no dropout", loyal, nil},
	})
}

// fitError is customers a fit must refuse, and the error its error must
// wrap (nil: any error).
type fitError struct {
	name string
	cs   []clv.Customer
	is   error
}

// checkFitErrors checks that fit fails on each case as the case says.
func checkFitErrors[M any](t *testing.T, fit func([]clv.Customer) (M, error), cases []fitError) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := fit(tc.cs)
			if err == nil {
				t.Fatalf("no error; fitted %+v", m)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
		})
	}
}

package clv_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/segmint/segmint/lib/fixture"
	"github.com/segmint/segmint/models/clv"
)

// masterCustomers summarises the full CDNOW cohort (69,659 transactions
// of 23,570 customers) with FHL's calibration end, or skips.
func masterCustomers(b *testing.B) []clv.Customer {
	b.Helper()
	cs, err := clv.Summarize(readCDNOW(b, fixture.Shared(b, cdnowMaster), 0), calibrationEnd)
	if err != nil {
		b.Fatal(err)
	}
	return cs
}

// BenchmarkFitBGNBDMaster fits BG/NBD on all 23,570 CDNOW customers.
func BenchmarkFitBGNBDMaster(b *testing.B) {
	cs := masterCustomers(b)
	var m clv.BGNBD
	for b.Loop() {
		var err error
		if m, err = clv.FitBGNBD(cs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(cs)), "customers")
	b.Logf("master: %s", describe(m))
}

// BenchmarkFitGammaGammaMaster fits Gamma-Gamma on the cohort's repeat
// buyers.
func BenchmarkFitGammaGammaMaster(b *testing.B) {
	cs := masterCustomers(b)
	var m clv.GammaGamma
	for b.Loop() {
		var err error
		if m, err = clv.FitGammaGamma(cs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(m.Fit.Customers), "customers")
	b.Logf("master: p=%.6f q=%.6f gamma=%.6f LL=%.4f (%d repeat buyers, %d left out with free repeat purchases only)", m.P, m.Q, m.Gamma, m.Fit.LogLikelihood, m.Fit.Customers, m.Fit.Excluded)
}

// BenchmarkSummarizeMaster turns the 69,659 transactions into summaries.
func BenchmarkSummarizeMaster(b *testing.B) {
	txns := readCDNOW(b, fixture.Shared(b, cdnowMaster), 0)
	for b.Loop() {
		if _, err := clv.Summarize(txns, calibrationEnd); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(txns)), "transactions")
}

// BenchmarkPredictMaster scores every customer of the cohort: P(alive),
// purchases and value over 12 months, CLV at 1% a month.
func BenchmarkPredictMaster(b *testing.B) {
	cs := masterCustomers(b)
	m, err := clv.Fit(cs)
	if err != nil {
		b.Fatal(err)
	}
	o := clv.ValueOptions{Months: 12, MonthlyDiscount: 0.01}
	for b.Loop() {
		if _, err := m.Predict(cs, o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(cs)), "customers")
}

// syntheticCustomers returns n customers with histories like those of a
// year of daily data summarised in weeks: an age of up to 52 weeks, a
// recency within it and up to 30 repeat purchases, a third of them
// one-time buyers. The seed is fixed, so every run scores the same
// customers.
func syntheticCustomers(n int) []clv.Customer {
	rng := rand.New(rand.NewPCG(11, 5))
	out := make([]clv.Customer, n)
	for i := range out {
		age := rng.IntN(365)
		c := clv.Customer{ID: strconv.Itoa(i), T: float64(age) / clv.DaysPerPeriod}
		if rng.IntN(3) > 0 && age > 0 {
			c.Frequency = 1 + rng.IntN(30)
			c.Recency = float64(rng.IntN(age+1)) / clv.DaysPerPeriod
			c.MonetaryValue = 5 + rng.Float64()*200
		}
		out[i] = c
	}
	return out
}

// BenchmarkPredict scores synthetic customers as the score step does
// (P(alive), purchases and value over 12 months, CLV at 1% a month), at
// CDNOW's parameters and at those of a boundary fit (a near 0, b in the
// tens of thousands) such as issue 11 saw on Online Retail II.
func BenchmarkPredict(b *testing.B) {
	gg := clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	for _, p := range []struct {
		name string
		bg   clv.BGNBD
	}{
		{"cdnow", clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}},
		{"boundary", clv.BGNBD{R: 0.8, Alpha: 10, A: 0.002, B: 20000}},
	} {
		m := clv.Model{TimeUnit: clv.TimeUnitWeek, BGNBD: &p.bg, GammaGamma: gg,
			Dropout: []clv.DropoutTest{{Model: clv.KindBGNBD, Identified: true}}}
		for _, n := range []int{1000, 5000, 100000} {
			cs := syntheticCustomers(n)
			b.Run(fmt.Sprintf("%s/customers=%d", p.name, n), func(b *testing.B) {
				benchPredict(b, m, cs)
			})
		}
	}
}

func benchPredict(b *testing.B, m clv.Model, cs []clv.Customer) {
	o := clv.ValueOptions{Months: 12, MonthlyDiscount: 0.01}
	for b.Loop() {
		if _, err := m.Predict(cs, o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(cs)), "ns/customer")
}

package clv_test

import (
	"os"
	"testing"

	"github.com/segmint/segmint/models/clv"
)

// masterCustomers summarises the full CDNOW cohort (69,659 transactions
// of 23,570 customers) with FHL's calibration end, or skips.
func masterCustomers(b *testing.B) []clv.Customer {
	b.Helper()
	if _, err := os.Stat(cdnowMaster); err != nil {
		b.Skipf("full CDNOW data not present: %v", err)
	}
	cs, err := clv.Summarize(readCDNOW(b, cdnowMaster, 0), calibrationEnd)
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
	if _, err := os.Stat(cdnowMaster); err != nil {
		b.Skipf("full CDNOW data not present: %v", err)
	}
	txns := readCDNOW(b, cdnowMaster, 0)
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

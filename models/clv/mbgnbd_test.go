package clv_test

import (
	"math"
	"testing"

	"github.com/segmint/segmint/models/clv"
)

// TestFitMBGNBDCDNOW reproduces the MBG/NBD parameters on CDNOW's 2,357
// customers that Batislam, Denizel and Filiztekin (2007) report and
// lifetimes' tests check (r = 0.525, α = 6.183, a = 0.891, b = 1.614), and
// the log-likelihood scipy's Nelder-Mead finds on the same summary with
// the textbook formula (-9582.1327 at 0.524838, 6.182992, 0.891356,
// 1.613999).
func TestFitMBGNBDCDNOW(t *testing.T) {
	m, err := clv.FitMBGNBD(publishedCustomers(t, cdnowSummary))
	if err != nil {
		t.Fatal(err)
	}
	t.Log(describe(m))
	checkParams(t, m, 0.525, 6.183, 0.891, 1.614)
	if !m.Modified || math.Abs(m.Fit.LogLikelihood-(-9582.1327)) > 0.001 {
		t.Errorf("modified %v, log-likelihood %.4f, want -9582.1327", m.Modified, m.Fit.LogLikelihood)
	}
}

// TestMBGNBDReference compares predictions at the published parameters
// with lifetimes' ModifiedBetaGeoFitter formulas evaluated by scipy's
// hyp2f1 (no Euler transformation): P(alive), which is below 1 for a
// one-time buyer, E[Y(t)] up to ten years and E[X(t)].
func TestMBGNBDReference(t *testing.T) {
	m := clv.BGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614, Modified: true}
	checkReference(t, m, []reference{
		{0.3897350809, []float64{0.004523172307, 0.1540127467, 0.1977058174, 0.6749973983, 1.037581721}},
		{0.1708364843, []float64{0.00575215247, 0.1888365414, 0.2401319447, 0.7558748953, 1.110537834}},
		{0.7062022651, []float64{0.03933965951, 1.262960623, 1.597216631, 4.815005153, 6.926864985}},
		{0.6227238142, []float64{0.103208382, 3.167572432, 3.964734406, 11.1196924, 15.52028361}},
		{0.9655661441, []float64{0.6812207471, 19.45072265, 24.00392282, 62.01904722, 84.15942065}},
		{4.500206626e-17, []float64{4.011098087e-17, 1.18963026e-15, 1.478528919e-15, 3.972172738e-15, 5.459472173e-15}},
	})
	for _, tc := range []struct{ t, want float64 }{{1, 0.05308479526}, {39, 1.182953666}, {78, 1.804757578}} {
		if got := m.ExpectedPurchasesNew(tc.t); !near(got, tc.want, 1e-8) {
			t.Errorf("E[X(%v)] = %.10g, want %.10g", tc.t, got, tc.want)
		}
	}
}

package uplift

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// pcgSource feeds gonum's samplers from math/rand/v2's PCG, so the
// simulations are reproducible without importing golang.org/x/exp/rand
// (gonum's Source interface is Uint64 plus Seed(uint64)).
type pcgSource struct{ *rand.PCG }

func (s pcgSource) Seed(seed uint64) { s.PCG.Seed(seed, seed) }

func newSource(seed uint64) pcgSource { return pcgSource{rand.NewPCG(seed, 0x5e9)} }

// experiments is the number of simulated experiments per coverage check.
// With true coverage 95% the observed share has standard deviation
// sqrt(0.95*0.05/2000) = 0.49 points, so [93%, 97%] is about ±4 sd.
const experiments = 2000

// checkCoverage fails unless between 93% and 97% of the experiments
// covered the truth.
func checkCoverage(t *testing.T, what string, covered int) {
	t.Helper()
	share := float64(covered) / experiments
	t.Logf("%s: %.1f%% coverage", what, 100*share)
	if share < 0.93 || share > 0.97 {
		t.Errorf("%s: %d of %d intervals (%.1f%%) covered the truth, want 93%%-97%%",
			what, covered, experiments, 100*share)
	}
}

func TestConversionCoverage(t *testing.T) {
	cases := []struct {
		name   string
		n1, n0 float64
		p1, p0 float64
	}{
		{"large segment, rare conversion", 20000, 2000, 0.035, 0.03},
		{"small segment", 60, 40, 0.25, 0.1},
		{"no effect", 5000, 5000, 0.02, 0.02},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := newSource(uint64(i) + 1)
			treated := distuv.Binomial{N: c.n1, P: c.p1, Src: src}
			control := distuv.Binomial{N: c.n0, P: c.p0, Src: src}
			var diff, rel, relRuns int
			for range experiments {
				r, err := Conversion(Binary{int64(c.n1), int64(treated.Rand())},
					Binary{int64(c.n0), int64(control.Rand())})
				if err != nil {
					t.Fatal(err)
				}
				if r.Diff.Contains(c.p1 - c.p0) {
					diff++
				}
				if r.Relative != nil {
					relRuns++
					if r.Relative.Contains(c.p1/c.p0 - 1) {
						rel++
					}
				}
			}
			checkCoverage(t, "difference", diff)
			if relRuns == experiments {
				checkCoverage(t, "relative difference", rel)
			}
		})
	}
}

// zeroInflatedRevenue draws revenue per person: a share buy of people
// spend lognormal(mu, sigma), everyone else 0. Its mean is
// buy * exp(mu + sigma^2/2).
type zeroInflatedRevenue struct {
	buy, mu, sigma float64
}

func (z zeroInflatedRevenue) mean() float64 { return z.buy * math.Exp(z.mu+z.sigma*z.sigma/2) }

func (z zeroInflatedRevenue) draw(src pcgSource, n int) []float64 {
	u := distuv.Uniform{Min: 0, Max: 1, Src: src}
	spend := distuv.LogNormal{Mu: z.mu, Sigma: z.sigma, Src: src}
	out := make([]float64, n)
	for i := range out {
		if u.Rand() < z.buy {
			out[i] = spend.Rand()
		}
	}
	return out
}

func TestRevenueCoverage(t *testing.T) {
	treated := zeroInflatedRevenue{buy: 0.12, mu: 3.5, sigma: 0.8}
	control := zeroInflatedRevenue{buy: 0.10, mu: 3.5, sigma: 0.8}
	truth := treated.mean() - control.mean()
	src := newSource(42)
	covered := 0
	for range experiments {
		r, err := MeansOf(treated.draw(src, 4000), control.draw(src, 1000))
		if err != nil {
			t.Fatal(err)
		}
		if r.Diff.Contains(truth) {
			covered++
		}
	}
	checkCoverage(t, "revenue per person", covered)
}

func TestOrdersCoverageStreamed(t *testing.T) {
	// Orders per person are Poisson; moments are streamed with Add, the
	// way a job folds them in without keeping every person's value.
	const lambda1, lambda0 = 0.30, 0.25
	src := newSource(7)
	p1 := distuv.Poisson{Lambda: lambda1, Src: src}
	p0 := distuv.Poisson{Lambda: lambda0, Src: src}
	covered := 0
	for range experiments {
		var t1, t0 Moments
		for range 3000 {
			t1.Add(p1.Rand())
		}
		for range 800 {
			t0.Add(p0.Rand())
		}
		r, err := Means(t1, t0)
		if err != nil {
			t.Fatal(err)
		}
		if r.Diff.Contains(lambda1 - lambda0) {
			covered++
		}
	}
	checkCoverage(t, "orders per person", covered)
}

func TestSampleRatioFlagRate(t *testing.T) {
	const n = 20000
	t.Run("null: about 0.1% flagged", func(t *testing.T) {
		// 100,000 correct 50/50 splits: about 100 flags expected
		// (sd 10); the chi-square approximation is excellent at this n.
		const runs = 100_000
		control := distuv.Binomial{N: n, P: 0.5, Src: newSource(11)}
		flagged := countFlags(t, control, runs, 0.5)
		t.Logf("null: %d of %d flagged", flagged, runs)
		if flagged < 60 || flagged > 150 {
			t.Errorf("%d of %d correct splits flagged, want about 100", flagged, runs)
		}
	})
	t.Run("planted 45/55 split: always flagged", func(t *testing.T) {
		// Control really gets 45% while 50% is configured.
		control := distuv.Binomial{N: n, P: 0.45, Src: newSource(12)}
		flagged := countFlags(t, control, experiments, 0.5)
		if flagged < experiments*99/100 {
			t.Errorf("planted mismatch flagged %d of %d times, want >= 99%%", flagged, experiments)
		}
	})
}

// countFlags draws control group sizes and counts SRM flags against the
// configured share.
func countFlags(t *testing.T, control distuv.Binomial, runs int, share float64) int {
	t.Helper()
	flagged := 0
	for range runs {
		c := int64(control.Rand())
		r, err := SampleRatio(int64(control.N)-c, c, share, 0)
		if err != nil {
			t.Fatal(err)
		}
		if r.Flag {
			flagged++
		}
	}
	return flagged
}

func TestBinomialRangeCoverage(t *testing.T) {
	// Control sizes of a correct 10% split fall outside the alpha = 0.001
	// range at most 0.1% of the time: about 100 of 100,000 or fewer.
	const n, share, runs = 20000, 0.1, 100_000
	r, err := BinomialRange(n, share, 0.001)
	if err != nil {
		t.Fatal(err)
	}
	draw := distuv.Binomial{N: n, P: share, Src: newSource(13)}
	outside := 0
	for range runs {
		if !r.Contains(int64(draw.Rand())) {
			outside++
		}
	}
	t.Logf("range %+v: %d of %d outside", r, outside, runs)
	if outside > 140 || outside < 40 {
		t.Errorf("%d of %d counts outside %+v, want about 100 or fewer", outside, runs, r)
	}
}

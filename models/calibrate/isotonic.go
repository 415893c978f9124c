package calibrate

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
)

// tieEps is numpy's float64 resolution: scikit-learn's _make_unique counts a
// score less than tieEps above the first score of a run as tied with it.
const tieEps = 1e-15

// Isotonic is a fitted isotonic regression: breakpoints X (strictly
// increasing scores) and Y (non-decreasing probabilities in [0, 1]). A score
// below X[0] or above the last X takes the end value; one in between is
// interpolated linearly.
type Isotonic struct {
	X []float64 `json:"x"`
	Y []float64 `json:"y"`
}

// FitIsotonic fits a non-decreasing map of scores to the mean of their 0/1
// labels as scikit-learn's IsotonicRegression(increasing=True, y_min=0,
// y_max=1, out_of_bounds="clip") does (see the package comment), and keeps
// only the breakpoints the interpolation needs: the ends and the first and
// last score of every level.
func FitIsotonic(scores, labels []float64) (Isotonic, error) {
	if err := checkPairs(scores, labels); err != nil {
		return Isotonic{}, fmt.Errorf("fit isotonic: %w", err)
	}
	groups := tiedGroups(sortedPoints(scores, labels))
	x, y := trimLevels(groups, pav(groups))
	return Isotonic{X: x, Y: y}, nil
}

// point is one (score, label) pair.
type point struct{ x, y float64 }

// sortedPoints pairs scores with labels in order of score, then label (the
// order of numpy's lexsort((y, x))).
func sortedPoints(scores, labels []float64) []point {
	pts := make([]point, len(scores))
	for i, s := range scores {
		pts[i] = point{s, labels[i]}
	}
	slices.SortFunc(pts, func(a, b point) int {
		return cmp.Or(cmp.Compare(a.x, b.x), cmp.Compare(a.y, b.y))
	})
	return pts
}

// group is a run of tied scores: the first score x, the sum of the labels
// and the number of rows.
type group struct {
	x, sum, n float64
}

// tiedGroups gathers sorted points into runs of tied scores (see tieEps).
func tiedGroups(pts []point) []group {
	gs := []group{{x: pts[0].x}}
	for _, p := range pts {
		if p.x-gs[len(gs)-1].x >= tieEps {
			gs = append(gs, group{x: p.x})
		}
		g := &gs[len(gs)-1]
		g.sum, g.n = g.sum+p.y, g.n+1
	}
	return gs
}

// pav is the pool-adjacent-violators fit of the group means, weighted by
// the group sizes: the closest non-decreasing sequence in weighted least
// squares. Adjacent pools with equal means are merged too, as scikit-learn
// does, so every level is one pool. The means of 0/1 labels are already in
// [0, 1], so scikit-learn's clipping to [y_min, y_max] changes nothing.
func pav(gs []group) []float64 {
	var pools []pool
	for _, g := range gs {
		pools = append(pools, pool{sum: g.sum, n: g.n, size: 1})
		for k := len(pools) - 1; k > 0 && pools[k-1].mean() >= pools[k].mean(); k-- {
			pools = append(pools[:k-1], pools[k-1].merge(pools[k]))
		}
	}
	return expand(pools, len(gs))
}

// pool is a run of groups fitted by one value: the label sum, the row count
// and the number of groups.
type pool struct {
	sum, n float64
	size   int
}

// mean is the pooled share of positives.
func (p pool) mean() float64 { return p.sum / p.n }

// merge pools p with the next pool q.
func (p pool) merge(q pool) pool {
	return pool{sum: p.sum + q.sum, n: p.n + q.n, size: p.size + q.size}
}

// expand gives each of the n groups the mean of its pool.
func expand(pools []pool, n int) []float64 {
	fit := make([]float64, 0, n)
	for _, p := range pools {
		for range p.size {
			fit = append(fit, p.mean())
		}
	}
	return fit
}

// trimLevels keeps the first and last breakpoints and every other one whose
// fitted value differs from its predecessor's or its successor's, as
// scikit-learn's trim_duplicates does; the interpolation is unchanged.
func trimLevels(gs []group, fit []float64) (x, y []float64) {
	for i, g := range gs {
		inner := i > 0 && i < len(gs)-1
		if !inner || fit[i] != fit[i-1] || fit[i] != fit[i+1] {
			x, y = append(x, g.x), append(y, fit[i])
		}
	}
	return x, y
}

// Prob is the calibrated probability of score s: the end value outside the
// breakpoints, linear interpolation between them (scipy's interp1d, written
// as a share of the gap so that it stays within the two values), NaN for
// NaN. m must be valid, as FitIsotonic returns it.
func (m Isotonic) Prob(s float64) float64 {
	switch {
	case math.IsNaN(s):
		return math.NaN()
	case len(m.X) == 1:
		return m.Y[0]
	}
	return m.interpolate(s)
}

// interpolate is Prob with at least two breakpoints and a number s.
func (m Isotonic) interpolate(s float64) float64 {
	n := len(m.X)
	s = min(max(s, m.X[0]), m.X[n-1])
	hi := min(max(sort.SearchFloat64s(m.X, s), 1), n-1)
	lo := hi - 1
	share := (s - m.X[lo]) / (m.X[hi] - m.X[lo])
	return min(max(m.Y[lo]+share*(m.Y[hi]-m.Y[lo]), m.Y[lo]), m.Y[hi])
}

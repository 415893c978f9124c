package segrule

import (
	"math"
	"math/bits"
	"slices"
)

// quantileCont is DuckDB's quantile_cont(x, q) of vals, which it reorders:
// linear interpolation between the closest ranks, with the same float64
// operations in the same order as DuckDB's Interpolator (RN = (n-1)*q,
// FRN = floor(RN), CRN = ceil(RN)) and its double specialisation of
// CastInterpolation::Interpolate, lo*(1-d) + hi*d
// (src/core_functions/aggregate/holistic/quantile.cpp and
// quantile_sort_tree.hpp in duckdb/duckdb). Like DuckDB, it finds the two
// ranks by selection (nth_element), not by sorting. The float64
// conversions keep Go from fusing a multiply and an add, which DuckDB does
// not do either. ok is false when there are no values, or when the result
// is NaN (only possible with infinite values).
func quantileCont(vals []float64, q float64) (v float64, ok bool) {
	if len(vals) == 0 {
		return 0, false
	}
	rn := float64(len(vals)-1) * q
	flo, chi := math.Floor(rn), math.Ceil(rn)
	lo := nthSmallest(vals, int(flo))
	if flo == chi {
		return lo, true
	}
	hi := slices.Min(vals[int(flo)+1:]) // all ≥ lo after the selection
	d := rn - flo
	v = float64(lo*(1-d)) + float64(hi*d)
	return v, !math.IsNaN(v)
}

// nthSmallest reorders s so that s[k] is the value a sort would put there,
// with no larger value before it and no smaller one after, and returns it.
// It partitions in three around a median of three (so ties cost nothing),
// and sorts what is left when the pivots keep failing to halve the range.
func nthSmallest(s []float64, k int) float64 {
	lo, hi := 0, len(s)-1
	for budget := 2*bits.Len(uint(len(s))) + 4; lo < hi; budget-- {
		if budget == 0 {
			slices.Sort(s[lo : hi+1])
			break
		}
		lt, gt := partition3(s, lo, hi, medianOf3(s[lo], s[lo+(hi-lo)/2], s[hi]))
		switch {
		case k < lt:
			hi = lt - 1
		case k > gt:
			lo = gt + 1
		default:
			return s[k]
		}
	}
	return s[k]
}

// partition3 reorders s[lo:hi+1] into values below v, equal to v and above
// v, and returns the bounds of the middle part, s[lt:gt+1].
func partition3(s []float64, lo, hi int, v float64) (lt, gt int) {
	lt, gt = lo, hi
	for i := lo; i <= gt; {
		switch {
		case s[i] < v:
			s[lt], s[i] = s[i], s[lt]
			lt, i = lt+1, i+1
		case s[i] > v:
			s[i], s[gt] = s[gt], s[i]
			gt--
		default:
			i++
		}
	}
	return lt, gt
}

// medianOf3 returns the middle one of a, b and c.
func medianOf3(a, b, c float64) float64 {
	return max(min(a, b), min(max(a, b), c))
}

package gbdt

import (
	"cmp"
	"math"
	"slices"
)

// binning maps one feature's values to uint8 bin codes. Value bins are
// 0..nb-1; missing values have bin nb, so a feature's histogram has nb+1
// slots.
//
// Numeric: value bin i holds thresholds[i-1] < x <= thresholds[i] (bin 0
// everything up to thresholds[0], bin nb-1 everything above the last
// threshold). Thresholds are midpoints between distinct values when there
// are at most maxBins of them, else midpoint quantiles, as in scikit-learn.
//
// Categorical: each level has its own bin while there are at most maxBins
// levels; beyond that the maxBins-1 most frequent levels keep their own bin
// and the rest share the last one.
type binning struct {
	categorical bool
	nb          int
	thresholds  []float64
	levelBin    []uint8   // categorical: bin of each level code
	binLevels   [][]int32 // categorical: the level codes in each bin
}

func (b *binning) missingBin() uint8 { return uint8(b.nb) }

// numericBinning finds the thresholds of a numeric column from the rows in
// idx (all rows when idx is nil). NaN is missing; infinities take part in
// the quantiles but never become thresholds.
func numericBinning(x []float64, idx []int32, maxBins int) *binning {
	vals := presentValues(x, idx)
	slices.Sort(vals)
	th := thresholds(vals, maxBins)
	th = slices.DeleteFunc(th, func(v float64) bool { return math.IsInf(v, 0) })
	return &binning{nb: len(th) + 1, thresholds: th}
}

// thresholds are the bin thresholds of the sorted values: midpoints
// between distinct values when there are at most maxBins of them, else
// midpoint quantiles.
func thresholds(sorted []float64, maxBins int) []float64 {
	distinct := slices.Compact(slices.Clone(sorted))
	if len(distinct) <= maxBins {
		return distinctMidpoints(distinct)
	}
	return quantileMidpoints(sorted, maxBins)
}

// presentValues are the values of x that are not NaN at the rows in idx
// (all rows when idx is nil), in row order.
func presentValues(x []float64, idx []int32) []float64 {
	vals := make([]float64, 0, len(x))
	if idx == nil {
		for _, v := range x {
			if !math.IsNaN(v) {
				vals = append(vals, v)
			}
		}
		return vals
	}
	for _, r := range idx {
		if v := x[r]; !math.IsNaN(v) {
			vals = append(vals, v)
		}
	}
	return vals
}

// distinctMidpoints are the midpoints between consecutive distinct sorted
// values: one bin per value.
func distinctMidpoints(distinct []float64) []float64 {
	th := make([]float64, 0, len(distinct))
	for i := 1; i < len(distinct); i++ {
		th = append(th, midpoint(distinct[i-1], distinct[i]))
	}
	return th
}

// quantileMidpoints are the k/maxBins quantiles of the sorted values
// (k = 1..maxBins-1), each the midpoint of the two values around it,
// repeated ones kept once.
func quantileMidpoints(vals []float64, maxBins int) []float64 {
	th := make([]float64, 0, maxBins-1)
	n := float64(len(vals) - 1)
	for k := 1; k < maxBins; k++ {
		pos := n * float64(k) / float64(maxBins)
		lo := int(math.Floor(pos))
		hi := int(math.Ceil(pos))
		th = append(th, midpoint(vals[lo], vals[hi]))
	}
	return slices.Compact(th)
}

// midpoint is (a+b)/2, halving first when the sum would overflow.
func midpoint(a, b float64) float64 {
	m := (a + b) / 2
	if math.IsInf(m, 0) && !math.IsInf(a, 0) && !math.IsInf(b, 0) {
		m = a/2 + b/2
	}
	return m
}

// categoricalBinning maps the nLevels level codes of a column to bins,
// counting levels over the rows in idx (all rows when idx is nil).
func categoricalBinning(codes []int32, idx []int32, nLevels, maxBins int) *binning {
	if nLevels <= maxBins {
		return levelBins(nLevels)
	}
	return frequencyBins(levelCounts(codes, idx, nLevels), maxBins)
}

// levelBins gives each of the nLevels levels a bin of its own (one empty
// bin when there are none).
func levelBins(nLevels int) *binning {
	b := &binning{categorical: true, levelBin: make([]uint8, nLevels), nb: max(nLevels, 1)}
	b.binLevels = make([][]int32, b.nb)
	for l := range nLevels {
		b.levelBin[l] = uint8(l)
		b.binLevels[l] = []int32{int32(l)}
	}
	return b
}

// frequencyBins gives the maxBins-1 most frequent levels (count holds each
// level's rows) a bin of their own and puts the rest in the last one.
func frequencyBins(count []int, maxBins int) *binning {
	b := &binning{categorical: true, levelBin: make([]uint8, len(count)), nb: maxBins}
	b.binLevels = make([][]int32, maxBins)
	for rank, l := range byFrequency(count) {
		bin := min(rank, maxBins-1)
		b.levelBin[l] = uint8(bin)
		b.binLevels[bin] = append(b.binLevels[bin], l)
	}
	for i := range b.binLevels {
		slices.Sort(b.binLevels[i])
	}
	return b
}

// levelCounts counts the rows in idx (all rows when idx is nil) of each of
// the nLevels level codes; codes outside them are not counted.
func levelCounts(codes []int32, idx []int32, nLevels int) []int {
	count := make([]int, nLevels)
	add := func(c int32) {
		if c >= 0 && int(c) < nLevels {
			count[c]++
		}
	}
	if idx == nil {
		for _, c := range codes {
			add(c)
		}
	} else {
		for _, r := range idx {
			add(codes[r])
		}
	}
	return count
}

// byFrequency lists the level codes by count, highest first, ties in code
// order.
func byFrequency(count []int) []int32 {
	order := make([]int32, len(count))
	for l := range order {
		order[l] = int32(l)
	}
	slices.SortStableFunc(order, func(a, c int32) int { return cmp.Compare(count[c], count[a]) })
	return order
}

// binNumeric writes the bin codes of x into out.
func (b *binning) binNumeric(x []float64, out []uint8) {
	th := b.thresholds
	miss := b.missingBin()
	for i, v := range x {
		if math.IsNaN(v) {
			out[i] = miss
			continue
		}
		// smallest j with v <= th[j], else len(th)
		lo, hi := 0, len(th)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if v <= th[m] {
				hi = m
			} else {
				lo = m + 1
			}
		}
		out[i] = uint8(lo)
	}
}

// binCategorical writes the bin codes of codes into out; codes outside the
// levels (-1 or unseen) are missing.
func (b *binning) binCategorical(codes []int32, out []uint8) {
	miss := b.missingBin()
	for i, c := range codes {
		if c < 0 || int(c) >= len(b.levelBin) {
			out[i] = miss
		} else {
			out[i] = b.levelBin[c]
		}
	}
}

package frame

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Present returns the indexes of the rows whose label is not missing.
func Present(y []float64) []int {
	idx := make([]int, 0, len(y))
	for i, v := range y {
		if !math.IsNaN(v) {
			idx = append(idx, i)
		}
	}
	return idx
}

// StratifiedSplit splits the row indexes 0..len(y)-1 into train and test so
// that each label value keeps its share: of each value's rows,
// round(testShare × count) go to test, chosen by a PCG generator seeded
// with seed. Rows with a missing (NaN) label are in neither. Both lists are
// sorted. A regression label (many values) is split by rank instead: rows
// are ordered by label and cut into strata of 10, so both parts cover the
// label's range.
func StratifiedSplit(y []float64, testShare float64, seed uint64) (train, test []int) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for _, s := range strata(y) {
		s = slices.Clone(s)
		rng.Shuffle(len(s), func(a, b int) { s[a], s[b] = s[b], s[a] })
		k := int(math.Round(testShare * float64(len(s))))
		test = append(test, s[:k]...)
		train = append(train, s[k:]...)
	}
	slices.Sort(train)
	slices.Sort(test)
	return train, test
}

// strata groups the rows with a value: by value when there are at most 20
// values, else in runs of 10 rows in value order.
func strata(y []float64) [][]int {
	keys, groups := byValue(y)
	if len(keys) > 20 {
		return rankRuns(y)
	}
	var strata [][]int
	for _, k := range keys {
		strata = append(strata, groups[k])
	}
	return strata
}

// byValue groups the rows with a value by value, and returns the values in
// order.
func byValue(y []float64) ([]float64, map[float64][]int) {
	groups := map[float64][]int{}
	var keys []float64
	for _, i := range Present(y) {
		if _, ok := groups[y[i]]; !ok {
			keys = append(keys, y[i])
		}
		groups[y[i]] = append(groups[y[i]], i)
	}
	slices.Sort(keys)
	return keys, groups
}

// rankRuns orders the rows with a value by value (ties in row order) and
// cuts them into runs of 10 rows.
func rankRuns(y []float64) [][]int {
	order := Present(y)
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case y[a] < y[b]:
			return -1
		case y[a] > y[b]:
			return 1
		}
		return 0
	})
	var runs [][]int
	for len(order) > 0 {
		n := min(10, len(order))
		runs = append(runs, order[:n])
		order = order[n:]
	}
	return runs
}

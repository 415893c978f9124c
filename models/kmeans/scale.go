package kmeans

import (
	"fmt"
	"math"
)

// Column is one input of the distance: a numeric feature or one level of a
// categorical feature (one-hot), with the figures that standardise it.
type Column struct {
	// Name is the feature's name, or "feature=level" for a one-hot column.
	Name string `json:"name"`
	// Mean replaces a missing value and is subtracted before scaling.
	Mean float64 `json:"mean"`
	// Scale is the column's standard deviation over the training rows
	// (missing values counted at the mean), or 1 for a constant column.
	Scale float64 `json:"scale"`
}

// matrix is a dense row-major table of n rows and d columns.
type matrix struct {
	n, d int
	v    []float64
}

func (m *matrix) row(i int) []float64 { return m.v[i*m.d : (i+1)*m.d] }

// fitColumns computes each column's mean over its non-missing (NaN) values
// and its population standard deviation after missing values take the mean,
// which is what scikit-learn's SimpleImputer(strategy="mean") followed by
// StandardScaler computes.
func fitColumns(names []string, x *matrix) ([]Column, error) {
	cols := make([]Column, x.d)
	for j := range cols {
		mean, ok := x.columnMean(j)
		if !ok {
			return nil, fmt.Errorf("column %q has no values", names[j])
		}
		cols[j] = Column{Name: names[j], Mean: mean, Scale: x.columnScale(j, mean)}
	}
	return cols, nil
}

// columnMean is the mean of column j's non-missing values; false when it
// has none.
func (x *matrix) columnMean(j int) (float64, bool) {
	sum, n := 0.0, 0
	for i := range x.n {
		if v := x.v[i*x.d+j]; !math.IsNaN(v) {
			sum += v
			n++
		}
	}
	return sum / float64(n), n > 0
}

// columnScale is the population standard deviation of column j with its
// missing values at mean, or 1 when that is 0.
func (x *matrix) columnScale(j int, mean float64) float64 {
	ss := 0.0
	for i := range x.n {
		if v := x.v[i*x.d+j]; !math.IsNaN(v) {
			ss += (v - mean) * (v - mean)
		}
	}
	if scale := math.Sqrt(ss / float64(x.n)); scale != 0 {
		return scale
	}
	return 1
}

// standardise replaces missing values by the column mean and scales every
// value in place to (v - mean) / scale.
func standardise(cols []Column, x *matrix) {
	for i := range x.n {
		r := x.row(i)
		for j, c := range cols {
			if math.IsNaN(r[j]) {
				r[j] = 0
			} else {
				r[j] = (r[j] - c.Mean) / c.Scale
			}
		}
	}
}

// dense copies rows into a matrix of d columns, checking their lengths and
// that no value is infinite (NaN is a missing value).
func dense(rows [][]float64, d int) (*matrix, error) {
	m := &matrix{n: len(rows), d: d, v: make([]float64, len(rows)*d)}
	for i, r := range rows {
		if len(r) != d {
			return nil, fmt.Errorf("row %d has %d values, want %d", i, len(r), d)
		}
		for j, v := range r {
			if math.IsInf(v, 0) {
				return nil, fmt.Errorf("row %d column %d is infinite", i, j)
			}
		}
		copy(m.row(i), r)
	}
	return m, nil
}

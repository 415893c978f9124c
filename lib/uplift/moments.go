package uplift

import "math"

// Moments summarises one group's per-person values: the count, the mean
// and M2, the sum of squared deviations from the mean. It is built without
// the cancellation of the sum-of-squares formula, so revenue in cents over
// millions of people keeps its variance. The zero value is an empty group.
type Moments struct {
	N    int64   `json:"n"`
	Mean float64 `json:"mean"`
	M2   float64 `json:"m2"`
}

// Add folds one person's value in (Welford's update).
func (m *Moments) Add(x float64) {
	m.N++
	d := x - m.Mean
	m.Mean += d / float64(m.N)
	m.M2 += d * (x - m.Mean)
}

// Merge combines the moments of two disjoint sets of people (Chan, Golub
// and LeVeque's pairwise update), for partial sums computed per partition.
func (m Moments) Merge(o Moments) Moments {
	if m.N == 0 {
		return o
	}
	if o.N == 0 {
		return m
	}
	n := m.N + o.N
	d := o.Mean - m.Mean
	w := float64(o.N) / float64(n)
	return Moments{
		N:    n,
		Mean: m.Mean + d*w,
		M2:   m.M2 + o.M2 + d*d*float64(m.N)*w,
	}
}

// Variance is the sample variance M2 / (N - 1); 0 for fewer than two
// people.
func (m Moments) Variance() float64 {
	if m.N < 2 {
		return 0
	}
	return m.M2 / float64(m.N-1)
}

// SD is the sample standard deviation.
func (m Moments) SD() float64 { return math.Sqrt(m.Variance()) }

// MomentsOf summarises values in two passes: the mean, then the squared
// deviations with the rounding error of the mean corrected (the corrected
// two-pass algorithm of Chan, Golub and LeVeque).
func MomentsOf(values []float64) Moments {
	if len(values) == 0 {
		return Moments{}
	}
	n := float64(len(values))
	mean := sum(values) / n
	var ss, comp float64
	for _, x := range values {
		d := x - mean
		ss += d * d
		comp += d
	}
	return Moments{N: int64(len(values)), Mean: mean, M2: ss - comp*comp/n}
}

// sum adds values in order.
func sum(values []float64) float64 {
	var s float64
	for _, x := range values {
		s += x
	}
	return s
}

// Package propensity builds the tables that purchase-propensity models learn
// from and score: one row per customer with the customer's features as of
// a cutoff (lib/featureset's model frame: the column names and definitions
// are its catalogue, featureset.Columns) and, for learning, whether the
// customer ordered within the horizon after it.
//
// Cutoff C, horizon H days: the features count only orders before C, so
// nothing after the cutoff leaks into them; the label is 1 when the
// customer placed a non-cancelled order in [C, C+H), else 0. A customer is
// in the table when it has at least one non-cancelled order before C.
package propensity

import (
	"time"

	"github.com/segmint/segmint/lib/featureset"
	"github.com/segmint/segmint/models/frame"
)

// Set is one snapshot: customers in id order, their features and labels.
type Set struct {
	Cutoff time.Time
	IDs    []string
	X      *frame.Frame
	// Y is 1 or 0 per customer; nil when the snapshot has no label window
	// (scoring).
	Y []float64
}

// Positives counts the customers with label 1.
func (s *Set) Positives() int {
	var n int
	for _, v := range s.Y {
		n += int(v)
	}
	return n
}

// Snapshot builds the table as of cutoff. With horizonDays > 0 it labels
// each customer by whether it ordered in [cutoff, cutoff+horizon).
func Snapshot(orders []featureset.Order, cutoff time.Time, horizonDays int) *Set {
	ids, x := featureset.AsOf(orders, cutoff)
	s := &Set{Cutoff: cutoff, IDs: ids, X: x}
	if horizonDays > 0 {
		s.Y = labels(orders, ids, cutoff, cutoff.AddDate(0, 0, horizonDays))
	}
	return s
}

// labels is 1 for each customer of ids with a non-cancelled order in
// [from, to), else 0.
func labels(orders []featureset.Order, ids []string, from, to time.Time) []float64 {
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
	}
	y := make([]float64, len(ids))
	for _, o := range orders {
		if o.Cancelled || o.At.Before(from) || !o.At.Before(to) {
			continue
		}
		if i, ok := index[o.Customer]; ok {
			y[i] = 1
		}
	}
	return y
}

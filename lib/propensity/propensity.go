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
	"fmt"
	"time"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/featureset"
	"github.com/segmint/segmint/lib/money"
	"github.com/segmint/segmint/models/frame"
)

// Set is one snapshot: customers in id order, their features and labels.
type Set struct {
	// Cutoff is the snapshot's date; for a stack of snapshots (Window) the
	// newest, From the oldest.
	Cutoff, From time.Time
	IDs          []string
	X            *frame.Frame
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

// For is classifier k's table as of cutoff: the customers eligible for it
// (an order in the k.EligibleDays days before cutoff, any order when 0),
// labelled by its target over [cutoff, cutoff+horizon) when label is true
// (purchase: 1 when the customer ordered; churn: 1 when it did not).
func For(orders []featureset.Order, cutoff time.Time, k config.Classifier, label bool) *Set {
	horizon := 0
	if label {
		horizon = k.HorizonDays
	}
	s := Snapshot(orders, cutoff, horizon)
	s.keep(eligible(s.X, k.EligibleDays))
	if label && k.Target == config.TargetChurn {
		for i, y := range s.Y {
			s.Y[i] = 1 - y
		}
	}
	return s
}

// Window is classifier k's labelled table over k.Snapshots snapshots, the
// newest as of newest and each earlier one k.HorizonDays before the next,
// stacked oldest first (a customer appears once per snapshot it is
// eligible in). Cutoff is the newest cutoff, From the oldest.
func Window(orders []featureset.Order, newest time.Time, k config.Classifier) (*Set, error) {
	n := max(k.Snapshots, 1)
	sets := make([]*Set, n)
	for j := range n {
		sets[n-1-j] = For(orders, newest.AddDate(0, 0, -j*k.HorizonDays), k, true)
	}
	if n == 1 {
		sets[0].From = newest
		return sets[0], nil
	}
	frames := make([]*frame.Frame, n)
	out := &Set{Cutoff: newest, From: sets[0].Cutoff}
	for j, s := range sets {
		frames[j] = s.X
		out.IDs = append(out.IDs, s.IDs...)
		out.Y = append(out.Y, s.Y...)
	}
	x, err := frame.Concat(frames...)
	if err != nil {
		return nil, fmt.Errorf("classifier %s: %w", k.Name, err)
	}
	out.X = x
	return out, nil
}

// eligible are the rows whose last order is fewer than days whole days
// before the cutoff (every row when days is 0).
func eligible(x *frame.Frame, days int) []int {
	rec := x.Col("recency_days").Num
	out := make([]int, 0, len(rec))
	for i, r := range rec {
		if days == 0 || r < float64(days) {
			out = append(out, i)
		}
	}
	return out
}

// keep restricts the set to the rows idx, in order.
func (s *Set) keep(idx []int) {
	if len(idx) == len(s.IDs) {
		return
	}
	ids := make([]string, len(idx))
	for k, i := range idx {
		ids[k] = s.IDs[i]
	}
	s.IDs, s.X = ids, s.X.Take(idx)
	if s.Y != nil {
		y := make([]float64, len(idx))
		for k, i := range idx {
			y[k] = s.Y[i]
		}
		s.Y = y
	}
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

// Revenue is the value model's table as of cutoff: every customer with an
// order, labelled (when label is true) by the value of its non-cancelled
// orders in [cutoff, cutoff+horizon), in currency units (the definition of
// the revenue_90d feature, so that "repeat the last 90 days" is the
// feature itself).
func Revenue(orders []featureset.Order, cutoff time.Time, horizonDays int, label bool) *Set {
	s := Snapshot(orders, cutoff, 0)
	if !label {
		return s
	}
	index := make(map[string]int, len(s.IDs))
	for i, id := range s.IDs {
		index[id] = i
	}
	sums := make([]money.Micros, len(s.IDs))
	end := cutoff.AddDate(0, 0, horizonDays)
	for _, o := range orders {
		if i, ok := index[o.Customer]; ok && !o.Cancelled && !o.At.Before(cutoff) && o.At.Before(end) {
			sums[i] += o.Value
		}
	}
	s.Y = make([]float64, len(sums))
	for i, v := range sums {
		s.Y[i] = v.Float()
	}
	return s
}

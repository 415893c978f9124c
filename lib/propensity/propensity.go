// Package propensity builds the tables that purchase-propensity models learn
// from and score: one row per customer with the customer's order features
// as of a cutoff and, for learning, whether the customer ordered within the
// horizon after it.
//
// Definitions (cutoff C, horizon H days; only orders before C count for the
// features, so nothing after the cutoff leaks into them):
//
//	recency_days             whole days from the last order to C
//	tenure_days              whole days from the first order to C
//	frequency                orders
//	monetary                 net value: orders minus cancellations
//	avg_order_value          order value / orders
//	orders_30d, orders_90d, orders_365d   orders in the last 30, 90, 365 days before C
//	revenue_90d, revenue_365d             their order value
//	avg_days_between_orders  (last - first) / (orders - 1); missing below two orders
//	return_ratio             cancellations' value / order value
//	country                  the customer's most frequent order country (categorical)
//	label                    1 when the customer placed an order in [C, C+H), else 0
//
// "Orders" are non-cancelled orders; a customer is in the table when it has
// at least one before C. Money is in the reporting currency's units.
package propensity

import (
	"math"
	"sort"
	"time"

	"github.com/segmint/segmint/lib/unified"
	"github.com/segmint/segmint/models/frame"
)

// Order is what propensity needs of one order.
type Order struct {
	Customer  string
	At        time.Time
	Value     float64 // units of the reporting currency; negative for cancellations
	Cancelled bool
	Country   string
}

// FromUnified takes the orders that belong to a customer from unified/orders.
func FromUnified(orders []unified.Order) []Order {
	out := make([]Order, 0, len(orders))
	for _, o := range orders {
		if o.CustomerID == nil {
			continue
		}
		var country string
		if o.Country != nil {
			country = *o.Country
		}
		out = append(out, Order{Customer: *o.CustomerID, At: o.OrderedAt, Value: o.Value.Float(),
			Cancelled: o.IsCancellation, Country: country})
	}
	return out
}

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

type acc struct {
	first, last               time.Time
	orders, o30, o90, o365    int
	value, returns, r90, r365 float64
	countries                 map[string]int
	labelled                  bool
}

// Snapshot builds the table as of cutoff. With horizonDays > 0 it labels
// each customer by whether it ordered in [cutoff, cutoff+horizon).
func Snapshot(orders []Order, cutoff time.Time, horizonDays int) *Set {
	end := cutoff.AddDate(0, 0, horizonDays)
	by := map[string]*acc{}
	for _, o := range orders {
		if !o.At.Before(cutoff) {
			continue
		}
		a := by[o.Customer]
		if a == nil {
			a = &acc{countries: map[string]int{}}
			by[o.Customer] = a
		}
		if o.Cancelled {
			a.returns += -o.Value
			continue
		}
		if a.orders == 0 || o.At.Before(a.first) {
			a.first = o.At
		}
		if a.orders == 0 || o.At.After(a.last) {
			a.last = o.At
		}
		a.orders++
		a.value += o.Value
		age := cutoff.Sub(o.At)
		if age <= 365*24*time.Hour {
			a.o365++
			a.r365 += o.Value
		}
		if age <= 90*24*time.Hour {
			a.o90++
			a.r90 += o.Value
		}
		if age <= 30*24*time.Hour {
			a.o30++
		}
		if o.Country != "" {
			a.countries[o.Country]++
		}
	}
	if horizonDays > 0 {
		for _, o := range orders {
			if o.Cancelled || o.At.Before(cutoff) || !o.At.Before(end) {
				continue
			}
			if a := by[o.Customer]; a != nil {
				a.labelled = true
			}
		}
	}
	ids := make([]string, 0, len(by))
	for id, a := range by {
		if a.orders > 0 {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	s := &Set{Cutoff: cutoff, IDs: ids, X: &frame.Frame{Rows: len(ids)}}
	num := func(name string, f func(a *acc) float64) {
		c := &frame.Column{Name: name, Kind: frame.Numeric, Num: make([]float64, len(ids))}
		for i, id := range ids {
			c.Num[i] = f(by[id])
		}
		s.X.Cols = append(s.X.Cols, c)
	}
	days := func(d time.Duration) float64 { return math.Floor(d.Hours() / 24) }
	num("recency_days", func(a *acc) float64 { return days(cutoff.Sub(a.last)) })
	num("tenure_days", func(a *acc) float64 { return days(cutoff.Sub(a.first)) })
	num("frequency", func(a *acc) float64 { return float64(a.orders) })
	num("monetary", func(a *acc) float64 { return a.value - a.returns })
	num("avg_order_value", func(a *acc) float64 { return a.value / float64(a.orders) })
	num("orders_30d", func(a *acc) float64 { return float64(a.o30) })
	num("orders_90d", func(a *acc) float64 { return float64(a.o90) })
	num("orders_365d", func(a *acc) float64 { return float64(a.o365) })
	num("revenue_90d", func(a *acc) float64 { return a.r90 })
	num("revenue_365d", func(a *acc) float64 { return a.r365 })
	num("avg_days_between_orders", func(a *acc) float64 {
		if a.orders < 2 {
			return math.NaN()
		}
		return a.last.Sub(a.first).Hours() / 24 / float64(a.orders-1)
	})
	num("return_ratio", func(a *acc) float64 {
		if a.value <= 0 {
			return math.NaN()
		}
		return a.returns / a.value
	})
	s.X.Cols = append(s.X.Cols, countryColumn(ids, by))
	if horizonDays > 0 {
		s.Y = make([]float64, len(ids))
		for i, id := range ids {
			if by[id].labelled {
				s.Y[i] = 1
			}
		}
	}
	return s
}

// countryColumn is each customer's most frequent order country (ties to
// the smallest name), as a categorical column.
func countryColumn(ids []string, by map[string]*acc) *frame.Column {
	top := make([]string, len(ids))
	levels := map[string]bool{}
	for i, id := range ids {
		best, n := "", 0
		for c, k := range by[id].countries {
			if k > n || k == n && c < best {
				best, n = c, k
			}
		}
		top[i] = best
		if best != "" {
			levels[best] = true
		}
	}
	c := &frame.Column{Name: "country", Kind: frame.Categorical, Codes: make([]int32, len(ids))}
	for l := range levels {
		c.Levels = append(c.Levels, l)
	}
	sort.Strings(c.Levels)
	for i, t := range top {
		c.Codes[i] = int32(sort.SearchStrings(c.Levels, t))
		if t == "" {
			c.Codes[i] = -1
		}
	}
	return c
}

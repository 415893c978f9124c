package featureset

import (
	"sort"
	"time"

	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/money"
	"github.com/segmint/segmint/models/frame"
)

// Order is what the model features need of one order.
type Order struct {
	Customer  string
	At        time.Time
	Value     money.Micros // exact; negative for cancellations
	Cancelled bool
	Country   string
}

// FromUnified takes the orders that belong to a customer from unified/orders.
func FromUnified(orders []customerview.Order) []Order {
	out := make([]Order, 0, len(orders))
	for _, o := range orders {
		if o.CustomerID == nil {
			continue
		}
		var country string
		if o.Country != nil {
			country = *o.Country
		}
		out = append(out, Order{Customer: *o.CustomerID, At: o.OrderedAt, Value: o.Value,
			Cancelled: o.IsCancellation, Country: country})
	}
	return out
}

// acc is one customer's orders before the cutoff; sums of money are exact.
type acc struct {
	first, last               time.Time
	orders, o30, o90, o365    int
	value, returns, r90, r365 money.Micros
	countries                 map[string]int
}

// AsOf is the model frame of Columns as of cutoff: one row per customer
// with at least one order before cutoff, customers in id order. Only
// orders before cutoff count, so nothing after it leaks into the features.
func AsOf(orders []Order, cutoff time.Time) (ids []string, x *frame.Frame) {
	by := accumulate(orders, cutoff)
	ids = make([]string, 0, len(by))
	for id, a := range by {
		if a.orders > 0 {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	x = &frame.Frame{Rows: len(ids)}
	for _, col := range Columns() {
		if col.Kind == frame.Categorical {
			x.Cols = append(x.Cols, countryColumn(col.Name, ids, by))
			continue
		}
		c := &frame.Column{Name: col.Name, Kind: frame.Numeric, Num: make([]float64, len(ids))}
		for i, id := range ids {
			c.Num[i] = col.model(by[id], cutoff)
		}
		x.Cols = append(x.Cols, c)
	}
	return ids, x
}

// accumulate gathers the orders placed before cutoff by customer: returns
// (cancelled lines) apart from the orders.
func accumulate(orders []Order, cutoff time.Time) map[string]*acc {
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
		a.addOrder(o, cutoff)
	}
	return by
}

// addOrder counts a non-cancelled order placed before cutoff.
func (a *acc) addOrder(o Order, cutoff time.Time) {
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

// countryColumn is each customer's most frequent order country (ties to
// the smallest name), as a categorical column.
func countryColumn(name string, ids []string, by map[string]*acc) *frame.Column {
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
	c := &frame.Column{Name: name, Kind: frame.Categorical, Codes: make([]int32, len(ids))}
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

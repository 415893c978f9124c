// Package featureset is the one home of the customer features: their
// catalogue (Columns: names, definitions, computations, order) and the two
// views of it, both computed by the catalogue's functions from a customer's
// orders before a cutoff: the published rows of features/customers
// (Published, as of the run date's end) and the model frame (AsOf, as of
// any cutoff) that lib/propensity trains and scores on. At the same cutoff
// a published column and the model's column of that name hold the same
// value, to the bit.
package featureset

import (
	"math"
	"time"
)

// Customer is one row of features/customers: the Published columns of the
// catalogue (a test holds the tags to it). Money is in the reporting
// currency's units as doubles: features feed models, never sums.
type Customer struct {
	CustomerID  string `parquet:"customer_id"`
	RecencyDays *int64 `parquet:"recency_days,optional"`
	// Frequency is the number of non-cancelled orders.
	Frequency int64 `parquet:"frequency"`
	// Monetary is the net revenue.
	Monetary   float64 `parquet:"monetary"`
	TenureDays *int64  `parquet:"tenure_days,optional"`
	// AvgOrderValue is gross revenue / frequency; null without orders.
	AvgOrderValue *float64 `parquet:"avg_order_value,optional"`
	// ReturnRatio is returns value / gross revenue; null when gross is not positive.
	ReturnRatio *float64 `parquet:"return_ratio,optional"`
}

// Published is features/customers as of cutoff: one row per id, in the
// order given (customers without orders before cutoff included, with null
// days and ratios), each column computed as its model column is.
func Published(ids []string, orders []Order, cutoff time.Time) []Customer {
	by := accumulate(orders, cutoff)
	cols := Columns()
	rows := make([]Customer, len(ids))
	for i, id := range ids {
		a := by[id]
		if a == nil {
			a = &acc{}
		}
		rows[i].CustomerID = id
		for _, col := range cols {
			if col.publish != nil {
				col.publish(&rows[i], col.model(a, cutoff))
			}
		}
	}
	return rows
}

// days is a whole number of days, nil when missing (NaN).
func days(v float64) *int64 {
	if math.IsNaN(v) {
		return nil
	}
	n := int64(v)
	return &n
}

// optional is v, nil when missing (NaN).
func optional(v float64) *float64 {
	if math.IsNaN(v) {
		return nil
	}
	return &v
}

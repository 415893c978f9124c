package featureset

import (
	"math"
	"time"

	"github.com/segmint/segmint/models/frame"
)

// Column is one customer feature: its name (the same in features/customers
// and in the model frames), what it means, and where it appears.
type Column struct {
	Name string
	Kind frame.Kind
	// Doc is the definition. Where the published table and the model
	// frames compute the column differently, it says how.
	Doc string
	// Published is true for the columns of features/customers (their
	// Parquet order is Customer's field order, fixed by the bytes already
	// published); every column is in the model frames, in catalogue order.
	Published bool
	// model computes a numeric column of the model frames from a
	// customer's orders before cutoff (see AsOf); nil for a categorical one.
	model func(a *acc, cutoff time.Time) float64
}

// Columns is the catalogue of customer features in model-frame order.
// Customer's Parquet tags and Frame's columns are checked against it.
//
// As of: the end of the run date D for features/customers, a cutoff C for
// the model frames (D's end when scoring). "Orders" are non-cancelled
// orders before that instant; money is in the reporting currency's units.
//
// The published money columns come from unified/customers, whose amounts are
// exact sums rounded once to the cent; the model frames sum each order's
// value as a double (micros/1e6). The two agree to within float rounding
// except where amounts have sub-cent parts (at most 0.002 on the 2009-2010
// year); see the package documentation.
func Columns() []Column {
	return []Column{
		{Name: "recency_days", Kind: frame.Numeric, Published: true,
			Doc:   "whole days from the last order to the as-of instant; null (published) without orders",
			model: func(a *acc, cutoff time.Time) float64 { return wholeDays(cutoff.Sub(a.last)) }},
		{Name: "tenure_days", Kind: frame.Numeric, Published: true,
			Doc:   "whole days from the first order to the as-of instant; null (published) without orders",
			model: func(a *acc, cutoff time.Time) float64 { return wholeDays(cutoff.Sub(a.first)) }},
		{Name: "frequency", Kind: frame.Numeric, Published: true,
			Doc:   "number of orders",
			model: func(a *acc, _ time.Time) float64 { return float64(a.orders) }},
		{Name: "monetary", Kind: frame.Numeric, Published: true,
			Doc:   "net value: orders' value minus cancellations' value (published: net revenue to the cent / 100)",
			model: func(a *acc, _ time.Time) float64 { return a.value - a.returns }},
		{Name: "avg_order_value", Kind: frame.Numeric, Published: true,
			Doc:   "orders' value / orders (published: gross revenue to the cent / 100 / orders; null without orders)",
			model: func(a *acc, _ time.Time) float64 { return a.value / float64(a.orders) }},
		{Name: "orders_30d", Kind: frame.Numeric, Doc: "orders in the 30 days before the as-of instant",
			model: func(a *acc, _ time.Time) float64 { return float64(a.o30) }},
		{Name: "orders_90d", Kind: frame.Numeric, Doc: "orders in the 90 days before the as-of instant",
			model: func(a *acc, _ time.Time) float64 { return float64(a.o90) }},
		{Name: "orders_365d", Kind: frame.Numeric, Doc: "orders in the 365 days before the as-of instant",
			model: func(a *acc, _ time.Time) float64 { return float64(a.o365) }},
		{Name: "revenue_90d", Kind: frame.Numeric, Doc: "value of the orders_90d orders",
			model: func(a *acc, _ time.Time) float64 { return a.r90 }},
		{Name: "revenue_365d", Kind: frame.Numeric, Doc: "value of the orders_365d orders",
			model: func(a *acc, _ time.Time) float64 { return a.r365 }},
		{Name: "avg_days_between_orders", Kind: frame.Numeric,
			Doc:   "(last - first order) / (orders - 1) in days; missing below two orders",
			model: avgDaysBetweenOrders},
		{Name: "return_ratio", Kind: frame.Numeric, Published: true,
			Doc:   "cancellations' value / orders' value; missing (null) when the orders' value is not positive",
			model: returnRatio},
		{Name: "country", Kind: frame.Categorical,
			Doc: "the customer's most frequent order country, ties to the smallest name"},
	}
}

// wholeDays is d in whole days, rounded down.
func wholeDays(d time.Duration) float64 { return math.Floor(d.Hours() / 24) }

// avgDaysBetweenOrders is (last - first order) / (orders - 1) in days;
// NaN below two orders.
func avgDaysBetweenOrders(a *acc, _ time.Time) float64 {
	if a.orders < 2 {
		return math.NaN()
	}
	return a.last.Sub(a.first).Hours() / 24 / float64(a.orders-1)
}

// returnRatio is cancellations' value / orders' value; NaN when the
// orders' value is not positive.
func returnRatio(a *acc, _ time.Time) float64 {
	if a.value <= 0 {
		return math.NaN()
	}
	return a.returns / a.value
}

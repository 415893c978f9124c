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
	// publish puts a Published column's value into the row of
	// features/customers; nil for the others.
	publish func(c *Customer, v float64)
	// model computes a numeric column from a customer's orders before
	// cutoff, for the model frames (see AsOf) and, where Published, for
	// features/customers (see Row); NaN is missing (null when published).
	// nil for a categorical column.
	model func(a *acc, cutoff time.Time) float64
}

// Columns is the catalogue of customer features in model-frame order.
// Customer's Parquet tags and Frame's columns are checked against it.
//
// As of: the end of the run date D for features/customers, a cutoff C for
// the model frames (D's end when scoring). "Orders" are non-cancelled
// orders before that instant. Money is in the reporting currency's units:
// an exact sum of the orders' values, rounded once to the cent.
func Columns() []Column {
	return []Column{
		{Name: "recency_days", Kind: frame.Numeric, Published: true, publish: func(c *Customer, v float64) { c.RecencyDays = days(v) },
			Doc:   "whole days from the last order to the as-of instant; missing without orders",
			model: func(a *acc, cutoff time.Time) float64 { return a.days(cutoff.Sub(a.last)) }},
		{Name: "tenure_days", Kind: frame.Numeric, Published: true, publish: func(c *Customer, v float64) { c.TenureDays = days(v) },
			Doc:   "whole days from the first order to the as-of instant; missing without orders",
			model: func(a *acc, cutoff time.Time) float64 { return a.days(cutoff.Sub(a.first)) }},
		{Name: "frequency", Kind: frame.Numeric, Published: true, publish: func(c *Customer, v float64) { c.Frequency = int64(v) },
			Doc:   "number of orders",
			model: func(a *acc, _ time.Time) float64 { return float64(a.orders) }},
		{Name: "monetary", Kind: frame.Numeric, Published: true, publish: func(c *Customer, v float64) { c.Monetary = v },
			Doc:   "net value: orders' value minus cancellations' value",
			model: func(a *acc, _ time.Time) float64 { return (a.value - a.returns).Cents().Float() }},
		{Name: "avg_order_value", Kind: frame.Numeric, Published: true, publish: func(c *Customer, v float64) { c.AvgOrderValue = optional(v) },
			Doc:   "orders' value / orders; missing without orders",
			model: avgOrderValue},
		{Name: "orders_30d", Kind: frame.Numeric, Doc: "orders in the 30 days before the as-of instant",
			model: func(a *acc, _ time.Time) float64 { return float64(a.o30) }},
		{Name: "orders_90d", Kind: frame.Numeric, Doc: "orders in the 90 days before the as-of instant",
			model: func(a *acc, _ time.Time) float64 { return float64(a.o90) }},
		{Name: "orders_365d", Kind: frame.Numeric, Doc: "orders in the 365 days before the as-of instant",
			model: func(a *acc, _ time.Time) float64 { return float64(a.o365) }},
		{Name: "revenue_90d", Kind: frame.Numeric, Doc: "value of the orders_90d orders",
			model: func(a *acc, _ time.Time) float64 { return a.r90.Cents().Float() }},
		{Name: "revenue_365d", Kind: frame.Numeric, Doc: "value of the orders_365d orders",
			model: func(a *acc, _ time.Time) float64 { return a.r365.Cents().Float() }},
		{Name: "avg_days_between_orders", Kind: frame.Numeric,
			Doc:   "(last - first order) / (orders - 1) in days; missing below two orders",
			model: avgDaysBetweenOrders},
		{Name: "return_ratio", Kind: frame.Numeric, Published: true, publish: func(c *Customer, v float64) { c.ReturnRatio = optional(v) },
			Doc:   "cancellations' value / orders' value, both to the cent; missing when the orders' value is not positive",
			model: returnRatio},
		{Name: "country", Kind: frame.Categorical,
			Doc: "the customer's most frequent order country, ties to the smallest name"},
	}
}

// days is d in whole days, rounded down; NaN without orders.
func (a *acc) days(d time.Duration) float64 {
	if a.orders == 0 {
		return math.NaN()
	}
	return math.Floor(d.Hours() / 24)
}

// avgOrderValue is the orders' value to the cent / orders; NaN without
// orders.
func avgOrderValue(a *acc, _ time.Time) float64 {
	if a.orders == 0 {
		return math.NaN()
	}
	return a.value.Cents().Float() / float64(a.orders)
}

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
	gross := a.value.Cents()
	if gross <= 0 {
		return math.NaN()
	}
	return float64(a.returns.Cents()) / float64(gross)
}

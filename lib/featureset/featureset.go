// Package featureset is the one home of the customer features: their
// catalogue (Columns: names, definitions, order) and both builders, the
// published row of features/customers (FromCustomer, as of the run date's
// end, from unified/customers) and the model frame (AsOf, as of a cutoff,
// from unified/orders) that lib/propensity trains and scores on.
//
// The two builders agree exactly on recency_days, tenure_days and
// frequency. The published money columns are derived from cent-rounded
// exact sums (unified/customers), the model's from double sums of each
// order's micros/1e6, so monetary, avg_order_value and return_ratio differ
// by float rounding on about a quarter of the customers and by up to half
// a cent where amounts have sub-cent parts (12 of 4314 customers of the
// 2009-2010 year, at most 0.002). Making them one computation would change
// either the published bytes or the model inputs, so they stay two.
package featureset

import "github.com/segmint/segmint/lib/customerview"

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

// FromCustomer derives the features of one unified customer.
func FromCustomer(c customerview.Customer) Customer {
	f := Customer{
		CustomerID: c.CustomerID, RecencyDays: c.RecencyDays, Frequency: c.OrdersCount,
		Monetary: c.NetRevenue.Float(), TenureDays: c.TenureDays,
	}
	if c.OrdersCount > 0 {
		v := c.GrossRevenue.Float() / float64(c.OrdersCount)
		f.AvgOrderValue = &v
	}
	if c.GrossRevenue > 0 {
		v := float64(c.ReturnsValue) / float64(c.GrossRevenue)
		f.ReturnRatio = &v
	}
	return f
}

// Package featureset builds the customer features: one row per customer
// as of a run date, as features/customers publishes them.
package featureset

import "github.com/segmint/segmint/lib/unified"

// Customer is one row of features/customers. Money is in the reporting
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
func FromCustomer(c unified.Customer) Customer {
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

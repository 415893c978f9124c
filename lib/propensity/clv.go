package propensity

import (
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/models/clv"
)

// CLVTransactions are the customers' non-cancelled orders for models/clv,
// in the reporting currency. Orders of negative value (none should be)
// are left out and counted.
func CLVTransactions(orders []customerview.Order) (txns []clv.Transaction, negative int) {
	for _, o := range orders {
		if o.CustomerID == nil || o.IsCancellation {
			continue
		}
		v := o.Value.Float()
		if v < 0 {
			negative++
			continue
		}
		txns = append(txns, clv.Transaction{Customer: *o.CustomerID, Date: o.OrderedAt.UTC(), Value: v})
	}
	return txns, negative
}

// CLVValueOptions are the horizon and discounting of the configured
// lifetime-value model.
func CLVValueOptions(c config.CLVModel) clv.ValueOptions {
	return clv.ValueOptions{Months: config.CLVMonths, MonthlyDiscount: clv.MonthlyRate(c.AnnualDiscountRate),
		PurchasePeriods: float64(config.CLVPurchaseDays) / 7} // Summarize counts in weeks
}

package clv

import (
	"errors"
	"fmt"
	"math"
)

// WeeksPerMonth converts months to the weeks of Summarize; it is the factor
// lifetimes uses for freq="W" in customer_lifetime_value.
const WeeksPerMonth = 4.345

// ValueOptions sets the horizon and discounting of CustomerValue.
type ValueOptions struct {
	// Months is the horizon, in whole months.
	Months int `json:"months"`
	// MonthlyDiscount is the discount rate per month (0.01 is about 12.7% a
	// year; see MonthlyRate).
	MonthlyDiscount float64 `json:"monthly_discount"`
	// PeriodsPerMonth is the number of model time units in a month; 0
	// means WeeksPerMonth, right for summaries in weeks.
	PeriodsPerMonth float64 `json:"periods_per_month,omitempty"`
	// PurchasePeriods is the window of Prediction.ExpectedPurchases in model
	// time units; 0 means the value horizon (Months·PeriodsPerMonth).
	PurchasePeriods float64 `json:"purchase_periods,omitempty"`
}

// Validate reports every problem with the options.
func (o ValueOptions) Validate() error {
	var errs []error
	if o.Months <= 0 {
		errs = append(errs, fmt.Errorf("months %d must be positive", o.Months))
	}
	if !finite(o.MonthlyDiscount) || o.MonthlyDiscount <= -1 {
		errs = append(errs, fmt.Errorf("monthly discount %v must be finite and above -1", o.MonthlyDiscount))
	}
	if !finite(o.PeriodsPerMonth) || o.PeriodsPerMonth < 0 {
		errs = append(errs, fmt.Errorf("periods per month %v must be finite and not negative", o.PeriodsPerMonth))
	}
	if !finite(o.PurchasePeriods) || o.PurchasePeriods < 0 {
		errs = append(errs, fmt.Errorf("purchase periods %v must be finite and not negative", o.PurchasePeriods))
	}
	return errors.Join(errs...)
}

// purchaseWindow is the window of Prediction.ExpectedPurchases.
func (o ValueOptions) purchaseWindow() float64 {
	if o.PurchasePeriods == 0 {
		return float64(o.Months) * o.periodsPerMonth()
	}
	return o.PurchasePeriods
}

func (o ValueOptions) periodsPerMonth() float64 {
	if o.PeriodsPerMonth == 0 {
		return WeeksPerMonth
	}
	return o.PeriodsPerMonth
}

// MonthlyRate converts an annual discount rate to the monthly rate that
// compounds to it: (1+annual)^(1/12) − 1.
func MonthlyRate(annual float64) float64 {
	return math.Expm1(math.Log1p(annual) / 12)
}

// CustomerValue returns the discounted expected value of a customer's
// purchases over the horizon, computed as lifetimes'
// customer_lifetime_value does: month i (1..Months) contributes the
// purchases expected in it, E[Y(i·k)] − E[Y((i−1)·k)] with k periods per
// month, times the Gamma-Gamma expected transaction value, divided by
// (1+d)^i. The purchase model pm is BG/NBD, MBG/NBD or NBD. It is NaN when
// a prediction is (see ExpectedPurchases and ExpectedValue).
func CustomerValue(pm PurchaseModel, gg GammaGamma, c Customer, o ValueOptions) float64 {
	if o.Validate() != nil {
		return math.NaN()
	}
	spend := gg.ExpectedValue(c)
	k := o.periodsPerMonth()
	var total, prev float64
	for i := 1; i <= o.Months; i++ {
		cum := pm.ExpectedPurchases(float64(i)*k, c)
		total += spend * (cum - prev) / math.Pow(1+o.MonthlyDiscount, float64(i))
		prev = cum
	}
	return total
}

// Package kpi computes segmint's marketing KPIs from the unified tables.
package kpi

import (
	"sort"
	"time"

	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/money"
)

// Cohort is one row of kpi/cohorts: the customers whose first order fell in
// one calendar month (UTC), and how many of them ordered again by the end
// of the run date.
type Cohort struct {
	// Month is the first day of the cohort's month, in days since 1970-01-01
	// (a Parquet DATE; parquet-go's date tag on time.Time wrote wrong days).
	Month           int32 `parquet:"cohort_month,date"`
	Customers       int64 `parquet:"customers"`
	RepeatCustomers int64 `parquet:"repeat_customers"`
	// RepeatRate is repeat_customers / customers.
	RepeatRate float64 `parquet:"repeat_rate"`
	// Orders and GrossRevenue are the cohort's orders and gross revenue to date.
	Orders       int64       `parquet:"orders"`
	GrossRevenue money.Cents `parquet:"gross_revenue,decimal(2:18)"`
	Currency     string      `parquet:"currency"`
}

// Cohorts groups customers with at least one non-cancelled order by the
// month of their first order, oldest first. A repeat customer has two
// orders or more.
func Cohorts(customers []customerview.Customer, currency string) []Cohort {
	by := map[time.Time]*Cohort{}
	for _, c := range customers {
		if c.OrdersCount == 0 || c.FirstOrderAt == nil {
			continue
		}
		f := c.FirstOrderAt.UTC()
		m := time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, time.UTC)
		co := by[m]
		if co == nil {
			co = &Cohort{Currency: currency}
			by[m] = co
		}
		co.add(c)
	}
	return sortedCohorts(by)
}

// add counts customer c, who has orders, in the cohort.
func (co *Cohort) add(c customerview.Customer) {
	co.Customers++
	if c.OrdersCount > 1 {
		co.RepeatCustomers++
	}
	co.Orders += c.OrdersCount
	co.GrossRevenue += c.GrossRevenue
}

// sortedCohorts completes the cohorts by month with their month and
// repeat rate, oldest first.
func sortedCohorts(by map[time.Time]*Cohort) []Cohort {
	out := make([]Cohort, 0, len(by))
	for m, co := range by {
		co.Month = int32(m.Unix() / 86400)
		co.RepeatRate = float64(co.RepeatCustomers) / float64(co.Customers)
		out = append(out, *co)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Month < out[j].Month })
	return out
}

// Package features is the features step: one row per customer as of D in
// features/customers/dt=D, derived from unified/customers/dt=D, the
// repeat-purchase rate by cohort computed from the same table
// (kpi/cohorts/dt=D), and, with touchpoint or ad metrics streams
// configured, the KPIs per day, channel and campaign (kpi/daily/dt=D) from
// those and unified/orders/dt=D.
package features

import (
	"context"

	"github.com/segmint/segmint/jobs/unify"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/kpi"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/unified"
)

// Name is the step's name.
const Name = "features"

// Datasets written by features.
const (
	// Dataset is the customer feature table.
	Dataset = "features/customers"
	// CohortsDataset is the repeat-purchase rate by monthly cohort.
	CohortsDataset = "kpi/cohorts"
)

// Outputs are the partitions features commits for d.
func Outputs(c *config.Config, d rundate.Date) []dataset.Partition {
	out := []dataset.Partition{{Dataset: Dataset, Date: d}, {Dataset: CohortsDataset, Date: d}}
	if hasDaily(c) {
		out = append(out, dataset.Partition{Dataset: DailyDataset, Date: d})
	}
	return out
}

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
		Monetary: float64(c.NetRevenue) / 100, TenureDays: c.TenureDays,
	}
	if c.OrdersCount > 0 {
		v := float64(c.GrossRevenue) / 100 / float64(c.OrdersCount)
		f.AvgOrderValue = &v
	}
	if c.GrossRevenue > 0 {
		v := float64(c.ReturnsValue) / float64(c.GrossRevenue)
		f.ReturnRatio = &v
	}
	return f
}

// Run computes the features for d.
func Run(ctx context.Context, env step.Env, d rundate.Date) (step.Stats, error) {
	in := dataset.Partition{Dataset: unify.CustomersDataset, Date: d}
	customers, m, err := step.ReadInput[unified.Customer](ctx, env, in, unify.Name)
	if err != nil {
		return nil, err
	}
	rows := make([]Customer, len(customers))
	for i, c := range customers {
		rows[i] = FromCustomer(c)
	}
	out := step.Output{Partition: dataset.Partition{Dataset: Dataset, Date: d}, Job: Name, Inputs: []*dataset.Manifest{m}}
	if _, err := step.WriteOutput(ctx, env, out, rows); err != nil {
		return nil, err
	}
	cohorts := kpi.Cohorts(customers, env.Config.Currency)
	out = step.Output{Partition: dataset.Partition{Dataset: CohortsDataset, Date: d}, Job: Name, Inputs: []*dataset.Manifest{m}}
	if _, err := step.WriteOutput(ctx, env, out, cohorts); err != nil {
		return nil, err
	}
	stats := step.Stats{"customers": int64(len(rows)), "cohorts": int64(len(cohorts))}
	if err := dailyKPIs(ctx, env, d, stats); err != nil {
		return nil, err
	}
	env.Log.Info().Int(logging.FieldCustomers, len(rows)).Int(logging.FieldCohorts, len(cohorts)).Int64(logging.FieldKPIDailyRows, stats["kpi_daily_rows"]).Msg("features committed")
	return stats, nil
}

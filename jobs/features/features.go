// Package features is the features step: one row per customer as of D in
// features/customers/dt=D, computed from unified/orders/dt=D for every
// customer of unified/customers/dt=D as lib/featureset defines them, the
// repeat-purchase rate by cohort from unified/customers/dt=D
// (kpi/cohorts/dt=D), and, with touchpoint or ad metrics streams
// configured, the KPIs per day, channel and campaign (kpi/daily/dt=D) from
// those and unified/orders/dt=D.
package features

import (
	"context"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/featureset"
	"github.com/segmint/segmint/lib/kpi"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// Run computes the features for d.
func Run(ctx context.Context, env step.Env, d rundate.Date) (step.Stats, error) {
	in := dataset.Partition{Dataset: contract.Customers, Date: d}
	customers, cm, err := step.ReadInput[customerview.Customer](ctx, env, in, contract.StepUnify)
	if err != nil {
		return nil, err
	}
	in = dataset.Partition{Dataset: contract.Orders, Date: d}
	orders, om, err := step.ReadInput[customerview.Order](ctx, env, in, contract.StepUnify)
	if err != nil {
		return nil, err
	}
	rows := customerFeatures(customers, orders, d)
	out := step.Output{Partition: dataset.Partition{Dataset: contract.CustomerFeatures, Date: d}, Job: contract.StepFeatures, Inputs: []*dataset.Manifest{cm, om}}
	if _, err := step.WriteOutput(ctx, env, out, rows); err != nil {
		return nil, err
	}
	cohorts := kpi.Cohorts(customers, env.Config.Currency)
	out = step.Output{Partition: dataset.Partition{Dataset: contract.Cohorts, Date: d}, Job: contract.StepFeatures, Inputs: []*dataset.Manifest{cm}}
	if _, err := step.WriteOutput(ctx, env, out, cohorts); err != nil {
		return nil, err
	}
	stats := step.Stats{"customers": int64(len(rows)), "cohorts": int64(len(cohorts))}
	if err := dailyKPIs(ctx, env, d, orders, om, stats); err != nil {
		return nil, err
	}
	env.Log.Info().Int(logging.FieldCustomers, len(rows)).Int(logging.FieldCohorts, len(cohorts)).Int64(logging.FieldKPIDailyRows, stats["kpi_daily_rows"]).Msg("features committed")
	return stats, nil
}

// customerFeatures are the rows of features/customers/dt=d: one per unified
// customer, in its order, computed from the orders as the model frames are.
func customerFeatures(customers []customerview.Customer, orders []customerview.Order, d rundate.Date) []featureset.Customer {
	ids := make([]string, len(customers))
	for i, c := range customers {
		ids[i] = c.CustomerID
	}
	return featureset.Published(ids, featureset.FromUnified(orders), d.End())
}

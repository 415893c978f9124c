// Package unify is the unify step: it reads the raw order lines of every
// orders stream for D, removes exact duplicates, and commits
// unified/orders/dt=D (one row per invoice) and unified/customers/dt=D (one
// row per customer). The definitions are in package lib/unified.
package unify

import (
	"context"
	"slices"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/jobs/ingest"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/job"
	"github.com/segmint/segmint/lib/unified"
)

// Name is the step's name.
const Name = "unify"

// Datasets written by unify.
const (
	OrdersDataset    = "unified/orders"
	CustomersDataset = "unified/customers"
)

// Outputs are the partitions unify commits for d.
func Outputs(_ *config.Config, d job.Date) []dataset.Partition {
	return []dataset.Partition{{Dataset: OrdersDataset, Date: d}, {Dataset: CustomersDataset, Date: d}}
}

// Run builds the unified tables for d.
func Run(ctx context.Context, env job.Env, d job.Date) (job.Stats, error) {
	stats := job.Stats{}
	var (
		lines  []unified.Line
		inputs []*dataset.Manifest
	)
	for _, src := range env.Config.Sources {
		for _, st := range src.Streams {
			if st.Entity != "orders" {
				continue
			}
			p := dataset.Partition{Dataset: ingest.RawDataset(src.Name, st.Name), Date: d}
			if m, err := dataset.ReadManifest(ctx, env.Store, p); err == nil {
				lines = slices.Grow(lines, int(m.Rows)) // one allocation, not a doubling series
			}
			var lr *unified.LineReader
			m, err := dataset.EachRows(ctx, env.Store, p, func(s *parquet.Schema, rows []parquet.Row) error {
				if lr == nil {
					var err error
					if lr, err = unified.NewLineReader(src.Name, st.Currency, s); err != nil {
						return err
					}
				}
				for _, row := range rows {
					lines = append(lines, lr.Line(row))
				}
				return nil
			})
			if err != nil {
				return stats, dataset.MissingInput(err, p, ingest.Name)
			}
			inputs = append(inputs, m)
		}
	}
	stats.Add("lines_read", int64(len(lines)))
	lines, dups := unified.Dedup(lines)
	stats.Add("duplicate_lines_removed", dups)
	orders, ostats := unified.BuildOrders(lines)
	customers := unified.BuildCustomers(lines, d.End())
	stats.Add("orders", int64(len(orders)))
	stats.Add("customers", int64(len(customers)))
	stats.Add("lines_without_customer", ostats.LinesWithoutCustomer)
	stats.Add("order_customer_conflicts", ostats.CustomerConflicts)

	meta := map[string]any{"duplicate_lines_removed": dups, "lines_without_customer": ostats.LinesWithoutCustomer,
		"order_customer_conflicts": ostats.CustomerConflicts, "lines": len(lines)}
	out := dataset.Output{Partition: dataset.Partition{Dataset: OrdersDataset, Date: d}, Job: Name, Inputs: inputs, Meta: meta}
	if _, err := dataset.WriteOutput(ctx, env, out, orders); err != nil {
		return stats, err
	}
	out.Partition.Dataset = CustomersDataset
	if _, err := dataset.WriteOutput(ctx, env, out, customers); err != nil {
		return stats, err
	}
	env.Log.Info().Int("lines", len(lines)).Int64("duplicate_lines_removed", dups).Int("orders", len(orders)).
		Int("customers", len(customers)).Int64("lines_without_customer", ostats.LinesWithoutCustomer).Msg("unified tables committed")
	return stats, nil
}

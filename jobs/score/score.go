// Package score is the score step: it scores every customer with an order
// in features/customers/dt=D into scores/dt=D: RFM scores and segments
// (lib/rfm) and, where the train step has promoted a champion, the
// purchase probability and the lifetime-value figures of the champion
// models (their versions are in the partition's manifest).
package score

import (
	"context"
	"fmt"
	"math"

	"github.com/segmint/segmint/jobs/features"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/rfm"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// Name is the step's name.
const Name = "score"

// Dataset is the scores table.
const Dataset = "scores"

// Outputs are the partitions score commits for d.
func Outputs(_ *config.Config, d rundate.Date) []dataset.Partition {
	return []dataset.Partition{{Dataset: Dataset, Date: d}}
}

// Score is one row of scores: one customer with at least one order.
type Score struct {
	CustomerID string `parquet:"customer_id"`
	RScore     int32  `parquet:"r_score"`
	FScore     int32  `parquet:"f_score"`
	MScore     int32  `parquet:"m_score"`
	// RFMCell is the three scores as digits, "545".
	RFMCell    string `parquet:"rfm_cell"`
	RFMSegment string `parquet:"rfm_segment"`
	// PurchaseProbability is the purchase model's probability that the
	// customer orders within its horizon (config models.purchase); null
	// without a champion.
	PurchaseProbability *float64 `parquet:"purchase_probability,optional"`
	// PAlive, ExpectedPurchases, ExpectedOrderValue and CLV come from the
	// lifetime-value champion (config models.clv): the probability the
	// customer is still a customer, the purchases (distinct days) expected
	// over the horizon, the expected value of one purchase, and the
	// discounted expected value over the horizon, in the reporting currency.
	PAlive             *float64 `parquet:"p_alive,optional"`
	ExpectedPurchases  *float64 `parquet:"expected_purchases,optional"`
	ExpectedOrderValue *float64 `parquet:"expected_order_value,optional"`
	CLV                *float64 `parquet:"clv,optional"`
}

// Run scores the customers of d.
func Run(ctx context.Context, env step.Env, d rundate.Date) (step.Stats, error) {
	in := dataset.Partition{Dataset: features.Dataset, Date: d}
	feats, m, err := step.ReadInput[features.Customer](ctx, env, in, features.Name)
	if err != nil {
		return nil, err
	}
	var (
		ids    []string
		inputs []rfm.Input
	)
	for _, f := range feats {
		if f.Frequency == 0 || f.RecencyDays == nil {
			continue
		}
		ids = append(ids, f.CustomerID)
		inputs = append(inputs, rfm.Input{RecencyDays: *f.RecencyDays, Frequency: f.Frequency,
			Monetary: int64(math.Round(f.Monetary * 100))})
	}
	scores := rfm.ScoreAll(inputs)
	rows := make([]Score, len(scores))
	for i, s := range scores {
		rows[i] = Score{CustomerID: ids[i], RScore: s.R, FScore: s.F, MScore: s.M,
			RFMCell: fmt.Sprintf("%d%d%d", s.R, s.F, s.M), RFMSegment: s.Segment}
	}
	out := step.Output{Partition: dataset.Partition{Dataset: Dataset, Date: d}, Job: Name, Inputs: []*dataset.Manifest{m}}
	stats := step.Stats{"scored": int64(len(rows)), "not_scored_without_orders": int64(len(feats) - len(rows))}
	if err := applyModels(ctx, env, d, rows, &out, stats); err != nil {
		return nil, err
	}
	if _, err := step.WriteOutput(ctx, env, out, rows); err != nil {
		return nil, err
	}
	env.Log.Info().Int64(logging.FieldScored, stats["scored"]).Int64(logging.FieldNotScored, stats["not_scored_without_orders"]).Msg("scores committed")
	return stats, nil
}

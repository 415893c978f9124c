// Package score is the score step: it scores every customer with an order
// in features/customers/dt=D into scores/dt=D: RFM scores and segments
// (lib/rfm) and, where the train step has promoted a champion, the
// classifiers' calibrated probabilities with their percentiles and
// versions, the predicted revenue and the lifetime-value figures of the
// champion models (their versions are also in the partition's manifest).
package score

import (
	"context"
	"fmt"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/featureset"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/money"
	"github.com/segmint/segmint/lib/rfm"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// Run scores the customers of d.
func Run(ctx context.Context, env step.Env, d rundate.Date) (step.Stats, error) {
	in := dataset.Partition{Dataset: contract.CustomerFeatures, Date: d}
	feats, m, err := step.ReadInput[featureset.Customer](ctx, env, in, contract.StepFeatures)
	if err != nil {
		return nil, err
	}
	rows := rfmScores(feats)
	out := step.Output{Partition: dataset.Partition{Dataset: contract.Scores, Date: d}, Job: contract.StepScore, Inputs: []*dataset.Manifest{m}}
	stats := step.Stats{"scored": int64(len(rows)), "not_scored_without_orders": int64(len(feats) - len(rows))}
	reasons, err := applyModels(ctx, env, d, rows, &out, stats)
	if err != nil {
		return nil, err
	}
	ro := step.Output{Partition: dataset.Partition{Dataset: contract.ScoreReasons, Date: d}, Job: contract.StepScore, Inputs: out.Inputs}
	if _, err := step.WriteOutput(ctx, env, ro, reasons); err != nil {
		return nil, err
	}
	if _, err := step.WriteOutput(ctx, env, out, rows); err != nil {
		return nil, err
	}
	env.Log.Info().Int64(logging.FieldScored, stats["scored"]).Int64(logging.FieldNotScored, stats["not_scored_without_orders"]).Msg("scores committed")
	return stats, nil
}

// rfmScores are the RFM scores of the customers with orders, in the
// features' order.
func rfmScores(feats []featureset.Customer) []contract.Score {
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
			Monetary: int64(money.CentsFromFloat(f.Monetary))})
	}
	scores := rfm.ScoreAll(inputs)
	rows := make([]contract.Score, len(scores))
	for i, s := range scores {
		rows[i] = contract.Score{CustomerID: ids[i], RScore: s.R, FScore: s.F, MScore: s.M,
			RFMCell: fmt.Sprintf("%d%d%d", s.R, s.F, s.M), RFMSegment: s.Segment}
	}
	return rows
}

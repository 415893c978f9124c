// Package train is the train step: every night it retrains the configured
// models on unified/orders/dt=D, measures each on a time-based holdout,
// saves it in the model registry (models/<model>/<version>/) and promotes
// it to champion only when it is not worse than the current champion on
// the same holdout rows by more than the configured tolerance. The
// decisions are committed as models/_decisions/dt=D, which the report
// reads.
//
// Models (config models:):
//
//	churn_90d, purchase_7d, purchase_30d, purchase_90d
//	               the classifiers of config.Catalogue, gbdt and logreg
//	               competing on lib/propensity features of the customers
//	               each is for. Trained on the snapshot as of D+1-2H labelled
//	               by [D+1-2H, D+1-H); measured (ROC AUC), calibrated and
//	               gated on the snapshot as of D+1-H labelled by [D+1-H, D+1).
//	clv            BG/NBD and Gamma-Gamma (models/clv), fitted on the orders
//	               before D+1-holdout and measured by the mean absolute error of
//	               each customer's expected repeat purchases in the holdout.
//
// A challenger trained on an older window than the champion's is never
// promoted, so rerunning an old date cannot demote a newer model.
package train

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/featureset"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/models/learn"
	"github.com/segmint/segmint/models/registry"
)

// errTooLittleData and errNoUsableFit mark a model the night's data cannot
// support; the champion stays.
var (
	errTooLittleData = errors.New("too little data")
	errNoUsableFit   = errors.New("no usable fit")
)

// Run trains the configured models for d.
func Run(ctx context.Context, env step.Env, d rundate.Date) (step.Stats, error) {
	models := env.Config.Models
	if models.Classifiers == nil && models.Value == nil && models.CLV == nil {
		env.Log.Info().Int(logging.FieldModels, 0).Msg("no models configured: nothing to train")
		return step.Stats{"models_trained": 0}, nil
	}
	in := dataset.Partition{Dataset: contract.Orders, Date: d}
	orders, m, err := step.ReadInput[customerview.Order](ctx, env, in, contract.StepUnify)
	if err != nil {
		return nil, err
	}
	var rows []contract.Decision
	if newest := newestOrderDay(orders); newest.Before(d.Start()) {
		rows = staleRun(env, d, newest)
	} else if rows, err = trainModels(ctx, env, models, orders, d); err != nil {
		return nil, err
	}
	stats := step.Stats{}
	for _, r := range rows {
		if r.Trained {
			stats.Add("models_trained", 1)
		}
		if r.Promoted {
			stats.Add("models_promoted", 1)
		}
	}
	out := step.Output{Partition: dataset.Partition{Dataset: contract.Decisions, Date: d}, Job: contract.StepTrain, Inputs: []*dataset.Manifest{m}}
	if _, err := step.WriteOutput(ctx, env, out, rows); err != nil {
		return nil, err
	}
	return stats, nil
}

// trainModels trains the configured models on the orders, purchase then
// CLV, and returns their decisions.
func trainModels(ctx context.Context, env step.Env, models config.Models, orders []customerview.Order, d rundate.Date) ([]contract.Decision, error) {
	reg := registry.New(env.Store, env.Log).WithClock(env.Now)
	var rows []contract.Decision
	po, first := featureset.FromUnified(orders), firstDay(orders)
	for _, k := range models.Enabled() {
		row, err := trainClassifier(ctx, env, reg, *models.Classifiers, k, po, first, d)
		if err != nil {
			return nil, fmt.Errorf("model %s: %w", k.Name, err)
		}
		rows = append(rows, row)
	}
	if v := models.Value; v != nil {
		row, err := trainValue(ctx, env, reg, *v, po, first, d)
		if err != nil {
			return nil, fmt.Errorf("model %s: %w", config.ValueModelName, err)
		}
		rows = append(rows, row)
	}
	if c := models.CLV; c != nil {
		row, err := trainCLV(ctx, env, reg, *c, orders, d)
		if err != nil {
			return nil, fmt.Errorf("model %s: %w", contract.CLVModel, err)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// decide loads the champion, lets score measure it on the challenger's
// holdout, applies the check and records it. A challenger refused by its
// gate (refused is why) is not promoted, whatever the champion scores.
func decide(ctx context.Context, reg *registry.Registry, name string, f *registry.File, version, metric string,
	higherIsBetter bool, tolerance, value float64, refused string, score func(*registry.File) (float64, error)) (registry.Decision, error) {
	champ, err := reg.Champion(ctx, name)
	if err != nil && !errors.Is(err, registry.ErrNoChampion) {
		return registry.Decision{}, err
	}
	if champ != nil && champ.Version == version {
		// A rerun trained the champion again: its decision stands.
		return champ.Decision, nil
	}
	if refused != "" {
		d := registry.Decision{Metric: metric, HigherIsBetter: higherIsBetter, Tolerance: tolerance,
			Challenger: version, ChallengerValue: value, Reason: "not promoted: " + refused}
		if champ != nil {
			d.Champion = champ.Version
		}
		return d, reg.Record(ctx, name, d)
	}
	var champValue float64
	if champ != nil {
		cf, err := reg.Load(ctx, name, champ.Version)
		if err != nil {
			return registry.Decision{}, err
		}
		if cf.Window != nil && f.Window != nil && f.Window.To < cf.Window.To {
			// The champion is not measured: it stays whatever it scores.
			d := registry.Decision{Metric: metric, HigherIsBetter: higherIsBetter, Tolerance: tolerance,
				Challenger: version, ChallengerValue: value, Champion: champ.Version,
				Reason: fmt.Sprintf("trained on data up to %s, older than the champion's %s", f.Window.To, cf.Window.To)}
			return d, reg.Record(ctx, name, d)
		}
		if champValue, err = score(cf); err != nil {
			return registry.Decision{}, fmt.Errorf("measure the champion %s: %w", champ.Version, err)
		}
	}
	d := registry.Decide(metric, higherIsBetter, tolerance, version, value, champ, champValue)
	return d, reg.Record(ctx, name, d)
}

func decisionRow(name string, f *registry.File, version string, d registry.Decision) contract.Decision {
	row := contract.Decision{Model: name, Version: version, Trained: true, Metric: d.Metric, Promoted: d.Promote, Reason: d.Reason,
		TrainRows: int64(f.Rows.Train), HoldoutRows: int64(f.Rows.Holdout)}
	v := d.ChallengerValue
	row.Value = &v
	if d.Champion != "" && d.Champion != version {
		row.Champion = d.Champion
		if d.ChampionAvailable {
			cv := d.ChampionValue
			row.ChampionValue = &cv
		}
	}
	if f.Window != nil {
		row.WindowFrom, row.WindowTo = f.Window.From, f.Window.To
	}
	row.Importance = importanceText(f)
	return row
}

// importanceText is the model's five most important features with their
// shares of its total importance, "" for a model without one.
func importanceText(f *registry.File) string {
	ranked, err := learn.Importance(f)
	if err != nil {
		return ""
	}
	var parts []string
	for _, w := range ranked[:min(5, len(ranked))] {
		parts = append(parts, fmt.Sprintf("%s %.0f%%", w.Feature, 100*w.Share))
	}
	return strings.Join(parts, ", ")
}

// newestOrderDay is the start of the UTC day of the newest order (zero
// without orders).
func newestOrderDay(orders []customerview.Order) time.Time {
	var newest time.Time
	for _, o := range orders {
		if o.OrderedAt.After(newest) {
			newest = o.OrderedAt
		}
	}
	return rundate.Of(newest).Start()
}

// staleRun is the decisions of a run dated after the newest order it has
// seen: nothing is trained or promoted, since the label windows would end
// in days without data and a model fitted on them would look as if nobody
// bought anything.
func staleRun(env step.Env, d rundate.Date, newest time.Time) []contract.Decision {
	reason := fmt.Errorf("%w: the run date %s is after the newest order (%s); nothing is trained or promoted",
		errTooLittleData, d, newest.Format(time.DateOnly))
	env.Log.Warn().Err(reason).Msg("models not trained tonight; the champions stay")
	var rows []contract.Decision
	for _, name := range contract.Models(env.Config) {
		rows = append(rows, skipped(name, reason))
	}
	return rows
}

func skipped(name string, err error) contract.Decision {
	return contract.Decision{Model: name, Reason: err.Error()}
}

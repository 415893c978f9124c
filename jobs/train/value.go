package train

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/featureset"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/propensity"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/models/eval"
	"github.com/segmint/segmint/models/gbdt"
	"github.com/segmint/segmint/models/learn"
	"github.com/segmint/segmint/models/registry"
)

// minValueRows is the fewest customers the value model's snapshots need.
const minValueRows = 50

// trainValue trains predicted_revenue_90d: a gbdt regression selected on
// the snapshot as of D+1-180 and measured on the one as of D+1-90 against
// repeating each customer's last 90 days, then refitted on the latter.
func trainValue(ctx context.Context, env step.Env, reg *registry.Registry, v config.ValueModel,
	orders []featureset.Order, first string, d rundate.Date) (contract.Decision, error) {
	name, h := config.ValueModelName, config.ValueHorizonDays
	holdCut := d.End().AddDate(0, 0, -h)
	trainCut := holdCut.AddDate(0, 0, -h)
	trainSet, holdSet := propensity.Revenue(orders, trainCut, h, true), propensity.Revenue(orders, holdCut, h, true)
	if trainSet.X.Rows < minValueRows || holdSet.X.Rows < minValueRows {
		err := fmt.Errorf("%w: %d and %d customers in the snapshots as of %s and %s; %d are needed", errTooLittleData,
			trainSet.X.Rows, holdSet.X.Rows, trainCut.Format(time.DateOnly), holdCut.Format(time.DateOnly), minValueRows)
		return skipped(name, err), nil
	}
	sel, err := selectValue(ctx, v, trainSet, holdSet)
	if err != nil {
		return contract.Decision{}, err
	}
	sel.Name, sel.Label = name, &registry.Label{Column: "revenue_next_90d"}
	sel.Window = &registry.Window{From: first, To: trainCut.AddDate(0, 0, -1).Format(time.DateOnly)}
	setting, err := learn.SettingOf(sel)
	if err != nil {
		return contract.Decision{}, err
	}
	f, _, err := learn.FitHoldoutSetting(ctx, setting, learn.Regression, v.Seed, holdSet.X, holdSet.Y, holdSet.X, holdSet.Y)
	if err != nil {
		return contract.Decision{}, err
	}
	f.Name, f.Label, f.Selection, f.Metrics = name, sel.Label, sel, sel.Metrics
	f.Window = &registry.Window{From: first, To: d.String()}
	if f.Evaluation, err = evaluation(sel, holdSet); err != nil {
		return contract.Decision{}, err
	}
	return decideValue(ctx, env, reg, v, f, sel, holdSet, holdCut)
}

// selectValue fits the value model's settings (valueSettings) and keeps
// the one with the lowest holdout mean absolute error (the first on a
// tie), with each setting's as mae_<setting> and the baseline's, repeating
// each customer's last 90 days, as repeat_last_90d_mae.
func selectValue(ctx context.Context, v config.ValueModel, trainSet, holdSet *propensity.Set) (*registry.File, error) {
	var best *registry.File
	maes := map[string]float64{}
	for _, s := range valueSettings(trainSet.X.Rows, v.Seed) {
		f, _, err := learn.FitHoldoutSetting(ctx, s, learn.Regression, v.Seed, trainSet.X, trainSet.Y, holdSet.X, holdSet.Y)
		if err != nil {
			return nil, err
		}
		maes[s.Name] = f.Metrics["mae"]
		if best == nil || f.Metrics["mae"] < best.Metrics["mae"] {
			best = f
		}
	}
	for name, mae := range maes {
		best.Metrics["mae_"+name] = mae
	}
	var err error
	if best.Metrics["repeat_last_90d_mae"], err = eval.MAE(holdSet.Y, holdSet.X.Col("revenue_90d").Num, nil); err != nil {
		return nil, err
	}
	return best, nil
}

// valueSettings are the value model's candidates: gbdt's settings for the
// training snapshot's size (learn.Settings) on the squared error, and each
// again on the absolute error, learning where a customer departs from its
// last 90 days (an offset on revenue_90d, floored at 0). The squared error
// predicts a mean, which the outliers of revenue pull up; the absolute
// error predicts a median, what a mean absolute error rewards, and its
// offset starts every customer at the baseline it must beat.
func valueSettings(rows int, seed uint64) []learn.Setting {
	base := learn.Settings("gbdt", learn.Regression, rows, seed)
	out := slices.Clone(base)
	for _, s := range base {
		p := gbdt.DefaultParams()
		if s.GBDT != nil {
			p = *s.GBDT
		}
		p.Objective, p.Seed = gbdt.AbsoluteError, seed
		out = append(out, learn.Setting{Name: s.Name + "_l1_from_last_90d", Kind: "gbdt", GBDT: &p,
			Offset: &registry.Offset{Column: "revenue_90d", Floor: 0}})
	}
	return out
}

// decideValue saves the refitted value model and decides on it: its
// selection must beat repeating the last 90 days, then not be worse than
// the champion's selection model on the same holdout.
func decideValue(ctx context.Context, env step.Env, reg *registry.Registry, v config.ValueModel, f, sel *registry.File,
	holdSet *propensity.Set, holdCut time.Time) (contract.Decision, error) {
	version, err := reg.Save(ctx, f)
	if err != nil {
		return contract.Decision{}, err
	}
	mae, base := sel.Metrics["mae"], sel.Metrics["repeat_last_90d_mae"]
	env.Log.Info().Str(logging.FieldModel, f.Name).Str(logging.FieldVersion, version).Float64(logging.FieldHoldoutMAE, mae).
		Float64(logging.FieldBaselineMAE, base).Msg("model trained")
	refused := ""
	if mae >= base {
		refused = fmt.Sprintf("holdout MAE %.2f does not beat repeating the last 90 days (%.2f)", mae, base)
	}
	dec, err := decide(ctx, reg, f.Name, f, version, "mae", false, v.Tolerance, mae, refused, championOn(holdSet, eval.MAE))
	if err != nil {
		return contract.Decision{}, err
	}
	row := decisionRow(f.Name, f, version, dec)
	row.TrainRows, row.HoldoutRows = int64(sel.Rows.Train), int64(sel.Rows.Holdout)
	row.SelectionWindowTo, row.HoldoutFrom = sel.Window.To, holdCut.Format(time.DateOnly)
	return row, nil
}

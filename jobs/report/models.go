package report

import (
	"context"
	"strconv"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// modelRows reads the night's model decisions into the page, when the
// train step commits them (some model is configured).
func modelRows(ctx context.Context, env step.Env, w *dataset.Writer, page *Page, d rundate.Date) error {
	if !contract.Written(env.Config, contract.Decisions) {
		return nil
	}
	p := dataset.Partition{Dataset: contract.Decisions, Date: d}
	rows, m, err := step.ReadInput[contract.Decision](ctx, env, p, contract.StepTrain)
	if err != nil {
		return err
	}
	page.addInput(w, m)
	num := func(v *float64) string {
		if v == nil {
			return "–"
		}
		return strconv.FormatFloat(*v, 'f', 4, 64)
	}
	for _, r := range rows {
		row := ModelRow{Model: r.Model, Version: r.Version, Metric: r.Metric, Value: num(r.Value), ChampionValue: num(r.ChampionValue),
			Reason: r.Reason, TrainRows: r.TrainRows, HoldoutRows: r.HoldoutRows}
		switch {
		case !r.Trained:
			row.Decision = "not trained"
		case r.Promoted:
			row.Decision = "champion"
		default:
			row.Decision = "kept the champion"
		}
		page.Models = append(page.Models, row)
	}
	return nil
}

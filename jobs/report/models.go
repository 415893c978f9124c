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
	for _, r := range rows {
		page.Models = append(page.Models, modelRow(r))
	}
	return nil
}

// modelRow is the page's row of one model's decision.
func modelRow(r contract.Decision) ModelRow {
	return ModelRow{Model: r.Model, Version: r.Version, Metric: r.Metric, Value: metricText(r.Value),
		ChampionValue: metricText(r.ChampionValue), Decision: decisionText(r), Reason: r.Reason,
		TrainRows: r.TrainRows, HoldoutRows: r.HoldoutRows}
}

// metricText shows a metric's value with four decimals, or a dash when
// there is none.
func metricText(v *float64) string {
	if v == nil {
		return "–"
	}
	return strconv.FormatFloat(*v, 'f', 4, 64)
}

// decisionText says what became of the model: not trained, champion, or
// the champion kept.
func decisionText(r contract.Decision) string {
	switch {
	case !r.Trained:
		return "not trained"
	case r.Promoted:
		return "champion"
	default:
		return "kept the champion"
	}
}

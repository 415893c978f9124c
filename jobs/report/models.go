package report

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/models/eval"
	"github.com/segmint/segmint/models/registry"
)

// ModelRow is one model's night: what was trained, whether it became
// champion (models/_decisions), and the charts of its holdout.
type ModelRow struct {
	Model, Version, Metric, Value, ChampionValue, Decision, Reason string
	TrainRows, HoldoutRows                                         int64
	Window, Drift                                                  string
	Drifted                                                        bool
	Charts                                                         []Chart
	// NoCurves says why the model has no charts.
	NoCurves string
}

// modelRows reads the night's model decisions into the page, when the
// train step commits them (some model is configured), and the evaluation
// in the metrics.json of each trained version.
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
	reg := registry.New(env.Store, env.Log)
	for _, r := range rows {
		row := modelRow(r)
		if r.Trained {
			mt, err := reg.ReadMetrics(ctx, r.Model, r.Version)
			if err != nil {
				return err
			}
			if err := row.draw(mt, page.Currency); err != nil {
				return err
			}
		} else {
			row.NoCurves = "Not trained tonight."
		}
		page.Models = append(page.Models, row)
	}
	return nil
}

// modelRow is the page's row of one model's decision.
func modelRow(r contract.Decision) ModelRow {
	row := ModelRow{Model: r.Model, Version: r.Version, Metric: r.Metric, Value: metricText(r.Value),
		ChampionValue: metricText(r.ChampionValue), Decision: decisionText(r), Reason: r.Reason,
		TrainRows: r.TrainRows, HoldoutRows: r.HoldoutRows, Drift: r.Drift, Drifted: r.Drifted}
	if r.SelectionWindowTo != "" {
		row.Window = fmt.Sprintf("selected on data to %s, measured on the holdout from %s, refitted on data to %s",
			r.SelectionWindowTo, r.HoldoutFrom, r.WindowTo)
	}
	return row
}

// draw adds the charts of a model's evaluation and its drift.
func (row *ModelRow) draw(mt *registry.Metrics, cur string) error {
	ev := (*eval.Evaluation)(nil)
	if mt != nil {
		ev = mt.Evaluation
	}
	switch {
	case ev == nil && row.Model == contract.CLVModel:
		row.NoCurves = "The lifetime-value model (BG/NBD with Gamma-Gamma) keeps no holdout curves: its holdout figures are in the table above."
	case ev == nil:
		row.NoCurves = "No holdout curves in this model's metrics: it was trained before segmint kept them."
	case len(ev.ROC) > 0:
		for _, f := range []func(string, *eval.Evaluation) (Chart, error){rocChart, liftChart, calibrationChart} {
			c, err := f(row.Model, ev)
			if err != nil {
				return err
			}
			row.Charts = append(row.Charts, c)
		}
	case len(ev.Value) > 0:
		c, err := valueChart(row.Model, ev, cur)
		if err != nil {
			return err
		}
		row.Charts = append(row.Charts, c)
	}
	if row.Drift == "" {
		return nil
	}
	c, err := driftChart(row.Model, row.Drift)
	if err != nil {
		return err
	}
	row.Charts = append(row.Charts, c)
	return nil
}

func rocChart(model string, ev *eval.Evaluation) (Chart, error) {
	var x, y []float64
	t := Table{Head: []string{"False positive rate", "True positive rate"}}
	for _, p := range ev.ROC {
		x, y = append(x, p.FPR), append(y, p.TPR)
		t.Rows = append(t.Rows, []string{ratioText(p.FPR), ratioText(p.TPR)})
	}
	chance := make([]float64, len(x))
	copy(chance, x)
	title := fmt.Sprintf("%s: ROC curve on the holdout (%s rows)", model, intText(int64(ev.Rows)))
	svg, err := lineChart(title, "false positive rate", "true positive rate", x, []Series{{"model", y}, {"chance", chance}}, false, square(0, 1))
	return Chart{Title: title, SVG: svg, Table: t}, err
}

func liftChart(model string, ev *eval.Evaluation) (Chart, error) {
	var names []string
	var lift []float64
	t := Table{Head: []string{"Decile", "Rows", "Positive rate", "Lift", "Cumulative gains"}}
	for _, r := range ev.Lift {
		names = append(names, strconv.Itoa(r.Group))
		lift = append(lift, r.Lift)
		t.Rows = append(t.Rows, []string{strconv.Itoa(r.Group), intText(int64(r.Rows)), pctText(r.Rate), ratioText(r.Lift), pctText(r.Gains)})
	}
	title := model + ": lift by decile of score (1 = highest scores)"
	svg, err := barChart(title, "decile", "lift (× the base rate)", names, []Series{{"lift", lift}})
	return Chart{Title: title, SVG: svg, Table: t}, err
}

func calibrationChart(model string, ev *eval.Evaluation) (Chart, error) {
	var x, obs []float64
	t := Table{Head: []string{"Bin", "Customers", "Mean predicted", "Observed rate"}}
	for _, b := range ev.Calibration {
		t.Rows = append(t.Rows, []string{fmt.Sprintf("%.1f–%.1f", b.Lower, b.Upper), intText(int64(b.Count)),
			pctText(b.MeanPredicted), pctText(b.ObservedRate)})
		if b.Count > 0 {
			x, obs = append(x, 100*b.MeanPredicted), append(obs, 100*b.ObservedRate)
		}
	}
	ideal := make([]float64, len(x))
	copy(ideal, x)
	title := model + ": calibration, predicted against observed (10 bins)"
	svg, err := lineChart(title, "mean predicted probability (%)", "observed rate (%)", x, []Series{{"model", obs}, {"perfect calibration", ideal}}, false, square(0, 100))
	return Chart{Title: title, SVG: svg, Table: t}, err
}

func valueChart(model string, ev *eval.Evaluation, cur string) (Chart, error) {
	var names []string
	var pred, actual []float64
	t := Table{Head: []string{"Decile of prediction", "Customers", "Mean predicted", "Mean actual"}}
	for _, b := range ev.Value {
		names = append(names, strconv.Itoa(b.Group))
		pred, actual = append(pred, b.MeanPredicted), append(actual, b.MeanActual)
		t.Rows = append(t.Rows, []string{strconv.Itoa(b.Group), intText(int64(b.Rows)), cur + " " + numberText(round2(b.MeanPredicted)),
			cur + " " + numberText(round2(b.MeanActual))})
	}
	title := model + ": predicted against actual value by decile of prediction"
	svg, err := barChart(title, "decile (1 = highest predicted)", "mean value per customer ("+cur+")", names,
		[]Series{{"predicted", pred}, {"actual", actual}})
	return Chart{Title: title, SVG: svg, Table: t}, err
}

// driftChart draws the population stability index of the score and the
// most drifted features ("score 0.041, recency_days 0.120").
func driftChart(model, drift string) (Chart, error) {
	var names []string
	var psi []float64
	t := Table{Head: []string{"Score or feature", "PSI"}}
	for _, part := range strings.Split(drift, ", ") {
		name, v, ok := strings.Cut(part, " ")
		f, err := strconv.ParseFloat(v, 64)
		if !ok || err != nil {
			continue
		}
		names, psi = append(names, name), append(psi, f)
		t.Rows = append(t.Rows, []string{name, strconv.FormatFloat(f, 'f', 3, 64)})
	}
	title := model + ": drift from the training snapshot to tonight (PSI; above 0.25 is a shift)"
	svg, err := barChart(title, "score or feature", "population stability index", names, []Series{{"PSI", psi}})
	return Chart{Title: title, SVG: svg, Table: t}, err
}

// round2 rounds v to two decimals.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

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

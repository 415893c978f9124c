package train

import (
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"

	"testing"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/featureset"
	"github.com/segmint/segmint/lib/propensity"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/models/clv"
	"github.com/segmint/segmint/models/eval"
	"github.com/segmint/segmint/models/learn"
)

// valueCase backtests the value models at date d: predicted_revenue_90d
// selected and refitted as the train step does, and the lifetime-value
// model's 90-day revenue (expected purchases over 90 days times the
// expected order value), each against repeating the last 90 days.
type valueCase struct {
	v              config.ValueModel
	c              config.CLVModel
	d              rundate.Date
	asOfD, outcome []customerview.Order
}

// valueFigures are one predictor's errors on the scored customers.
type valueFigures struct {
	model                   string
	mae, rmse, pearson, spr float64
}

// valueResult is what a value case found.
type valueResult struct {
	date, chosen, selection string
	rows                    [3]int
	figures                 []valueFigures
}

func (c valueCase) run(t *testing.T, dir, py string) valueResult {
	orders := featureset.FromUnified(c.asOfD)
	h := config.ValueHorizonDays
	holdCut := c.d.End().AddDate(0, 0, -h)
	trainSet := propensity.Revenue(orders, holdCut.AddDate(0, 0, -h), h, true)
	holdSet := propensity.Revenue(orders, holdCut, h, true)
	scoreSet := propensity.Revenue(orders, c.d.End(), h, false)
	scoreSet.Y = c.outcomeRevenue(t, scoreSet.IDs)
	res := valueResult{date: c.d.String(), rows: [3]int{trainSet.X.Rows, holdSet.X.Rows, scoreSet.X.Rows}}
	sel, err := selectValue(t.Context(), c.v, trainSet, holdSet)
	check(t, err)
	setting, err := learn.SettingOf(sel)
	check(t, err)
	final, _, err := learn.FitHoldoutSetting(t.Context(), setting, learn.Regression, c.v.Seed, holdSet.X, holdSet.Y, holdSet.X, holdSet.Y)
	check(t, err)
	res.chosen = chosenSetting(sel.Metrics)
	res.selection = fmt.Sprintf("selection MAE %.2f against repeating the last 90 days %.2f", sel.Metrics["mae"], sel.Metrics["repeat_last_90d_mae"])
	pred, err := learn.PredictRaw(final, scoreSet.X)
	check(t, err)
	last := scoreSet.X.Col("revenue_90d").Num
	res.figures = []valueFigures{
		valueMeasure(t, "segmint predicted_revenue_90d ("+res.chosen+")", scoreSet.Y, pred),
		valueMeasure(t, "segmint clv: E[purchases 90d] x E[order value]", scoreSet.Y, c.clvRevenue(t, scoreSet.IDs)),
		valueMeasure(t, "repeat the last 90 days", scoreSet.Y, last),
	}
	if py != "" {
		base := filepath.Join(dir, "revenue_90d_"+c.d.String())
		writeSnapshot(t, base+"_train.csv", holdSet)
		writeSnapshot(t, base+"_score.csv", scoreSet)
		cmd := exec.CommandContext(t.Context(), py, backtestScript, base+"_train.csv", base+"_score.csv", base+"_sklearn_pred.csv", "regression")
		cmd.Stderr = os.Stderr
		if _, err := cmd.Output(); err != nil {
			t.Fatalf("%s %s regression: %v", py, backtestScript, err)
		}
		preds := readColumns(t, base+"_sklearn_pred.csv")
		for _, m := range []struct{ key, name string }{{"hgb_squared_error", "sklearn HGB squared error"}, {"hgb_absolute_error", "sklearn HGB absolute error"},
			{"hgb_absolute_error_from_last", "sklearn HGB absolute error, from the last 90 days"}} {
			res.figures = append(res.figures, valueMeasure(t, m.name, scoreSet.Y, preds[m.key]))
		}
	}
	return res
}

// chosenSetting is the setting the selection kept: the one whose
// mae_<setting> equals its MAE.
func chosenSetting(m map[string]float64) string {
	var names []string
	for k, v := range m {
		if len(k) > 4 && k[:4] == "mae_" && v == m["mae"] {
			names = append(names, k[4:])
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "?"
	}
	return names[0]
}

// outcomeRevenue is each customer's non-cancelled order value in
// [D+1, D+91) according to the last night, by customer numbers (see
// outcomeLabels).
func (c valueCase) outcomeRevenue(t *testing.T, ids []string) []float64 {
	from := c.d.End()
	to := from.AddDate(0, 0, config.ValueHorizonDays)
	spent := map[string]float64{}
	for _, o := range c.outcome {
		if o.CustomerNumber != nil && !o.IsCancellation && !o.OrderedAt.Before(from) && o.OrderedAt.Before(to) {
			spent[o.Source+"\x00"+*o.CustomerNumber] += o.Value.Float()
		}
	}
	numbers := map[string]map[string]bool{}
	for _, o := range c.asOfD {
		if o.CustomerID != nil && o.CustomerNumber != nil {
			if numbers[*o.CustomerID] == nil {
				numbers[*o.CustomerID] = map[string]bool{}
			}
			numbers[*o.CustomerID][o.Source+"\x00"+*o.CustomerNumber] = true
		}
	}
	y := make([]float64, len(ids))
	for i, id := range ids {
		if len(numbers[id]) == 0 {
			t.Fatalf("revenue %s: customer %s has no customer number", c.d, id)
		}
		for n := range numbers[id] {
			y[i] += spent[n]
		}
	}
	return y
}

// clvRevenue fits the lifetime-value model as the train step does on the
// night of D and predicts each customer's revenue over the next 90 days
// as the score step applies it; 0 for a customer it does not score.
func (c valueCase) clvRevenue(t *testing.T, ids []string) []float64 {
	txns, _ := propensity.CLVTransactions(c.asOfD)
	calEnd := c.d.AddDays(-c.c.HoldoutDays)
	customers, err := clv.Summarize(txns, calEnd.Start())
	check(t, err)
	fam, err := clv.FitFamily(customers)
	if err != nil {
		t.Logf("clv %s: no usable fit: %v", c.d, err)
		return make([]float64, len(ids))
	}
	model, _ := chooseCLV(fam, newCLVHoldout(txns, customers, calEnd, c.d, c.c.HoldoutDays))
	now, err := clv.Summarize(txns, c.d.Start())
	check(t, err)
	pred, err := model.Predict(now, propensity.CLVValueOptions(c.c))
	check(t, err)
	byID := map[string]float64{}
	for _, p := range pred {
		byID[p.ID] = p.ExpectedPurchases * p.ExpectedValue
	}
	out := make([]float64, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out
}

func valueMeasure(t *testing.T, name string, y, p []float64) valueFigures {
	mae, err := eval.MAE(y, p, nil)
	check(t, err)
	rmse, err := eval.RMSE(y, p, nil)
	check(t, err)
	return valueFigures{model: name, mae: mae, rmse: rmse, pearson: pearson(y, p), spr: pearson(ranks(y), ranks(p))}
}

// pearson is the correlation of a and b.
func pearson(a, b []float64) float64 {
	n := float64(len(a))
	var ma, mb float64
	for i := range a {
		ma, mb = ma+a[i]/n, mb+b[i]/n
	}
	var sab, saa, sbb float64
	for i := range a {
		sab += (a[i] - ma) * (b[i] - mb)
		saa += (a[i] - ma) * (a[i] - ma)
		sbb += (b[i] - mb) * (b[i] - mb)
	}
	return sab / math.Sqrt(saa*sbb)
}

// ranks are the values' ranks, ties given their mean rank (Spearman).
func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return v[idx[i]] < v[idx[j]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && v[idx[j]] == v[idx[i]] {
			j++
		}
		for k := i; k < j; k++ {
			r[idx[k]] = float64(i+j-1) / 2
		}
		i = j
	}
	return r
}

// printValue writes the value backtest: each predictor's errors, and issue
// 11's check at 2010-09-01 (MAE at least 10% below repeating the last 90
// days).
func printValue(w io.Writer, results []valueResult) {
	fmt.Fprintf(w, "\n%-10s %-22s %-52s %9s %9s %8s %8s %12s\n", "D", "n train/holdout/scored", "predictor", "MAE", "RMSE", "Pearson", "Spearman", "MAE / repeat")
	for _, r := range results {
		base := r.figures[2].mae
		for i, f := range r.figures {
			date, rows := "", ""
			if i == 0 {
				date, rows = r.date, fmt.Sprintf("%d/%d/%d", r.rows[0], r.rows[1], r.rows[2])
			}
			fmt.Fprintf(w, "%-10s %-22s %-52s %9.2f %9.2f %8.4f %8.4f %12.4f\n", date, rows, f.model, f.mae, f.rmse, f.pearson, f.spr, f.mae/base)
		}
		fmt.Fprintf(w, "%-10s %-22s %s\n", "", "", r.selection)
	}
	fmt.Fprintln(w, "\nthe value check (at D = 2010-09-01): predicted_revenue_90d's MAE at least 10% below repeating the last 90 days")
	for _, r := range results {
		ratio := r.figures[0].mae / r.figures[2].mae
		fmt.Fprintf(w, "  %s MAE %.2f, repeat %.2f, ratio %.4f: %s\n", r.date, r.figures[0].mae, r.figures[2].mae, ratio, verdict(ratio <= 0.9, 0.9-ratio))
	}
}

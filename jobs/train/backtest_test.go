package train

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/featureset"
	"github.com/segmint/segmint/lib/propensity"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/models/eval"
	"github.com/segmint/segmint/models/frame"
	"github.com/segmint/segmint/models/learn"
	"github.com/segmint/segmint/models/registry"
)

// The backtest reads the whole first sheet of Online Retail II, present
// where ../shared is checked out beside the repository (or where
// $SEGMINT_BACKTEST_DATA says).
const (
	backtestData = "../../../shared/data/online-retail-ii/online_retail_ii_2009_2010.csv.gz"
	// backtestOutcomeDate is the last day of the data: a nightly of that
	// date holds every order of every outcome window.
	backtestOutcomeDate = "2010-12-09"
	backtestScript      = "testdata/backtest/sklearn_backtest.py"
	// floorMargin is the acceptance check's allowance below the better of scikit-learn's
	// two models.
	floorMargin = 0.01
)

// TestBacktest trains each classifier of the catalogue as the nightly of
// date D would (ingest and unify of D on a fresh store, then the train
// step's own selection and calibration on the snapshots as of D+1-2H and
// D+1-H), scores the customers eligible as of the end of D as the score
// step would, and compares with what happened in [D+1, D+1+H), read from
// the nightly of the data's last day. scikit-learn's HistGradientBoosting
// and LogisticRegression are fitted on the same training snapshot and
// score the same customers (testdata/backtest/sklearn_backtest.py).
//
// It reports and never fails on the figures: make bench-backtest runs it
// (SEGMINT_BACKTEST=1; SEGMINT_BACKTEST_DATA names the export when
// ../shared is elsewhere; SEGMINT_BACKTEST_DIR keeps the snapshot CSVs).
func TestBacktest(t *testing.T) {
	if os.Getenv("SEGMINT_BACKTEST") == "" {
		t.Skip("the backtest runs with SEGMINT_BACKTEST=1 (make bench-backtest)")
	}
	data := cmp.Or(os.Getenv("SEGMINT_BACKTEST_DATA"), backtestData)
	if _, err := os.Stat(data); err != nil {
		t.Skipf("full data set not present: %v", err)
	}
	cfg, path := backtestConfig(t, data)
	dates := []string{"2010-06-01", "2010-08-01", "2010-09-01"}
	asOf := nightlyOrders(t, cfg, path, append(dates, backtestOutcomeDate))
	py, dir := sklearnPython(t), snapshotDir(t)
	var results []caseResult
	var values []valueResult
	for _, date := range dates {
		for _, k := range cfg.Models.Enabled() {
			c := backtestCase{p: *cfg.Models.Classifiers, k: k, d: backtestDate(t, date), asOfD: asOf[date], outcome: asOf[backtestOutcomeDate]}
			results = append(results, c.run(t, dir, py))
		}
		vc := valueCase{v: *cfg.Models.Value, c: *cfg.Models.CLV, d: backtestDate(t, date), asOfD: asOf[date], outcome: asOf[backtestOutcomeDate]}
		values = append(values, vc.run(t, dir, py))
	}
	printBacktest(os.Stdout, results)
	printValue(os.Stdout, values)
}

// backtestConfig writes configs/local.yaml with a local store in a
// temporary folder and the orders stream's landing pointed at a folder
// holding data, and returns it read and its path. Relative landings are
// read from the repository root, where the steps run.
func backtestConfig(t *testing.T, data string) (*config.Config, string) {
	b, err := os.ReadFile("../../configs/local.yaml")
	if err != nil {
		t.Fatal(err)
	}
	landing := t.TempDir()
	copyFile(t, data, filepath.Join(landing, "orders", filepath.Base(data)))
	text := strings.Replace(string(b), "\n  path: data\n", "\n  path: "+t.TempDir()+"\n", 1)
	text = strings.Replace(text, "landing: testdata/landing/retail", "landing: "+landing, 1)
	path := filepath.Join(t.TempDir(), "backtest.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, path
}

func copyFile(t *testing.T, from, to string) {
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	dst, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// nightlyOrders runs the product's ingest and unify of each date, in
// order, on one store, as nightly runs would (identity resolution keeps
// the earlier nights' customer ids), and returns by date the customers'
// orders of unified/orders: what the train and score steps of that night
// read. The steps run as the segmint binary, built from the repository:
// a step package may not import another one.
func nightlyOrders(t *testing.T, cfg *config.Config, path string, dates []string) map[string][]customerview.Order {
	bin := filepath.Join(t.TempDir(), "segmint")
	run(t, "go", "build", "-o", bin, ".")
	st, err := store.NewLocal(cfg.Store.Path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]customerview.Order{}
	for _, date := range dates {
		for _, step := range []string{"ingest", "unify"} {
			run(t, bin, step, "--date", date, "--config", path, "--log-format", "json", "--log-level", "warn")
		}
		in := dataset.Partition{Dataset: contract.Orders, Date: backtestDate(t, date)}
		orders, _, err := dataset.ReadParquet[customerview.Order](t.Context(), st, in)
		if err != nil {
			t.Fatal(err)
		}
		out[date] = orders
	}
	return out
}

// run runs a command in the repository root and fails the test on error.
func run(t *testing.T, name string, args ...string) {
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir = "../.."
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, b)
	}
}

func backtestDate(t *testing.T, s string) rundate.Date {
	d, err := rundate.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// sklearnPython is the first of $SEGMINT_PYTHON, /usr/bin/python3 and
// python3 that imports scikit-learn and pandas; "" when none does.
func sklearnPython(t *testing.T) string {
	for _, py := range []string{os.Getenv("SEGMINT_PYTHON"), "/usr/bin/python3", "python3"} {
		if py != "" && exec.CommandContext(t.Context(), py, "-c", "import sklearn, pandas").Run() == nil {
			return py
		}
	}
	t.Log("no python3 with scikit-learn and pandas (apt-get install python3-sklearn): segmint's figures only")
	return ""
}

// snapshotDir is $SEGMINT_BACKTEST_DIR (kept), else a temporary folder.
func snapshotDir(t *testing.T) string {
	dir := os.Getenv("SEGMINT_BACKTEST_DIR")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// backtestCase is classifier k backtested at date d: asOfD is the night of
// D's unified/orders, outcome the last night's.
type backtestCase struct {
	p              config.Classifiers
	k              config.Classifier
	d              rundate.Date
	asOfD, outcome []customerview.Order
}

// caseResult is what a backtest case found.
type caseResult struct {
	name, date string
	// snapshots are the training, holdout and scoring snapshots' sizes.
	snapshots [3]snapshotSize
	// chosen is the nightly's learner and calibration; gate is why the
	// nightly would not promote it ("" when it would).
	chosen, gate string
	// holdout is the holdout ROC AUCs the nightly chose by: each
	// learner's and recency's.
	holdout string
	// skipped is why the nightly would train nothing; refusedByDefault
	// is true when the default min_positives and min_negatives would
	// refuse the snapshots.
	skipped          string
	refusedByDefault bool
	figures          []figures
	deciles          []eval.LiftRow
}

// snapshotSize is a labelled snapshot's customers and positives.
type snapshotSize struct{ rows, positives int }

func sizeOf(s *propensity.Set) snapshotSize { return snapshotSize{s.X.Rows, s.Positives()} }

func (s snapshotSize) String() string { return fmt.Sprintf("%d(%d)", s.rows, s.positives) }

// figures are one scorer's results on the scoring snapshot; NaN where a
// figure does not apply (Brier and log loss of recency alone).
type figures struct {
	model                            string
	auc, prAUC, brier, logLoss, lift float64
}

// run trains, scores and measures the case, scikit-learn beside it when
// py is set.
func (c backtestCase) run(t *testing.T, dir, py string) caseResult {
	orders := featureset.FromUnified(c.asOfD)
	trainSet, holdSet, err := selectionSets(orders, c.k, c.d)
	if err != nil {
		t.Fatal(err)
	}
	res := caseResult{name: c.k.Name, date: c.d.String()}
	res.snapshots[0], res.snapshots[1] = sizeOf(trainSet), sizeOf(holdSet)
	if err := checkClasses(c.p, c.k, trainSet, holdSet); err != nil {
		res.skipped = err.Error()
		return res
	}
	strict := c.p
	strict.MinPositives, strict.MinNegatives = config.DefaultMinClass, config.DefaultMinClass
	res.refusedByDefault = checkClasses(strict, c.k, trainSet, holdSet) != nil
	scoreSet := propensity.For(orders, c.d.End(), c.k, false)
	scoreSet.Y = c.outcomeLabels(t, scoreSet.IDs)
	res.snapshots[2] = sizeOf(scoreSet)
	res.figures = c.segmint(t, &res, trainSet, holdSet, scoreSet)
	res.figures = append(res.figures, recencyFigures(t, scoreSet, c.k.Target))
	if py != "" {
		// scikit-learn learns from the snapshot segmint's scoring model was
		// refitted on: as of D+1-H, outcomes up to D.
		res.figures = append(res.figures, sklearnFigures(t, py, c.csvBase(dir), holdSet, scoreSet)...)
	}
	return res
}

// outcomeLabels labels the customers of the night of D by what happened
// in [D+1, D+1+H) according to the last night: whether a non-cancelled
// order of one of their customer numbers was placed then (churn: the
// reverse). Customer numbers, not ids: identity resolution may merge a
// person of D into another by the last night, which then keeps the older
// id.
func (c backtestCase) outcomeLabels(t *testing.T, ids []string) []float64 {
	from := c.d.End()
	to := from.AddDate(0, 0, c.k.HorizonDays)
	ordered := map[string]bool{}
	for _, o := range c.outcome {
		if o.CustomerNumber != nil && !o.IsCancellation && !o.OrderedAt.Before(from) && o.OrderedAt.Before(to) {
			ordered[o.Source+"\x00"+*o.CustomerNumber] = true
		}
	}
	numbers := map[string][]string{}
	for _, o := range c.asOfD {
		if o.CustomerID != nil && o.CustomerNumber != nil {
			numbers[*o.CustomerID] = append(numbers[*o.CustomerID], o.Source+"\x00"+*o.CustomerNumber)
		}
	}
	y := make([]float64, len(ids))
	for i, id := range ids {
		if len(numbers[id]) == 0 {
			t.Fatalf("%s %s: customer %s has no customer number", c.k.Name, c.d, id)
		}
		y[i] = label(numbers[id], ordered, c.k.Target)
	}
	return y
}

// label is 1 when one of the numbers ordered (churn: when none did).
func label(numbers []string, ordered map[string]bool, target string) float64 {
	bought := 0.0
	for _, n := range numbers {
		if ordered[n] {
			bought = 1
		}
	}
	if target == config.TargetChurn {
		return 1 - bought
	}
	return bought
}

// segmint fits the competing learners as the train step does and scores
// the scoring snapshot with the one it keeps, calibrated as the score step
// applies it; the learners it does not keep follow, for comparison.
func (c backtestCase) segmint(t *testing.T, res *caseResult, trainSet, holdSet, scoreSet *propensity.Set) []figures {
	best, aucs, err := fitCandidates(t.Context(), c.p, trainSet, holdSet)
	if err != nil {
		t.Fatalf("%s %s: %v", c.k.Name, c.d, err)
	}
	f := best.file
	if f.Metrics["recency_auc"], err = recencyAUC(holdSet, c.k.Target); err != nil {
		t.Fatal(err)
	}
	res.chosen, res.gate = best.setting.Name+"+"+string(f.Calibration.Kind), gate(f.Metrics)
	for _, name := range slices.Sorted(maps.Keys(aucs)) {
		res.holdout += fmt.Sprintf("%s %.4f, ", name, aucs[name])
	}
	res.holdout += fmt.Sprintf("recency %.4f", f.Metrics["recency_auc"])
	final, err := refit(t.Context(), c.p, f, holdSet)
	if err != nil {
		t.Fatalf("%s %s: refit: %v", c.k.Name, c.d, err)
	}
	p := calibratedScores(t, final, scoreSet)
	if res.deciles, err = eval.Lift(scoreSet.Y, p, 10); err != nil {
		t.Fatal(err)
	}
	out := []figures{measure(t, "segmint "+res.chosen, scoreSet.Y, p)}
	return append(out, c.notKept(t, best.setting.Name, trainSet, holdSet, scoreSet)...)
}

// notKept fits and measures, as the kept one, each competing setting
// other than kept.
func (c backtestCase) notKept(t *testing.T, kept string, trainSet, holdSet, scoreSet *propensity.Set) []figures {
	var out []figures
	for _, s := range settingsOf(c.p, trainSet.X.Rows) {
		if s.Name == kept {
			continue
		}
		other, err := fitCandidate(t.Context(), s, c.p.Seed, trainSet, holdSet)
		if err != nil {
			t.Fatal(err)
		}
		final, err := refit(t.Context(), c.p, other.file, holdSet)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("(segmint %s+%s, not kept)", s.Name, final.Calibration.Kind)
		out = append(out, measure(t, name, scoreSet.Y, calibratedScores(t, final, scoreSet)))
	}
	return out
}

// calibratedScores is what the score step publishes for the set with
// model file f: its calibrated probability.
func calibratedScores(t *testing.T, f *registry.File, set *propensity.Set) []float64 {
	p, err := learn.PredictFrame(f, set.X)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// measure is the figures of probabilities p of labels y.
func measure(t *testing.T, model string, y, p []float64) figures {
	f := figures{model: model, lift: topDecileLift(t, y, p)}
	var err error
	for _, m := range []struct {
		to *float64
		fn func(y, p, w []float64) (float64, error)
	}{{&f.auc, eval.ROCAUC}, {&f.prAUC, eval.AveragePrecision}, {&f.brier, eval.BrierScore}, {&f.logLoss, eval.LogLoss}} {
		if *m.to, err = m.fn(y, p, nil); err != nil {
			t.Fatalf("%s: %v", model, err)
		}
	}
	return f
}

func topDecileLift(t *testing.T, y, score []float64) float64 {
	rows, err := eval.Lift(y, score, 10)
	if err != nil {
		t.Fatal(err)
	}
	return rows[0].Lift
}

// recencyFigures ranks the scoring snapshot by recency alone (purchase:
// the more recent the likelier; churn: the reverse).
func recencyFigures(t *testing.T, set *propensity.Set, target string) figures {
	score := append([]float64(nil), set.X.Col("recency_days").Num...)
	if target == config.TargetPurchase {
		for i := range score {
			score[i] = -score[i]
		}
	}
	auc, err := recencyAUC(set, target)
	if err != nil {
		t.Fatal(err)
	}
	ap, err := eval.AveragePrecision(set.Y, score, nil)
	if err != nil {
		t.Fatal(err)
	}
	return figures{model: "recency alone", auc: auc, prAUC: ap, brier: math.NaN(), logLoss: math.NaN(), lift: topDecileLift(t, set.Y, score)}
}

// csvBase is the path prefix of the case's snapshot files.
func (c backtestCase) csvBase(dir string) string {
	return filepath.Join(dir, c.k.Name+"_"+c.d.String())
}

// sklearnFigures writes the training and scoring snapshots to CSV, runs
// the scikit-learn script on them and measures its probabilities as
// segmint's are measured, checking its own ROC AUC against ours.
func sklearnFigures(t *testing.T, py, base string, trainSet, scoreSet *propensity.Set) []figures {
	trainCSV, scoreCSV, predCSV := base+"_train.csv", base+"_score.csv", base+"_sklearn_pred.csv"
	writeSnapshot(t, trainCSV, trainSet)
	writeSnapshot(t, scoreCSV, scoreSet)
	cmd := exec.CommandContext(t.Context(), py, backtestScript, trainCSV, scoreCSV, predCSV)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v", py, backtestScript, err)
	}
	var reported map[string]json.RawMessage
	if err := json.Unmarshal(out, &reported); err != nil {
		t.Fatalf("%s output %q: %v", backtestScript, out, err)
	}
	preds := readColumns(t, predCSV)
	var figs []figures
	for _, m := range []struct{ key, name string }{{"hgb", "sklearn HistGradientBoosting"}, {"logreg", "sklearn LogisticRegression"}} {
		f := measure(t, m.name, scoreSet.Y, preds[m.key])
		checkAUC(t, m.name, reported[m.key], f.auc)
		figs = append(figs, f)
	}
	return figs
}

// checkAUC fails when scikit-learn's own ROC AUC differs from
// models/eval's on the same probabilities.
func checkAUC(t *testing.T, model string, raw json.RawMessage, auc float64) {
	var m struct {
		ROCAUC float64 `json:"roc_auc"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if math.Abs(m.ROCAUC-auc) > 1e-9 {
		t.Errorf("%s: scikit-learn's ROC AUC %.6f, models/eval's %.6f", model, m.ROCAUC, auc)
	}
}

// writeSnapshot writes the set's features (catalogue order; a country by
// name; an empty cell where missing) and labels y as CSV.
func writeSnapshot(t *testing.T, path string, s *propensity.Set) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	header := make([]string, 0, len(s.X.Cols)+1)
	for _, c := range s.X.Cols {
		header = append(header, c.Name)
	}
	check(t, w.Write(append(header, "y")))
	for i := range s.X.Rows {
		rec := make([]string, 0, len(header)+1)
		for _, c := range s.X.Cols {
			rec = append(rec, cell(c, i))
		}
		check(t, w.Write(append(rec, strconv.FormatFloat(s.Y[i], 'g', -1, 64))))
	}
	w.Flush()
	check(t, w.Error())
	check(t, f.Close())
}

func check(t *testing.T, err error) {
	if err != nil {
		t.Fatal(err)
	}
}

// cell is row i of column c as CSV text, "" when missing.
func cell(c *frame.Column, i int) string {
	switch {
	case c.Missing(i):
		return ""
	case c.Kind == frame.Categorical:
		return c.Levels[c.Codes[i]]
	}
	return strconv.FormatFloat(c.Num[i], 'g', -1, 64)
}

// readColumns reads a CSV of numbers into its columns by header name.
func readColumns(t *testing.T, path string) map[string][]float64 {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("read %s: %v", path, err)
	}
	cols := map[string][]float64{}
	for _, rec := range recs[1:] {
		for j, name := range recs[0] {
			v, err := strconv.ParseFloat(rec[j], 64)
			check(t, err)
			cols[name] = append(cols[name], v)
		}
	}
	return cols
}

// printBacktest writes the figures of every case, then the acceptance check on
// each classifier at 2010-09-01, then segmint's decile tables.
func printBacktest(w io.Writer, results []caseResult) {
	fmt.Fprintf(w, "\n%-13s %-10s %-32s %-36s %7s %7s %7s %8s %9s\n",
		"classifier", "D", "n(positives) train/holdout/scored", "model", "ROC AUC", "PR AUC", "Brier", "log loss", "lift top10")
	for _, r := range results {
		printCase(w, r)
	}
	fmt.Fprintf(w, "\nthe acceptance floor (checked at D = 2010-09-01): segmint's ROC AUC >= max(sklearn HGB, LR) - %.2f and > recency alone\n", floorMargin)
	for _, r := range results {
		fmt.Fprintln(w, floorLine(r))
	}
	for _, r := range results {
		printDeciles(w, r)
	}
}

func printCase(w io.Writer, r caseResult) {
	rows := fmt.Sprintf("%s/%s/%s", r.snapshots[0], r.snapshots[1], r.snapshots[2])
	if r.skipped != "" {
		fmt.Fprintf(w, "%-13s %-10s %-32s not trained: %s\n", r.name, r.date, rows, r.skipped)
		return
	}
	for i, f := range r.figures {
		name, date, rs := "", "", ""
		if i == 0 {
			name, date, rs = r.name, r.date, rows
		}
		fmt.Fprintf(w, "%-13s %-10s %-32s %-36s %7.4f %7.4f %7s %8s %9.2f\n",
			name, date, rs, f.model, f.auc, f.prAUC, num(f.brier), num(f.logLoss), f.lift)
	}
	verdict := "the nightly would promote it (no champion)"
	if r.gate != "" {
		verdict = "the gate refuses it: " + r.gate
	}
	fmt.Fprintf(w, "%-13s %-10s %-32s holdout ROC AUC %s; %s\n", "", "", "", r.holdout, verdict)
	if r.refusedByDefault {
		fmt.Fprintf(w, "%-13s %-10s %-32s below the default min_positives/min_negatives (%d): not trained with the defaults\n", "", "", "", config.DefaultMinClass)
	}
}

func num(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', 4, 64)
}

// floorLine is the acceptance check's verdict on one classifier: segmint's ROC AUC
// against the better scikit-learn model less the margin, and recency.
func floorLine(r caseResult) string {
	if r.skipped != "" {
		return fmt.Sprintf("  %-13s %s not trained", r.name, r.date)
	}
	byModel := map[string]float64{}
	for _, f := range r.figures {
		byModel[f.model] = f.auc
	}
	seg, rec := r.figures[0].auc, byModel["recency alone"]
	hgb, okH := byModel["sklearn HistGradientBoosting"]
	lr, okL := byModel["sklearn LogisticRegression"]
	if !okH || !okL {
		return fmt.Sprintf("  %-13s %s segmint %.4f, recency %.4f (scikit-learn not run)", r.name, r.date, seg, rec)
	}
	floor := max(hgb, lr) - floorMargin
	return fmt.Sprintf("  %-13s %s segmint %.4f, floor %.4f (HGB %.4f, LR %.4f): %s; recency %.4f: %s",
		r.name, r.date, seg, floor, hgb, lr, verdict(seg >= floor, seg-floor), rec, verdict(seg > rec, seg-rec))
}

func verdict(ok bool, by float64) string {
	if ok {
		return fmt.Sprintf("met (%+.4f)", by)
	}
	return fmt.Sprintf("SHORT by %.4f", -by)
}

// printDeciles is segmint's lift table of the case: customers ranked by
// the calibrated probability, highest first, in ten equal groups.
func printDeciles(w io.Writer, r caseResult) {
	if r.skipped != "" {
		return
	}
	fmt.Fprintf(w, "\n%s, D = %s, %s: deciles of the calibrated probability\n", r.name, r.date, r.figures[0].model)
	fmt.Fprintf(w, "  %6s %5s %9s %8s %6s %6s %10s %11s\n", "decile", "rows", "positives", "rate", "lift", "gains", "cum lift", "probability")
	for _, d := range r.deciles {
		fmt.Fprintf(w, "  %6d %5d %9.1f %8.4f %6.2f %6.3f %10.2f %.3f-%.3f\n",
			d.Group, d.Rows, d.Positives, d.Rate, d.Lift, d.Gains, d.CumLift, d.MinScore, d.MaxScore)
	}
}

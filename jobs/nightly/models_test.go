package nightly_test

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segmint/segmint/jobs/nightly"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/featureset"
	"github.com/segmint/segmint/lib/fixture"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/runlog"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/models/registry"
)

func decisions(t *testing.T, env step.Env, date string) map[string]contract.Decision {
	t.Helper()
	rows, _, err := dataset.ReadParquet[contract.Decision](t.Context(), env.Store, dataset.Partition{Dataset: contract.Decisions, Date: rundatetest.Parse(t, date)})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]contract.Decision{}
	for _, r := range rows {
		out[r.Model] = r
	}
	return out
}

func championOf(t *testing.T, env step.Env, name string) string {
	t.Helper()
	p, err := registry.New(env.Store, env.Log).Champion(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	return p.Version
}

// TestModelsRetrainNightly: the models are retrained each night on a
// time-based holdout, a challenger replaces the champion only when the check
// on the same holdout says so, an old date rerun cannot demote a newer
// champion, and the champions score every customer.
func TestModelsRetrainNightly(t *testing.T) {
	cfg, st, env := sampleEnv(t)

	runNightly(t, env, "2010-09-30", false)
	early := decisions(t, env, "2010-09-30")
	p1, c1 := early["purchase_90d"], early["clv"]
	if !p1.Trained || !p1.Promoted || p1.Reason != "no champion yet" || !c1.Trained || !c1.Promoted {
		t.Fatalf("first night: %+v\n%+v", p1, c1)
	}
	// Selected on the snapshot as of 2010-04-04 00:00 (two 90-day horizons
	// before the end of 2010-09-30), so the selection's data ends on
	// 2010-04-03, and measured from 2010-07-03; then refitted on the
	// snapshot as of 2010-07-03 with outcomes up to 2010-09-30. The CLV
	// model is calibrated up to 90 days before 2010-09-30.
	if p1.SelectionWindowTo != "2010-04-03" || p1.HoldoutFrom != "2010-07-03" || p1.WindowTo != "2010-09-30" ||
		c1.WindowTo != "2010-07-02" || p1.TrainRows == 0 || p1.HoldoutRows <= p1.TrainRows {
		t.Errorf("windows and rows: %+v %+v", p1, c1)
	}

	runNightly(t, env, sampleDate, false)
	late := decisions(t, env, sampleDate)
	for _, name := range []string{"purchase_90d", "clv"} {
		d, first := late[name], early[name]
		if !d.Trained || d.Champion != first.Version || d.ChampionValue == nil || d.Value == nil {
			t.Fatalf("%s: second night must be measured against the first night's champion: %+v", name, d)
		}
		tol := cfg.Models.Classifiers.Tolerance
		worse := *d.ChampionValue - *d.Value
		if name == "clv" {
			tol, worse = cfg.Models.CLV.Tolerance, -worse
		}
		if d.Promoted != (worse <= tol) {
			t.Errorf("%s: promoted=%v with challenger %.4f, champion %.4f, tolerance %.4f", name, d.Promoted, *d.Value, *d.ChampionValue, tol)
		}
		t.Logf("%s on %s: challenger %.4f, champion %.4f on the same holdout, promoted %v (%s)", name, sampleDate, *d.Value, *d.ChampionValue, d.Promoted, d.Reason)
		want := first.Version
		if d.Promoted {
			want = d.Version
		}
		if got := championOf(t, env, name); got != want {
			t.Errorf("%s: champion %s, want %s", name, got, want)
		}
	}

	// Rerunning the old date trains the old model again; it must not replace
	// a champion trained on newer data.
	rerun := false
	for _, name := range []string{"purchase_90d", "clv"} {
		if d := late[name]; d.Promoted {
			rerun = true
			env.RunID += "-rerun"
			runNightly(t, env, "2010-09-30", true)
			again := decisions(t, env, "2010-09-30")[name]
			if again.Promoted || !strings.Contains(again.Reason, "older than the champion") || championOf(t, env, name) != d.Version {
				t.Errorf("%s: an old rerun must not demote the champion: %+v", name, again)
			}
			break
		}
	}
	if !rerun {
		t.Error("no model was promoted on the second night, so the old-rerun guard went untested")
	}

	// The report shows the night's decisions with their figures.
	html, err := store.GetBytes(t.Context(), st, "reports/dt="+sampleDate+"/index.html")
	if err != nil {
		t.Fatal(err)
	}
	for name, d := range late {
		want := fmt.Sprintf("<td>%s</td><td class=\"muted\">%s</td>", name, d.Version)
		if d.Value == nil { // not trained tonight: the row says why
			want = fmt.Sprintf("<td>%s</td>", name)
		}
		if !strings.Contains(string(html), want) || d.Value != nil && !strings.Contains(string(html), fmt.Sprintf("%.4f", *d.Value)) {
			t.Errorf("the report lacks %s's decision (%s)", name, want)
		}
	}

	// The champions score every customer with an order.
	rows, m, err := dataset.ReadParquet[contract.Score](t.Context(), st, dataset.Partition{Dataset: contract.Scores, Date: rundatetest.Parse(t, sampleDate)})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.PurchaseProbability90d == nil || *r.PurchaseProbability90d < 0 || *r.PurchaseProbability90d > 1 ||
			r.PAlive == nil || *r.PAlive < 0 || *r.PAlive > 1 || r.CLV365d == nil || math.IsNaN(*r.CLV365d) || *r.CLV365d < 0 {
			t.Fatalf("customer %s: scores %+v", r.CustomerID, r)
		}
	}
	models, _ := m.Meta["models"].(map[string]any)
	if len(rows) < 400 || models["purchase_90d"] != late["purchase_90d"].Version && models["purchase_90d"] != early["purchase_90d"].Version {
		t.Errorf("%d scored rows, manifest models %v", len(rows), m.Meta)
	}
}

// TestModelsNeedEnoughData: a night whose data cannot support a model
// trains none, says why, keeps the run going and leaves its scores null.
func TestModelsNeedEnoughData(t *testing.T) {
	_, _, env := sampleEnv(t)
	runNightly(t, env, "2010-02-15", false)
	d := decisions(t, env, "2010-02-15")["purchase_90d"]
	if d.Trained || d.Promoted || !strings.Contains(d.Reason, "too little data") {
		t.Fatalf("purchase model on six weeks of data: %+v", d)
	}
	rows, _, err := dataset.ReadParquet[contract.Score](t.Context(), env.Store, dataset.Partition{Dataset: contract.Scores, Date: rundatetest.Parse(t, "2010-02-15")})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.PurchaseProbability90d != nil || r.ChurnProbability90d != nil || r.PurchaseProbability30d != nil {
			t.Fatalf("customer %s scored without a champion", r.CustomerID)
		}
	}
}

// TestAFutureDatePromotesNothing: a run dated after the newest order (the
// sample's data ends on 2010-12-09) stops after ingest as bad usage; with
// AllowEmpty it trains and promotes nothing and says why; the champions
// stay, and the real date reruns cleanly after it.
func TestAFutureDatePromotesNothing(t *testing.T) {
	cfg, _, env := sampleEnv(t)
	runNightly(t, env, sampleDate, false)
	champions := map[string]string{}
	for _, name := range contract.Models(cfg) {
		champions[name] = championIfAny(t, env, name)
	}
	env.RunID += "-future"
	future := rundatetest.Parse(t, "2030-01-01")
	err := nightly.Run(t.Context(), env, future, false, &runlog.Record{})
	if !step.IsUsage(err) || !strings.Contains(err.Error(), "after the newest input") {
		t.Fatalf("nightly 2030-01-01 without AllowEmpty: %v", err)
	}
	if ok, _ := dataset.Committed(t.Context(), env.Store, dataset.Partition{Dataset: contract.Orders, Date: future}); ok {
		t.Error("the refused night went on past ingest")
	}
	env.AllowEmpty = true
	runNightly(t, env, "2030-01-01", false)
	env.AllowEmpty = false
	for name, d := range decisions(t, env, "2030-01-01") {
		if d.Trained || d.Promoted || !strings.Contains(d.Reason, "after the newest order (2010-12-09)") {
			t.Errorf("%s on 2030-01-01: %+v", name, d)
		}
		if got := championIfAny(t, env, name); got != champions[name] {
			t.Errorf("%s: champion %s after the future run, was %s", name, got, champions[name])
		}
	}
	env.RunID += "-again"
	runNightly(t, env, sampleDate, true)
	for name, d := range decisions(t, env, sampleDate) {
		if champions[name] != "" && !d.Trained || championIfAny(t, env, name) != champions[name] {
			t.Errorf("%s: the real date's rerun: %+v, champion %s", name, d, championIfAny(t, env, name))
		}
	}
}

// championIfAny is the champion's version, "" when there is none.
func championIfAny(t *testing.T, env step.Env, name string) string {
	t.Helper()
	p, err := registry.New(env.Store, env.Log).Champion(t.Context(), name)
	if errors.Is(err, registry.ErrNoChampion) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return p.Version
}

// TestPromotedClassifiersBeatTheConstant: every classifier champion's
// calibrated holdout log loss and Brier beat the base-rate constant's on
// the same rows, its ROC AUC beats recency alone, and it carries its
// calibration, which the scores go through (every probability in [0, 1]).
func TestPromotedClassifiersBeatTheConstant(t *testing.T) {
	cfg, _, env := sampleEnv(t)
	runNightly(t, env, sampleDate, false)
	reg := registry.New(env.Store, env.Log)
	promoted := 0
	for _, k := range cfg.Models.Enabled() {
		champ, err := reg.Champion(t.Context(), k.Name)
		if errors.Is(err, registry.ErrNoChampion) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		f, err := reg.Load(t.Context(), k.Name, champ.Version)
		if err != nil {
			t.Fatal(err)
		}
		promoted++
		m := f.Metrics
		t.Logf("%s (%s): log loss %.4f (raw %.4f, constant %.4f), Brier %.4f (raw %.4f, constant %.4f), AUC %.4f (recency %.4f)",
			k.Name, f.Kind, m["log_loss"], m["raw_log_loss"], m["base_rate_log_loss"], m["brier"], m["raw_brier"], m["base_rate_brier"], m["auc"], m["recency_auc"])
		if _, ok := m["psi_score"]; !ok {
			t.Errorf("%s: no drift measured", k.Name)
		}
		// The model that scores learnt from the newest closed window (up to
		// D); its selection model, on the older one, rides along.
		if f.Window == nil || f.Window.To != sampleDate || f.Selection == nil || f.Selection.Window.To >= f.Window.To ||
			m["refit_rows"] == 0 || m["calibration_rows"] == 0 {
			t.Errorf("%s: window %+v, selection %v, refit %v", k.Name, f.Window, f.Selection != nil, m)
		}
		if !(m["log_loss"] < m["base_rate_log_loss"] && m["brier"] < m["base_rate_brier"] && m["auc"] > m["recency_auc"]) || f.Calibration == nil {
			t.Errorf("%s promoted with %v (calibration %v)", k.Name, m, f.Calibration)
		}
	}
	if promoted < 4 {
		t.Errorf("only %d classifiers promoted on the sample, want all four", promoted)
	}
	// The decision record names each model's most important features.
	for name, d := range decisions(t, env, sampleDate) {
		if name != contract.CLVModel && (strings.Count(d.Importance, "%") != 5 || !strings.Contains(d.Importance, "_")) {
			t.Errorf("%s: importance %q", name, d.Importance)
		}
	}
}

// TestEligibilityDecidesWhoIsScored: purchase_probability_30d (customers
// with an order in the last 90 days) is set exactly for the customers whose
// recency is under 90 days, churn_probability_90d (365 days) for those
// under 365, and the percentiles lie in [0, 1].
func TestEligibilityDecidesWhoIsScored(t *testing.T) {
	_, st := runSample(t, sampleDate)
	d := rundatetest.Parse(t, sampleDate)
	scores, _, err := dataset.ReadParquet[contract.Score](t.Context(), st, dataset.Partition{Dataset: contract.Scores, Date: d})
	if err != nil {
		t.Fatal(err)
	}
	feats, _, err := dataset.ReadParquet[featureset.Customer](t.Context(), st, dataset.Partition{Dataset: contract.CustomerFeatures, Date: d})
	if err != nil {
		t.Fatal(err)
	}
	recency := map[string]int64{}
	for _, f := range feats {
		if f.RecencyDays != nil {
			recency[f.CustomerID] = *f.RecencyDays
		}
	}
	scored := 0
	for _, s := range scores {
		r := recency[s.CustomerID]
		if (s.PurchaseProbability30d != nil) != (r < 90) || (s.ChurnProbability90d != nil) != (r < 365) {
			t.Fatalf("%s (recency %d): purchase_30d %v, churn_90d %v", s.CustomerID, r, s.PurchaseProbability30d, s.ChurnProbability90d)
		}
		if s.PurchaseProbability30dPct != nil {
			scored++
			if p := *s.PurchaseProbability30dPct; p < 0 || p > 1 || *s.PurchaseProbability30dVersion == "" {
				t.Fatalf("%s: percentile %v", s.CustomerID, p)
			}
		}
	}
	if scored == 0 || scored == len(scores) {
		t.Errorf("%d of %d customers scored by purchase_30d", scored, len(scores))
	}
}

// TestValueModelMustBeatRepeatingTheLast90Days: predicted_revenue_90d is
// promoted exactly when its holdout MAE beats repeating each customer's
// last 90 days (on the sample it does not, and its column stays null).
func TestValueModelMustBeatRepeatingTheLast90Days(t *testing.T) {
	_, _, env := sampleEnv(t)
	runNightly(t, env, sampleDate, false)
	d := decisions(t, env, sampleDate)["revenue_90d"]
	f, err := registry.New(env.Store, env.Log).Load(t.Context(), "revenue_90d", d.Version)
	if err != nil {
		t.Fatal(err)
	}
	mae, base := f.Metrics["mae"], f.Metrics["repeat_last_90d_mae"]
	t.Logf("revenue_90d: holdout MAE %.2f, repeating the last 90 days %.2f, promoted %v (%s)", mae, base, d.Promoted, d.Reason)
	if !d.Trained || d.Promoted != (mae < base) || base <= 0 {
		t.Errorf("decision %+v with MAE %.2f against %.2f", d, mae, base)
	}
	rows, _, err := dataset.ReadParquet[contract.Score](t.Context(), env.Store, dataset.Partition{Dataset: contract.Scores, Date: rundatetest.Parse(t, sampleDate)})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if (r.PredictedRevenue90d != nil) != d.Promoted || r.PredictedRevenue90d != nil && *r.PredictedRevenue90d < 0 {
			t.Fatalf("%s: predicted revenue %v with the model promoted %v", r.CustomerID, r.PredictedRevenue90d, d.Promoted)
		}
	}
}

// TestHeaderOnlyExportOnAStoreWithChampions: a redo whose orders export
// holds only its header scores nobody with the champions and succeeds, as
// the same export does on a fresh store; the champions stay.
func TestHeaderOnlyExportOnAStoreWithChampions(t *testing.T) {
	cfg, st, env := sampleEnv(t)
	runNightly(t, env, sampleDate, false)
	reg := registry.New(st, env.Log)
	before, err := reg.Champion(t.Context(), "purchase_90d")
	if err != nil {
		t.Fatal(err)
	}
	header := "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n"
	landing := t.TempDir()
	fixture.Write(t, filepath.Join(landing, "orders", "online_retail_ii_2009_2010.sample.csv"), header)
	cfg.Sources[0].Landing = landing
	runNightly(t, env, sampleDate, true)
	rows, _, err := dataset.ReadParquet[contract.Score](t.Context(), st, dataset.Partition{Dataset: contract.Scores, Date: rundatetest.Parse(t, sampleDate)})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.PurchaseProbability90d != nil || r.CLV365d != nil {
			t.Fatalf("%s scored without orders: %+v", r.CustomerID, r)
		}
	}
	if after, err := reg.Champion(t.Context(), "purchase_90d"); err != nil || after.Version != before.Version {
		t.Errorf("champion %v (%v), want %s kept", after, err, before.Version)
	}
}

package learn

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segmint/segmint/models/calibrate"
	"github.com/segmint/segmint/models/frame"
	"github.com/segmint/segmint/models/registry"
)

// table writes a churn-like table whose label depends on a numeric
// feature, a categorical one and their missingness; it has an identifier
// column too.
func table(t *testing.T, n int, seed uint64) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.WriteString("customer_email;recency_days;plan;spend;churned\n")
	plans := []string{"basic", "plus", "pro", "trial"}
	effect := map[string]float64{"basic": 0, "plus": -0.5, "pro": -1.5, "trial": 1.5}
	for i := range n {
		rec := rng.Float64() * 365
		plan := plans[rng.IntN(len(plans))]
		spend := rng.ExpFloat64() * 50
		z := -2 + rec/90 + effect[plan] - spend/100
		recText := fmt.Sprintf("%.0f", rec)
		if rng.Float64() < 0.1 {
			recText = "" // missing
		}
		label := "no"
		if rng.Float64() < 1/(1+math.Exp(-z)) {
			label = "yes"
		}
		fmt.Fprintf(&b, "user%d@example.com;%s;%s;%.2f;%s\n", i, recText, plan, spend, label)
	}
	p := filepath.Join(t.TempDir(), "churn.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTrainAndPredictAnyTable(t *testing.T) {
	ctx := context.Background()
	path := table(t, 4000, 3)
	tab, err := frame.Read(path, frame.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"gbdt", "logreg"} {
		t.Run(kind, func(t *testing.T) {
			res, err := Train(ctx, tab, Spec{Label: "churned", Model: kind, Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			f := res.File
			// The signal is strong: a model that learnt nothing has AUC 0.5.
			if f.Metrics["auc"] < 0.75 || f.Label.Positive != "yes" || f.Rows.Holdout != 800 {
				t.Fatalf("metrics %v label %+v rows %+v", f.Metrics, f.Label, f.Rows)
			}
			if len(f.Dropped) != 1 || f.Dropped[0].Name != "customer_email" {
				t.Errorf("the identifier column must be left out: %+v", f.Dropped)
			}
			// Saved and loaded, the model scores exactly as before.
			p := filepath.Join(t.TempDir(), "m.json")
			if err := f.WriteFile(p); err != nil {
				t.Fatal(err)
			}
			loaded, err := registry.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			all, err := Predict(ctx, loaded, tab)
			if err != nil {
				t.Fatal(err)
			}
			y, _ := tab.Label("churned", "yes")
			_, test := frame.StratifiedSplit(y, 0.2, 7)
			for k, i := range test {
				if all[i] != res.HoldoutP[k] {
					t.Fatalf("row %d: %v after loading, %v before", i, all[i], res.HoldoutP[k])
				}
			}
			// Same data and seed: the same bytes.
			again, err := Train(ctx, tab, Spec{Label: "churned", Model: kind, Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			a, _ := f.Marshal()
			b, _ := again.File.Marshal()
			if !bytes.Equal(a, b) {
				t.Error("retraining with the same seed changed the model file")
			}
		})
	}
}

// trainChurn trains the default model to predict churned on 2,000 rows of
// table (seed 5).
func trainChurn(t *testing.T) *Result {
	t.Helper()
	tab, err := frame.Read(table(t, 2000, 5), frame.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Train(t.Context(), tab, Spec{Label: "churned", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestPredictOnAnotherLayout(t *testing.T) {
	ctx := context.Background()
	res := trainChurn(t)
	next, err := frame.ReadCSV(strings.NewReader("plan,extra,spend,recency_days\nenterprise,1,10,300\npro,2,n/a,\nbasic,3,5,20\n"), 0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Predict(ctx, res.File, next)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 3 || s[0] <= s[2] {
		t.Errorf("scores %v: a long-lapsed customer must score above a recent one", s)
	}
	missing, _ := frame.ReadCSV(strings.NewReader("plan,spend\npro,1\n"), 0)
	if _, err := Predict(ctx, res.File, missing); err == nil || !strings.Contains(err.Error(), "recency_days") {
		t.Errorf("a table without a feature: %v", err)
	}
}

func TestTrainRegression(t *testing.T) {
	tab, _ := frame.Read(table(t, 3000, 9), frame.Options{})
	res, err := Train(context.Background(), tab, Spec{Label: "spend", Regression: true, Drop: []string{"churned"}, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.File.Task != Regression || res.File.Metrics["mae"] <= 0 || res.File.Metrics["rmse"] < res.File.Metrics["mae"] {
		t.Errorf("regression metrics %v", res.File.Metrics)
	}
	if _, err := Train(context.Background(), tab, Spec{Label: "spend", Regression: true, Model: "logreg"}); err == nil {
		t.Error("logreg cannot fit a numeric target")
	}
}

func TestTrainRefusesBadSpecs(t *testing.T) {
	tab, _ := frame.Read(table(t, 500, 1), frame.Options{})
	for name, spec := range map[string]Spec{
		"unknown model":     {Label: "churned", Model: "svm"},
		"no such label":     {Label: "nope"},
		"many-valued label": {Label: "plan"},
		"bad holdout":       {Label: "churned", TestShare: 1.5},
		"drop unknown":      {Label: "churned", Drop: []string{"nope"}},
	} {
		if _, err := Train(context.Background(), tab, spec); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestWriteScores(t *testing.T) {
	tab, _ := frame.ReadCSV(strings.NewReader("id,x\na,1\nb,\n"), 0)
	dir := t.TempDir()
	p := filepath.Join(dir, "s.csv")
	if err := WriteScores(p, tab, []string{"id"}, []float64{0.25, 1.0 / 3}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "id,score\na,0.25\nb,0.3333333333333333\n" {
		t.Errorf("csv:\n%s", got)
	}
	if err := WriteScores(filepath.Join(dir, "s.parquet"), tab, []string{"x", "id"}, []float64{0.25, 0.5}); err != nil {
		t.Fatal(err)
	}
	back, err := frame.Read(filepath.Join(dir, "s.parquet"), frame.Options{})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := back.Text("id")
	x, _ := back.Text("x")
	sc, _ := back.Text("score")
	if back.Rows != 2 || id[1] != "b" || x[1] != "" || sc[0] != "0.25" {
		t.Errorf("parquet read back: %v %v %v", id, x, sc)
	}
	if err := WriteScores(filepath.Join(dir, "e.csv"), tab, []string{"score"}, []float64{1, 2}); err == nil {
		t.Error("keeping a column named score must be refused")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("left behind: %v", entries)
	}
}

// A model file that carries a calibration predicts through it, by Predict
// and PredictFrame alike; PredictRaw is the model before it.
func TestPredictAppliesTheFilesCalibration(t *testing.T) {
	ctx := context.Background()
	res := trainChurn(t)
	next, _ := frame.ReadCSV(strings.NewReader("plan,spend,recency_days\nenterprise,10,300\npro,4,\nbasic,5,20\n"), 0)
	raw, err := Predict(ctx, res.File, next)
	if err != nil {
		t.Fatal(err)
	}
	f := *res.File
	c := calibrate.Platt{A: -0.5, B: 1, Input: calibrate.InputLogit}.Calibrator()
	f.Calibration = &c
	got, err := Predict(ctx, &f, next)
	if err != nil {
		t.Fatal(err)
	}
	want := c.Apply(raw)
	x, err := next.Align(f.Features)
	if err != nil {
		t.Fatal(err)
	}
	frameP, err := PredictFrame(&f, x)
	if err != nil {
		t.Fatal(err)
	}
	rawP, err := PredictRaw(&f, x)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got[i] != want[i] || frameP[i] != want[i] || rawP[i] != raw[i] || got[i] == raw[i] {
			t.Errorf("row %d: Predict %v, PredictFrame %v, want %v; raw %v, PredictRaw %v", i, got[i], frameP[i], want[i], raw[i], rawP[i])
		}
	}
}

package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/models/eval"
	"github.com/segmint/segmint/models/frame"
)

func sample(auc float64) *File {
	return &File{
		Name: "churn", Kind: "gbdt", Task: "binary",
		Label:    &Label{Column: "churned", Positive: "1"},
		Features: []frame.Feature{{Name: "recency", Kind: "numeric"}, {Name: "channel", Kind: "categorical", Levels: []string{"email", "paid"}}},
		Window:   &Window{From: "2010-01-01", To: "2010-09-30"},
		Seed:     7, Rows: Rows{Train: 800, Holdout: 200},
		Metrics: map[string]float64{"auc": auc, "log_loss": 0.3},
		Model:   json.RawMessage(`{"trees":[]}`),
	}
}

func TestSaveLoadIsContentVersioned(t *testing.T) {
	ctx := context.Background()
	st := store.NewMem()
	r := New(st, zerolog.Nop())
	v1, err := r.Save(ctx, sample(0.8))
	if err != nil {
		t.Fatal(err)
	}
	v2, _ := r.Save(ctx, sample(0.8))
	v3, _ := r.Save(ctx, sample(0.81))
	if v1 != v2 || v1 == v3 || len(v1) != 16 {
		t.Fatalf("versions %s %s %s: same content must give the same version, other content another", v1, v2, v3)
	}
	f, err := r.Load(ctx, "churn", v1)
	if err != nil {
		t.Fatal(err)
	}
	if f.Metrics["auc"] != 0.8 || f.Features[1].Levels[1] != "paid" || f.Window.To != "2010-09-30" {
		t.Errorf("loaded %+v", f)
	}
	// A file whose content no longer matches its version is refused.
	if err := st.Put(ctx, modelKey("churn", v1), strings.NewReader(`{"format":"segmint-model/1","model":{}}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Load(ctx, "churn", v1); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("tampered model: %v", err)
	}
	if _, err := r.Save(ctx, &File{Name: "../x", Model: json.RawMessage(`{}`)}); err == nil {
		t.Error("a name that is not a key element must be refused")
	}
	bad := sample(math.NaN())
	if _, err := r.Save(ctx, bad); err == nil {
		t.Error("a NaN metric must be refused")
	}
}

func TestFileRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "m.json")
	if err := sample(0.8).WriteFile(p); err != nil {
		t.Fatal(err)
	}
	f, err := ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := f.Marshal()
	b, _ := sample(0.8).Marshal()
	if !bytes.Equal(a, b) {
		t.Errorf("round trip changed the file:\n%s\n%s", a, b)
	}
	g := sample(0.8)
	g.Features[1].Levels = []string{"R&D", "<none>"}
	g.Model = json.RawMessage(`{"level":"R&D"}`)
	if b, _ := g.Marshal(); !bytes.Contains(b, []byte(`"R&D"`)) || !bytes.Contains(b, []byte(`"<none>"`)) || bytes.Contains(b, []byte(`\u0026`)) {
		t.Errorf("levels must read as they are:\n%s", b)
	}
	if _, err := Unmarshal([]byte(`{"format":"other/2","model":{}}`)); err == nil {
		t.Error("another format must be refused")
	}
}

func TestDecide(t *testing.T) {
	champ := &Pointer{Name: "churn", Version: "aaaa"}
	cases := []struct {
		name           string
		higher         bool
		champ          *Pointer
		champV, challV float64
		promote        bool
	}{
		{"no champion", true, nil, 0, 0.7, true},
		{"better", true, champ, 0.80, 0.81, true},
		{"worse within tolerance", true, champ, 0.80, 0.796, true},
		{"worse beyond tolerance", true, champ, 0.80, 0.79, false},
		{"lower is better, better", false, champ, 0.30, 0.29, true},
		{"lower is better, worse", false, champ, 0.30, 0.31, false},
		{"NaN challenger", true, nil, 0, math.NaN(), false},
	}
	for _, c := range cases {
		d := Decide("auc", c.higher, 0.005, "bbbb", c.challV, c.champ, c.champV)
		if d.Promote != c.promote || d.Reason == "" {
			t.Errorf("%s: %+v", c.name, d)
		}
	}
}

func TestRecordMovesTheChampionOnlyOnPromotion(t *testing.T) {
	ctx := context.Background()
	st := store.NewMem()
	var logs bytes.Buffer
	r := New(st, zerolog.New(&logs))
	if _, err := r.Champion(ctx, "churn"); !errors.Is(err, ErrNoChampion) {
		t.Fatalf("champion before any: %v", err)
	}
	v1, _ := r.Save(ctx, sample(0.80))
	if err := r.Record(ctx, "churn", Decide("auc", true, 0.005, v1, 0.80, nil, 0)); err != nil {
		t.Fatal(err)
	}
	v2, _ := r.Save(ctx, sample(0.70))
	champ, _ := r.Champion(ctx, "churn")
	if err := r.Record(ctx, "churn", Decide("auc", true, 0.005, v2, 0.70, champ, 0.80)); err != nil {
		t.Fatal(err)
	}
	champ, err := r.Champion(ctx, "churn")
	if err != nil || champ.Version != v1 {
		t.Fatalf("champion %+v %v: a worse challenger must not replace it", champ, err)
	}
	b, _ := store.GetBytes(ctx, st, metricsKey("churn", v2))
	var m Metrics
	if err := json.Unmarshal(b, &m); err != nil || m.Decision == nil || m.Decision.Promote || m.Decision.ChampionValue != 0.80 {
		t.Errorf("challenger's metrics.json: %s", b)
	}
	if !strings.Contains(logs.String(), `"champion_value":0.8`) || !strings.Contains(logs.String(), `"promote":false`) {
		t.Errorf("decision not logged with its figures: %s", logs.String())
	}
}

// A redo trains the champion again and saves the same version: its
// metrics.json must keep the decision that promoted it (issue 12, finding 1).
func TestSaveAgainKeepsTheDecision(t *testing.T) {
	ctx := context.Background()
	st := store.NewMem()
	r := New(st, zerolog.Nop())
	v, err := r.Save(ctx, sample(0.80))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Record(ctx, "churn", Decide("auc", true, 0.005, v, 0.80, nil, 0)); err != nil {
		t.Fatal(err)
	}
	if v2, err := r.Save(ctx, sample(0.80)); err != nil || v2 != v {
		t.Fatalf("save again: %s %v", v2, err)
	}
	m, err := r.ReadMetrics(ctx, "churn", v)
	if err != nil {
		t.Fatal(err)
	}
	if m == nil || m.Decision == nil || !m.Decision.Promote || m.Decision.Reason != "no champion yet" {
		t.Fatalf("metrics.json after saving the champion again: %+v", m)
	}
	if m.Metrics["auc"] != 0.80 || m.Rows.Train != 800 {
		t.Errorf("metrics.json lost its metrics: %+v", m)
	}
}

// TestSaveKeepsTheEvaluation: a file's holdout curves are in its model
// file and in the metrics.json beside it, where the report reads them.
func TestSaveKeepsTheEvaluation(t *testing.T) {
	ctx := context.Background()
	r := New(store.NewMem(), zerolog.Nop())
	f := sample(0.8)
	y := []float64{0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1}
	p := []float64{0.1, 0.4, 0.35, 0.8, 0.2, 0.7, 0.3, 0.9, 0.6, 0.5, 0.15, 0.65}
	ev, err := eval.EvaluateClassifier(y, p)
	if err != nil {
		t.Fatal(err)
	}
	f.Evaluation = ev
	v, err := r.Save(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	m, err := r.ReadMetrics(ctx, "churn", v)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := r.Load(ctx, "churn", v)
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range []*eval.Evaluation{m.Evaluation, loaded.Evaluation} {
		if got == nil || len(got.ROC) != len(ev.ROC) || got.ROC[3] != (eval.ROCPoint{FPR: ev.ROC[3].FPR, TPR: ev.ROC[3].TPR}) ||
			len(got.Lift) != 10 || got.Calibration[8].Count != ev.Calibration[8].Count {
			t.Fatalf("evaluation read back as %+v, saved %+v", got, ev)
		}
	}
	if v2, _ := r.Save(ctx, f); v2 != v {
		t.Errorf("saving the same evaluation again gave version %s, first %s", v2, v)
	}
}

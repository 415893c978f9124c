package logreg

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/segmint/segmint/models/frame"
)

func numCol(name string, v ...float64) *frame.Column {
	return &frame.Column{Name: name, Kind: frame.Numeric, Num: v}
}

func catCol(name string, levels []string, codes ...int32) *frame.Column {
	return &frame.Column{Name: name, Kind: frame.Categorical, Levels: levels, Codes: codes}
}

// synthetic is a noisy linear problem: a numeric x, a categorical g with
// levels a, b, c, and P(y=1) = sigmoid(1.5 x + effect(g) - 0.5).
func synthetic(n int, seed uint64) (*frame.Frame, []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, n)
	g := make([]int32, n)
	y := make([]float64, n)
	effect := []float64{-1, 0, 1}
	for i := range n {
		x[i] = 10 + 3*rng.NormFloat64()
		g[i] = int32(rng.IntN(3))
		if rng.Float64() < sigmoid(1.5*(x[i]-10)/3+effect[g[i]]-0.5) {
			y[i] = 1
		}
	}
	return &frame.Frame{Rows: n, Cols: []*frame.Column{numCol("x", x...), catCol("g", []string{"a", "b", "c"}, g...)}}, y
}

// TestGradient checks the analytic gradient against central differences,
// with weights, a missing indicator and rows with no level set.
func TestGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const rows = 5000 // more than one part
	d := &design{rows: rows, nNum: 2, nSlot: 2, dim: 6,
		num: make([]float64, rows*2), slot: make([]int32, rows*2)}
	y := make([]float64, rows)
	s := make([]float64, rows)
	for i := range rows {
		d.num[2*i], d.num[2*i+1] = rng.NormFloat64(), 3*rng.NormFloat64()
		d.slot[2*i] = int32(2 + rng.IntN(3)) // levels: columns 2..4
		d.slot[2*i+1] = -1
		if rng.IntN(4) == 0 {
			d.slot[2*i+1] = 5 // an indicator
		}
		y[i] = float64(rng.IntN(2))
		s[i] = rng.Float64() * 2
	}
	o := newObjective(d, y, s, 0.3, 2)
	x := []float64{0.2, -0.7, 0.4, 1.1, -0.3, 0.05, 0.8}
	grad := make([]float64, len(x))
	o.Grad(grad, x)
	for j := range x {
		const h = 1e-6
		xp := append([]float64(nil), x...)
		xm := append([]float64(nil), x...)
		xp[j] += h
		xm[j] -= h
		num := (o.Func(xp) - o.Func(xm)) / (2 * h)
		if math.Abs(num-grad[j]) > 1e-7*max(1, math.Abs(num)) {
			t.Errorf("d/dx[%d]: analytic %.10g, numeric %.10g", j, grad[j], num)
		}
	}
}

func TestLogLossExtremeMargins(t *testing.T) {
	for _, tc := range []struct{ z, y, nll, p float64 }{
		{800, 1, 0, 1},
		{800, 0, 800, 1},
		{-800, 0, 0, 0},
		{-800, 1, 800, 0},
		{0, 1, math.Ln2, 0.5},
	} {
		nll, p := logLoss(tc.z, tc.y)
		if math.Abs(nll-tc.nll) > 1e-12 || math.Abs(p-tc.p) > 1e-12 {
			t.Errorf("logLoss(%v, %v) = %v, %v; want %v, %v", tc.z, tc.y, nll, p, tc.nll, tc.p)
		}
	}
}

// TestSeparable: on separable data the unpenalised optimum is at infinity;
// the L2 penalty keeps the fit finite, and a weaker penalty (larger C)
// gives a larger coefficient.
func TestSeparable(t *testing.T) {
	const n = 200
	x := make([]float64, n)
	y := make([]float64, n)
	for i := range n {
		x[i] = float64(i) - n/2 + 0.5
		if x[i] > 0 {
			y[i] = 1
		}
	}
	f := &frame.Frame{Rows: n, Cols: []*frame.Column{numCol("x", x...)}}
	prev := 0.0
	for _, c := range []float64{0.1, 1, 100, 1e4} {
		m, err := Fit(t.Context(), f, y, Params{C: c})
		if err != nil {
			t.Fatalf("C=%v: %v", c, err)
		}
		w := m.Columns[0].Coef
		if !finite(w) || !finite(m.Intercept) || w <= prev {
			t.Errorf("C=%v: coefficient %v, want finite and above %v (C smaller)", c, w, prev)
		}
		prev = w
		p, err := m.Predict(f)
		if err != nil {
			t.Fatal(err)
		}
		for i := range p {
			if (p[i] > 0.5) != (y[i] == 1) {
				t.Fatalf("C=%v: row %d (x=%v) predicted %v", c, i, x[i], p[i])
			}
		}
	}
}

// TestRecoversEffects: on a large synthetic sample the fit recovers the
// generating coefficients (the penalty is negligible at this size).
func TestRecoversEffects(t *testing.T) {
	f, y := synthetic(20000, 1)
	m, err := Fit(t.Context(), f, y, Params{})
	if err != nil {
		t.Fatal(err)
	}
	coef := map[string]float64{}
	for _, c := range m.Columns {
		coef[c.Name] = c.Coef
	}
	// The standardised coefficient of x is 1.5 (x's sd is 3); level effects
	// are identified up to a shift, so compare differences.
	for name, want := range map[string]float64{"x": 1.5, "g=c - g=a": 2, "g=b - g=a": 1} {
		got := coef[name]
		if parts := strings.Split(name, " - "); len(parts) == 2 {
			got = coef[parts[0]] - coef[parts[1]]
		}
		if math.Abs(got-want) > 0.1 {
			t.Errorf("%s = %.3f, want %.1f ± 0.1", name, got, want)
		}
	}
	if !m.Fit.Converged {
		t.Errorf("not converged: %+v", m.Fit)
	}
}

// TestDeterministic: the same data gives byte-identical model files, with
// any number of gradient workers (the rows span several parts).
func TestDeterministic(t *testing.T) {
	x, y := synthetic(20000, 7)
	if parts := len(partition(x.Rows)); parts < 4 {
		t.Fatalf("%d parts; the test needs several", parts)
	}
	var first []byte
	for _, workers := range []int{1, 2, 3, 2} {
		m, err := Fit(t.Context(), x, y, Params{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := m.Save(&buf); err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = buf.Bytes()
			continue
		}
		if !bytes.Equal(buf.Bytes(), first) {
			t.Fatalf("workers=%d: model file differs", workers)
		}
	}
}

// TestRoundTrip: a saved and loaded model predicts exactly (bit for bit) what
// the fitted one did, and saves to the same bytes again.
func TestRoundTrip(t *testing.T) {
	x, y := readBank(t, bankSample)
	blankOut(x)
	m, err := Fit(t.Context(), x, y, Params{MinLevelCount: 30})
	if err != nil {
		t.Fatal(err)
	}
	before, err := m.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	saved := bytes.Clone(buf.Bytes())
	for _, want := range []string{`"name": "job=admin."`, `"name": "balance=(missing)"`, `"name": "job=(other)"`, `"mean": `, `"sd": `} {
		if !bytes.Contains(saved, []byte(want)) {
			t.Errorf("model file lacks %s", want)
		}
	}
	loaded, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	after, err := loaded.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	for i := range before {
		if math.Float64bits(before[i]) != math.Float64bits(after[i]) {
			t.Fatalf("row %d: %v before saving, %v after", i, before[i], after[i])
		}
	}
	var again bytes.Buffer
	if err := loaded.Save(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(saved, again.Bytes()) {
		t.Error("saving the loaded model gives other bytes")
	}
}

// TestPredictNewTable scores a table with the columns in another order, an
// extra column, a level never seen in training, a missing value in a
// feature that had none in training, and its own level list.
func TestPredictNewTable(t *testing.T) {
	train := &frame.Frame{Rows: 8, Cols: []*frame.Column{
		numCol("x", 1, 2, 3, 4, 5, 6, 7, 8),
		catCol("g", []string{"a", "b", "z"}, 0, 1, 0, 1, 0, 1, 1, 0), // z never occurs
	}}
	y := []float64{0, 1, 0, 0, 1, 1, 1, 0}
	m, err := Fit(t.Context(), train, y, Params{})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(m.Columns); got != 3 { // x, g=a, g=b
		t.Fatalf("%d columns, want 3 (no column for a level absent in training): %+v", got, m.Columns)
	}
	coef := map[string]float64{}
	for _, c := range m.Columns {
		coef[c.Name] = c.Coef
	}
	std := func(v float64) float64 { return (v - *m.Columns[0].Mean) / *m.Columns[0].SD }
	score := &frame.Frame{Rows: 4, Cols: []*frame.Column{
		catCol("other", []string{"q"}, 0, 0, 0, 0),
		catCol("g", []string{"b", "new"}, 0, 1, -1, 0),
		numCol("x", 2, 2, 3, math.NaN()),
	}}
	p, err := m.Predict(score)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{
		sigmoid(m.Intercept + coef["x"]*std(2) + coef["g=b"]),
		sigmoid(m.Intercept + coef["x"]*std(2)), // unseen level: all zeros
		sigmoid(m.Intercept + coef["x"]*std(3)), // missing level, none in training: all zeros
		sigmoid(m.Intercept + coef["g=b"]),      // missing number: the training mean
	}
	for i := range want {
		if math.Abs(p[i]-want[i]) > 1e-15 {
			t.Errorf("row %d: %v, want %v", i, p[i], want[i])
		}
	}
}

// TestMissingIndicator: a numeric feature with missing values in training
// gets the training mean and an indicator column; a categorical one gets a
// "(missing)" level column; a numeric feature with no value at all is 0
// with its indicator always set.
func TestMissingIndicator(t *testing.T) {
	nan := math.NaN()
	f := &frame.Frame{Rows: 6, Cols: []*frame.Column{
		numCol("x", 1, nan, 3, 5, nan, math.Inf(1)),
		numCol("k", 7, 7, 7, 7, 7, 7),
		catCol("g", []string{"a", "b"}, 0, -1, 1, 0, 1, 1),
		numCol("e", nan, nan, nan, nan, nan, nan),
	}}
	y := []float64{0, 1, 0, 1, 1, 0}
	m, err := Fit(t.Context(), f, y, Params{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range m.Columns {
		names = append(names, c.Name)
	}
	if got, want := strings.Join(names, ","), "x,x=(missing),k,g=a,g=b,g=(missing),e,e=(missing)"; got != want {
		t.Errorf("columns %s, want %s", got, want)
	}
	x := m.Columns[0]
	if *x.Mean != 3 || math.Abs(*x.SD-math.Sqrt(8.0/3)) > 1e-15 {
		t.Errorf("x: mean %v sd %v, want 3 and sqrt(8/3) over the finite values", *x.Mean, *x.SD)
	}
	if k := m.Columns[2]; *k.Mean != 7 || *k.SD != 1 || k.Coef != 0 {
		t.Errorf("constant k: mean %v sd %v coef %v, want 7, 1, 0", *k.Mean, *k.SD, k.Coef)
	}
	if e := m.Columns[6]; *e.Mean != 0 || *e.SD != 1 || e.Coef != 0 {
		t.Errorf("empty e: mean %v sd %v coef %v, want 0, 1, 0", *e.Mean, *e.SD, e.Coef)
	}
}

func TestMinLevelCount(t *testing.T) {
	codes := []int32{0, 0, 0, 1, 1, 1, 2, 3, 0, 1}
	f := &frame.Frame{Rows: 10, Cols: []*frame.Column{catCol("g", []string{"a", "b", "c", "d"}, codes...)}}
	y := []float64{0, 1, 0, 1, 1, 0, 1, 0, 0, 1}
	m, err := Fit(t.Context(), f, y, Params{MinLevelCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Columns) != 3 || m.Columns[2].Name != "g=(other)" || strings.Join(m.Columns[2].Levels, ",") != "c,d" {
		t.Fatalf("columns %+v, want g=a, g=b, g=(other) holding c and d", m.Columns)
	}
	p, err := m.Predict(&frame.Frame{Rows: 2, Cols: []*frame.Column{catCol("g", []string{"c", "d"}, 0, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	if want := sigmoid(m.Intercept + m.Columns[2].Coef); p[0] != want || p[1] != want {
		t.Errorf("rare levels scored %v, want both %v", p, want)
	}
}

// TestWeights: an integer weight acts as that many copies of the row.
func TestWeights(t *testing.T) {
	f, y := synthetic(300, 2)
	w := make([]float64, f.Rows)
	var idx []int
	for i := range w {
		w[i] = float64(i % 3)
		for range i % 3 {
			idx = append(idx, i)
		}
	}
	weighted, err := FitWeighted(t.Context(), f, y, w, Params{})
	if err != nil {
		t.Fatal(err)
	}
	copied, err := Fit(t.Context(), f.Take(idx), pick(y, idx), Params{})
	if err != nil {
		t.Fatal(err)
	}
	for k, c := range weighted.Columns {
		if d := math.Abs(c.Coef - copied.Columns[k].Coef); d > 1e-6 {
			t.Errorf("%s: weighted %v, copied rows %v", c.Name, c.Coef, copied.Columns[k].Coef)
		}
	}
}

func TestNotConverged(t *testing.T) {
	f, y := synthetic(500, 3)
	m, err := Fit(t.Context(), f, y, Params{MaxIter: 2})
	if err != nil {
		t.Fatal(err)
	}
	if m.Fit.Converged || m.Fit.Status != "IterationLimit" || m.Fit.Iterations != 2 {
		t.Errorf("fit %+v, want stopped unconverged at the iteration limit", m.Fit)
	}
}

func TestCancel(t *testing.T) {
	f, y := synthetic(500, 4)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Fit(ctx, f, y, Params{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestFitErrors(t *testing.T) {
	good := func() *frame.Frame {
		return &frame.Frame{Rows: 3, Cols: []*frame.Column{numCol("x", 1, 2, 3), catCol("g", []string{"a"}, 0, -1, 0)}}
	}
	y := []float64{0, 1, 0}
	for _, tc := range []struct {
		name string
		x    *frame.Frame
		y, w []float64
		p    Params
		want string
	}{
		{"nil frame", nil, y, nil, Params{}, "no input frame"},
		{"no columns", &frame.Frame{Rows: 3}, y, nil, Params{}, "no columns"},
		{"no rows", &frame.Frame{Cols: []*frame.Column{numCol("x")}}, nil, nil, Params{}, "no rows"},
		{"short column", &frame.Frame{Rows: 3, Cols: []*frame.Column{numCol("x", 1, 2)}}, y, nil, Params{}, `"x" has 2 values`},
		{"bad code", &frame.Frame{Rows: 3, Cols: []*frame.Column{catCol("g", []string{"a"}, 0, 1, 0)}}, y, nil, Params{}, "code 1 outside"},
		{"duplicate column", &frame.Frame{Rows: 3, Cols: []*frame.Column{numCol("x", 1, 2, 3), numCol("x", 1, 2, 3)}}, y, nil, Params{}, `"x" appears twice`},
		{"label count", good(), []float64{0, 1}, nil, Params{}, "2 labels for 3 rows"},
		{"label value", good(), []float64{0, 2, 1}, nil, Params{}, "row 1: label 2 is not 0 or 1"},
		{"label missing", good(), []float64{0, math.NaN(), 1}, nil, Params{}, "label NaN"},
		{"one class", good(), []float64{1, 1, 1}, nil, Params{}, "both classes"},
		{"one class by weight", good(), y, []float64{1, 0, 1}, Params{}, "both classes"},
		{"weight count", good(), y, []float64{1}, Params{}, "1 weights for 3 rows"},
		{"negative weight", good(), y, []float64{1, -1, 1}, Params{}, "row 1: weight -1"},
		{"NaN weight", good(), y, []float64{1, math.NaN(), 1}, Params{}, "weight NaN"},
		{"bad C", good(), y, nil, Params{C: -1}, "c must be positive"},
		{"all bad params", good(), y, nil, Params{C: math.Inf(1), MaxIter: -1, GradTol: -1, MinLevelCount: -1, Workers: -1},
			"c must be positive and finite, got +Inf\nmax_iter must not be negative, got -1\ngrad_tol must be positive and finite, got -1\nmin_level_count must not be negative, got -1\nworkers must not be negative, got -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FitWeighted(t.Context(), tc.x, tc.y, tc.w, tc.p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestPredictErrors(t *testing.T) {
	f, y := synthetic(100, 5)
	m, err := Fit(t.Context(), f, y, Params{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		x    *frame.Frame
		want string
	}{
		{"nil", nil, "no input frame"},
		{"absent column", &frame.Frame{Rows: 1, Cols: []*frame.Column{numCol("x", 1)}}, `no column "g"`},
		{"wrong kind", &frame.Frame{Rows: 1, Cols: []*frame.Column{catCol("x", []string{"1"}, 0), catCol("g", []string{"a"}, 0)}}, `"x" is categorical, the model expects it numeric`},
		{"values without rows", &frame.Frame{Cols: []*frame.Column{numCol("x", 1), catCol("g", nil)}}, "has values, frame has 0 rows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := m.Predict(tc.x); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
	p, err := m.Predict(&frame.Frame{Cols: []*frame.Column{numCol("x"), catCol("g", nil)}})
	if err != nil || len(p) != 0 {
		t.Errorf("no rows: %v, %v; want no scores and no error", p, err)
	}
}

func TestLoadErrors(t *testing.T) {
	f, y := synthetic(100, 6)
	m, err := Fit(t.Context(), f, y, Params{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.String()
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"format", regexp.QuoteMeta(Format), "segmint.gbdt/1", "format"},
		{"unknown field", `"intercept"`, `"bias": 1, "intercept"`, `unknown field "bias"`},
		{"feature of no column", `"feature": "g"`, `"feature": "h"`, `no feature "h"`},
		{"numeric column on a categorical", `"kind": "level"`, `"kind": "numeric"`, "does not fit the feature"},
		{"zero sd", `"sd": [0-9.e+-]+`, `"sd": 0`, "positive finite sd"},
		{"not json", `^\{`, "[", "decode logreg model"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := regexp.MustCompile(tc.old).ReplaceAllString(good, tc.new)
			if text == good {
				t.Fatalf("%q not in the model file", tc.old)
			}
			if _, err := Load(strings.NewReader(text)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestAlignedTable scores a CSV read through frame's Align with the model's
// features, as segmint predict does, and gets the scores of the training
// frame for the same rows.
func TestAlignedTable(t *testing.T) {
	x, y := readBank(t, bankSample)
	m, err := Fit(t.Context(), x, y, Params{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := frame.Read(bankSample, frame.Options{})
	if err != nil {
		t.Fatal(err)
	}
	aligned, err := tab.Align(m.Features)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Predict(aligned)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("row %d: %v aligned, %v from the training frame", i, got[i], want[i])
		}
	}
}

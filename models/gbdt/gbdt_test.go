package gbdt

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/segmint/segmint/models/frame"
)

// bankSample is UCI's 10% sample of bank-full (see testdata/README.md).
const bankSample = "../../testdata/bank/bank.csv"

func bankSplit(t *testing.T) (xtr, xte *frame.Frame, ytr, yte []float64) {
	t.Helper()
	tab := readTable(t, bankSample, "y", "yes", "duration")
	train, test := frame.StratifiedSplit(tab.y, 0.2, 7)
	return tab.x.Take(train), tab.x.Take(test), take(tab.y, train), take(tab.y, test)
}

func fit(t *testing.T, x *frame.Frame, y []float64, p Params) *Model {
	t.Helper()
	m, err := Fit(t.Context(), x, y, p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func predict(t *testing.T, m *Model, x *frame.Frame) []float64 {
	t.Helper()
	p, err := m.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func marshal(t *testing.T, m *Model) []byte {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// On UCI's 4,521-row sample of bank-full (duration dropped) the model
// reaches a test AUC of 0.750 on this fixed split; scikit-learn's
// HistGradientBoostingClassifier gets 0.72 to 0.78 on five other stratified
// 80/20 splits of the file, and poutcome alone (the strongest feature) 0.55
// to 0.63. A model that learned nothing sits at 0.5.
func TestBankSampleAUC(t *testing.T) {
	xtr, xte, ytr, yte := bankSplit(t)
	m := fit(t, xtr, ytr, DefaultParams())
	auc := rocAUC(yte, predict(t, m, xte))
	t.Logf("bank sample: %d train rows, %d test rows, %d trees, test AUC %.4f", xtr.Rows, xte.Rows, len(m.Trees), auc)
	if auc < 0.72 {
		t.Errorf("test AUC %.4f < 0.72", auc)
	}
}

// synth builds a frame of numeric columns named x0, x1, ... from row
// generators.
func synth(n int, cols ...func(r int) float64) *frame.Frame {
	f := &frame.Frame{Rows: n}
	for j, gen := range cols {
		c := &frame.Column{Name: "x" + string(rune('0'+j)), Kind: frame.Numeric, Num: make([]float64, n)}
		for r := range n {
			c.Num[r] = gen(r)
		}
		f.Cols = append(f.Cols, c)
	}
	return f
}

// XOR of two thresholds cannot be learned by one split on either feature
// (each alone carries no signal); trees of depth two can.
func TestLearnsXORInteraction(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 4000
	u := make([][3]float64, n)
	y := make([]float64, n)
	for r := range u {
		u[r] = [3]float64{rng.Float64(), rng.Float64(), rng.Float64()}
		if (u[r][0] > 0.5) != (u[r][1] > 0.5) {
			y[r] = 1
		}
		if rng.Float64() < 0.05 {
			y[r] = 1 - y[r]
		}
	}
	x := synth(n, func(r int) float64 { return u[r][0] }, func(r int) float64 { return u[r][1] }, func(r int) float64 { return u[r][2] })
	train, test := frame.StratifiedSplit(y, 0.25, 3)
	m := fit(t, x.Take(train), take(y, train), DefaultParams())
	auc := rocAUC(take(y, test), predict(t, m, x.Take(test)))
	if auc < 0.9 {
		t.Errorf("XOR test AUC %.4f < 0.9", auc)
	}
	imp := m.Importance
	if imp[2].Gain >= imp[0].Gain/3 || imp[2].Gain >= imp[1].Gain/3 {
		t.Errorf("noise feature x2 has gain %.1f, x0 %.1f, x1 %.1f; want x2 far below", imp[2].Gain, imp[0].Gain, imp[1].Gain)
	}
}

// A categorical feature whose effect does not follow the level order: the
// first split must put exactly the high-rate levels on one side.
func TestLearnsCategoricalEffect(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	levels := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	high := map[string]bool{"b": true, "e": true, "f": true, "j": true}
	const n = 5000
	c := &frame.Column{Name: "kind", Kind: frame.Categorical, Levels: levels, Codes: make([]int32, n)}
	noise := &frame.Column{Name: "noise", Kind: frame.Numeric, Num: make([]float64, n)}
	y := make([]float64, n)
	for r := range n {
		c.Codes[r] = int32(rng.IntN(len(levels)))
		noise.Num[r] = rng.NormFloat64()
		p := 0.1
		if high[levels[c.Codes[r]]] {
			p = 0.6
		}
		if rng.Float64() < p {
			y[r] = 1
		}
	}
	x := &frame.Frame{Rows: n, Cols: []*frame.Column{noise, c}}
	p := DefaultParams()
	p.MaxIter = 20
	m := fit(t, x, y, p)
	root := m.Trees[0].Nodes[0]
	if root.Feature != "kind" {
		t.Fatalf("root splits on %q, want kind", root.Feature)
	}
	var side []string
	for _, l := range levels {
		if slices.Contains(root.LeftLevels, l) == high[l] {
			side = append(side, l)
		}
	}
	if len(side) != 0 && len(side) != len(levels) {
		t.Errorf("root left levels %v do not separate the high-rate levels b, e, f, j", root.LeftLevels)
	}
	// Predicted rates per level are near the true ones.
	pred := predict(t, m, x)
	for k, l := range levels {
		var s, cnt float64
		for r := range n {
			if c.Codes[r] == int32(k) {
				s += pred[r]
				cnt++
			}
		}
		want := 0.1
		if high[l] {
			want = 0.6
		}
		if got := s / cnt; math.Abs(got-want) > 0.06 {
			t.Errorf("level %s: mean prediction %.3f, true rate %.2f", l, got, want)
		}
	}
}

// Missing values must be sent to the side whose rows behave like them.
func TestRoutesMissingValuesToTheBetterSide(t *testing.T) {
	for _, tc := range []struct {
		name     string
		positive func(v float64) bool // non-missing rows that are positive
		wantLeft bool
	}{
		{"like low values", func(v float64) bool { return v < 0.3 }, true},
		{"like high values", func(v float64) bool { return v > 0.7 }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(9, 10))
			const n = 3000
			v := make([]float64, n)
			y := make([]float64, n)
			for r := range n {
				v[r] = rng.Float64()
				if r%5 == 0 {
					v[r] = math.NaN()
				}
				if math.IsNaN(v[r]) || tc.positive(v[r]) {
					y[r] = 1
				}
			}
			x := synth(n, func(r int) float64 { return v[r] })
			p := DefaultParams()
			p.MaxIter = 10
			m := fit(t, x, y, p)
			root := m.Trees[0].Nodes[0]
			if root.MissingLeft != tc.wantLeft {
				t.Errorf("root sends missing values left=%v, want %v (threshold %v)", root.MissingLeft, tc.wantLeft, *root.Threshold)
			}
			got := predict(t, m, synth(1, func(int) float64 { return math.NaN() }))
			if got[0] < 0.8 {
				t.Errorf("prediction for a missing value %.3f, want > 0.8", got[0])
			}
		})
	}
}

func TestSameSeedSameBytes(t *testing.T) {
	xtr, _, ytr, _ := bankSplit(t)
	p := DefaultParams()
	p.Subsample, p.ColSample, p.EarlyStopping, p.MaxIter = 0.7, 0.6, EarlyStopOn, 60
	var files [][]byte
	for _, workers := range []int{1, 2, 2, 4} {
		p.Workers = workers
		files = append(files, marshal(t, fit(t, xtr, ytr, p)))
	}
	for i := 1; i < len(files); i++ {
		if !bytes.Equal(files[0], files[i]) {
			t.Fatalf("run %d differs from run 0 (workers 1, 2, 2, 4)", i)
		}
	}
	p.Seed++
	if bytes.Equal(files[0], marshal(t, fit(t, xtr, ytr, p))) {
		t.Error("another seed gave the same model despite row and column subsampling")
	}
}

// Above 2×rowChunk rows a leaf is partitioned by row chunks in parallel;
// with one worker it is not. Both must give the same model.
func TestSameBytesWithParallelPartition(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 3*rowChunk + 123
	a, b := make([]float64, n), make([]float64, n)
	y := make([]float64, n)
	for r := range n {
		a[r], b[r] = rng.NormFloat64(), rng.Float64()
		if r%7 == 0 {
			a[r] = math.NaN()
		}
		if rng.Float64() < 1/(1+math.Exp(-a[r]-3*b[r]+1.5)) {
			y[r] = 1
		}
	}
	x := synth(n, func(r int) float64 { return a[r] }, func(r int) float64 { return b[r] })
	p := DefaultParams()
	p.MaxIter = 5
	p.Workers = 1
	one := marshal(t, fit(t, x, y, p))
	p.Workers = 2
	if two := marshal(t, fit(t, x, y, p)); !bytes.Equal(one, two) {
		t.Fatal("one and two workers give different models")
	}
}

func TestSaveLoadPredictsTheSame(t *testing.T) {
	xtr, xte, ytr, _ := bankSplit(t)
	p := DefaultParams()
	p.MaxIter = 40
	m := fit(t, xtr, ytr, p)
	b := marshal(t, m)
	var loaded Model
	if err := json.Unmarshal(b, &loaded); err != nil {
		t.Fatal(err)
	}
	for _, x := range []*frame.Frame{xtr, xte} {
		want, got := predict(t, m, x), predict(t, &loaded, x)
		for i := range want {
			if math.Float64bits(want[i]) != math.Float64bits(got[i]) {
				t.Fatalf("row %d: %v before saving, %v after", i, want[i], got[i])
			}
		}
	}
	if !bytes.Equal(b, marshal(t, &loaded)) {
		t.Error("a loaded model marshals to other bytes")
	}
	if !bytes.Contains(b, []byte(`"left_levels":[`)) || !bytes.Contains(b, []byte(`"thresholds":[`)) {
		t.Error("model file lacks categorical splits or bin thresholds")
	}
}

// Columns are matched by name and levels by text, so a frame with its
// columns in another order and other level codes scores the same; a level
// the model never saw is scored as missing.
func TestPredictMatchesColumnsAndLevelsByName(t *testing.T) {
	xtr, xte, ytr, _ := bankSplit(t)
	p := DefaultParams()
	p.MaxIter = 20
	m := fit(t, xtr, ytr, p)
	want := predict(t, m, xte)

	shuffled := &frame.Frame{Rows: xte.Rows}
	for i := len(xte.Cols) - 1; i >= 0; i-- {
		c := *xte.Cols[i]
		if c.Kind == frame.Categorical {
			// Reverse the levels, add one never seen, and recode.
			c.Levels = append([]string{"zz-unseen"}, slices.Clone(c.Levels)...)
			slices.Reverse(c.Levels[1:])
			c.Codes = slices.Clone(c.Codes)
			for r, v := range c.Codes {
				if v >= 0 {
					c.Codes[r] = int32(len(c.Levels)-1) - v
				}
			}
		}
		shuffled.Cols = append(shuffled.Cols, &c)
	}
	got := predict(t, m, shuffled)
	if !slices.Equal(want, got) {
		t.Fatal("predictions change with column order or level codes")
	}

	job := shuffled.Col("job")
	missing, unseen := *job, *job
	missing.Codes = slices.Repeat([]int32{-1}, xte.Rows)
	unseen.Codes = slices.Repeat([]int32{0}, xte.Rows) // "zz-unseen"
	for _, c := range []*frame.Column{&missing, &unseen} {
		x := &frame.Frame{Rows: xte.Rows, Cols: slices.Clone(shuffled.Cols)}
		for i, cc := range x.Cols {
			if cc.Name == "job" {
				x.Cols[i] = c
			}
		}
		got = append(got[:0], predict(t, m, x)...)
		if c == &missing {
			want = slices.Clone(got)
		} else if !slices.Equal(want, got) {
			t.Error("an unseen level is not scored as a missing value")
		}
	}
}

func TestEarlyStoppingStops(t *testing.T) {
	xtr, _, ytr, _ := bankSplit(t)
	p := DefaultParams()
	p.EarlyStopping, p.MaxIter, p.Patience, p.LearningRate = EarlyStopOn, 500, 5, 0.3
	m := fit(t, xtr, ytr, p)
	tr := m.Training
	if tr.Iterations >= 500 {
		t.Fatalf("ran all %d rounds", tr.Iterations)
	}
	if tr.Iterations != tr.BestIteration+p.Patience || len(m.Trees) != tr.BestIteration {
		t.Errorf("iterations %d, best %d, trees %d; want iterations = best + %d = trees + %d",
			tr.Iterations, tr.BestIteration, len(m.Trees), p.Patience, p.Patience)
	}
	if len(tr.ValidationLoss) != tr.Iterations {
		t.Errorf("%d validation losses for %d rounds", len(tr.ValidationLoss), tr.Iterations)
	}
	best := slices.Min(tr.ValidationLoss)
	if tr.ValidationLoss[tr.BestIteration-1] != best {
		t.Errorf("best iteration %d has loss %v, the lowest is %v", tr.BestIteration, tr.ValidationLoss[tr.BestIteration-1], best)
	}
	if tr.ValidationRows == 0 || tr.ValidationRows+tr.Rows != xtr.Rows {
		t.Errorf("%d training and %d validation rows of %d", tr.Rows, tr.ValidationRows, xtr.Rows)
	}
}

func TestRegressionFitsAFunction(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const n = 5000
	a, b := make([]float64, n), make([]float64, n)
	y := make([]float64, n)
	for r := range n {
		a[r], b[r] = rng.Float64()*6, rng.Float64()*2-1
		y[r] = 3*math.Sin(a[r]) + 2*b[r]*b[r] + 0.1*rng.NormFloat64()
	}
	x := synth(n, func(r int) float64 { return a[r] }, func(r int) float64 { return b[r] })
	train, test := frame.StratifiedSplit(y, 0.2, 1)
	p := DefaultParams()
	p.Objective, p.MaxIter = Regression, 300
	m := fit(t, x.Take(train), take(y, train), p)
	raw, err := m.PredictRaw(x.Take(test))
	if err != nil {
		t.Fatal(err)
	}
	pred := predict(t, m, x.Take(test))
	var se float64
	for i, r := range test {
		if raw[i] != pred[i] {
			t.Fatal("regression Predict differs from PredictRaw")
		}
		se += (pred[i] - y[r]) * (pred[i] - y[r])
	}
	rmse := math.Sqrt(se / float64(len(test)))
	// The label's own spread is about 2.3; the noise is 0.1.
	if rmse > 0.2 {
		t.Errorf("test RMSE %.3f > 0.2", rmse)
	}
}

// With more levels than bins, the rarest levels share a bin; the model
// still trains and the shared bin's levels stay together in every split.
func TestManyLevelsShareBins(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	const n, nl = 3000, 40
	levels := make([]string, nl)
	for i := range levels {
		levels[i] = string(rune('A'+i/26)) + string(rune('a'+i%26))
	}
	c := &frame.Column{Name: "c", Kind: frame.Categorical, Levels: levels, Codes: make([]int32, n)}
	y := make([]float64, n)
	for r := range n {
		c.Codes[r] = int32(min(rng.IntN(nl), rng.IntN(nl))) // low codes more frequent
		if (c.Codes[r]%3 == 0) == (rng.Float64() < 0.8) {
			y[r] = 1
		}
	}
	x := &frame.Frame{Rows: n, Cols: []*frame.Column{c}}
	p := DefaultParams()
	p.MaxBins, p.MaxIter, p.MinSamplesLeaf = 16, 30, 5
	m := fit(t, x, y, p)
	// The 25 rarest levels share the last of the 16 bins.
	count := make([]int, nl)
	for _, v := range c.Codes {
		count[v]++
	}
	order := make([]int, nl)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return count[b] - count[a] })
	shared := map[string]bool{}
	for _, k := range order[15:] {
		shared[levels[k]] = true
	}
	for ti, tree := range m.Trees {
		for _, nd := range tree.Nodes {
			if nd.Feature == "" {
				continue
			}
			in := 0
			for _, l := range nd.LeftLevels {
				if shared[l] {
					in++
				}
			}
			if in != 0 && in != len(shared) {
				t.Fatalf("tree %d splits the shared bin: %d of its %d levels go left", ti, in, len(shared))
			}
		}
	}
	if auc := rocAUC(y, predict(t, m, x)); auc < 0.65 {
		t.Errorf("training AUC %.3f < 0.65", auc)
	}
}

func TestFitRejectsBadInput(t *testing.T) {
	x := synth(100, func(r int) float64 { return float64(r) })
	y := make([]float64, 100)
	for i := range y {
		y[i] = float64(i % 2)
	}
	with := func(i int, v float64) []float64 { z := slices.Clone(y); z[i] = v; return z }
	bad := DefaultParams()
	bad.LearningRate, bad.MaxLeaves, bad.Objective = 0, 1, "poisson"
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		x    *frame.Frame
		y    []float64
		p    Params
		want string
	}{
		{"NaN label", t.Context(), x, with(3, math.NaN()), DefaultParams(), "row 3 is NaN"},
		{"label 2 for binary", t.Context(), x, with(5, 2), DefaultParams(), "binary labels must be 0 or 1"},
		{"one class", t.Context(), x, make([]float64, 100), DefaultParams(), "both 0 and 1"},
		{"label count", t.Context(), x, y[:99], DefaultParams(), "99 labels for 100 rows"},
		{"empty frame", t.Context(), &frame.Frame{}, nil, DefaultParams(), "no rows"},
		{"nil frame", t.Context(), nil, nil, DefaultParams(), "no frame"},
		{"infinite value", t.Context(), synth(100, func(r int) float64 { return math.Inf(r%2*2 - 1) }), y, DefaultParams(), "finite"},
		{"params", t.Context(), x, y, bad, "learning_rate 0"},
		{"cancelled", cancelled, x, y, DefaultParams(), "context canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Fit(tc.ctx, tc.x, tc.y, tc.p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "max_leaves 1") || !strings.Contains(err.Error(), `"poisson"`) {
		t.Errorf("Validate does not report every problem: %v", err)
	}
}

func TestPredictRejectsMismatchedFrames(t *testing.T) {
	xtr, xte, ytr, _ := bankSplit(t)
	p := DefaultParams()
	p.MaxIter = 5
	m := fit(t, xtr, ytr, p)
	noAge := &frame.Frame{Rows: xte.Rows}
	asNumber := &frame.Frame{Rows: xte.Rows}
	for _, c := range xte.Cols {
		if c.Name != "age" {
			noAge.Cols = append(noAge.Cols, c)
		}
		if c.Name == "job" {
			c = &frame.Column{Name: "job", Kind: frame.Numeric, Num: make([]float64, xte.Rows)}
		}
		asNumber.Cols = append(asNumber.Cols, c)
	}
	for _, tc := range []struct {
		x    *frame.Frame
		want string
	}{
		{noAge, `lacks feature "age"`},
		{asNumber, `feature "job" is numeric in the frame, categorical in the model`},
		{&frame.Frame{}, "no rows"},
	} {
		if _, err := m.Predict(tc.x); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want one containing %q", err, tc.want)
		}
	}
}

func TestLoadRejectsBrokenFiles(t *testing.T) {
	xtr, _, ytr, _ := bankSplit(t)
	p := DefaultParams()
	p.MaxIter = 3
	good := string(marshal(t, fit(t, xtr, ytr, p)))
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"format", `"format":"segmint-gbdt/1"`, `"format":"other/9"`, "format"},
		{"feature", `"feature":"`, `"feature":"nope`, "unknown feature"},
		{"level", `"left_levels":["`, `"left_levels":["nope`, "is not a level"},
		{"child", `"left":1,`, `"left":999,`, "outside the tree"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at := 0
			if tc.name != "format" {
				at = strings.Index(good, `"trees":`)
			}
			broken := good[:at] + strings.Replace(good[at:], tc.old, tc.new, 1)
			if broken == good {
				t.Fatalf("%q not in the model file", tc.old)
			}
			var m Model
			if err := json.Unmarshal([]byte(broken), &m); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// The bins follow the values: midpoints between distinct values when
// there are few, and a value lands in bin b exactly when it is <= the b-th
// threshold and above the one before.
func TestNumericBins(t *testing.T) {
	b := numericBinning([]float64{3, 1, 2, 2, math.NaN(), 1}, nil, 255)
	if !slices.Equal(b.thresholds, []float64{1.5, 2.5}) || b.nb != 3 {
		t.Fatalf("thresholds %v, %d bins", b.thresholds, b.nb)
	}
	vals := []float64{-5, 1, 1.5, 1.6, 2.5, 2.6, 100, math.NaN()}
	out := make([]uint8, len(vals))
	b.binNumeric(vals, out)
	if want := []uint8{0, 0, 0, 1, 1, 2, 2, 3}; !slices.Equal(out, want) {
		t.Errorf("bins %v, want %v", out, want)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	many := make([]float64, 10000)
	for i := range many {
		many[i] = rng.NormFloat64()
	}
	b = numericBinning(many, nil, 16)
	if len(b.thresholds) != 15 {
		t.Fatalf("%d thresholds for 16 bins", len(b.thresholds))
	}
	out = make([]uint8, len(many))
	b.binNumeric(many, out)
	count := make([]int, 16)
	for _, c := range out {
		count[c]++
	}
	for i, c := range count {
		if c < 10000/16-50 || c > 10000/16+50 {
			t.Errorf("quantile bin %d holds %d of 10000 values", i, c)
		}
	}
}

// TestAbsoluteErrorFitsTheMedian: with one label in twenty an outlier far
// above the rest, the absolute error recovers the median 2a where the
// squared error is pulled up; the base score is the median label, and a
// tree's leaves hold the learning rate times their rows' median residual.
func TestAbsoluteErrorFitsTheMedian(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	const n = 4000
	a, y := make([]float64, n), make([]float64, n)
	for r := range n {
		a[r] = rng.Float64() * 5
		y[r] = 2*a[r] + 0.1*rng.NormFloat64()
		if rng.IntN(20) == 0 {
			y[r] += 100
		}
	}
	x := synth(n, func(r int) float64 { return a[r] })
	errOf := func(obj Objective) float64 {
		p := DefaultParams()
		p.Objective, p.MaxIter = obj, 200
		pred := predict(t, fit(t, x, y, p), x)
		var s float64
		for r := range n {
			s += math.Abs(pred[r] - 2*a[r])
		}
		return s / n
	}
	l1, l2 := errOf(AbsoluteError), errOf(Regression)
	if l1 > 0.15 || l2 < 3 {
		t.Errorf("mean distance from the median 2a: absolute error %.3f (want <= 0.15), squared error %.3f (want >= 3)", l1, l2)
	}

	p := DefaultParams()
	p.Objective, p.MaxIter, p.MaxLeaves = AbsoluteError, 1, 4
	m := fit(t, x, y, p)
	if want := median(slices.Clone(y)); m.BaseScore != want {
		t.Errorf("base score %v, want the median label %v", m.BaseScore, want)
	}
	pred := predict(t, m, x)
	byLeaf := map[float64][]float64{}
	for r := range n {
		byLeaf[pred[r]] = append(byLeaf[pred[r]], y[r]-m.BaseScore)
	}
	if len(byLeaf) != 4 {
		t.Fatalf("%d distinct predictions from a 4-leaf tree", len(byLeaf))
	}
	for v, res := range byLeaf {
		if want := p.LearningRate * median(res); math.Abs(v-m.BaseScore-want) > 1e-12 {
			t.Errorf("leaf value %v, want %v (learning rate times the median residual of its %d rows)", v-m.BaseScore, want, len(res))
		}
	}
}

package logreg

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/segmint/segmint/models/frame"
)

// readBank reads a bank-marketing CSV as the benchmark does: every column
// but duration (known only after the call) and the label y is a feature.
func readBank(t testing.TB, path string) (*frame.Frame, []float64) {
	t.Helper()
	tab, err := frame.Read(path, frame.Options{})
	if err != nil {
		t.Fatal(err)
	}
	x, skipped, err := tab.Infer("y", "duration")
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) > 0 {
		t.Fatalf("columns left out: %v", skipped)
	}
	y, err := tab.Label("y", "yes")
	if err != nil {
		t.Fatal(err)
	}
	return x, y
}

const bankSample = "testdata/bank/bank-logreg-sample.csv"

// blankOut blanks values by row number as sklearn_logreg.py's with_blanks
// does: balance in every 17th row, job in every 23rd.
func blankOut(x *frame.Frame) {
	for i := 0; i < x.Rows; i++ {
		if i%17 == 0 {
			x.Col("balance").Num[i] = math.NaN()
		}
		if i%23 == 0 {
			x.Col("job").Codes[i] = -1
		}
	}
}

type golden struct {
	C             float64            `json:"c"`
	MinLevelCount int                `json:"min_level_count"`
	Intercept     float64            `json:"intercept"`
	Coef          map[string]float64 `json:"coef"`
}

// TestGoldenSklearn fits the committed bank sample and compares every
// coefficient with scikit-learn's LogisticRegression on the same design
// (testdata/sklearn_logreg.py golden): same column names, same values.
func TestGoldenSklearn(t *testing.T) {
	for _, tc := range []struct {
		name     string
		blanks   bool
		weighted bool
	}{{name: "plain"}, {name: "blanks", blanks: true}, {name: "rare"}, {name: "weighted", weighted: true}} {
		t.Run(tc.name, func(t *testing.T) {
			var want golden
			b, err := os.ReadFile(filepath.Join("testdata/golden", tc.name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			x, y := readBank(t, bankSample)
			if tc.blanks {
				blankOut(x)
			}
			var w []float64
			if tc.weighted {
				w = make([]float64, x.Rows)
				for i := range w {
					w[i] = float64(1 + i%3)
				}
			}
			m, err := FitWeighted(t.Context(), x, y, w, Params{C: want.C, MinLevelCount: want.MinLevelCount})
			if err != nil {
				t.Fatal(err)
			}
			if !m.Fit.Converged {
				t.Errorf("not converged: %+v", m.Fit)
			}
			if len(m.Columns) != len(want.Coef) {
				t.Errorf("%d columns, scikit-learn has %d", len(m.Columns), len(want.Coef))
			}
			worst := closeTo(t, "intercept", m.Intercept, want.Intercept)
			for _, c := range m.Columns {
				ref, ok := want.Coef[c.Name]
				if !ok {
					t.Errorf("column %q not in scikit-learn's design", c.Name)
					continue
				}
				worst = max(worst, closeTo(t, c.Name, c.Coef, ref))
			}
			t.Logf("%d columns, %d iterations, largest relative difference %.2g", len(m.Columns), m.Fit.Iterations, worst)
		})
	}
}

// closeTo fails when got is not within 2e-5 of want relative to
// max(|want|, 0.01), and returns that relative difference. The distance left
// is the optimiser's: scikit-learn's reference is the exact optimum, and
// L-BFGS stops at a gradient of GradTol.
func closeTo(t *testing.T, name string, got, want float64) float64 {
	t.Helper()
	rel := math.Abs(got-want) / max(math.Abs(want), 0.01)
	if rel > 2e-5 {
		t.Errorf("%s: %.10g, scikit-learn %.10g (relative difference %.2g)", name, got, want, rel)
	}
	return rel
}

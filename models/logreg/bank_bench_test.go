package logreg

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/segmint/segmint/lib/fixture"
	"github.com/segmint/segmint/models/frame"
)

// bankFull is UCI bank-full (45,211 rows), a reference data set in
// ../shared/data beside a checkout.
const bankFull = "bank-marketing/bank-full.csv"

// benchSplitSeed is sklearn_logreg.py's SPLIT_SEED.
const benchSplitSeed = 20240601

// sharedSplit lists the test rows of the split the gbdt benchmarks share
// (models/gbdt/bench/split.py: scikit-learn's train_test_split, stratified);
// split=shared runs when it is present.
const sharedSplit = "../gbdt/bench/bank-split.csv"

// BenchmarkFitBankFull fits on 80% of bank-full (duration dropped) and
// reports the test ROC AUC. split=splitmix is the split sklearn_logreg.py
// bench makes by default, so its AUC compares with scikit-learn's;
// split=frame is frame.StratifiedSplit with seed 1; split=shared is the
// gbdt benchmarks' split (sklearn_logreg.py bench --test-rows FILE).
func BenchmarkFitBankFull(b *testing.B) {
	x, y := readBank(b, fixture.Shared(b, bankFull))
	for _, s := range []struct {
		name string
		fn   func() ([]int, []int)
	}{
		{"split=splitmix", func() ([]int, []int) { return splitRows(y, benchSplitSeed, 0.2) }},
		{"split=frame", func() ([]int, []int) { return frame.StratifiedSplit(y, 0.2, 1) }},
		{"split=shared", func() ([]int, []int) { return readSplit(b, sharedSplit, len(y)) }},
	} {
		b.Run(s.name, func(b *testing.B) {
			train, test := s.fn()
			if train == nil {
				b.Skip("split file not present")
			}
			xtr, xte := x.Take(train), x.Take(test)
			ytr, yte := pick(y, train), pick(y, test)
			var m *Model
			for b.Loop() {
				var err error
				if m, err = Fit(b.Context(), xtr, ytr, Params{}); err != nil {
					b.Fatal(err)
				}
			}
			p, err := m.Predict(xte)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(rocAUC(p, yte), "test_auc")
			b.ReportMetric(float64(m.Fit.Iterations), "iterations")
			b.ReportMetric(float64(m.Fit.Evals), "evaluations")
			b.ReportMetric(float64(len(m.Columns)), "columns")
			b.ReportMetric(float64(len(train)), "train_rows")
			if !m.Fit.Converged {
				b.Logf("not converged: %+v", m.Fit)
			}
		})
	}
}

func pick(v []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for k, i := range idx {
		out[k] = v[i]
	}
	return out
}

// readSplit reads a file of test row indexes (a header line, then one
// 0-based data row a line) and returns the train and test rows; nil when
// the file is absent.
func readSplit(b *testing.B, path string, rows int) (train, test []int) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, nil
	}
	isTest := make([]bool, rows)
	for _, line := range strings.Fields(string(text))[1:] {
		i, err := strconv.Atoi(line)
		if err != nil || i < 0 || i >= rows {
			b.Fatalf("%s: bad row %q", path, line)
		}
		isTest[i] = true
	}
	for i, t := range isTest {
		if t {
			test = append(test, i)
		} else {
			train = append(train, i)
		}
	}
	return train, test
}

package logreg

import (
	"os"
	"testing"

	"github.com/segmint/segmint/models/frame"
)

// bankFull is UCI bank-full (45,211 rows), present where ../shared is
// checked out beside the repository.
const bankFull = "../../../shared/data/bank-marketing/bank-full.csv"

// benchSplitSeed is sklearn_logreg.py's SPLIT_SEED.
const benchSplitSeed = 20240601

// BenchmarkFitBankFull fits on 80% of bank-full (duration dropped) and
// reports the test ROC AUC. split=splitmix is the split sklearn_logreg.py
// bench also makes, so its AUC compares with scikit-learn's;
// split=frame is frame.StratifiedSplit with seed 1.
func BenchmarkFitBankFull(b *testing.B) {
	if _, err := os.Stat(bankFull); err != nil {
		b.Skipf("bank-full not present: %v", err)
	}
	x, y := readBank(b, bankFull)
	for _, s := range []struct {
		name string
		fn   func() ([]int, []int)
	}{
		{"split=splitmix", func() ([]int, []int) { return splitRows(y, benchSplitSeed, 0.2) }},
		{"split=frame", func() ([]int, []int) { return frame.StratifiedSplit(y, 0.2, 1) }},
	} {
		b.Run(s.name, func(b *testing.B) {
			train, test := s.fn()
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

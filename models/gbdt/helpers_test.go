package gbdt

import (
	"bufio"
	"os"
	"strconv"
	"testing"

	"github.com/segmint/segmint/models/eval"
	"github.com/segmint/segmint/models/frame"
)

// rocAUC is models/eval's ROC AUC (ties counted half, as scikit-learn's).
func rocAUC(y, score []float64) float64 {
	auc, err := eval.ROCAUC(y, score, nil)
	if err != nil {
		panic(err)
	}
	return auc
}

// table is a labelled frame read from a CSV file.
type table struct {
	x *frame.Frame
	y []float64
}

// readTable reads a CSV, takes label (positive value pos) and drops the
// columns in drop.
func readTable(tb testing.TB, path, label, pos string, drop ...string) table {
	tb.Helper()
	t, err := frame.Read(path, frame.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	y, err := t.Label(label, pos)
	if err != nil {
		tb.Fatal(err)
	}
	x, _, err := t.Infer(append([]string{label}, drop...)...)
	if err != nil {
		tb.Fatal(err)
	}
	return table{x, y}
}

// splitRows reads a split file written by bench/split.py (a header and the
// test rows) and returns the train and test rows of an n-row table.
func splitRows(tb testing.TB, path string, n int) (train, test []int) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	isTest := make([]bool, n)
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		i, err := strconv.Atoi(sc.Text())
		if err != nil || i < 0 || i >= n {
			tb.Fatalf("%s: bad row %q", path, sc.Text())
		}
		isTest[i] = true
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
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

func take(y []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for k, i := range idx {
		out[k] = y[i]
	}
	return out
}

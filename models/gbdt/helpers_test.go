package gbdt

import (
	"bufio"
	"cmp"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/segmint/segmint/models/frame"
)

// rocAUC is the area under the ROC curve of scores against 0/1 labels, ties
// counted half (the Mann-Whitney statistic).
func rocAUC(y, score []float64) float64 {
	idx := make([]int, len(y))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(score[a], score[b]) })
	var pos, neg, rankSum float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && score[idx[j]] == score[idx[i]] {
			j++
		}
		mid := float64(i+j+1) / 2 // average 1-based rank of the tie group
		for _, k := range idx[i:j] {
			if y[k] == 1 {
				rankSum += mid
				pos++
			} else {
				neg++
			}
		}
		i = j
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
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

package logreg

import (
	"cmp"
	"math"
	"slices"
	"testing"

	"github.com/segmint/segmint/models/eval"
)

// rocAUC is models/eval's ROC AUC (ties counted half, as scikit-learn's).
func rocAUC(score, y []float64) float64 {
	auc, err := eval.ROCAUC(y, score, nil)
	if err != nil {
		panic(err)
	}
	return auc
}

// splitmix64 is the reference mixer of Steele, Lea and Flood (2014).
func splitmix64(x uint64) uint64 {
	z := x + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// splitRows is sklearn_logreg.py's split_rows: of each class's rows, sorted
// by splitmix64(seed + row), the first floor(share*n + 0.5) go to test. The
// Python and Go sides of the benchmark score the same rows with it.
func splitRows(y []float64, seed uint64, share float64) (train, test []int) {
	for _, class := range []float64{0, 1} {
		var rows []int
		for i, v := range y {
			if v == class {
				rows = append(rows, i)
			}
		}
		slices.SortFunc(rows, func(a, b int) int {
			return cmp.Or(cmp.Compare(splitmix64(seed+uint64(a)), splitmix64(seed+uint64(b))), cmp.Compare(a, b))
		})
		k := int(math.Floor(share*float64(len(rows)) + 0.5))
		test = append(test, rows[:k]...)
		train = append(train, rows[k:]...)
	}
	slices.Sort(train)
	slices.Sort(test)
	return train, test
}

func TestSplitRows(t *testing.T) {
	y := make([]float64, 1000)
	for i := range y {
		if i%10 == 0 {
			y[i] = 1
		}
	}
	train, test := splitRows(y, 7, 0.2)
	if len(train) != 800 || len(test) != 200 {
		t.Fatalf("%d train, %d test rows, want 800 and 200", len(train), len(test))
	}
	pos := 0
	for _, i := range test {
		pos += int(y[i])
	}
	if pos != 20 {
		t.Errorf("%d positives in test, want 20 (stratified)", pos)
	}
	if again, _ := splitRows(y, 7, 0.2); !slices.Equal(again, train) {
		t.Error("same seed, different split")
	}
	if other, _ := splitRows(y, 8, 0.2); slices.Equal(other, train) {
		t.Error("another seed gives the same split")
	}
	// splitmix64(0) from the reference implementation.
	if got := splitmix64(0); got != 0xe220a8397b1dcdaf {
		t.Errorf("splitmix64(0) = %#x", got)
	}
}

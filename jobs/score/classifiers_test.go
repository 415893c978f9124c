package score

import (
	"slices"
	"testing"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
)

// Percentiles: the share of the others scored lower, ties counted half.
func TestPercentiles(t *testing.T) {
	got := percentiles([]float64{0.3, 0.1, 0.3, 0.9, 0.5})
	// sorted 0.1, 0.3, 0.3, 0.5, 0.9: 0.1 has none below (0), each 0.3 has
	// one below and one equal ((1 + 0.5) / 4), 0.5 three (0.75), 0.9 four.
	want := []float64{0.375, 0, 0.375, 1, 0.75}
	if !slices.Equal(got, want) {
		t.Errorf("percentiles %v, want %v", got, want)
	}
	if p := percentiles([]float64{0.4}); p[0] != 0.5 {
		t.Errorf("one value: %v", p)
	}
}

// Every classifier of the catalogue has its three score columns.
func TestEveryClassifierHasScoreColumns(t *testing.T) {
	var s contract.Score
	for _, k := range config.Catalogue() {
		if p, pct, v := s.ClassifierScore(k.Column); p == nil || pct == nil || v == nil {
			t.Errorf("%s: no score columns for %s", k.Name, k.Column)
		}
	}
}

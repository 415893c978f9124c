package train

import (
	"testing"

	"github.com/segmint/segmint/models/learn"
)

func TestDriftSummaryNamesTheTopFeaturesAndFlags(t *testing.T) {
	d := drift{score: 0.05, features: map[string]float64{"a": 0.01, "b": 0.2, "c": 0.3, "d": 0.02, "e": 0.2, "f": 0.9, "g": 0.1},
		ranked: weights("b", "country", "a", "d", "g", "e", "f", "c")}
	s, flag := d.summary()
	if s != "score 0.050, b 0.200, a 0.010, d 0.020, g 0.100, e 0.200" || flag {
		t.Errorf("summary %q, flagged %v (f and c drift but are not among the five most important)", s, flag)
	}
	d.features["g"] = 0.25 // at the threshold: not above it
	if _, flag := d.summary(); flag {
		t.Error("0.25 flagged")
	}
	d.features["g"] = 0.26
	if _, flag := d.summary(); !flag {
		t.Error("an important feature's drift not flagged")
	}
	d.features["g"], d.score = 0.1, 0.26
	if _, flag := d.summary(); !flag {
		t.Error("a drifted score not flagged")
	}
}

// weights ranks the features in the order given.
func weights(names ...string) []learn.Weight {
	out := make([]learn.Weight, len(names))
	for i, n := range names {
		out[i] = learn.Weight{Feature: n, Share: float64(len(names)-i) / 100}
	}
	return out
}

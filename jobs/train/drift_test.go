package train

import "testing"

func TestDriftSummaryNamesTheMostDriftedAndFlags(t *testing.T) {
	d := drift{score: 0.05, features: map[string]float64{"a": 0.01, "b": 0.2, "c": 0.3, "d": 0.02, "e": 0.2}}
	s, flag := d.summary()
	if s != "score 0.050, c 0.300, b 0.200, e 0.200" || !flag {
		t.Errorf("summary %q, flagged %v", s, flag)
	}
	d.features["c"] = 0.25 // at the threshold: not above it
	if _, flag := d.summary(); flag {
		t.Error("0.25 flagged")
	}
	d.score = 0.26
	if _, flag := d.summary(); !flag {
		t.Error("a drifted score not flagged")
	}
}

package train

import (
	"strings"
	"testing"
)

func TestGateRefusesWhatDoesNotBeatTheBaselines(t *testing.T) {
	good := map[string]float64{"log_loss": 0.62, "base_rate_log_loss": 0.685, "brier": 0.214, "base_rate_brier": 0.246,
		"auc": 0.71, "recency_auc": 0.65}
	if r := gate(good); r != "" {
		t.Errorf("a model beating every baseline refused: %s", r)
	}
	for key, val := range map[string]float64{"log_loss": 0.70, "brier": 0.25, "auc": 0.64} {
		m := map[string]float64{}
		for k, v := range good {
			m[k] = v
		}
		m[key] = val
		want := map[string]string{"log_loss": "log loss", "brier": "Brier", "auc": "recency alone"}[key]
		if r := gate(m); !strings.Contains(r, want) {
			t.Errorf("%s = %v: refusal %q, want one about %s", key, val, r, want)
		}
	}
	// Ties are refusals: a model only as good as the constant adds nothing.
	m := map[string]float64{"log_loss": 0.685, "base_rate_log_loss": 0.685, "brier": 0.2, "base_rate_brier": 0.246, "auc": 0.7, "recency_auc": 0.6}
	if gate(m) == "" {
		t.Error("a log loss equal to the constant's passed")
	}
}

package train

import (
	"strings"
	"testing"

	"github.com/segmint/segmint/models/clv"
)

// TestCLVGateRefusesWhatDoesNotBeatRepeating: a lifetime-value model must
// beat repeating the last holdout-length period; a tie is a refusal.
func TestCLVGateRefusesWhatDoesNotBeatRepeating(t *testing.T) {
	for _, tc := range []struct {
		mae, repeat float64
		refused     bool
	}{{0.97, 0.99, false}, {0.99, 0.99, true}, {1.2, 0.99, true}} {
		r := clvGate(map[string]float64{"holdout_mae_purchases": tc.mae, "repeat_mae_purchases": tc.repeat}, 90)
		if (r != "") != tc.refused || tc.refused && !strings.Contains(r, "repeating the last 90 days") {
			t.Errorf("MAE %v against %v: %q", tc.mae, tc.repeat, r)
		}
	}
}

// TestChooseCLV: the holdout picks among NBD and the dropout models whose
// dropout is identified; one that is not identified is measured and
// reported but never chosen, however well it scores.
func TestChooseCLV(t *testing.T) {
	// Customer a bought on one day in the holdout and on two in the last
	// period of calibration, b on none; NBD expects 1.6 and 0.6 of them,
	// BG/NBD, with b probably gone, fewer.
	h := clvHoldout{
		customers: []clv.Customer{{ID: "a", Frequency: 4, Recency: 20, T: 30}, {ID: "b", Frequency: 1, Recency: 1, T: 30}},
		actual:    map[string]int{"a": 1}, last: map[string]int{"a": 2}, weeks: 90.0 / 7,
	}
	nbd := clv.NBD{R: 1, Alpha: 10}
	bg := clv.BGNBD{R: 1, Alpha: 10, A: 0.5, B: 5}
	for _, tc := range []struct {
		identified bool
		want       string
	}{{false, clv.KindNBD}, {true, clv.KindBGNBD}} {
		fam := clv.Family{NBD: nbd, BGNBD: &bg, GammaGamma: clv.GammaGamma{P: 2, Q: 3, Gamma: 10},
			Tests: []clv.DropoutTest{{Model: clv.KindBGNBD, Statistic: 7, Identified: tc.identified}, {Model: clv.KindMBGNBD}}}
		m, metrics := chooseCLV(fam, h)
		nbdMAE, _, _ := h.errorOf(nbd)
		bgMAE, _, _ := h.errorOf(bg)
		if !(bgMAE < nbdMAE) {
			t.Fatalf("the test needs BG/NBD to score better: %v against %v", bgMAE, nbdMAE)
		}
		if m.Kind() != tc.want || metrics["holdout_mae_nbd"] != nbdMAE || metrics["holdout_mae_bgnbd"] != bgMAE ||
			metrics["repeat_mae_purchases"] != 0.5 || metrics["dropout_lr_bgnbd"] != 7 || metrics["dropout_identified"] != boolMetric(tc.identified) {
			t.Errorf("identified %v: chose %s with %v", tc.identified, m.Kind(), metrics)
		}
		if note := purchaseNote(m); tc.identified == strings.Contains(note, "p_alive null") {
			t.Errorf("identified %v: note %q", tc.identified, note)
		}
	}
}

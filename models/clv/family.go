package clv

import (
	"fmt"
)

// Names of the purchase models (Model.Kind).
const (
	KindBGNBD  = "bgnbd"
	KindMBGNBD = "mbgnbd"
	KindNBD    = "nbd"
)

// DropoutCritical is the value that the likelihood-ratio statistic of a
// dropout model against NBD must exceed for its dropout to count as
// identified: the 95% quantile of χ² with 2 degrees of freedom (a and b),
// −2 ln 0.05. NBD is the dropout models' limit as the mean dropout
// probability a/(a+b) goes to 0, a boundary point where a+b is not even
// identified, so the statistic's true null distribution is a mixture with
// smaller quantiles: this threshold errs towards "not identified". A fit
// at the boundary (a → 0 or b → ∞) has a statistic near 0.
const DropoutCritical = 5.991464547107979

// DropoutTest is the evidence for dropout in one dropout model's fit.
type DropoutTest struct {
	// Model is KindBGNBD or KindMBGNBD.
	Model string `json:"model"`
	// Statistic is 2(ln L − ln L_NBD) on the same customers, 0 when the
	// fit failed.
	Statistic  float64 `json:"lr_statistic"`
	Identified bool    `json:"identified"`
	// Reason says why dropout is not identified; empty when it is.
	Reason string `json:"reason,omitempty"`
}

// Family is the purchase models fitted to the same customers, with the
// Gamma-Gamma spend model they share.
type Family struct {
	NBD NBD
	// BGNBD and MBGNBD are nil when their fit failed (see Tests).
	BGNBD, MBGNBD *BGNBD
	// Tests are the dropout tests of BG/NBD and MBG/NBD, in that order.
	Tests      []DropoutTest
	GammaGamma GammaGamma
}

// FitFamily fits NBD, BG/NBD, MBG/NBD and Gamma-Gamma to customers
// summarised in weeks, and tests each dropout model against NBD. A
// dropout model whose fit fails (a bound reached, ErrNotIdentified, or an
// optimizer that cannot converge) is left out with a failed test; only
// NBD's and Gamma-Gamma's failures are errors.
func FitFamily(customers []Customer) (Family, error) {
	nbd, err := FitNBD(customers)
	if err != nil {
		return Family{}, err
	}
	gg, err := FitGammaGamma(customers)
	if err != nil {
		return Family{}, err
	}
	f := Family{NBD: nbd, GammaGamma: gg}
	f.BGNBD = f.fitDropout(customers, false)
	f.MBGNBD = f.fitDropout(customers, true)
	return f, nil
}

// fitDropout fits BG/NBD, or MBG/NBD when modified, appends its dropout
// test to f.Tests and returns it, or nil when the fit failed.
func (f *Family) fitDropout(customers []Customer, modified bool) *BGNBD {
	m, err := fitBG(customers, modified)
	if err != nil {
		f.Tests = append(f.Tests, DropoutTest{Model: BGNBD{Modified: modified}.kind(),
			Reason: "dropout not identified: " + err.Error()})
		return nil
	}
	f.Tests = append(f.Tests, testDropout(m, f.NBD))
	return &m
}

// testDropout compares the fit of a dropout model with NBD's.
func testDropout(m BGNBD, nbd NBD) DropoutTest {
	t := DropoutTest{Model: m.kind(), Statistic: 2 * (m.Fit.LogLikelihood - nbd.Fit.LogLikelihood)}
	t.Identified = t.Statistic > DropoutCritical
	if !t.Identified {
		t.Reason = fmt.Sprintf("dropout not identified: the likelihood-ratio statistic against NBD (no dropout) is %.3f, not above %.3f (χ², 2 degrees of freedom, 5%%); a = %.3g, b = %.3g",
			t.Statistic, DropoutCritical, m.A, m.B)
	}
	return t
}

// Models returns the fitted purchase models, each with Gamma-Gamma and
// the family's dropout tests: BG/NBD and MBG/NBD when their fit succeeded,
// then NBD.
func (f Family) Models() []Model {
	var out []Model
	for _, bg := range []*BGNBD{f.BGNBD, f.MBGNBD} {
		if bg != nil {
			out = append(out, f.model(bg, nil))
		}
	}
	return append(out, f.model(nil, &f.NBD))
}

func (f Family) model(bg *BGNBD, nbd *NBD) Model {
	return Model{TimeUnit: TimeUnitWeek, BGNBD: bg, NBD: nbd, GammaGamma: f.GammaGamma, Dropout: f.Tests}
}

package clv

import (
	"errors"
	"fmt"
)

// TimeUnitWeek names the time unit of models fitted on Summarize output.
const TimeUnitWeek = "week"

// Model is a fitted pair: a purchase model of the BG/NBD family for the
// number of purchases (BG/NBD or MBG/NBD in BGNBD, or NBD; exactly one of
// them) and Gamma-Gamma for their value. It marshals to JSON as its
// parameters and fit figures, and a model read back predicts exactly as
// before.
type Model struct {
	// TimeUnit is the unit of recency, age and horizons ("week").
	TimeUnit   string     `json:"time_unit"`
	BGNBD      *BGNBD     `json:"bgnbd,omitempty"`
	NBD        *NBD       `json:"nbd,omitempty"`
	GammaGamma GammaGamma `json:"gamma_gamma"`
	// Dropout are the dropout tests of the fit the model comes from
	// (FitFamily); P(alive) is published only when the test of the model
	// in BGNBD says its dropout is identified.
	Dropout []DropoutTest `json:"dropout,omitempty"`
}

// PurchaseModel predicts a customer's purchases over the next t periods.
type PurchaseModel interface {
	ExpectedPurchases(t float64, c Customer) float64
}

// Fit fits BG/NBD and Gamma-Gamma to customers summarised in weeks
// (Summarize), and tests BG/NBD's dropout against NBD (FitFamily). It
// fails when BG/NBD cannot be fitted.
func Fit(customers []Customer) (Model, error) {
	f, err := FitFamily(customers)
	if err != nil {
		return Model{}, err
	}
	if f.BGNBD == nil {
		return Model{}, fmt.Errorf("fit BG/NBD: %s", f.Tests[0].Reason)
	}
	m := f.Models()[0]
	if err := m.Validate(); err != nil {
		return Model{}, fmt.Errorf("fit: %w", err)
	}
	return m, nil
}

// Kind names the purchase model: KindBGNBD, KindMBGNBD or KindNBD ("" when
// there is none).
func (m Model) Kind() string {
	switch {
	case m.BGNBD != nil:
		return m.BGNBD.kind()
	case m.NBD != nil:
		return KindNBD
	}
	return ""
}

// Purchases is the purchase model, nil when there is none.
func (m Model) Purchases() PurchaseModel {
	switch {
	case m.BGNBD != nil:
		return *m.BGNBD
	case m.NBD != nil:
		return *m.NBD
	}
	return nil
}

// DropoutIdentified reports whether the model publishes P(alive): it has
// a dropout model whose test says the data identify its dropout. A model
// file written before the test was made has no test, hence no P(alive).
func (m Model) DropoutIdentified() bool {
	return m.dropoutTest().Identified
}

// PAliveNullReason says why the model publishes no P(alive), "" when it
// does.
func (m Model) PAliveNullReason() string {
	t := m.dropoutTest()
	switch {
	case t.Identified:
		return ""
	case m.NBD != nil:
		return "NBD has no dropout, hence no P(alive)"
	case t.Model == "":
		return "the model has no dropout test"
	}
	return t.Reason
}

// dropoutTest is the test of the model in BGNBD, zero when there is none.
func (m Model) dropoutTest() DropoutTest {
	if m.BGNBD == nil {
		return DropoutTest{}
	}
	for _, t := range m.Dropout {
		if t.Model == m.BGNBD.kind() {
			return t
		}
	}
	return DropoutTest{}
}

// Validate reports every parameter that cannot make predictions, such as
// those of a hand-edited or truncated model file.
func (m Model) Validate() error {
	var errs []error
	if m.TimeUnit != TimeUnitWeek {
		errs = append(errs, fmt.Errorf("time unit %q is not %q", m.TimeUnit, TimeUnitWeek))
	}
	if (m.BGNBD == nil) == (m.NBD == nil) {
		errs = append(errs, errors.New("a model needs exactly one purchase model, BG/NBD (or MBG/NBD) or NBD"))
	}
	for _, p := range m.params() {
		if !finite(p.v) || p.v <= 0 {
			errs = append(errs, fmt.Errorf("%s = %v must be finite and positive", p.name, p.v))
		}
	}
	if m.GammaGamma.Q <= 1 {
		errs = append(errs, fmt.Errorf("Gamma-Gamma q = %v must exceed 1 for a finite mean spend", m.GammaGamma.Q))
	}
	return errors.Join(errs...)
}

// param is a named model parameter.
type param struct {
	name string
	v    float64
}

// params lists the parameters of the purchase model and Gamma-Gamma.
func (m Model) params() []param {
	ps := []param{{"Gamma-Gamma p", m.GammaGamma.P}, {"Gamma-Gamma q", m.GammaGamma.Q}, {"Gamma-Gamma gamma", m.GammaGamma.Gamma}}
	if b := m.BGNBD; b != nil {
		n := b.name()
		ps = append(ps, param{n + " r", b.R}, param{n + " alpha", b.Alpha}, param{n + " a", b.A}, param{n + " b", b.B})
	}
	if b := m.NBD; b != nil {
		ps = append(ps, param{"NBD r", b.R}, param{"NBD alpha", b.Alpha})
	}
	return ps
}

// Prediction is a customer's score.
type Prediction struct {
	ID string `json:"id"`
	// ProbabilityAlive is P(alive) at the end of calibration, nil when
	// the model's dropout is not identified (Model.PAliveNullReason).
	ProbabilityAlive *float64 `json:"p_alive"`
	// ExpectedPurchases is the number of purchases expected over the
	// options' PurchasePeriods (by default the horizon, Months·PeriodsPerMonth).
	ExpectedPurchases float64 `json:"expected_purchases"`
	// ExpectedValue is the expected value of one transaction.
	ExpectedValue float64 `json:"expected_value"`
	// CLV is the discounted expected value of the purchases over the
	// horizon (CustomerValue).
	CLV float64 `json:"clv"`
}

// Predict scores customers, in their order, over the horizon of o.
func (m Model) Predict(customers []Customer, o ValueOptions) ([]Prediction, error) {
	if err := errors.Join(m.Validate(), o.Validate()); err != nil {
		return nil, fmt.Errorf("predict: %w", err)
	}
	if err := validate(customers); err != nil {
		return nil, fmt.Errorf("predict: %w", err)
	}
	window := o.purchaseWindow()
	pm, alive := m.Purchases(), m.DropoutIdentified()
	out := make([]Prediction, len(customers))
	for i, c := range customers {
		out[i] = m.predict(pm, c, window, o)
		if alive {
			p := m.BGNBD.ProbabilityAlive(c)
			out[i].ProbabilityAlive = &p
		}
	}
	return out, nil
}

// predict scores one customer with the purchase model pm: its purchases
// over window periods and its value over the horizon of o; it leaves
// P(alive) to Predict.
func (m Model) predict(pm PurchaseModel, c Customer, window float64, o ValueOptions) Prediction {
	return Prediction{
		ID:                c.ID,
		ExpectedPurchases: pm.ExpectedPurchases(window, c),
		ExpectedValue:     m.GammaGamma.ExpectedValue(c),
		CLV:               CustomerValue(pm, m.GammaGamma, c, o),
	}
}

package clv

import (
	"errors"
	"fmt"
)

// TimeUnitWeek names the time unit of models fitted on Summarize output.
const TimeUnitWeek = "week"

// Model is a fitted pair: BG/NBD for the number of purchases and
// Gamma-Gamma for their value. It marshals to JSON as its parameters and
// fit figures, and a model read back predicts exactly as before.
type Model struct {
	// TimeUnit is the unit of recency, age and horizons ("week").
	TimeUnit   string     `json:"time_unit"`
	BGNBD      BGNBD      `json:"bgnbd"`
	GammaGamma GammaGamma `json:"gamma_gamma"`
}

// Fit fits both models to customers summarised in weeks (Summarize).
func Fit(customers []Customer) (Model, error) {
	bg, err := FitBGNBD(customers)
	if err != nil {
		return Model{}, err
	}
	gg, err := FitGammaGamma(customers)
	if err != nil {
		return Model{}, err
	}
	m := Model{TimeUnit: TimeUnitWeek, BGNBD: bg, GammaGamma: gg}
	if err := m.Validate(); err != nil {
		return Model{}, fmt.Errorf("fit: %w", err)
	}
	return m, nil
}

// Validate reports every parameter that cannot make predictions, such as
// those of a hand-edited or truncated model file.
func (m Model) Validate() error {
	var errs []error
	if m.TimeUnit != TimeUnitWeek {
		errs = append(errs, fmt.Errorf("time unit %q is not %q", m.TimeUnit, TimeUnitWeek))
	}
	for _, p := range []struct {
		name string
		v    float64
	}{
		{"BG/NBD r", m.BGNBD.R}, {"BG/NBD alpha", m.BGNBD.Alpha}, {"BG/NBD a", m.BGNBD.A}, {"BG/NBD b", m.BGNBD.B},
		{"Gamma-Gamma p", m.GammaGamma.P}, {"Gamma-Gamma q", m.GammaGamma.Q}, {"Gamma-Gamma gamma", m.GammaGamma.Gamma},
	} {
		if !finite(p.v) || p.v <= 0 {
			errs = append(errs, fmt.Errorf("%s = %v must be finite and positive", p.name, p.v))
		}
	}
	if m.BGNBD.A+m.BGNBD.B <= 1 {
		errs = append(errs, fmt.Errorf("BG/NBD a+b = %v must exceed 1 for expected purchases", m.BGNBD.A+m.BGNBD.B))
	}
	if m.GammaGamma.Q <= 1 {
		errs = append(errs, fmt.Errorf("Gamma-Gamma q = %v must exceed 1 for a finite mean spend", m.GammaGamma.Q))
	}
	return errors.Join(errs...)
}

// Prediction is a customer's score.
type Prediction struct {
	ID string `json:"id"`
	// ProbabilityAlive is P(alive) at the end of calibration.
	ProbabilityAlive float64 `json:"p_alive"`
	// ExpectedPurchases is the number of purchases expected over the
	// horizon (Months·PeriodsPerMonth weeks).
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
	horizon := float64(o.Months) * o.periodsPerMonth()
	out := make([]Prediction, len(customers))
	for i, c := range customers {
		out[i] = m.predict(c, horizon, o)
	}
	return out, nil
}

// predict scores one customer over the horizon of o, horizon periods long.
func (m Model) predict(c Customer, horizon float64, o ValueOptions) Prediction {
	return Prediction{
		ID:                c.ID,
		ProbabilityAlive:  m.BGNBD.ProbabilityAlive(c),
		ExpectedPurchases: m.BGNBD.ExpectedPurchases(horizon, c),
		ExpectedValue:     m.GammaGamma.ExpectedValue(c),
		CLV:               CustomerValue(m.BGNBD, m.GammaGamma, c, o),
	}
}

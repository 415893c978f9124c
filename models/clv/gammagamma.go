package clv

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// GammaGamma is the spend model of Fader, Hardie and Lee (2005), "RFM and
// CLV: Using Iso-Value Curves for Customer Base Analysis", as set out in
// Fader and Hardie's note "The Gamma-Gamma Model of Monetary Value" (2013):
// a customer's transaction values are Gamma(p, ν), and ν varies across
// customers as Gamma(q, γ). Spend is assumed independent of the purchase
// process. Values are in the currency of the data.
type GammaGamma struct {
	P     float64 `json:"p"`
	Q     float64 `json:"q"`
	Gamma float64 `json:"gamma"`
	Fit   FitInfo `json:"fit"`
}

// FitGammaGamma fits the Gamma-Gamma model by maximum likelihood to the
// customers with at least one repeat purchase (x > 0), on their mean
// repeat-purchase value, starting from p = q = γ = 1. Customers without
// repeat purchases are skipped, and so are repeat buyers whose repeat
// purchases were all worth 0 (free orders; the Gamma density is 0 there):
// Fit.Excluded counts them. It fails when no repeat buyer is left.
func FitGammaGamma(customers []Customer) (GammaGamma, error) {
	if err := validate(customers); err != nil {
		return GammaGamma{}, fmt.Errorf("fit Gamma-Gamma: %w", err)
	}
	rows, excluded, err := repeatBuyers(customers)
	if err != nil {
		return GammaGamma{}, fmt.Errorf("fit Gamma-Gamma: %w", err)
	}
	ll := func(p, grad []float64) float64 { return ggLogLik(p, rows, grad) }
	p, stats, err := maximize("Gamma-Gamma", 3, float64(len(rows)), ll)
	if err != nil {
		return GammaGamma{}, err
	}
	return GammaGamma{P: p[0], Q: p[1], Gamma: p[2], Fit: FitInfo{
		LogLikelihood: ggLogLik(p, rows, nil),
		Customers:     len(rows),
		Excluded:      excluded,
		Iterations:    stats.MajorIterations,
		Evaluations:   stats.FuncEvaluations,
	}}, nil
}

// ggRow is one repeat buyer: x repeat purchases of mean value m.
type ggRow struct{ x, m float64 }

// repeatBuyers returns the validated customers' repeat buyers with a
// positive mean value, and how many repeat buyers had a mean value of 0.
func repeatBuyers(customers []Customer) (rows []ggRow, excluded int, err error) {
	for _, c := range customers {
		switch {
		case c.Frequency == 0:
		case c.MonetaryValue == 0:
			excluded++
		default:
			rows = append(rows, ggRow{float64(c.Frequency), c.MonetaryValue})
		}
	}
	if len(rows) == 0 {
		return nil, excluded, fmt.Errorf("%d customers, %d repeat buyers with a mean value of 0: %w", len(customers), excluded, ErrNoRepeatBuyers)
	}
	return rows, excluded, nil
}

// ggLogLik is the Gamma-Gamma log-likelihood of the mean values at
// p = (p, q, γ), summed over rows (the density of zbar given x):
//
//	lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + (px−1) ln m + px ln x − (px+q) ln(xm+γ)
//
// When grad is not nil it receives the gradient with respect to the
// log-parameters.
func ggLogLik(par []float64, rows []ggRow, grad []float64) float64 {
	p, q, g := par[0], par[1], par[2]
	lgq, dq, lg := lgamma(q), mathext.Digamma(q), math.Log(g)
	var sum, gp, gq, gg float64
	for _, row := range rows {
		px := p * row.x
		lm, lx, lxm := math.Log(row.m), math.Log(row.x), math.Log(row.x*row.m+g)
		sum += lgamma(px+q) - lgamma(px) - lgq + q*lg + (px-1)*lm + px*lx - (px+q)*lxm
		if grad == nil {
			continue
		}
		dpxq := mathext.Digamma(px + q)
		gp += row.x * (dpxq - mathext.Digamma(px) + lm + lx - lxm)
		gq += dpxq - dq + lg - lxm
		gg += q/g - (px+q)/(row.x*row.m+g)
	}
	if grad != nil {
		grad[0], grad[1], grad[2] = p*gp, q*gq, g*gg
	}
	return sum
}

// LogLikelihood returns the model's log-likelihood of the repeat buyers
// among customers, summed (those with a mean value of 0 left out, as in
// the fit).
func (m GammaGamma) LogLikelihood(customers []Customer) (float64, error) {
	if err := validate(customers); err != nil {
		return 0, fmt.Errorf("Gamma-Gamma log-likelihood: %w", err)
	}
	rows, _, err := repeatBuyers(customers)
	if err != nil {
		return 0, fmt.Errorf("Gamma-Gamma log-likelihood: %w", err)
	}
	return ggLogLik([]float64{m.P, m.Q, m.Gamma}, rows, nil), nil
}

// MeanValue returns the population mean transaction value pγ/(q−1), the
// expectation for a customer without repeat purchases. It is NaN when
// q ≤ 1 (the mean does not exist).
func (m GammaGamma) MeanValue() float64 {
	if !(m.Q > 1) {
		return math.NaN()
	}
	return m.P * m.Gamma / (m.Q - 1)
}

// ExpectedValue returns E[M | x, zbar], a customer's expected mean
// transaction value: the weighted average
//
//	(q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · zbar
//
// of the population mean and the customer's own mean repeat value. It is
// NaN when q ≤ 1 or the customer fails validation.
func (m GammaGamma) ExpectedValue(c Customer) float64 {
	if !(m.Q > 1) || c.validate() != nil {
		return math.NaN()
	}
	px := m.P * float64(c.Frequency)
	return (m.P*m.Gamma + px*c.MonetaryValue) / (px + m.Q - 1)
}

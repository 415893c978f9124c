package clv

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// NBD is the negative binomial model of purchases without dropout
// (Ehrenberg 1959): a customer buys for ever as a Poisson process with
// rate λ ~ Gamma(r, α). It is the limit of BG/NBD and MBG/NBD as the
// dropout probability goes to 0, so their likelihoods are comparable, and
// it is what those models say when the data show no dropout. It has no
// P(alive).
type NBD struct {
	R     float64 `json:"r"`
	Alpha float64 `json:"alpha"`
	Fit   FitInfo `json:"fit"`
}

// FitNBD fits the NBD model to customers by maximum likelihood, starting
// from r = α = 1.
func FitNBD(customers []Customer) (NBD, error) {
	if err := validate(customers); err != nil {
		return NBD{}, fmt.Errorf("fit NBD: %w", err)
	}
	rows := compressBG(customers)
	ll := func(p, grad []float64) float64 { return nbdLogLik(p, rows, grad) }
	p, stats, err := maximize("NBD", 2, float64(len(customers)), ll)
	if err != nil {
		return NBD{}, err
	}
	return NBD{R: p[0], Alpha: p[1], Fit: fitInfo(ll(p, nil), len(customers), stats)}, nil
}

// nbdLogLik is the NBD log-likelihood of x purchases in (0, T] at p = (r,
// α), summed over weighted rows, with the same terms as bgLogLik's (A1
// and A3):
//
//	lnΓ(r+x) − lnΓ(r) + r ln α − (r+x) ln(α+T)
//
// When grad is not nil it receives the gradient with respect to the
// log-parameters.
func nbdLogLik(p []float64, rows []bgRow, grad []float64) float64 {
	r, alpha := p[0], p[1]
	lgr, la, dr := lgamma(r), math.Log(alpha), mathext.Digamma(r)
	var sum, gr, galpha float64
	for _, row := range rows {
		rx, lT := r+row.x, math.Log(alpha+row.T)
		sum += row.w * (lgamma(rx) - lgr + r*la - rx*lT)
		if grad != nil {
			gr += row.w * (mathext.Digamma(rx) - dr + la - lT)
			galpha += row.w * (r/alpha - rx/(alpha+row.T))
		}
	}
	if grad != nil {
		grad[0], grad[1] = r*gr, alpha*galpha
	}
	return sum
}

// LogLikelihood returns the model's log-likelihood of customers, summed.
func (m NBD) LogLikelihood(customers []Customer) (float64, error) {
	if err := validate(customers); err != nil {
		return 0, fmt.Errorf("NBD log-likelihood: %w", err)
	}
	return nbdLogLik([]float64{m.R, m.Alpha}, compressBG(customers), nil), nil
}

// ExpectedPurchases returns E[Y(t) | x, T] = t·(r+x)/(α+T): the purchases
// expected in the next t periods at the posterior mean rate. It is NaN for
// t < 0 or a customer that fails validation.
func (m NBD) ExpectedPurchases(t float64, c Customer) float64 {
	if c.validate() != nil || !(t >= 0) || math.IsInf(t, 1) {
		return math.NaN()
	}
	return t * (m.R + float64(c.Frequency)) / (m.Alpha + c.T)
}

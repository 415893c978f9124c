package clv

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mathext"
)

// BGNBD is the beta-geometric/NBD model of Fader, Hardie and Lee (2005),
// "Counting Your Customers the Easy Way", Marketing Science 24(2). While
// alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α);
// after each purchase they drop out with probability p ~ Beta(a, b). Time
// is in the unit of the customers it was fitted on (weeks for Summarize).
type BGNBD struct {
	R     float64 `json:"r"`
	Alpha float64 `json:"alpha"`
	A     float64 `json:"a"`
	B     float64 `json:"b"`
	Fit   FitInfo `json:"fit"`
}

// ErrNoRepeatBuyers is returned when no customer made a repeat purchase:
// neither model's likelihood then has a maximum.
var ErrNoRepeatBuyers = errors.New("no customer made a repeat purchase")

// FitBGNBD fits the BG/NBD model to customers by maximum likelihood,
// starting from r = α = a = b = 1.
func FitBGNBD(customers []Customer) (BGNBD, error) {
	if err := validate(customers); err != nil {
		return BGNBD{}, fmt.Errorf("fit BG/NBD: %w", err)
	}
	rows := compressBG(customers)
	if rows[len(rows)-1].x == 0 {
		return BGNBD{}, fmt.Errorf("fit BG/NBD on %d customers: %w", len(customers), ErrNoRepeatBuyers)
	}
	ll := func(p, grad []float64) float64 { return bgLogLik(p, rows, grad) }
	p, stats, err := maximize("BG/NBD", 4, float64(len(customers)), ll)
	if err != nil {
		return BGNBD{}, err
	}
	m := BGNBD{R: p[0], Alpha: p[1], A: p[2], B: p[3]}
	m.Fit = FitInfo{
		LogLikelihood: bgLogLik(p, rows, nil),
		Customers:     len(customers),
		Iterations:    stats.MajorIterations,
		Evaluations:   stats.FuncEvaluations,
	}
	return m, nil
}

// LogLikelihood returns the model's log-likelihood of customers, summed.
func (m BGNBD) LogLikelihood(customers []Customer) (float64, error) {
	if err := validate(customers); err != nil {
		return 0, fmt.Errorf("BG/NBD log-likelihood: %w", err)
	}
	return bgLogLik([]float64{m.R, m.Alpha, m.A, m.B}, compressBG(customers), nil), nil
}

// bgRow is a distinct (x, t_x, T) with the number of customers sharing it.
type bgRow struct{ x, tx, T, w float64 }

// compressBG groups identical histories (many one-time buyers share their
// T), sorted by x so that the last row has the largest frequency.
func compressBG(customers []Customer) []bgRow {
	rows := make([]bgRow, len(customers))
	for i, c := range customers {
		rows[i] = bgRow{float64(c.Frequency), c.Recency, c.T, 1}
	}
	slices.SortFunc(rows, func(p, q bgRow) int {
		return cmp.Or(cmp.Compare(p.x, q.x), cmp.Compare(p.tx, q.tx), cmp.Compare(p.T, q.T))
	})
	out := rows[:1]
	for _, r := range rows[1:] {
		last := &out[len(out)-1]
		if r.x == last.x && r.tx == last.tx && r.T == last.T {
			last.w++
			continue
		}
		out = append(out, r)
	}
	return out
}

// bgLogLik is the BG/NBD log-likelihood (FHL 2005, eq. 6) at p = (r, α,
// a, b), summed over weighted rows:
//
//	ln L = A1 + A2 + ln(exp(A3) + δ(x>0) exp(A4))
//	A1 = lnΓ(r+x) − lnΓ(r) + r ln α
//	A2 = lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x)
//	A3 = −(r+x) ln(α+T)
//	A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x)
//
// When grad is not nil it receives the gradient with respect to the
// log-parameters (d/d ln θ = θ · d/dθ).
func bgLogLik(p []float64, rows []bgRow, grad []float64) float64 {
	r, alpha, a, b := p[0], p[1], p[2], p[3]
	lgr, lga, lgab := lgamma(r), lgamma(a+b)-lgamma(b), math.Log(alpha)
	dr0, dab, db0 := mathext.Digamma(r), mathext.Digamma(a+b), mathext.Digamma(b)
	var sum, gr, galpha, ga, gb float64
	for _, row := range rows {
		x, w := row.x, row.w
		rx := r + x
		a1 := lgamma(rx) - lgr + r*lgab
		a2 := lga + lgamma(b+x) - lgamma(a+b+x)
		la, ltx := math.Log(alpha+row.T), math.Log(alpha+row.tx)
		a3 := -rx * la
		w3, w4 := 1.0, 0.0
		mix := a3
		if x > 0 {
			a4 := math.Log(a) - math.Log(b+x-1) - rx*ltx
			mix = logSumExp(a3, a4)
			w3, w4 = math.Exp(a3-mix), math.Exp(a4-mix)
		}
		sum += w * (a1 + a2 + mix)
		if grad == nil {
			continue
		}
		dabx := mathext.Digamma(a + b + x)
		gr += w * (mathext.Digamma(rx) - dr0 + lgab - w3*la - w4*ltx)
		galpha += w * (r/alpha - rx*(w3/(alpha+row.T)+w4/(alpha+row.tx)))
		ga += w * (dab - dabx + w4/a)
		gb += w * (dab + mathext.Digamma(b+x) - db0 - dabx)
		if x > 0 {
			gb -= w * w4 / (b + x - 1)
		}
	}
	if grad != nil {
		grad[0], grad[1], grad[2], grad[3] = r*gr, alpha*galpha, a*ga, b*gb
	}
	return sum
}

// ExpectedPurchases returns E[Y(t) | x, t_x, T]: the number of purchases a
// customer with this history is expected to make in the next t periods
// (FHL 2005, eq. 10). It is NaN for t < 0, a customer that fails
// validation, or parameters with a+b ≤ 1 (where the closed form needs the
// analytic continuation of 2F1, which is not implemented).
func (m BGNBD) ExpectedPurchases(t float64, c Customer) float64 {
	if c.validate() != nil || !(t >= 0) || math.IsInf(t, 1) {
		return math.NaN()
	}
	x := float64(c.Frequency)
	z := t / (m.Alpha + c.T + t)
	h := oneMinusEuler(m.A+m.B-1-m.R, m.A-1, m.A+m.B+x-1, z)
	return (m.A + m.B + x - 1) * h * m.ProbabilityAlive(c)
}

// ProbabilityAlive returns P(alive | x, t_x, T), the probability that the
// customer has not dropped out by the end of calibration:
//
//	1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))
//
// (Fader, Hardie and Lee 2008, "Computing P(alive) using the BG/NBD
// model"). It is 1 for a customer without repeat purchases and NaN for one
// that fails validation.
func (m BGNBD) ProbabilityAlive(c Customer) float64 {
	if c.validate() != nil {
		return math.NaN()
	}
	if c.Frequency == 0 {
		return 1
	}
	x := float64(c.Frequency)
	logOdds := math.Log(m.A) - math.Log(m.B+x-1) + (m.R+x)*(math.Log(m.Alpha+c.T)-math.Log(m.Alpha+c.Recency))
	return 1 / (1 + math.Exp(logOdds))
}

// ExpectedPurchasesNew returns E[X(t)], the expected number of repeat
// purchases of a new customer in their first t periods (FHL 2005, eq. 7).
// It is NaN for t < 0 or a+b ≤ 1.
func (m BGNBD) ExpectedPurchasesNew(t float64) float64 {
	if !(t >= 0) || math.IsInf(t, 1) {
		return math.NaN()
	}
	z := t / (m.Alpha + t)
	return (m.A + m.B - 1) * oneMinusEuler(m.A+m.B-1-m.R, m.A-1, m.A+m.B-1, z)
}

func lgamma(v float64) float64 {
	l, _ := math.Lgamma(v)
	return l
}

func logSumExp(u, v float64) float64 {
	if u < v {
		u, v = v, u
	}
	return u + math.Log1p(math.Exp(v-u))
}

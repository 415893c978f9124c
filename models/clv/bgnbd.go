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
//
// With Modified set it is the MBG/NBD model of Batislam, Denizel and
// Filiztekin (2007), "Empirical validation and comparison of models for
// customer base analysis", IJRM 24(3): a customer may also drop out right
// after the first purchase, so that one-time buyers need not be alive.
type BGNBD struct {
	R     float64 `json:"r"`
	Alpha float64 `json:"alpha"`
	A     float64 `json:"a"`
	B     float64 `json:"b"`
	// Modified selects MBG/NBD: dropout also after the first purchase.
	Modified bool    `json:"modified,omitempty"`
	Fit      FitInfo `json:"fit"`
}

// shift is the number of dropout chances before the first repeat
// purchase: 0 for BG/NBD, 1 for MBG/NBD. With x repeat purchases a
// customer has had x+shift chances to drop out.
func (m BGNBD) shift() float64 {
	if m.Modified {
		return 1
	}
	return 0
}

// ErrNoRepeatBuyers is returned when no customer made a repeat purchase:
// neither model's likelihood then has a maximum.
var ErrNoRepeatBuyers = errors.New("no customer made a repeat purchase")

// FitBGNBD fits the BG/NBD model to customers by maximum likelihood,
// starting from r = α = a = b = 1. A fit whose parameters run off to the
// optimizer's bounds fails with an error wrapping ErrNotIdentified.
func FitBGNBD(customers []Customer) (BGNBD, error) {
	return fitBG(customers, false)
}

// FitMBGNBD fits the MBG/NBD model (BGNBD with Modified) as FitBGNBD
// fits BG/NBD.
func FitMBGNBD(customers []Customer) (BGNBD, error) {
	return fitBG(customers, true)
}

// fitBG fits BG/NBD, or MBG/NBD when modified.
func fitBG(customers []Customer, modified bool) (BGNBD, error) {
	m := BGNBD{Modified: modified}
	if err := validate(customers); err != nil {
		return BGNBD{}, fmt.Errorf("fit %s: %w", m.name(), err)
	}
	rows := compressBG(customers)
	if rows[len(rows)-1].x == 0 {
		return BGNBD{}, fmt.Errorf("fit %s on %d customers: %w", m.name(), len(customers), ErrNoRepeatBuyers)
	}
	ll := func(p, grad []float64) float64 { return bgLogLik(p, rows, m.shift(), grad) }
	p, stats, err := maximize(m.name(), 4, float64(len(customers)), ll)
	if err != nil {
		return BGNBD{}, err
	}
	m.R, m.Alpha, m.A, m.B = p[0], p[1], p[2], p[3]
	m.Fit = fitInfo(ll(p, nil), len(customers), stats)
	return m, nil
}

// kind is KindBGNBD or KindMBGNBD.
func (m BGNBD) kind() string {
	if m.Modified {
		return KindMBGNBD
	}
	return KindBGNBD
}

// name is "BG/NBD" or "MBG/NBD".
func (m BGNBD) name() string {
	if m.Modified {
		return "MBG/NBD"
	}
	return "BG/NBD"
}

// LogLikelihood returns the model's log-likelihood of customers, summed.
func (m BGNBD) LogLikelihood(customers []Customer) (float64, error) {
	if err := validate(customers); err != nil {
		return 0, fmt.Errorf("%s log-likelihood: %w", m.name(), err)
	}
	return bgLogLik([]float64{m.R, m.Alpha, m.A, m.B}, compressBG(customers), m.shift(), nil), nil
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

// bgLogLik is the BG/NBD log-likelihood (FHL 2005, eq. 6), or MBG/NBD's
// with s = 1, at p = (r, α, a, b), summed over weighted rows:
//
//	ln L = A1 + A2 + ln(exp(A3) + δ(x+s>0) exp(A4))
//	A1 = lnΓ(r+x) − lnΓ(r) + r ln α
//	A2 = lnΓ(a+b) + lnΓ(b+x+s) − lnΓ(b) − lnΓ(a+b+x+s)
//	A3 = −(r+x) ln(α+T)
//	A4 = ln a − ln(b+x+s−1) − (r+x) ln(α+t_x)
//
// When grad is not nil it receives the gradient with respect to the
// log-parameters (d/d ln θ = θ · d/dθ).
func bgLogLik(p []float64, rows []bgRow, s float64, grad []float64) float64 {
	k := newBGTerms(p, s)
	var sum float64
	var g [4]float64
	for _, row := range rows {
		v, w3, w4 := k.value(row)
		sum += row.w * v
		if grad != nil {
			k.addGradient(&g, row, w3, w4)
		}
	}
	for i := range grad {
		grad[i] = p[i] * g[i]
	}
	return sum
}

// bgTerms holds bgLogLik's parameters and the terms that do not depend on
// the customer.
type bgTerms struct {
	r, alpha, a, b, s float64
	lgr, lgab, lalpha float64
	dr0, dab, db0     float64
}

func newBGTerms(p []float64, s float64) bgTerms {
	r, alpha, a, b := p[0], p[1], p[2], p[3]
	return bgTerms{r: r, alpha: alpha, a: a, b: b, s: s,
		lgr: lgamma(r), lgab: lgamma(a+b) - lgamma(b), lalpha: math.Log(alpha),
		dr0: mathext.Digamma(r), dab: mathext.Digamma(a + b), db0: mathext.Digamma(b)}
}

// value is one customer's log-likelihood and the weights of exp(A3) and
// exp(A4) in the mixture.
func (k bgTerms) value(row bgRow) (v, w3, w4 float64) {
	x, xs := row.x, row.x+k.s
	rx := k.r + x
	a1 := lgamma(rx) - k.lgr + k.r*k.lalpha
	a2 := k.lgab + lgamma(k.b+xs) - lgamma(k.a+k.b+xs)
	a3 := -rx * math.Log(k.alpha+row.T)
	if xs == 0 {
		return a1 + a2 + a3, 1, 0
	}
	a4 := math.Log(k.a) - math.Log(k.b+xs-1) - rx*math.Log(k.alpha+row.tx)
	mix := logSumExp(a3, a4)
	return a1 + a2 + mix, math.Exp(a3 - mix), math.Exp(a4 - mix)
}

// addGradient adds one row's weighted gradient with respect to (r, α, a,
// b) to g.
func (k bgTerms) addGradient(g *[4]float64, row bgRow, w3, w4 float64) {
	x, xs, w := row.x, row.x+k.s, row.w
	rx := k.r + x
	la, ltx := math.Log(k.alpha+row.T), math.Log(k.alpha+row.tx)
	dabx := mathext.Digamma(k.a + k.b + xs)
	g[0] += w * (mathext.Digamma(rx) - k.dr0 + k.lalpha - w3*la - w4*ltx)
	g[1] += w * (k.r/k.alpha - rx*(w3/(k.alpha+row.T)+w4/(k.alpha+row.tx)))
	g[2] += w * (k.dab - dabx + w4/k.a)
	g[3] += w * (k.dab + mathext.Digamma(k.b+xs) - k.db0 - dabx)
	if xs > 0 {
		g[3] -= w * w4 / (k.b + xs - 1)
	}
}

// ExpectedPurchases returns E[Y(t) | x, t_x, T]: the number of purchases a
// customer with this history is expected to make in the next t periods
// (FHL 2005, eq. 10; for MBG/NBD the same with b+1 for b and P(alive) as
// below). It is NaN for t < 0 or a customer that fails validation. It
// exists for every a, b > 0, a + b <= 1 included (see scaledH).
func (m BGNBD) ExpectedPurchases(t float64, c Customer) float64 {
	if c.validate() != nil || !(t >= 0) || math.IsInf(t, 1) {
		return math.NaN()
	}
	b := m.B + m.shift()
	z := t / (m.Alpha + c.T + t)
	return scaledH(m.A+b-1-m.R, m.A-1, m.A+b+float64(c.Frequency)-1, z) * m.ProbabilityAlive(c)
}

// ProbabilityAlive returns P(alive | x, t_x, T), the probability that the
// customer has not dropped out by the end of calibration:
//
//	1 / (1 + δ(x+s>0) · a/(b+x+s−1) · ((α+T)/(α+t_x))^(r+x))
//
// with s = 0 for BG/NBD (Fader, Hardie and Lee 2008, "Computing P(alive)
// using the BG/NBD model"), so that it is 1 for a customer without repeat
// purchases, and s = 1 for MBG/NBD. It is NaN for a customer that fails
// validation.
func (m BGNBD) ProbabilityAlive(c Customer) float64 {
	if c.validate() != nil {
		return math.NaN()
	}
	x := float64(c.Frequency)
	if x+m.shift() == 0 {
		return 1
	}
	logOdds := math.Log(m.A) - math.Log(m.B+x+m.shift()-1) + (m.R+x)*(math.Log(m.Alpha+c.T)-math.Log(m.Alpha+c.Recency))
	return 1 / (1 + math.Exp(logOdds))
}

// ExpectedPurchasesNew returns E[X(t)], the expected number of repeat
// purchases of a new customer in their first t periods (FHL 2005, eq. 7;
// b/(a−1)·(1 − (α/(α+t))^r 2F1(r, b+1; a+b; t/(α+t))) for MBG/NBD): the
// expectation for a customer just made (x = t_x = T = 0). It is NaN for
// t < 0.
func (m BGNBD) ExpectedPurchasesNew(t float64) float64 {
	return m.ExpectedPurchases(t, Customer{})
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

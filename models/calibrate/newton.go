package calibrate

import "math"

// The Newton method of Lin, Lin and Weng (2007), Algorithm 1, for Platt's
// likelihood. Their stopping rule (gradient below 1e-5) is replaced by a
// tighter one so that the parameters are exact to about 1e-12: the loop ends
// when the Newton step is that small, when backtracking can no longer lower
// the objective, or after maxNewton iterations.
const (
	maxNewton   = 100
	minStep     = 1e-10 // smallest backtracking step
	hessRidge   = 1e-12 // added to the Hessian's diagonal, as Lin et al. do
	stepTol     = 1e-12 // relative size of a Newton step that ends the loop
	armijoSlope = 1e-4  // sufficient decrease of the backtracking
	roundTol    = 1e-12 // relative decrease of the loss lost in rounding
)

// plattProblem is Platt's negative log-likelihood of (A, B) for inputs x
// and smoothed targets t.
type plattProblem struct {
	x, t []float64
	// a0, b0 is Platt's starting point: A = 0, B = log((N- + 1)/(N+ + 1)).
	a0, b0 float64
}

// newPlattProblem sets Platt's targets for 0/1 labels: (N+ + 1)/(N+ + 2)
// for a positive, 1/(N- + 2) for a negative.
func newPlattProblem(x, labels []float64) plattProblem {
	pos := float64(countPositives(labels))
	neg := float64(len(labels)) - pos
	t := make([]float64, len(labels))
	for i, y := range labels {
		t[i] = 1 / (neg + 2)
		if y == 1 {
			t[i] = (pos + 1) / (pos + 2)
		}
	}
	return plattProblem{x: x, t: t, b0: math.Log((neg + 1) / (pos + 1))}
}

// loss is the objective at (a, b): the sum over rows of
// -t log p - (1-t) log(1-p) with p = 1/(1+exp(f)), f = a*x + b, written as
// t*f + log(1+exp(-f)) or (t-1)*f + log(1+exp(f)) so that it never overflows.
func (q plattProblem) loss(a, b float64) float64 {
	sum := 0.0
	for i, x := range q.x {
		f := a*x + b
		if f >= 0 {
			sum += q.t[i]*f + math.Log1p(math.Exp(-f))
		} else {
			sum += (q.t[i]-1)*f + math.Log1p(math.Exp(f))
		}
	}
	return sum
}

// derivatives returns the gradient g and the Hessian h (h[0] = d²/dA²,
// h[1] = d²/dA dB, h[2] = d²/dB²) of loss at (a, b), the ridge included.
func (q plattProblem) derivatives(a, b float64) (g [2]float64, h [3]float64) {
	h = [3]float64{hessRidge, 0, hessRidge}
	for i, x := range q.x {
		p := sigmoidNeg(a*x + b)
		d, w := q.t[i]-p, p*(1-p)
		g[0], g[1] = g[0]+x*d, g[1]+d
		h[0], h[1], h[2] = h[0]+x*x*w, h[1]+x*w, h[2]+w
	}
	return g, h
}

// newtonStep solves h * d = -g for the 2x2 Hessian h.
func newtonStep(g [2]float64, h [3]float64) (da, db float64) {
	det := h[0]*h[2] - h[1]*h[1]
	da = -(h[2]*g[0] - h[1]*g[1]) / det
	db = -(-h[1]*g[0] + h[0]*g[1]) / det
	return da, db
}

// newton minimises q's loss from Platt's starting point.
func newton(q plattProblem) (a, b float64) {
	a, b = q.a0, q.b0
	f := q.loss(a, b)
	for range maxNewton {
		var done bool
		if a, b, f, done = q.iterate(a, b, f); done {
			break
		}
	}
	return a, b
}

// iterate takes one damped Newton step from (a, b) with loss f; done is
// true when the step was negligible or no step lowered the loss.
func (q plattProblem) iterate(a, b, f float64) (na, nb, nf float64, done bool) {
	g, h := q.derivatives(a, b)
	da, db := newtonStep(g, h)
	na, nb, nf, ok := q.backtrack(a, b, f, da, db, g[0]*da+g[1]*db)
	if !ok {
		return a, b, f, true
	}
	return na, nb, nf, small(da, na) && small(db, nb)
}

// backtrack halves the step from (a, b) along (da, db) until the loss
// falls enough (Armijo) for the directional derivative slope; ok is false
// when no step of at least minStep does. When the Newton decrement -slope
// is below the rounding of the loss, the full step is taken unchecked: the
// loss can no longer tell better from worse there, but Newton steps, this
// close to the minimum, still shrink the error quadratically.
func (q plattProblem) backtrack(a, b, f, da, db, slope float64) (na, nb, nf float64, ok bool) {
	for step := 1.0; step >= minStep; step /= 2 {
		na, nb = a+step*da, b+step*db
		nf = q.loss(na, nb)
		if nf < f+armijoSlope*step*slope || -slope <= roundTol*(1+math.Abs(f)) {
			return na, nb, nf, true
		}
	}
	return a, b, f, false
}

// small reports whether a step d is negligible next to the value v.
func small(d, v float64) bool {
	return math.Abs(d) <= stepTol*max(1, math.Abs(v))
}

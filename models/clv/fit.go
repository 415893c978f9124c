package clv

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/optimize"
)

// Bounds on fitted parameters: an optimum outside them means the likelihood
// has no interior maximum (the data cannot identify the model).
const (
	minParam = 1e-8
	maxParam = 1e8
)

// ErrNotIdentified is wrapped by the error of a fit whose parameters ran
// off to the optimizer's bounds, or that stopped short of a zero gradient
// (usually while drifting towards them): the likelihood has no interior
// maximum, so the data do not identify the model.
var ErrNotIdentified = errors.New("the data do not identify the model")

// FitInfo describes how a fit ended.
type FitInfo struct {
	// LogLikelihood is the maximised log-likelihood, summed over customers.
	LogLikelihood float64 `json:"log_likelihood"`
	// Customers is the number of customers the model was fitted on.
	Customers int `json:"customers"`
	// Excluded is the number of customers left out of a Gamma-Gamma fit
	// because all their repeat purchases were worth 0.
	Excluded int `json:"excluded,omitempty"`
	// Iterations and Evaluations count the optimizer's major iterations and
	// likelihood evaluations.
	Iterations  int `json:"iterations"`
	Evaluations int `json:"evaluations"`
}

// fitInfo describes a fit over customers that ended at log-likelihood ll.
func fitInfo(ll float64, customers int, stats optimize.Stats) FitInfo {
	return FitInfo{LogLikelihood: ll, Customers: customers,
		Iterations: stats.MajorIterations, Evaluations: stats.FuncEvaluations}
}

// logLik is a log-likelihood summed over customers, at natural parameters
// p; when grad is not nil it stores there the gradient with respect to the
// log-parameters.
type logLik func(p, grad []float64) float64

// maximize maximises ll over dim log-parameters with BFGS on the analytic
// gradient, starting from all parameters at 1, and checks that the optimum
// is interior. It works on the mean over n customers, so that tolerances do
// not depend on the data size. The start is fixed, so the result is
// deterministic. It returns the natural parameters.
func maximize(what string, dim int, n float64, ll logLik) ([]float64, optimize.Stats, error) {
	c := &cachedObjective{ll: meanOver(ll, n), grad: make([]float64, dim)}
	res, err := optimize.Minimize(c.negated(), make([]float64, dim), bfgsSettings(), &optimize.BFGS{})
	if res == nil {
		return nil, optimize.Stats{}, fmt.Errorf("fit %s: %w", what, err)
	}
	if err := c.acceptStop(what, res, err); err != nil {
		return nil, res.Stats, err
	}
	p := expAll(res.X)
	if err := interior(p); err != nil {
		return nil, res.Stats, fmt.Errorf("fit %s: %w", what, err)
	}
	return p, res.Stats, nil
}

// meanOver is ll at the log-parameters theta, with its gradient, divided
// by n.
func meanOver(ll logLik, n float64) func(theta, grad []float64) float64 {
	return func(theta, grad []float64) float64 {
		v := ll(expAll(theta), grad)
		for i := range grad {
			grad[i] /= n
		}
		return v / n
	}
}

// bfgsSettings are maximize's stopping rules.
func bfgsSettings() *optimize.Settings {
	return &optimize.Settings{
		GradientThreshold: 1e-10,
		Converger:         &optimize.FunctionConverge{Absolute: 1e-14, Relative: 1e-14, Iterations: 50},
		MajorIterations:   2000,
	}
}

// acceptStop reports a run of the optimizer that ended with err, or at a
// value that is not finite, unless the gradient there says the optimum is
// reached: a line search that can no longer improve is the usual way BFGS
// stops at the optimum in floating point.
func (c *cachedObjective) acceptStop(what string, res *optimize.Result, err error) error {
	if err == nil && finite(res.F) {
		return nil
	}
	c.eval(res.X)
	if !finite(res.F) || maxAbs(c.grad) > 1e-6 {
		return fmt.Errorf("fit %s: optimizer stopped with status %v, gradient %.3g (%w): %w", what, res.Status, maxAbs(c.grad), ErrNotIdentified, err)
	}
	return nil
}

// interior checks that the natural parameters stayed within
// [minParam, maxParam].
func interior(p []float64) error {
	for i, v := range p {
		if !(v >= minParam && v <= maxParam) {
			return fmt.Errorf("parameter %d ran to %.3g: %w", i, v, ErrNotIdentified)
		}
	}
	return nil
}

// negated is the problem of minimising minus the log-likelihood.
func (c *cachedObjective) negated() optimize.Problem {
	return optimize.Problem{
		Func: func(theta []float64) float64 {
			// Overflow far from the optimum reads as "worse than anything",
			// which makes the line search step back.
			if v := c.eval(theta); finite(v) {
				return -v
			}
			return math.Inf(1)
		},
		Grad: func(grad, theta []float64) {
			c.eval(theta)
			for i, g := range c.grad {
				grad[i] = -g
			}
		},
	}
}

// cachedObjective evaluates value and gradient together and remembers the
// last point, since the optimizer asks for them separately.
type cachedObjective struct {
	ll    func(theta, grad []float64) float64
	theta []float64
	value float64
	grad  []float64
}

func (c *cachedObjective) eval(theta []float64) float64 {
	if c.theta != nil && slices.Equal(c.theta, theta) {
		return c.value
	}
	c.value = c.ll(theta, c.grad)
	c.theta = append(c.theta[:0], theta...)
	return c.value
}

func maxAbs(v []float64) float64 {
	var m float64
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

func expAll(theta []float64) []float64 {
	out := make([]float64, len(theta))
	for i, t := range theta {
		out[i] = math.Exp(t)
	}
	return out
}

package logreg

import (
	"cmp"
	"errors"
	"fmt"
	"math"
)

// Defaults applied by Params for fields left at zero.
const (
	DefaultC       = 1.0
	DefaultMaxIter = 1000
	DefaultGradTol = 1e-9
)

// Params are the fitting options. The zero value means the defaults, which
// match scikit-learn's LogisticRegression() (C=1, L2, lbfgs) run to
// convergence.
type Params struct {
	// C is the inverse of the L2 penalty strength, as in scikit-learn: the
	// fit minimises C * sum_i s_i loss_i + ||w||^2/2 over the coefficients w
	// (the intercept is not penalised). Smaller C, stronger penalty.
	// Zero means DefaultC.
	C float64 `json:"c"`
	// MaxIter bounds the L-BFGS iterations; zero means DefaultMaxIter.
	// A fit that stops on this limit is kept and reported as not converged.
	MaxIter int `json:"max_iter"`
	// GradTol stops the fit when every component of the gradient of the
	// weight-averaged objective (the one above divided by C * sum_i s_i) is
	// below it in absolute value. Zero means DefaultGradTol.
	GradTol float64 `json:"grad_tol"`
	// MinLevelCount pools the levels of a categorical seen in fewer training
	// rows than this into one "(other)" column. Zero or one keeps every level.
	MinLevelCount int `json:"min_level_count"`
	// Workers is the number of goroutines computing the gradient; zero means
	// GOMAXPROCS. The result does not depend on it.
	Workers int `json:"-"`
}

// resolved returns p with defaults filled in, or an error naming every bad
// field.
func (p Params) resolved() (Params, error) {
	p = p.withDefaults()
	if errs := p.problems(); len(errs) > 0 {
		return p, fmt.Errorf("logreg params: %w", errors.Join(errs...))
	}
	return p, nil
}

// withDefaults returns p with its zero C, MaxIter and GradTol set to the
// defaults.
func (p Params) withDefaults() Params {
	p.C = cmp.Or(p.C, DefaultC)
	p.MaxIter = cmp.Or(p.MaxIter, DefaultMaxIter)
	p.GradTol = cmp.Or(p.GradTol, DefaultGradTol)
	return p
}

// problems lists the fields that are out of range, in field order.
func (p Params) problems() []error {
	var errs []error
	if !(p.C > 0) || math.IsInf(p.C, 1) {
		errs = append(errs, fmt.Errorf("c must be positive and finite, got %v", p.C))
	}
	if p.MaxIter < 0 {
		errs = append(errs, fmt.Errorf("max_iter must not be negative, got %d", p.MaxIter))
	}
	if !(p.GradTol > 0) || math.IsInf(p.GradTol, 1) {
		errs = append(errs, fmt.Errorf("grad_tol must be positive and finite, got %v", p.GradTol))
	}
	if p.MinLevelCount < 0 {
		errs = append(errs, fmt.Errorf("min_level_count must not be negative, got %d", p.MinLevelCount))
	}
	if p.Workers < 0 {
		errs = append(errs, fmt.Errorf("workers must not be negative, got %d", p.Workers))
	}
	return errs
}

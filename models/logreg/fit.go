package logreg

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"

	"github.com/segmint/segmint/models/frame"
)

// Fit fits the model to x with 0/1 labels y (one per row), every row
// weighing the same. Every column of x is a feature.
func Fit(ctx context.Context, x *frame.Frame, y []float64, p Params) (*Model, error) {
	return FitWeighted(ctx, x, y, nil, p)
}

// FitWeighted is Fit with a non-negative weight per row (nil: all 1). A
// weight acts as a repeat count in the loss and in the feature means and
// standard deviations; MinLevelCount counts rows, whatever their weight.
func FitWeighted(ctx context.Context, x *frame.Frame, y, weights []float64, p Params) (*Model, error) {
	p, err := p.resolved()
	if err != nil {
		return nil, err
	}
	if err := checkTraining(x, y, weights); err != nil {
		return nil, fmt.Errorf("logreg fit: %w", err)
	}
	feats, cols := describe(x, weights, p.MinLevelCount)
	enc, d, err := designOf(x, feats, cols)
	if err != nil {
		return nil, fmt.Errorf("logreg fit: %w", err)
	}
	sol, info, err := minimize(ctx, newObjective(d, y, weights, p.C, p.Workers), p)
	if err != nil {
		return nil, fmt.Errorf("logreg fit: %w", err)
	}
	for k := range cols {
		cols[k].Coef = sol[1+enc.index[k]]
	}
	return &Model{Format: Format, Params: p, Features: feats, Intercept: sol[0], Columns: cols, Fit: info}, nil
}

// checkTraining reports a training frame, labels or weights unfit for
// training.
func checkTraining(x *frame.Frame, y, weights []float64) error {
	if err := checkFrame(x); err != nil {
		return err
	}
	return checkTarget(x.Rows, y, weights)
}

// designOf lays out the design of the features and columns and encodes x
// in it.
func designOf(x *frame.Frame, feats []frame.Feature, cols []Column) (*encoder, *design, error) {
	enc, err := newEncoder(feats, cols)
	if err != nil {
		return nil, nil, err
	}
	d, err := enc.encode(x)
	return enc, d, err
}

// minimize runs L-BFGS from zero on the objective. Stopping on MaxIter is not
// an error: the model is kept with Converged false. The value and gradient
// reported are those at the returned point itself.
func minimize(ctx context.Context, o *objective, p Params) ([]float64, FitInfo, error) {
	res, err := lbfgs(ctx, o, p)
	if err = stopError(ctx, res, err); err != nil {
		return nil, FitInfo{}, err
	}
	gmax := o.gradMax(res.X)
	if !finite(o.lastF) || !finite(gmax) {
		return nil, FitInfo{}, errors.New("l-bfgs: objective is not finite at the solution")
	}
	return res.X, o.fitInfo(res, gmax, p), nil
}

// stopError is the error of a run of L-BFGS that returned res and err, or
// nil when it stopped at a usable point: on MaxIter or with a stalled line
// search.
func stopError(ctx context.Context, res *optimize.Result, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	if res == nil || err != nil && res.Status != optimize.IterationLimit && !lineSearchStall(err) {
		return fmt.Errorf("l-bfgs: %w", err)
	}
	return nil
}

// fitInfo reports how the run that returned res ended, with gmax the
// largest absolute gradient at its point.
func (o *objective) fitInfo(res *optimize.Result, gmax float64, p Params) FitInfo {
	return FitInfo{
		Rows:       o.d.rows,
		WeightSum:  o.wsum,
		Iterations: res.Stats.MajorIterations,
		Evals:      res.Stats.FuncEvaluations,
		Objective:  o.lastF,
		GradMax:    gmax,
		Converged:  gmax <= p.GradTol,
		Status:     res.Status.String(),
	}
}

// lbfgs runs L-BFGS from zero on the objective, until ctx ends or a
// stopping rule of p (or of a stalled objective) holds.
func lbfgs(ctx context.Context, o *objective, p Params) (*optimize.Result, error) {
	prob := optimize.Problem{
		Func: o.Func,
		Grad: o.Grad,
		Status: func() (optimize.Status, error) {
			if err := ctx.Err(); err != nil {
				return optimize.Failure, err
			}
			return optimize.NotTerminated, nil
		},
	}
	settings := &optimize.Settings{
		GradientThreshold: p.GradTol,
		MajorIterations:   p.MaxIter,
		// Stop when the objective has not moved in relative terms for
		// 20 iterations: the gradient can stall above GradTol in the last
		// digits of a nearly flat problem.
		Converger: &optimize.FunctionConverge{Relative: 1e-15, Iterations: 20},
	}
	return optimize.Minimize(prob, make([]float64, o.d.dim+1), settings, &optimize.LBFGS{Store: 10})
}

// gradMax evaluates the objective at x: the largest absolute value of its
// gradient there.
func (o *objective) gradMax(x []float64) float64 {
	grad := make([]float64, len(x))
	o.Grad(grad, x)
	gmax := 0.0
	for _, g := range grad {
		gmax = max(gmax, math.Abs(g))
	}
	return gmax
}

// lineSearchStall reports whether L-BFGS stopped because the line search
// could not make progress, which happens at the limit of float64 precision
// near the optimum; the point reached is still the best one found, and the
// model reports how far from converged it is.
func lineSearchStall(err error) bool {
	for _, e := range []error{optimize.ErrNoProgress, optimize.ErrLinesearcherFailure,
		optimize.ErrNonDescentDirection, optimize.ErrLinesearcherBound} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// checkFrame reports a frame that cannot be encoded. A frame without rows
// passes: it has nothing to score.
func checkFrame(x *frame.Frame) error {
	if x == nil {
		return errors.New("no input frame")
	}
	seen := make(map[string]bool, len(x.Cols))
	for _, c := range x.Cols {
		if c == nil {
			return errors.New("input has a nil column")
		}
		if seen[c.Name] {
			return fmt.Errorf("column %q appears twice", c.Name)
		}
		seen[c.Name] = true
	}
	if x.Rows > 0 {
		return x.Validate()
	}
	for _, c := range x.Cols {
		if len(c.Num) > 0 || len(c.Codes) > 0 {
			return fmt.Errorf("column %q has values, frame has 0 rows", c.Name)
		}
	}
	return nil
}

// checkTarget reports labels or weights unfit for training.
func checkTarget(rows int, y, w []float64) error {
	if rows == 0 {
		return errors.New("no rows")
	}
	if len(y) != rows {
		return fmt.Errorf("%d labels for %d rows", len(y), rows)
	}
	if w != nil && len(w) != rows {
		return fmt.Errorf("%d weights for %d rows", len(w), rows)
	}
	var class [2]float64
	for i, v := range y {
		if v != 0 && v != 1 {
			return fmt.Errorf("row %d: label %v is not 0 or 1", i, v)
		}
		s := weight(w, i)
		if !(s >= 0) || math.IsInf(s, 1) {
			return fmt.Errorf("row %d: weight %v is not a finite non-negative number", i, s)
		}
		class[int(v)] += s
	}
	if class[0] == 0 || class[1] == 0 {
		return fmt.Errorf("labels need both classes with positive weight, got weight %v for 0 and %v for 1", class[0], class[1])
	}
	return nil
}

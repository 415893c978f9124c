package calibrate

import (
	"cmp"
	"fmt"

	"github.com/segmint/segmint/models/eval"
)

// Defaults of Options.
const (
	// DefaultFolds is the number of cross-validation folds.
	DefaultFolds = 5
	// DefaultMinIsotonicRows is the fewest held-out rows on which Choose
	// tries isotonic regression: below it, a step function fitted on a
	// few hundred rows per fold mostly learns noise.
	DefaultMinIsotonicRows = 1000
)

// Options tune Choose; the zero value means the defaults.
type Options struct {
	// Input is how Platt scaling reads the scores; empty means InputScore.
	Input Input
	// Folds is the number of cross-validation folds (at least 2); 0 means
	// DefaultFolds.
	Folds int
	// MinIsotonicRows is the fewest rows on which isotonic regression is
	// tried; 0 means DefaultMinIsotonicRows.
	MinIsotonicRows int
}

// Metrics are out-of-fold figures of a candidate over all the rows, as
// models/eval computes them (log loss clipped at eval.LogLossEps).
type Metrics struct {
	LogLoss float64 `json:"log_loss"`
	Brier   float64 `json:"brier"`
}

// Candidate is one calibration map that Choose considered.
type Candidate struct {
	Kind    Kind    `json:"kind"`
	Metrics Metrics `json:"metrics"`
	// Skipped says why the candidate was not evaluated (its Metrics are
	// then zero): "none" needs scores in [0, 1], isotonic regression needs
	// Options.MinIsotonicRows rows.
	Skipped string `json:"skipped,omitempty"`
}

// Choice is what Choose found.
type Choice struct {
	// Calibrator is the winning map refitted on all the rows.
	Calibrator Calibrator `json:"calibrator"`
	Rows       int        `json:"rows"`
	Positives  int        `json:"positives"`
	Folds      int        `json:"folds"`
	// Candidates are none, Platt and isotonic, in that order.
	Candidates []Candidate `json:"candidates"`
	// BaseRate scores the positive share of the training folds predicted
	// for every row of the held-out fold.
	BaseRate Metrics `json:"base_rate"`
}

// Choose picks the calibration of scores with the lowest cross-validated
// log loss on these held-out pairs (see the package comment). Ties go to the
// simpler map: none, then Platt, then isotonic. The folds are fixed by the
// row order: positives are dealt to folds 0, 1, ... in turn, and the
// negatives continue the deal, so every fold holds about the same number of
// each class. Both classes must be present and there must be at least as
// many rows as folds.
func Choose(scores, labels []float64, opt Options) (Choice, error) {
	opt, err := prepare(scores, labels, opt)
	if err != nil {
		return Choice{}, fmt.Errorf("choose calibration: %w", err)
	}
	cv := newCrossValidation(scores, labels, opt.Folds)
	ch, err := cv.compare(opt)
	if err != nil {
		return Choice{}, fmt.Errorf("choose calibration: %w", err)
	}
	ch.Calibrator, err = Fit(best(ch.Candidates), scores, labels, opt.Input)
	return ch, err
}

// prepare fills the defaults of opt and checks it and the pairs.
func prepare(scores, labels []float64, opt Options) (Options, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return opt, err
	}
	return opt, checkChoose(scores, labels, opt)
}

// withDefaults fills the zero fields and checks the others.
func (o Options) withDefaults() (Options, error) {
	o.Input = cmp.Or(o.Input, InputScore)
	o.Folds = cmp.Or(o.Folds, DefaultFolds)
	o.MinIsotonicRows = cmp.Or(o.MinIsotonicRows, DefaultMinIsotonicRows)
	if o.Folds < 2 || o.MinIsotonicRows < 0 {
		return o, fmt.Errorf("%d folds, %d isotonic rows: %w", o.Folds, o.MinIsotonicRows, ErrOptions)
	}
	return o, o.Input.check()
}

// checkChoose checks the pairs, both classes, enough rows for the folds and
// probabilities for InputLogit.
func checkChoose(scores, labels []float64, opt Options) error {
	if err := cmp.Or(checkPairs(scores, labels), checkBothClasses(labels)); err != nil {
		return err
	}
	if len(scores) < opt.Folds {
		return fmt.Errorf("%d rows for %d folds: %w", len(scores), opt.Folds, ErrOptions)
	}
	if opt.Input == InputLogit {
		return checkProbabilities(scores)
	}
	return nil
}

// checkBothClasses reports labels of one class only.
func checkBothClasses(labels []float64) error {
	if pos := countPositives(labels); pos == 0 || pos == len(labels) {
		return fmt.Errorf("%d positives among %d rows: %w", pos, len(labels), ErrSingleClass)
	}
	return nil
}

// best is the kind of the evaluated candidate with the lowest log loss, the
// first one on ties.
func best(cands []Candidate) Kind {
	var win *Candidate
	for i := range cands {
		c := &cands[i]
		if c.Skipped == "" && (win == nil || c.Metrics.LogLoss < win.Metrics.LogLoss) {
			win = c
		}
	}
	return win.Kind
}

// metrics are the log loss and Brier score of probabilities p for labels.
func metrics(labels, p []float64) (Metrics, error) {
	ll, err := eval.LogLoss(labels, p, nil)
	if err != nil {
		return Metrics{}, err
	}
	br, err := eval.BrierScore(labels, p, nil)
	return Metrics{LogLoss: ll, Brier: br}, err
}

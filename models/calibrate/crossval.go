package calibrate

import "fmt"

// crossValidation holds the pairs and the fold of every row.
type crossValidation struct {
	scores, labels []float64
	fold           []int
	folds          int
}

// newCrossValidation deals the rows to folds: positives in row order to
// folds 0, 1, ..., k-1, 0, ..., then the negatives continuing the deal.
func newCrossValidation(scores, labels []float64, folds int) crossValidation {
	fold := make([]int, len(labels))
	next := 0
	for _, class := range []float64{1, 0} {
		for i, y := range labels {
			if y == class {
				fold[i], next = next, (next+1)%folds
			}
		}
	}
	return crossValidation{scores: scores, labels: labels, fold: fold, folds: folds}
}

// fitter fits a probability map on training pairs.
type fitter func(scores, labels []float64) (func(float64) float64, error)

// kindFitter fits a Calibrator of the kind, reading scores as in says.
func kindFitter(kind Kind, in Input) fitter {
	return func(scores, labels []float64) (func(float64) float64, error) {
		c, err := Fit(kind, scores, labels, in)
		return c.prob(), err
	}
}

// baseRate predicts the positive share of the training labels everywhere.
func baseRate(_, labels []float64) (func(float64) float64, error) {
	rate := float64(countPositives(labels)) / float64(len(labels))
	return func(float64) float64 { return rate }, nil
}

// compare evaluates the base rate and the candidates none, Platt and
// isotonic out of fold.
func (cv crossValidation) compare(opt Options) (Choice, error) {
	ch := Choice{Rows: len(cv.labels), Positives: countPositives(cv.labels), Folds: cv.folds}
	var err error
	if ch.BaseRate, err = cv.evaluate(baseRate); err != nil {
		return Choice{}, fmt.Errorf("base rate: %w", err)
	}
	ch.Candidates, err = cv.candidates(opt)
	return ch, err
}

// candidates evaluates none, Platt and isotonic in turn.
func (cv crossValidation) candidates(opt Options) ([]Candidate, error) {
	var cands []Candidate
	for _, kind := range []Kind{KindNone, KindPlatt, KindIsotonic} {
		c, err := cv.candidate(kind, opt)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", kind, err)
		}
		cands = append(cands, c)
	}
	return cands, nil
}

// candidate evaluates one kind, or says why it is skipped.
func (cv crossValidation) candidate(kind Kind, opt Options) (Candidate, error) {
	c := Candidate{Kind: kind, Skipped: cv.skipReason(kind, opt)}
	if c.Skipped != "" {
		return c, nil
	}
	var err error
	c.Metrics, err = cv.evaluate(kindFitter(kind, opt.Input))
	return c, err
}

// skipReason says why a kind cannot be evaluated, or is empty.
func (cv crossValidation) skipReason(kind Kind, opt Options) string {
	switch {
	case kind == KindNone && firstNonProbability(cv.scores) >= 0:
		return "scores outside [0, 1] are not probabilities"
	case kind == KindIsotonic && len(cv.scores) < opt.MinIsotonicRows:
		return fmt.Sprintf("%d rows, fewer than %d", len(cv.scores), opt.MinIsotonicRows)
	}
	return ""
}

// evaluate fits on all folds but one, predicts that one, for every fold,
// and scores the out-of-fold predictions of all the rows.
func (cv crossValidation) evaluate(fit fitter) (Metrics, error) {
	pred := make([]float64, len(cv.labels))
	for f := range cv.folds {
		if err := cv.predictFold(fit, f, pred); err != nil {
			return Metrics{}, fmt.Errorf("fold %d: %w", f, err)
		}
	}
	return metrics(cv.labels, pred)
}

// training are the pairs outside fold f.
func (cv crossValidation) training(f int) (scores, labels []float64) {
	for i, fi := range cv.fold {
		if fi != f {
			scores, labels = append(scores, cv.scores[i]), append(labels, cv.labels[i])
		}
	}
	return scores, labels
}

// predictFold fits on the rows outside fold f and writes the predictions of
// the rows inside it into pred.
func (cv crossValidation) predictFold(fit fitter, f int, pred []float64) error {
	prob, err := fit(cv.training(f))
	if err != nil {
		return err
	}
	for i, fi := range cv.fold {
		if fi == f {
			pred[i] = prob(cv.scores[i])
		}
	}
	return nil
}

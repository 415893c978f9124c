package calibrate

import (
	"cmp"
	"fmt"
	"math"
)

// Input says what Platt scaling reads from a score.
type Input string

const (
	// InputScore reads the score as given, a probability included: the
	// convention of scikit-learn's CalibratedClassifierCV for predict_proba.
	InputScore Input = "score"
	// InputLogit reads logit(p) of a probability p, clipped to
	// [LogitEps, 1-LogitEps]: the margin of segmint's classifiers.
	InputLogit Input = "logit"
)

// LogitEps bounds the probabilities that InputLogit takes the logit of, so
// that 0 and 1 map to about -36 and 36 instead of infinities.
const LogitEps = 0x1p-52

// Platt is a fitted Platt scaling: the probability of a score s is
// 1 / (1 + exp(A*x + B)) where x is s read as Input says. A is negative when
// higher scores mean more positives.
type Platt struct {
	A     float64 `json:"a"`
	B     float64 `json:"b"`
	Input Input   `json:"input"`
}

// FitPlatt fits Platt scaling to scores and their 0/1 labels as
// scikit-learn's _sigmoid_calibration does (see the package comment). An
// empty Input means InputScore; with InputLogit every score must be in
// [0, 1]. One class alone is allowed: the smoothed targets keep the fit
// finite.
func FitPlatt(scores, labels []float64, in Input) (Platt, error) {
	if in == "" {
		in = InputScore
	}
	x, err := plattInputs(scores, labels, in)
	if err != nil {
		return Platt{}, fmt.Errorf("fit platt: %w", err)
	}
	a, b := newton(newPlattProblem(x, labels))
	return Platt{A: a, B: b, Input: in}, nil
}

// plattInputs checks the pairs and returns the scores read as in says.
func plattInputs(scores, labels []float64, in Input) ([]float64, error) {
	if err := cmp.Or(checkPairs(scores, labels), in.check()); err != nil {
		return nil, err
	}
	if in == InputScore {
		return scores, nil
	}
	if err := checkProbabilities(scores); err != nil {
		return nil, err
	}
	return logits(scores), nil
}

// logits are the clipped logits of probabilities (see InputLogit).
func logits(p []float64) []float64 {
	x := make([]float64, len(p))
	for i, v := range p {
		x[i] = InputLogit.read(v)
	}
	return x
}

// check reports an Input other than InputScore and InputLogit.
func (in Input) check() error {
	if in != InputScore && in != InputLogit {
		return fmt.Errorf("input %q is neither %q nor %q: %w", in, InputScore, InputLogit, ErrCalibrator)
	}
	return nil
}

// read is the value Platt scaling takes from score s: s itself, or its
// clipped logit (NaN outside [0, 1]).
func (in Input) read(s float64) float64 {
	if in == InputScore {
		return s
	}
	if !(s >= 0 && s <= 1) {
		return math.NaN()
	}
	p := min(max(s, LogitEps), 1-LogitEps)
	return math.Log(p / (1 - p))
}

// Prob is the calibrated probability of score s (NaN for a NaN score, and
// with InputLogit for a score outside [0, 1]).
func (p Platt) Prob(s float64) float64 {
	return sigmoidNeg(p.A*p.Input.read(s) + p.B)
}

// sigmoidNeg is 1 / (1 + exp(f)), computed without overflow.
func sigmoidNeg(f float64) float64 {
	if f >= 0 {
		e := math.Exp(-f)
		return e / (1 + e)
	}
	return 1 / (1 + math.Exp(f))
}

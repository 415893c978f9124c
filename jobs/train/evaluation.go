package train

import (
	"fmt"

	"github.com/segmint/segmint/lib/propensity"
	"github.com/segmint/segmint/models/eval"
	"github.com/segmint/segmint/models/learn"
	"github.com/segmint/segmint/models/registry"
)

// evaluation is the curves of the selection model sel on the holdout it
// was measured on, for the report: ROC, lift and calibration of its
// calibrated probabilities for a classifier, predicted against actual
// value by decile for a regression.
func evaluation(sel *registry.File, holdSet *propensity.Set) (*eval.Evaluation, error) {
	p, err := learn.PredictFrame(sel, holdSet.X)
	if err != nil {
		return nil, fmt.Errorf("evaluate %s: %w", sel.Name, err)
	}
	var ev *eval.Evaluation
	if sel.Task == learn.Binary {
		ev, err = eval.EvaluateClassifier(holdSet.Y, p)
	} else {
		ev, err = eval.EvaluateValue(holdSet.Y, p)
	}
	if err != nil {
		return nil, fmt.Errorf("evaluate %s: %w", sel.Name, err)
	}
	return ev, nil
}

package train

import (
	"fmt"
	"strings"

	"github.com/segmint/segmint/lib/propensity"
	"github.com/segmint/segmint/models/eval"
	"github.com/segmint/segmint/models/frame"
	"github.com/segmint/segmint/models/learn"
	"github.com/segmint/segmint/models/registry"
)

// DriftThreshold is the population stability index above which a score or
// a feature is flagged as drifted (0.25: the usual reading of a major
// shift).
const DriftThreshold = 0.25

// psiBins is the number of quantile bins of the training distribution.
const psiBins = 10

// topFeatures is how many of a model's most important features the
// decision record's drift summary names and flags.
const topFeatures = 5

// drift is how far tonight's customers are from the model's training
// snapshot: the PSI of its calibrated score and of each numeric feature,
// and the model's features by importance (learn.Importance).
type drift struct {
	score    float64
	features map[string]float64
	ranked   []learn.Weight
}

// driftOf measures f's drift from its training snapshot to tonight's.
func driftOf(f *registry.File, train, tonight *propensity.Set) (drift, error) {
	d := drift{features: map[string]float64{}}
	if tonight.X.Rows == 0 {
		return d, fmt.Errorf("no customer is eligible tonight")
	}
	a, err := learn.PredictFrame(f, train.X)
	if err != nil {
		return d, err
	}
	b, err := learn.PredictFrame(f, tonight.X)
	if err != nil {
		return d, err
	}
	if d.score, err = psi(a, b); err != nil {
		return d, err
	}
	if d.ranked, err = learn.Importance(f); err != nil {
		return d, err
	}
	return d, d.addFeatures(train.X, tonight.X)
}

// addFeatures adds the PSI of every numeric feature (missing values left
// out).
func (d drift) addFeatures(train, tonight *frame.Frame) error {
	for _, c := range train.Cols {
		if c.Kind != frame.Numeric {
			continue
		}
		v, err := psi(finite(c.Num), finite(tonight.Col(c.Name).Num))
		if err != nil {
			continue // a feature missing everywhere on one side has no distribution
		}
		d.features[c.Name] = v
	}
	return nil
}

// psi is eval.PSI's value over psiBins bins.
func psi(expected, actual []float64) (float64, error) {
	r, err := eval.PSI(expected, actual, psiBins)
	return r.Value, err
}

// finite drops the NaNs (missing values).
func finite(v []float64) []float64 {
	out := make([]float64, 0, len(v))
	for _, x := range v {
		if x == x {
			out = append(out, x)
		}
	}
	return out
}

// record puts the drift into the model's metrics (psi_score, psi_<feature>).
func (d drift) record(m map[string]float64) {
	m["psi_score"] = d.score
	for name, v := range d.features {
		m["psi_"+name] = v
	}
}

// summary is the PSI of the score and of the model's topFeatures most
// important numeric features (in order of importance), and whether any of
// them is above DriftThreshold. The PSI of every feature is in the
// model's metrics (record).
func (d drift) summary() (string, bool) {
	parts := []string{fmt.Sprintf("score %.3f", d.score)}
	flag := d.score > DriftThreshold
	n := 0
	for _, w := range d.ranked {
		name := w.Feature
		v, ok := d.features[name]
		if !ok || n == topFeatures {
			continue
		}
		n++
		parts = append(parts, fmt.Sprintf("%s %.3f", name, v))
		flag = flag || v > DriftThreshold
	}
	return strings.Join(parts, ", "), flag
}

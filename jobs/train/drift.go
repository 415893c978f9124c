package train

import (
	"fmt"
	"sort"
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

// drift is how far tonight's customers are from the model's training
// snapshot: the PSI of its calibrated score and of each numeric feature.
type drift struct {
	score    float64
	features map[string]float64
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

// summary is the score's PSI and the three most drifted features, and
// whether any is above DriftThreshold.
func (d drift) summary() (string, bool) {
	names := make([]string, 0, len(d.features))
	for n := range d.features {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		return d.features[names[i]] > d.features[names[j]] || d.features[names[i]] == d.features[names[j]] && names[i] < names[j]
	})
	parts := []string{fmt.Sprintf("score %.3f", d.score)}
	flag := d.score > DriftThreshold
	for i, n := range names {
		if i < 3 {
			parts = append(parts, fmt.Sprintf("%s %.3f", n, d.features[n]))
		}
		flag = flag || d.features[n] > DriftThreshold
	}
	return strings.Join(parts, ", "), flag
}

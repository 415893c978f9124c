package train

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/segmint/segmint/lib/propensity"
	"github.com/segmint/segmint/models/eval"
	"github.com/segmint/segmint/models/learn"
	"github.com/segmint/segmint/models/registry"
)

// Fairness groups and thresholds. A country is a group of its own when the
// holdout holds at least fairnessMinGroup of its customers with
// fairnessMinClass of each label; the other countries form one group
// ("other countries") on the same terms. A model is flagged when two
// groups' ROC AUCs differ by more than FairnessAUCGap, or a group's mean
// predicted probability is off its observed positive rate by more than
// FairnessCalibrationGap.
const (
	fairnessMinGroup       = 50
	fairnessMinClass       = 10
	FairnessAUCGap         = 0.10
	FairnessCalibrationGap = 0.10
	otherCountries         = "other countries"
)

// groupFigures are a classifier's figures on one group of the holdout.
type groupFigures struct {
	group           string
	rows            int
	rate, predicted float64 // observed positive rate, mean probability
	auc             float64
	calibrationGap  float64 // |predicted - rate|
}

// fairness measures the selection model sel (calibrated) per country group
// of its holdout, and returns the groups' figures in words and whether the
// largest gap is above a threshold ("" and false when fewer than two
// groups are large enough).
func fairness(sel *registry.File, holdSet *propensity.Set) (string, bool, error) {
	p, err := learn.PredictFrame(sel, holdSet.X)
	if err != nil {
		return "", false, err
	}
	groups := countryGroups(holdSet)
	var figs []groupFigures
	for _, g := range sortedGroups(groups) {
		idx := groups[g]
		y, q := make([]float64, len(idx)), make([]float64, len(idx))
		for k, i := range idx {
			y[k], q[k] = holdSet.Y[i], p[i]
		}
		if !bigEnough(y) {
			continue
		}
		auc, err := eval.ROCAUC(y, q, nil)
		if err != nil {
			return "", false, err
		}
		f := groupFigures{group: g, rows: len(idx), rate: mean(y), predicted: mean(q), auc: auc}
		f.calibrationGap = math.Abs(f.predicted - f.rate)
		figs = append(figs, f)
	}
	if len(figs) < 2 {
		return "", false, nil
	}
	return fairnessText(figs)
}

// fairnessText puts the groups' figures and the largest gaps in words.
func fairnessText(figs []groupFigures) (string, bool, error) {
	lo, hi := figs[0], figs[0]
	worstCal := figs[0]
	var parts []string
	for _, f := range figs {
		parts = append(parts, fmt.Sprintf("%s n=%d rate %.3f predicted %.3f auc %.3f", f.group, f.rows, f.rate, f.predicted, f.auc))
		if f.auc < lo.auc {
			lo = f
		}
		if f.auc > hi.auc {
			hi = f
		}
		if f.calibrationGap > worstCal.calibrationGap {
			worstCal = f
		}
	}
	aucGap := hi.auc - lo.auc
	flag := aucGap > FairnessAUCGap || worstCal.calibrationGap > FairnessCalibrationGap
	parts = append(parts, fmt.Sprintf("largest AUC gap %.3f (%s against %s), largest calibration gap %.3f (%s)",
		aucGap, lo.group, hi.group, worstCal.calibrationGap, worstCal.group))
	return strings.Join(parts, "; "), flag, nil
}

// countryGroups are the holdout's rows by country group: each country with
// at least fairnessMinGroup customers, the others pooled.
func countryGroups(s *propensity.Set) map[string][]int {
	c := s.X.Col("country")
	by := map[string][]int{}
	for i := range s.X.Rows {
		name := otherCountries
		if c != nil && !c.Missing(i) {
			name = c.Levels[c.Codes[i]]
		}
		by[name] = append(by[name], i)
	}
	out := map[string][]int{}
	for name, idx := range by {
		if len(idx) < fairnessMinGroup || name == otherCountries {
			out[otherCountries] = append(out[otherCountries], idx...)
			continue
		}
		out[name] = idx
	}
	for _, idx := range out {
		sort.Ints(idx)
	}
	return out
}

// sortedGroups are the groups' names, largest first, then by name.
func sortedGroups(groups map[string][]int) []string {
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := len(groups[names[i]]), len(groups[names[j]])
		return a > b || a == b && names[i] < names[j]
	})
	return names
}

// bigEnough: fairnessMinGroup rows with fairnessMinClass of each label.
func bigEnough(y []float64) bool {
	pos := 0
	for _, v := range y {
		if v == 1 {
			pos++
		}
	}
	return len(y) >= fairnessMinGroup && pos >= fairnessMinClass && len(y)-pos >= fairnessMinClass
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

package train

import (
	"context"
	"errors"
	"hash/fnv"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/propensity"
	"github.com/segmint/segmint/models/calibrate"
	"github.com/segmint/segmint/models/frame"
	"github.com/segmint/segmint/models/learn"
	"github.com/segmint/segmint/models/registry"
)

// calibrationFold: one customer in calibrationFold of the newest snapshot
// is held out of the refit to calibrate it (by a hash of the id).
const calibrationFold = 5

// refit fits the selected learner, in its selected setting, again on the newest snapshot whose
// outcome window has closed (the holdout of the selection, as of D+1-H,
// labelled up to D), on four customers in five, and calibrates it on the
// fifth. The selection model rides along in the file, for tomorrow's
// comparison; the metrics stay the selection's (measured on data the
// refit learnt from, they are the honest estimate).
func refit(ctx context.Context, p config.Classifiers, sel *registry.File, newest *propensity.Set) (*registry.File, error) {
	fit, cal := splitByID(newest.IDs)
	xf, yf := take(newest, fit)
	xc, yc := take(newest, cal)
	s, err := learn.SettingOf(sel)
	if err != nil {
		return nil, err
	}
	f, pc, err := learn.FitHoldoutSetting(ctx, s, learn.Binary, p.Seed, xf, yf, xc, yc)
	if err != nil {
		return nil, err
	}
	ch, err := calibrate.Choose(pc, yc, calibrate.Options{Input: calibrate.InputLogit})
	if err != nil {
		return nil, err
	}
	f.Calibration, f.Selection = &ch.Calibrator, sel
	f.Metrics = map[string]float64{"refit_rows": float64(len(fit)), "calibration_rows": float64(len(cal))}
	for k, v := range sel.Metrics {
		f.Metrics[k] = v
	}
	return f, nil
}

// splitByID deals the rows to the fit (four in five) and to the
// calibration by an FNV hash of the customer id: the same customer is on
// the same side every night.
func splitByID(ids []string) (fit, cal []int) {
	for i, id := range ids {
		h := fnv.New32a()
		h.Write([]byte(id))
		if h.Sum32()%calibrationFold == 0 {
			cal = append(cal, i)
		} else {
			fit = append(fit, i)
		}
	}
	return fit, cal
}

// take is the rows idx of a labelled set.
func take(s *propensity.Set, idx []int) (*frame.Frame, []float64) {
	y := make([]float64, len(idx))
	for k, i := range idx {
		y[k] = s.Y[i]
	}
	return s.X.Take(idx), y
}

// isDataShortfall reports whether a refit failed because the newest
// snapshot's calibration fold cannot support a calibration (one class,
// fewer rows than folds), the night's data and not the code: the
// champion then stays.
func isDataShortfall(err error) bool {
	return errors.Is(err, calibrate.ErrSingleClass) || errors.Is(err, calibrate.ErrEmpty) || errors.Is(err, calibrate.ErrOptions)
}

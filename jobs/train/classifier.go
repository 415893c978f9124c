package train

import (
	"context"
	"fmt"
	"time"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/featureset"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/propensity"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/models/eval"
	"github.com/segmint/segmint/models/learn"
	"github.com/segmint/segmint/models/registry"
)

// Label names a classifier's label in its model file.
func Label(k config.Classifier) string {
	if k.Target == config.TargetChurn {
		return fmt.Sprintf("no_order_within_%dd", k.HorizonDays)
	}
	return fmt.Sprintf("ordered_within_%dd", k.HorizonDays)
}

// trainClassifier trains classifier k of the catalogue: fits the
// competing learners on the snapshot as of D+1-2H, measures and calibrates
// them on the one as of D+1-H (the selection), refits the best on that
// newest closed snapshot (refit), gates it by the selection's figures and
// lets decide weigh it against the champion's selection model on the same
// holdout.
func trainClassifier(ctx context.Context, env step.Env, reg *registry.Registry, p config.Classifiers, k config.Classifier,
	orders []featureset.Order, first string, d rundate.Date) (contract.Decision, error) {
	name := k.Name
	trainSet, holdSet, err := selectionSets(orders, k, d)
	if err != nil {
		return contract.Decision{}, err
	}
	holdCut, trainCut := holdSet.Cutoff, trainSet.Cutoff
	if err := checkClasses(p, k, trainSet, holdSet); err != nil {
		env.Log.Warn().Str(logging.FieldModel, name).Err(err).Msg("model not trained tonight; the champion stays")
		return skipped(name, err), nil
	}
	c, aucs, err := fitCandidates(ctx, p, trainSet, holdSet)
	if err != nil {
		return contract.Decision{}, err
	}
	sel := c.file
	sel.Name = name
	sel.Label = &registry.Label{Column: Label(k), Positive: "1"}
	sel.Window = &registry.Window{From: first, To: trainCut.AddDate(0, 0, -1).Format("2006-01-02")}
	if sel.Metrics["recency_auc"], err = recencyAUC(holdSet, k.Target); err != nil {
		return contract.Decision{}, err
	}
	for kind, auc := range aucs {
		sel.Metrics["auc_"+kind] = auc
	}
	f, err := refit(ctx, p, sel, holdSet)
	if isDataShortfall(err) {
		err = fmt.Errorf("%w: the refit on the snapshot as of %s: %v", errTooLittleData, holdCut.Format(time.DateOnly), err)
		env.Log.Warn().Str(logging.FieldModel, name).Err(err).Msg("model not trained tonight; the champion stays")
		return skipped(name, err), nil
	}
	if err != nil {
		return contract.Decision{}, fmt.Errorf("refit: %w", err)
	}
	// Drift of the model that scores: from its training snapshot (the
	// newest closed one) to tonight's customers.
	dr, drErr := driftOf(f, holdSet, propensity.For(orders, d.End(), k, false))
	if drErr != nil {
		env.Log.Warn().Str(logging.FieldModel, name).Err(drErr).Msg("drift not measured")
	} else {
		dr.record(f.Metrics)
	}
	f.Name, f.Label = name, sel.Label
	f.Window = &registry.Window{From: first, To: d.String()}
	if f.Evaluation, err = evaluation(sel, holdSet); err != nil {
		return contract.Decision{}, err
	}
	auc := f.Metrics["auc"]
	version, err := reg.Save(ctx, f)
	if err != nil {
		return contract.Decision{}, err
	}
	env.Log.Info().Str(logging.FieldModel, name).Str(logging.FieldVersion, version).Str(logging.FieldKind, f.Kind).
		Int(logging.FieldTrainRows, sel.Rows.Train).Int(logging.FieldHoldoutRows, sel.Rows.Holdout).Float64(logging.FieldHoldoutAUC, auc).
		Msg("model trained")
	dec, err := decide(ctx, reg, name, f, version, "auc", true, p.Tolerance, auc, gate(f.Metrics), championOn(holdSet, eval.ROCAUC))
	if err != nil {
		return contract.Decision{}, err
	}
	row := decisionRow(name, f, version, dec)
	row.TrainRows, row.HoldoutRows = int64(sel.Rows.Train), int64(sel.Rows.Holdout)
	row.SelectionWindowTo, row.HoldoutFrom = sel.Window.To, holdSet.From.Format(time.DateOnly)
	if drErr == nil {
		row.Drift, row.Drifted = dr.summary()
	}
	if row.Fairness, row.Unfair, err = fairness(sel, holdSet); err != nil {
		return contract.Decision{}, fmt.Errorf("fairness: %w", err)
	}
	return row, nil
}

// selectionSets are classifier k's training and holdout tables of the
// night of D. The holdout stacks the k.Snapshots snapshots whose outcome
// windows close by D, the newest as of D+1-H; the training table stacks
// as many before it, so that its last outcome window closes where the
// holdout's first snapshot starts. With one snapshot: as of D+1-2H and
// D+1-H.
func selectionSets(orders []featureset.Order, k config.Classifier, d rundate.Date) (trainSet, holdSet *propensity.Set, err error) {
	holdCut := d.End().AddDate(0, 0, -k.HorizonDays)
	trainCut := holdCut.AddDate(0, 0, -max(k.Snapshots, 1)*k.HorizonDays)
	if trainSet, err = propensity.Window(orders, trainCut, k); err != nil {
		return nil, nil, err
	}
	if holdSet, err = propensity.Window(orders, holdCut, k); err != nil {
		return nil, nil, err
	}
	return trainSet, holdSet, nil
}

// checkClasses is an errTooLittleData error naming the first of the
// training and holdout snapshots with fewer than minClass customers of
// either label value, nil when both have enough.
func checkClasses(p config.Classifiers, k config.Classifier, trainSet, holdSet *propensity.Set) error {
	for _, s := range []struct {
		what string
		set  *propensity.Set
	}{{"training", trainSet}, {"holdout", holdSet}} {
		pos := s.set.Positives()
		if pos < p.MinPositives || s.set.X.Rows-pos < p.MinNegatives {
			return fmt.Errorf("%w: the %s %s has %d eligible customers, %d of them labelled %s; %d positives and %d negatives are needed (models.classifiers.min_positives, min_negatives)",
				errTooLittleData, s.what, asOf(s.set), s.set.X.Rows, pos, Label(k), p.MinPositives, p.MinNegatives)
		}
	}
	return nil
}

// asOf names a table's snapshot date, or the range of a stack's.
func asOf(s *propensity.Set) string {
	if s.From.IsZero() || s.From.Equal(s.Cutoff) {
		return "snapshot as of " + s.Cutoff.Format(time.DateOnly)
	}
	return "snapshots as of " + s.From.Format(time.DateOnly) + " to " + s.Cutoff.Format(time.DateOnly)
}

// championOn scores the champion's model file on the challenger's
// holdout by metric (eval.ROCAUC, eval.MAE). A champion refitted on newer
// data is represented by its selection model, which has not seen this
// holdout's outcomes.
func championOn(holdSet *propensity.Set, metric func(y, p, w []float64) (float64, error)) func(*registry.File) (float64, error) {
	return func(cf *registry.File) (float64, error) {
		if cf.Selection != nil {
			cf = cf.Selection
		}
		cp, err := learn.PredictRaw(cf, holdSet.X)
		if err != nil {
			return 0, err
		}
		return metric(holdSet.Y, cp, nil)
	}
}

// firstDay is the day of the earliest order, the start of every training
// window.
func firstDay(orders []customerview.Order) string {
	var first string
	for _, o := range orders {
		if s := o.OrderedAt.UTC().Format("2006-01-02"); first == "" || s < first {
			first = s
		}
	}
	return first
}

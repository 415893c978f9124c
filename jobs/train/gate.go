package train

import (
	"context"
	"fmt"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/propensity"
	"github.com/segmint/segmint/models/calibrate"
	"github.com/segmint/segmint/models/eval"
	"github.com/segmint/segmint/models/learn"
	"github.com/segmint/segmint/models/registry"
)

// candidate is one learner fitted on the training snapshot and measured
// on the holdout, with the calibration chosen on the holdout.
type candidate struct {
	setting learn.Setting
	file    *registry.File
	choice  calibrate.Choice
}

// kindsOf are the learners a kind setting lets compete ("auto": both).
func kindsOf(p config.Classifiers) []string {
	if p.Kind == config.KindAuto {
		return []string{"gbdt", "logreg"}
	}
	return []string{p.Kind}
}

// settingsOf are the competing settings of the learners kindsOf(p) for a
// training table of rows rows.
func settingsOf(p config.Classifiers, rows int) []learn.Setting {
	var out []learn.Setting
	for _, kind := range kindsOf(p) {
		out = append(out, learn.Settings(kind, learn.Binary, rows, p.Seed)...)
	}
	return out
}

// fitCandidates fits every competing learner in each of its settings for
// the training table's size (learn.Settings) and keeps the one with the
// best holdout ROC AUC (the first on a tie); aucs are by setting name.
func fitCandidates(ctx context.Context, p config.Classifiers, trainSet, holdSet *propensity.Set) (*candidate, map[string]float64, error) {
	var best *candidate
	aucs := map[string]float64{}
	for _, s := range settingsOf(p, trainSet.X.Rows) {
		c, err := fitCandidate(ctx, s, p.Seed, trainSet, holdSet)
		if err != nil {
			return nil, nil, err
		}
		aucs[s.Name] = c.file.Metrics["auc"]
		if best == nil || c.file.Metrics["auc"] > best.file.Metrics["auc"] {
			best = c
		}
	}
	return best, aucs, nil
}

// fitCandidate fits one learner and calibrates its holdout probabilities
// (models/calibrate: none, Platt on the logit or isotonic, by out-of-fold
// log loss on the holdout). The file's log_loss and brier become the
// calibrated out-of-fold figures; the raw ones are kept as raw_log_loss and
// raw_brier, and the base-rate constant's beside them.
func fitCandidate(ctx context.Context, s learn.Setting, seed uint64, trainSet, holdSet *propensity.Set) (*candidate, error) {
	f, p, err := learn.FitHoldoutSetting(ctx, s, learn.Binary, seed, trainSet.X, trainSet.Y, holdSet.X, holdSet.Y)
	if err != nil {
		return nil, err
	}
	ch, err := calibrate.Choose(p, holdSet.Y, calibrate.Options{Input: calibrate.InputLogit})
	if err != nil {
		return nil, err
	}
	f.Calibration = &ch.Calibrator
	m := f.Metrics
	m["raw_log_loss"], m["raw_brier"] = m["log_loss"], m["brier"]
	chosen := chosenMetrics(ch)
	m["log_loss"], m["brier"] = chosen.LogLoss, chosen.Brier
	m["base_rate_log_loss"], m["base_rate_brier"] = ch.BaseRate.LogLoss, ch.BaseRate.Brier
	return &candidate{setting: s, file: f, choice: ch}, nil
}

// chosenMetrics are the out-of-fold metrics of the calibration Choose kept.
func chosenMetrics(ch calibrate.Choice) calibrate.Metrics {
	for _, c := range ch.Candidates {
		if c.Kind == ch.Calibrator.Kind {
			return c.Metrics
		}
	}
	return calibrate.Metrics{}
}

// recencyAUC is the holdout ROC AUC of ranking by recency alone, the
// trivial baseline a classifier must beat: the more recent the last order,
// the likelier a purchase and the less likely churn.
func recencyAUC(holdSet *propensity.Set, target string) (float64, error) {
	rec := holdSet.X.Col("recency_days").Num
	score := make([]float64, len(rec))
	for i, r := range rec {
		score[i] = r
		if target == config.TargetPurchase {
			score[i] = -r
		}
	}
	return eval.ROCAUC(holdSet.Y, score, nil)
}

// gate is why a challenger may not be promoted whatever the champion
// scores, "" when it may: its calibrated holdout log loss and Brier must
// beat the base-rate constant's and its ROC AUC must beat recency alone.
func gate(m map[string]float64) string {
	switch {
	case m["log_loss"] >= m["base_rate_log_loss"]:
		return fmt.Sprintf("holdout log loss %.4f does not beat the base-rate constant's %.4f", m["log_loss"], m["base_rate_log_loss"])
	case m["brier"] >= m["base_rate_brier"]:
		return fmt.Sprintf("holdout Brier %.4f does not beat the base-rate constant's %.4f", m["brier"], m["base_rate_brier"])
	case m["auc"] <= m["recency_auc"]:
		return fmt.Sprintf("holdout ROC AUC %.4f does not beat recency alone (%.4f)", m["auc"], m["recency_auc"])
	}
	return ""
}

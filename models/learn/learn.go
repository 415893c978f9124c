// Package learn trains and applies segmint's tabular models on any table:
// it reads the label, turns the other columns into features (text columns
// become categoricals, blanks and unparseable numbers missing values),
// holds out a stratified share of the rows, fits gradient boosting or
// logistic regression, measures the holdout and packs everything into a
// registry model file. Predict reads a new table as that file's features
// and scores every row. `segmint train` and `segmint predict` are this
// package on the command line.
package learn

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/segmint/segmint/models/eval"
	"github.com/segmint/segmint/models/frame"
	"github.com/segmint/segmint/models/registry"
)

// Tasks.
const (
	Binary     = "binary"
	Regression = "regression"
)

// Spec says what to train.
type Spec struct {
	// Name is the model's name in its file (default: the label column).
	Name string
	// Model is "gbdt" (default) or "logreg".
	Model string
	// Label is the column to predict. Positive is its positive value for a
	// binary task; empty means the table's two values decide (1, true, yes).
	Label, Positive string
	// Regression asks for a numeric target (gbdt only); without it a label
	// that is not two-valued is an error.
	Regression bool
	// Drop names columns that are not features (identifiers, leaks).
	Drop []string
	// Seed drives the holdout split and the learner.
	Seed uint64
	// TestShare is the holdout share (default 0.2).
	TestShare float64
	// Window is the training data's time window, when known.
	Window *registry.Window
}

// Result is a trained model with what was measured on the way.
type Result struct {
	File *registry.File
	// Holdout is the holdout rows' labels and predictions, in row order.
	HoldoutY, HoldoutP []float64
	// MissingLabels counts rows left out because their label was missing.
	MissingLabels int
}

// Train fits a model on the table as spec says.
func Train(ctx context.Context, tab *frame.Table, spec Spec) (*Result, error) {
	spec, task, err := spec.withDefaults()
	if err != nil {
		return nil, err
	}
	y, positive, err := labelsOf(tab, spec, task)
	if err != nil {
		return nil, err
	}
	drop := append(slices.Clone(spec.Drop), spec.Label)
	x, skipped, err := tab.Infer(drop...)
	if err != nil {
		return nil, err
	}
	res, err := holdout(ctx, x, y, spec, task)
	if err != nil {
		return nil, err
	}
	spec.record(res.File, positive, skipped)
	return res, nil
}

// holdout fits on the training rows of a holdout split of the labelled
// rows and scores the holdout rows.
func holdout(ctx context.Context, x *frame.Frame, y []float64, spec Spec, task string) (*Result, error) {
	train, test, err := holdoutSplit(y, spec, task)
	if err != nil {
		return nil, err
	}
	res := &Result{MissingLabels: len(y) - len(train) - len(test), HoldoutY: take(y, test)}
	res.File, res.HoldoutP, err = FitHoldout(ctx, spec.Model, task, spec.Seed, x.Take(train), take(y, train), x.Take(test), res.HoldoutY)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// record fills in what the model file f says of the training: the name,
// window and label (with its positive value), and the columns that are
// not features.
func (spec Spec) record(f *registry.File, positive string, skipped []frame.Skipped) {
	f.Name, f.Window = spec.Name, spec.Window
	f.Label = &registry.Label{Column: spec.Label, Positive: positive}
	for _, d := range spec.Drop {
		f.Dropped = append(f.Dropped, registry.Dropped{Name: d, Reason: "dropped on request"})
	}
	for _, s := range skipped {
		f.Dropped = append(f.Dropped, registry.Dropped{Name: s.Name, Reason: s.Reason})
	}
}

// withDefaults fills spec's default model, holdout share and name, checks
// them and returns the task.
func (spec Spec) withDefaults() (Spec, string, error) {
	if spec.Model == "" {
		spec.Model = "gbdt"
	}
	if spec.TestShare == 0 {
		spec.TestShare = 0.2
	}
	if spec.TestShare <= 0 || spec.TestShare >= 1 {
		return spec, "", fmt.Errorf("holdout share %v: must be between 0 and 1", spec.TestShare)
	}
	if spec.Name == "" {
		spec.Name = spec.Label
	}
	task := Binary
	if spec.Regression {
		task = Regression
	}
	if _, err := learnerFor(spec.Model, task); err != nil {
		return spec, "", err
	}
	return spec, task, nil
}

// labelsOf reads the label column of tab and returns, for a binary task,
// the positive value (spec's, or the one found).
func labelsOf(tab *frame.Table, spec Spec, task string) ([]float64, string, error) {
	var y []float64
	var err error
	if spec.Regression {
		y, err = tab.Target(spec.Label)
	} else {
		y, err = tab.Label(spec.Label, spec.Positive)
	}
	if err != nil {
		return nil, "", err
	}
	positive := spec.Positive
	if task == Binary && positive == "" {
		positive = positiveOf(tab, spec.Label, y)
	}
	return y, positive, nil
}

// holdoutSplit splits the labelled rows into training and holdout rows,
// which for a binary task must both hold both classes.
func holdoutSplit(y []float64, spec Spec, task string) (train, test []int, err error) {
	train, test = frame.StratifiedSplit(y, spec.TestShare, spec.Seed)
	if len(train) == 0 || len(test) == 0 {
		return nil, nil, fmt.Errorf("%d rows with a label: too few to hold out %.0f%%", len(train)+len(test), 100*spec.TestShare)
	}
	if task == Binary {
		if err := bothClasses(take(y, train), "training"); err != nil {
			return nil, nil, err
		}
		if err := bothClasses(take(y, test), "holdout"); err != nil {
			return nil, nil, err
		}
	}
	return train, test, nil
}

// FitHoldout fits a model of the kind on the training rows for the task
// with the seed, scores the holdout rows and measures those scores (see
// Metrics). It returns the holdout scores and the model file with all but
// the name, label, training window and dropped columns filled in.
func FitHoldout(ctx context.Context, kind, task string, seed uint64, trainX *frame.Frame, trainY []float64,
	holdX *frame.Frame, holdY []float64) (*registry.File, []float64, error) {
	return FitHoldoutSetting(ctx, Setting{Name: kind, Kind: kind}, task, seed, trainX, trainY, holdX, holdY)
}

// FitHoldoutSetting is FitHoldout for a setting of a learner.
func FitHoldoutSetting(ctx context.Context, s Setting, task string, seed uint64, trainX *frame.Frame, trainY []float64,
	holdX *frame.Frame, holdY []float64) (*registry.File, []float64, error) {
	kind := s.Kind
	if s.Offset != nil && task != Regression {
		return nil, nil, fmt.Errorf("setting %s: an offset needs a regression", s.Name)
	}
	y := trainY
	if s.Offset != nil {
		var err error
		if y, err = minusOffset(s.Offset, trainX, trainY); err != nil {
			return nil, nil, fmt.Errorf("fit %s: %w", s.Name, err)
		}
	}
	m, params, err := FitSetting(ctx, s, trainX, y, task, seed)
	if err != nil {
		return nil, nil, fmt.Errorf("fit %s: %w", s.Name, err)
	}
	p, err := m.Predict(holdX)
	if err == nil && s.Offset != nil {
		p, err = plusOffset(s.Offset, holdX, p)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("score the holdout: %w", err)
	}
	metrics, err := Metrics(task, holdY, p)
	if err != nil {
		return nil, nil, fmt.Errorf("holdout metrics: %w", err)
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, nil, fmt.Errorf("encode %s: %w", kind, err)
	}
	f := &registry.File{
		Format: registry.FormatV1, Kind: kind, Task: task, Features: trainX.Features(), Seed: seed,
		Rows:    registry.Rows{Train: trainX.Rows, Holdout: holdX.Rows},
		Metrics: metrics, Params: params, Model: raw, Offset: s.Offset,
	}
	return f, p, nil
}

// Predict scores every row of the table with the model file, in row order,
// through the file's calibration when it has one.
func Predict(ctx context.Context, f *registry.File, tab *frame.Table) ([]float64, error) {
	x, err := tab.Align(f.Features)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return PredictFrame(f, x)
}

// PredictRaw is the prediction of the model in f for every row of x,
// conformed to f's features (columns by name, categorical levels by the
// file's), with the file's offset added back and before any calibration.
func PredictRaw(f *registry.File, x *frame.Frame) ([]float64, error) {
	m, err := Decode(f)
	if err != nil {
		return nil, err
	}
	if x, err = x.Conform(f.Features); err != nil {
		return nil, err
	}
	p, err := m.Predict(x)
	if err != nil || f.Offset == nil {
		return p, err
	}
	return plusOffset(f.Offset, x, p)
}

// PredictFrame is PredictRaw through f's calibration, when it has one:
// what a calibrated model file predicts.
func PredictFrame(f *registry.File, x *frame.Frame) ([]float64, error) {
	p, err := PredictRaw(f, x)
	if err != nil {
		return nil, err
	}
	return calibrated(f, p), nil
}

// calibrated is p through f's calibration, p itself without one.
func calibrated(f *registry.File, p []float64) []float64 {
	if f.Calibration == nil {
		return p
	}
	return f.Calibration.Apply(p)
}

// Metrics measures predictions p of labels y: for a binary task ROC AUC,
// PR AUC (average precision), log loss, Brier score and the positive share;
// for regression MAE and RMSE.
func Metrics(task string, y, p []float64) (map[string]float64, error) {
	out := map[string]float64{}
	type metric struct {
		name string
		fn   func(y, p, w []float64) (float64, error)
	}
	list := []metric{{"mae", eval.MAE}, {"rmse", eval.RMSE}}
	if task == Binary {
		list = []metric{{"auc", eval.ROCAUC}, {"pr_auc", eval.AveragePrecision}, {"log_loss", eval.LogLoss}, {"brier", eval.BrierScore}}
		var pos float64
		for _, v := range y {
			pos += v
		}
		out["positive_share"] = pos / float64(len(y))
	}
	for _, m := range list {
		v, err := m.fn(y, p, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.name, err)
		}
		out[m.name] = v
	}
	return out, nil
}

func take(v []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for k, i := range idx {
		out[k] = v[i]
	}
	return out
}

func bothClasses(y []float64, part string) error {
	var pos int
	for _, v := range y {
		if v == 1 {
			pos++
		}
	}
	if pos == 0 || pos == len(y) {
		return fmt.Errorf("the %s rows hold only one class (%d of %d positive)", part, pos, len(y))
	}
	return nil
}

// positiveOf is the label text of the first positive row.
func positiveOf(tab *frame.Table, col string, y []float64) string {
	text, _ := tab.Text(col)
	for i, v := range y {
		if v == 1 {
			return text[i]
		}
	}
	return ""
}

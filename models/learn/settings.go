package learn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/segmint/segmint/models/frame"
	"github.com/segmint/segmint/models/gbdt"
	"github.com/segmint/segmint/models/logreg"
	"github.com/segmint/segmint/models/registry"
)

// Setting is a learner with its parameters: one candidate of a model
// selection. A gbdt setting without Params fits gbdt.DefaultParams (with
// the seed and the task's objective); logreg has no settings to choose.
type Setting struct {
	// Name tells the candidates of a selection apart: "gbdt",
	// "gbdt_scaled", "logreg".
	Name string
	// Kind is the learner, "gbdt" or "logreg".
	Kind string
	// GBDT are gbdt's parameters; nil means its defaults.
	GBDT *gbdt.Params
	// Offset, for a regression, fits the label minus a feature and adds
	// the feature back to every prediction (registry.Offset).
	Offset *registry.Offset
}

// Settings are the candidates of a learner kind for a training table of
// rows rows: for gbdt its defaults (scikit-learn's) and ScaledGBDT's
// settings for that size, for logreg the one setting.
func Settings(kind, task string, rows int, seed uint64) []Setting {
	if kind != "gbdt" {
		return []Setting{{Name: kind, Kind: kind}}
	}
	p := ScaledGBDT(task, rows, seed)
	return []Setting{{Name: "gbdt", Kind: "gbdt"}, {Name: "gbdt_scaled", Kind: "gbdt", GBDT: &p}}
}

// ScaledGBDT are gbdt settings for a training table of rows rows. The
// defaults (100 trees of 31 leaves at learning rate 0.1, early stopping
// only from 10,000 rows) suit tens of thousands of rows; on a few thousand
// they fit noise. Here the trees are smaller the fewer the rows (7 leaves
// below 5,000 rows, 15 below 20,000, then 31), every leaf holds at least
// 1% of the rows (20 to 200), leaf values carry an L2 penalty of 1, and
// the number of trees (up to 500 at learning rate 0.05) is always chosen
// by early stopping on a held-out fifth of the rows (a tenth from 10,000).
// These are rules of thumb from the size alone, not tuned to any data
// set; the selection measures them against the defaults on a holdout.
func ScaledGBDT(task string, rows int, seed uint64) gbdt.Params {
	p := gbdt.DefaultParams()
	p.Seed = seed
	if task == Regression {
		p.Objective = gbdt.Regression
	}
	p.LearningRate, p.MaxIter, p.Lambda = 0.05, 500, 1
	switch {
	case rows < 5000:
		p.MaxLeaves = 7
	case rows < 20000:
		p.MaxLeaves = 15
	}
	p.MinSamplesLeaf = min(max(rows/100, 20), 200)
	p.EarlyStopping, p.Patience, p.ValidationFraction = gbdt.EarlyStopOn, 20, 0.2
	if rows >= gbdt.AutoEarlyStopRows {
		p.ValidationFraction = 0.1
	}
	return p
}

// SettingOf is the setting a model file was fitted with: its kind,
// recorded parameters and offset.
func SettingOf(f *registry.File) (Setting, error) {
	s := Setting{Name: f.Kind, Kind: f.Kind, Offset: f.Offset}
	if f.Kind != "gbdt" || len(f.Params) == 0 {
		return s, nil
	}
	var p gbdt.Params
	if err := json.Unmarshal(f.Params, &p); err != nil {
		return s, fmt.Errorf("model file %s: params: %w", f.Name, err)
	}
	s.GBDT = &p
	return s, nil
}

// FitSetting fits the setting on x and y for the task with the seed (the
// seed and objective of explicit gbdt parameters are theirs) and returns
// the model and its parameters as the model file records them.
func FitSetting(ctx context.Context, s Setting, x *frame.Frame, y []float64, task string, seed uint64) (Model, json.RawMessage, error) {
	if s.Kind == "gbdt" && s.GBDT != nil {
		if (task == Regression) != (s.GBDT.Objective != gbdt.Binary) {
			return nil, nil, fmt.Errorf("setting %s: objective %s does not fit a %s task", s.Name, s.GBDT.Objective, task)
		}
		return fitGBDT(ctx, x, y, *s.GBDT)
	}
	return Fit(ctx, s.Kind, x, y, task, seed)
}

// minusOffset is the labels y minus the offset feature of x: what a
// setting with an offset fits.
func minusOffset(o *registry.Offset, x *frame.Frame, y []float64) ([]float64, error) {
	base, err := offsetColumn(o, x)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(y))
	for i, v := range y {
		out[i] = v - base[i]
	}
	return out, nil
}

// plusOffset turns a model's outputs on x into predictions: the offset
// feature plus the output, at least the floor. The outputs are changed in
// place and returned.
func plusOffset(o *registry.Offset, x *frame.Frame, out []float64) ([]float64, error) {
	base, err := offsetColumn(o, x)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i] = max(base[i]+out[i], o.Floor)
	}
	return out, nil
}

// offsetColumn is the offset's feature in x: numeric, with no missing
// value.
func offsetColumn(o *registry.Offset, x *frame.Frame) ([]float64, error) {
	c := x.Col(o.Column)
	if c == nil || c.Kind != frame.Numeric {
		return nil, fmt.Errorf("offset %q: not a numeric column of the frame", o.Column)
	}
	for i, v := range c.Num {
		if math.IsNaN(v) {
			return nil, fmt.Errorf("offset %q: row %d is missing", o.Column, i)
		}
	}
	return c.Num, nil
}

// Weight is a feature's importance in a model (Importance).
type Weight struct {
	Feature string
	// Share is the feature's part of the model's total importance (0-1).
	Share float64
}

// Importance ranks the features of the model in f, most important first:
// gbdt by total split gain, logreg by the largest absolute coefficient of
// the feature's columns (numeric columns are standardised, so their
// coefficients compare), each with its share of the total. Features a
// model never uses come last, by name.
func Importance(f *registry.File) ([]Weight, error) {
	score := map[string]float64{}
	switch f.Kind {
	case "gbdt":
		var m gbdt.Model
		if err := json.Unmarshal(f.Model, &m); err != nil {
			return nil, fmt.Errorf("model file %s: %w", f.Name, err)
		}
		for _, im := range m.Importance {
			score[im.Feature] = im.Gain
		}
	case "logreg":
		m, err := logreg.Load(bytes.NewReader(f.Model))
		if err != nil {
			return nil, fmt.Errorf("model file %s: %w", f.Name, err)
		}
		for _, c := range m.Columns {
			score[c.Feature] = max(score[c.Feature], math.Abs(c.Coef))
		}
	default:
		return nil, fmt.Errorf("model file %s: no importance for kind %q", f.Name, f.Kind)
	}
	var total float64
	out := make([]Weight, len(f.Features))
	for i, ft := range f.Features {
		out[i] = Weight{Feature: ft.Name, Share: score[ft.Name]}
		total += score[ft.Name]
	}
	if total > 0 {
		for i := range out {
			out[i].Share /= total
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Share, out[j].Share
		return a > b || a == b && out[i].Feature < out[j].Feature
	})
	return out, nil
}

// ErrNotExplained: Explain takes apart gradient-boosted models only.
var ErrNotExplained = errors.New("only gbdt models are explained")

// Explanation takes apart a model file's score of each row: Base plus the
// row's Contrib (one per feature, in Features order) is Raw, the score
// before the link function and calibration (log-odds for a binary gbdt).
// For a file with an offset, the offset feature's value is part of its
// contribution and Raw is the prediction before the offset's floor.
type Explanation struct {
	Features []string
	Base     float64
	Contrib  [][]float64
	Raw      []float64
}

// Explain explains a gbdt model file's scores of x by the path method
// (gbdt.Model.Contributions); Raw is the model's own raw score
// (gbdt.Model.PredictRaw), which the contributions add up to within
// rounding.
func Explain(f *registry.File, x *frame.Frame) (*Explanation, error) {
	if f.Kind != "gbdt" {
		return nil, fmt.Errorf("model file %s (%s): %w", f.Name, f.Kind, ErrNotExplained)
	}
	var m gbdt.Model
	if err := json.Unmarshal(f.Model, &m); err != nil {
		return nil, fmt.Errorf("model file %s: %w", f.Name, err)
	}
	x, err := x.Conform(f.Features)
	if err != nil {
		return nil, err
	}
	base, contrib, err := m.Contributions(x)
	if err != nil {
		return nil, err
	}
	raw, err := m.PredictRaw(x)
	if err != nil {
		return nil, err
	}
	e := &Explanation{Base: base, Contrib: contrib, Raw: raw}
	for _, ft := range m.Features {
		e.Features = append(e.Features, ft.Name)
	}
	off := -1
	var offset []float64
	if f.Offset != nil {
		off = slices.Index(e.Features, f.Offset.Column)
		if offset, err = offsetColumn(f.Offset, x); err != nil {
			return nil, err
		}
		if off < 0 {
			return nil, fmt.Errorf("model file %s: offset %q is not a feature", f.Name, f.Offset.Column)
		}
	}
	if off >= 0 {
		for r, row := range contrib {
			row[off] += offset[r]
			raw[r] += offset[r]
		}
	}
	return e, nil
}

package learn

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/segmint/segmint/models/frame"
	"github.com/segmint/segmint/models/gbdt"
	"github.com/segmint/segmint/models/logreg"
	"github.com/segmint/segmint/models/registry"
)

// Model is a fitted model: it scores a frame conformed to its features.
type Model interface {
	Predict(x *frame.Frame) ([]float64, error)
}

// Fit fits a model of the kind ("gbdt" or "logreg") on x and y for the task
// (Binary or Regression) with its default parameters and the seed, and
// returns the model and its parameters as the model file records them.
func Fit(ctx context.Context, kind string, x *frame.Frame, y []float64, task string, seed uint64) (Model, json.RawMessage, error) {
	l, err := learnerFor(kind, task)
	if err != nil {
		return nil, nil, err
	}
	return l.fit(ctx, x, y, task, seed)
}

// learnerFor is the learner of the kind, when it can fit the task.
func learnerFor(kind, task string) (learner, error) {
	l, ok := learners[kind]
	if !ok {
		return learner{}, fmt.Errorf("model %q: want gbdt or logreg", kind)
	}
	if task == Regression && !l.regression {
		return learner{}, fmt.Errorf("model %s cannot fit a numeric target; use gbdt", kind)
	}
	return l, nil
}

// Decode reads the model inside a model file.
func Decode(f *registry.File) (Model, error) {
	l, ok := learners[f.Kind]
	if !ok {
		return nil, fmt.Errorf("model file %s: unknown kind %q", f.Name, f.Kind)
	}
	m, err := l.decode(f.Model)
	if err != nil {
		return nil, fmt.Errorf("model file %s: %w", f.Name, err)
	}
	return m, nil
}

// learner fits and decodes one kind of model.
type learner struct {
	regression bool
	fit        func(ctx context.Context, x *frame.Frame, y []float64, task string, seed uint64) (Model, json.RawMessage, error)
	decode     func(raw json.RawMessage) (Model, error)
}

var learners = map[string]learner{
	"gbdt": {
		regression: true,
		fit: func(ctx context.Context, x *frame.Frame, y []float64, task string, seed uint64) (Model, json.RawMessage, error) {
			p := gbdt.DefaultParams()
			p.Seed = seed
			if task == Regression {
				p.Objective = gbdt.Regression
			}
			return fitGBDT(ctx, x, y, p)
		},
		decode: func(raw json.RawMessage) (Model, error) {
			var m gbdt.Model
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, fmt.Errorf("decode gbdt: %w", err)
			}
			return &m, nil
		},
	},
	"logreg": {
		fit: func(ctx context.Context, x *frame.Frame, y []float64, _ string, _ uint64) (Model, json.RawMessage, error) {
			var p logreg.Params
			m, err := logreg.Fit(ctx, x, y, p)
			if err != nil {
				return nil, nil, err
			}
			params, err := json.Marshal(m.Params)
			return m, params, err
		},
		decode: func(raw json.RawMessage) (Model, error) {
			m, err := logreg.Load(bytes.NewReader(raw))
			if err != nil {
				return nil, fmt.Errorf("decode logreg: %w", err)
			}
			return m, nil
		},
	},
}

// fitGBDT fits gbdt with the parameters p and returns them encoded too.
func fitGBDT(ctx context.Context, x *frame.Frame, y []float64, p gbdt.Params) (Model, json.RawMessage, error) {
	m, err := gbdt.Fit(ctx, x, y, p)
	if err != nil {
		return nil, nil, err
	}
	params, err := json.Marshal(p)
	return m, params, err
}

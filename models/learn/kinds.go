package learn

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/segmint/segmint/models/frame"
	"github.com/segmint/segmint/models/gbdt"
	"github.com/segmint/segmint/models/logreg"
)

// scorer is a fitted model.
type scorer interface {
	Predict(x *frame.Frame) ([]float64, error)
}

// learner fits and decodes one kind of model.
type learner struct {
	regression bool
	fit        func(ctx context.Context, x *frame.Frame, y []float64, task string, seed uint64) (scorer, json.RawMessage, error)
	decode     func(raw json.RawMessage) (scorer, error)
}

var learners = map[string]learner{
	"gbdt": {
		regression: true,
		fit: func(ctx context.Context, x *frame.Frame, y []float64, task string, seed uint64) (scorer, json.RawMessage, error) {
			p := gbdt.DefaultParams()
			p.Seed = seed
			if task == Regression {
				p.Objective = gbdt.Regression
			}
			m, err := gbdt.Fit(ctx, x, y, p)
			if err != nil {
				return nil, nil, err
			}
			params, err := json.Marshal(p)
			return m, params, err
		},
		decode: func(raw json.RawMessage) (scorer, error) {
			var m gbdt.Model
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, fmt.Errorf("decode gbdt: %w", err)
			}
			return &m, nil
		},
	},
	"logreg": {
		fit: func(ctx context.Context, x *frame.Frame, y []float64, _ string, _ uint64) (scorer, json.RawMessage, error) {
			var p logreg.Params
			m, err := logreg.Fit(ctx, x, y, p)
			if err != nil {
				return nil, nil, err
			}
			params, err := json.Marshal(m.Params)
			return m, params, err
		},
		decode: func(raw json.RawMessage) (scorer, error) {
			m, err := logreg.Load(bytes.NewReader(raw))
			if err != nil {
				return nil, fmt.Errorf("decode logreg: %w", err)
			}
			return m, nil
		},
	},
}

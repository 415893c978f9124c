package kmeans

import (
	"context"
	"fmt"
	"math"

	"github.com/segmint/segmint/models/frame"
)

// Fit fits a model to every column of f: numeric columns as they are,
// categorical ones one-hot (one column "name=level" per level; a missing
// level makes every indicator missing, so each takes its training mean).
// It returns the model and each row's cluster.
func Fit(ctx context.Context, f *frame.Frame, cfg Config) (*Model, []int, error) {
	if err := f.Validate(); err != nil {
		return nil, nil, fmt.Errorf("kmeans: %w", err)
	}
	feats := f.Features()
	x, err := encode(f, feats)
	if err != nil {
		return nil, nil, fmt.Errorf("kmeans: %w", err)
	}
	m, labels, err := fit(ctx, columnNames(feats), x, cfg)
	if err != nil {
		return nil, nil, err
	}
	m.Features = feats
	return m, labels, nil
}

// Predict returns the nearest centre of each row of f, which must hold the
// model's features (by name; other columns are ignored). A categorical
// level the model never saw counts as missing.
func (m *Model) Predict(f *frame.Frame) ([]int, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	if len(m.Features) == 0 {
		return nil, fmt.Errorf("kmeans predict: the model was fitted on a matrix; use PredictMatrix")
	}
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("kmeans predict: %w", err)
	}
	x, err := encode(f, m.Features)
	if err != nil {
		return nil, fmt.Errorf("kmeans predict: %w", err)
	}
	if x.d != len(m.Columns) {
		return nil, fmt.Errorf("kmeans predict: features make %d columns, the model has %d", x.d, len(m.Columns))
	}
	return m.predict(x), nil
}

// columnNames names the columns that encode makes of feats.
func columnNames(feats []frame.Feature) []string {
	var out []string
	for _, ft := range feats {
		if ft.Kind != "categorical" {
			out = append(out, ft.Name)
			continue
		}
		for _, l := range ft.Levels {
			out = append(out, ft.Name+"="+l)
		}
	}
	return out
}

// encode lays out f's columns named by feats as a dense matrix: a numeric
// feature as one column, a categorical one as a 0/1 column per level of the
// feature (matched to f's own levels by name, see frame.Conform), NaN where
// missing.
func encode(f *frame.Frame, feats []frame.Feature) (*matrix, error) {
	g, err := f.Conform(feats)
	if err != nil {
		return nil, err
	}
	d := len(columnNames(feats))
	x := &matrix{n: f.Rows, d: d, v: make([]float64, f.Rows*d)}
	j := 0
	for _, c := range g.Cols {
		if c.Kind == frame.Numeric {
			x.setColumn(j, c.Num)
			j++
			continue
		}
		x.setOneHot(j, c)
		j += len(c.Levels)
	}
	return x, nil
}

// setColumn writes vals into column j.
func (x *matrix) setColumn(j int, vals []float64) {
	for i, v := range vals {
		x.v[i*x.d+j] = v
	}
}

// setOneHot writes the categorical column c as one 0/1 column per level,
// from column j on; a missing value is NaN in each of them.
func (x *matrix) setOneHot(j int, c *frame.Column) {
	for i, code := range c.Codes {
		for l := range c.Levels {
			v := 0.0
			switch {
			case code < 0:
				v = math.NaN()
			case l == int(code):
				v = 1
			}
			x.v[i*x.d+j+l] = v
		}
	}
}

package logreg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/segmint/segmint/models/frame"
)

// Format names the model file layout; Load refuses any other.
const Format = "segmint.logreg/1"

// Model is a fitted logistic regression. Its JSON form (Save, Load) is meant
// to be read by a person: the input features, how each becomes model columns
// (means and standard deviations, levels), and one coefficient per named
// column.
type Model struct {
	Format    string          `json:"format"`
	Params    Params          `json:"params"`
	Features  []frame.Feature `json:"features"`
	Intercept float64         `json:"intercept"`
	Columns   []Column        `json:"columns"`
	Fit       FitInfo         `json:"fit"`
}

// FitInfo reports how the optimisation ended.
type FitInfo struct {
	Rows       int     `json:"rows"`
	WeightSum  float64 `json:"weight_sum"`
	Iterations int     `json:"iterations"`
	Evals      int     `json:"evaluations"`
	// Objective is the weight-averaged penalised log-loss at the solution:
	// (1/W) sum_i s_i loss_i + ||w||^2 / (2 C W).
	Objective float64 `json:"objective"`
	// GradMax is the largest absolute gradient component of Objective.
	GradMax   float64 `json:"grad_max"`
	Converged bool    `json:"converged"`
	Status    string  `json:"status"` // the optimiser's stopping reason
}

// Predict returns the probability of the positive class for every row of x,
// in row order. Columns are matched by name, categorical levels by their
// text; extra columns are ignored. See encode for unseen and missing values.
func (m *Model) Predict(x *frame.Frame) ([]float64, error) {
	enc, coef, err := m.compile()
	if err != nil {
		return nil, err
	}
	if err := checkFrame(x); err != nil {
		return nil, fmt.Errorf("logreg predict: %w", err)
	}
	d, err := enc.encode(x)
	if err != nil {
		return nil, fmt.Errorf("logreg predict: %w", err)
	}
	p := make([]float64, d.rows)
	for i := range p {
		p[i] = sigmoid(d.margin(i, m.Intercept, coef))
	}
	return p, nil
}

// compile builds the encoder and the coefficients in design order.
func (m *Model) compile() (*encoder, []float64, error) {
	if m.Format != Format {
		return nil, nil, fmt.Errorf("logreg model: format %q, want %q", m.Format, Format)
	}
	if !finite(m.Intercept) {
		return nil, nil, fmt.Errorf("logreg model: intercept %v is not finite", m.Intercept)
	}
	enc, err := newEncoder(m.Features, m.Columns)
	if err != nil {
		return nil, nil, fmt.Errorf("logreg model: %w", err)
	}
	coef := make([]float64, enc.dim)
	for k, c := range m.Columns {
		if !finite(c.Coef) {
			return nil, nil, fmt.Errorf("logreg model: column %q: coefficient %v is not finite", c.Name, c.Coef)
		}
		coef[enc.index[k]] = c.Coef
	}
	return enc, coef, nil
}

// Save writes the model as indented JSON, levels such as "R&D" kept as they
// are rather than \u0026-escaped. The same model always gives the same bytes.
func (m *Model) Save(w io.Writer) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return fmt.Errorf("encode logreg model: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write logreg model: %w", err)
	}
	return nil
}

// Load reads a model written by Save and checks that it is complete and
// consistent. Its predictions equal, bit for bit, those of the saved model.
func Load(r io.Reader) (*Model, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var m Model
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode logreg model: %w", err)
	}
	if _, _, err := m.compile(); err != nil {
		return nil, err
	}
	return &m, nil
}

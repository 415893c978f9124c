package calibrate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
)

// Kind names a calibration map.
type Kind string

const (
	// KindNone keeps the scores as given.
	KindNone Kind = "none"
	// KindPlatt is Platt scaling.
	KindPlatt Kind = "platt"
	// KindIsotonic is isotonic regression.
	KindIsotonic Kind = "isotonic"
)

// Calibrator is a fitted calibration map as a model file stores it: its
// kind and, for that kind alone, the Platt parameters or the isotonic
// breakpoints. Build one with Fit, Choose, Platt.Calibrator or
// Isotonic.Calibrator; decoding it from JSON checks it with Validate.
type Calibrator struct {
	Kind     Kind      `json:"kind"`
	Platt    *Platt    `json:"platt,omitempty"`
	Isotonic *Isotonic `json:"isotonic,omitempty"`
}

// Calibrator wraps p as a Calibrator.
func (p Platt) Calibrator() Calibrator { return Calibrator{Kind: KindPlatt, Platt: &p} }

// Calibrator wraps m as a Calibrator.
func (m Isotonic) Calibrator() Calibrator { return Calibrator{Kind: KindIsotonic, Isotonic: &m} }

// Fit fits a calibrator of the given kind to scores and their 0/1 labels;
// in is how Platt scaling reads the scores (see Input). KindNone only checks
// the pairs.
func Fit(kind Kind, scores, labels []float64, in Input) (Calibrator, error) {
	c, err := fitKind(kind, scores, labels, in)
	if err != nil {
		return Calibrator{}, err
	}
	return c, nil
}

// fitKind is Fit, with a partial calibrator beside an error.
func fitKind(kind Kind, scores, labels []float64, in Input) (Calibrator, error) {
	switch kind {
	case KindNone:
		return Calibrator{Kind: KindNone}, fitNone(scores, labels)
	case KindPlatt:
		p, err := FitPlatt(scores, labels, in)
		return p.Calibrator(), err
	case KindIsotonic:
		m, err := FitIsotonic(scores, labels)
		return m.Calibrator(), err
	}
	return Calibrator{}, fmt.Errorf("fit: unknown kind %q: %w", kind, ErrCalibrator)
}

// fitNone checks the pairs that a KindNone calibrator keeps as they are.
func fitNone(scores, labels []float64) error {
	if err := checkPairs(scores, labels); err != nil {
		return fmt.Errorf("fit none: %w", err)
	}
	return nil
}

// Apply returns the calibrated probability of every score, in order. A NaN
// score gives NaN, and so does every score when c is not valid (Apply has
// no error to return: check a hand-built Calibrator with Validate).
func (c Calibrator) Apply(scores []float64) []float64 {
	prob := c.prob()
	out := make([]float64, len(scores))
	for i, s := range scores {
		out[i] = prob(s)
	}
	return out
}

// prob is the map of one score, or NaN everywhere when c is not valid.
func (c Calibrator) prob() func(float64) float64 {
	if c.Validate() != nil {
		return func(float64) float64 { return math.NaN() }
	}
	switch c.Kind {
	case KindPlatt:
		return c.Platt.Prob
	case KindIsotonic:
		return c.Isotonic.Prob
	}
	return func(s float64) float64 { return s }
}

// Validate reports a malformed calibrator: an unknown kind, parameters of
// another kind, non-finite Platt parameters or an unknown Input, isotonic
// breakpoints that are missing, of different lengths, not finite, not
// strictly increasing in X (with finite gaps) or not non-decreasing within
// [0, 1] in Y.
func (c Calibrator) Validate() error {
	var err error
	switch {
	case c.Kind == KindNone && c.Platt == nil && c.Isotonic == nil:
	case c.Kind == KindPlatt && c.Platt != nil && c.Isotonic == nil:
		err = c.Platt.validate()
	case c.Kind == KindIsotonic && c.Isotonic != nil && c.Platt == nil:
		err = c.Isotonic.validate()
	default:
		err = fmt.Errorf("kind %q with platt %t and isotonic %t: %w", c.Kind, c.Platt != nil, c.Isotonic != nil, ErrCalibrator)
	}
	return err
}

// validate checks finite parameters and a known Input.
func (p Platt) validate() error {
	if !finite(p.A) || !finite(p.B) {
		return fmt.Errorf("platt a=%v b=%v: %w", p.A, p.B, ErrCalibrator)
	}
	return p.Input.check()
}

// validate checks the breakpoints (see Calibrator.Validate).
func (m Isotonic) validate() error {
	if len(m.X) == 0 || len(m.X) != len(m.Y) {
		return fmt.Errorf("isotonic with %d x and %d y: %w", len(m.X), len(m.Y), ErrCalibrator)
	}
	for i := range m.X {
		if err := m.checkPoint(i); err != nil {
			return fmt.Errorf("isotonic breakpoint %d: %w", i, err)
		}
	}
	return nil
}

// checkPoint checks breakpoint i against its predecessor.
func (m Isotonic) checkPoint(i int) error {
	x, y := m.X[i], m.Y[i]
	if !finite(x) || !(y >= 0 && y <= 1) {
		return fmt.Errorf("(%v, %v) is not a finite score and a probability: %w", x, y, ErrCalibrator)
	}
	if i > 0 && (!(x-m.X[i-1] > 0) || math.IsInf(x-m.X[i-1], 0) || y < m.Y[i-1]) {
		return fmt.Errorf("(%v, %v) after (%v, %v) is out of order: %w", x, y, m.X[i-1], m.Y[i-1], ErrCalibrator)
	}
	return nil
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// decodeStrict decodes b into v, refusing unknown fields.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// UnmarshalJSON decodes a calibrator strictly (unknown fields are errors)
// and validates it.
func (c *Calibrator) UnmarshalJSON(b []byte) error {
	type plain Calibrator // without this method
	var v plain
	if err := decodeStrict(b, &v); err != nil {
		return fmt.Errorf("decode calibrator: %w", err)
	}
	if err := Calibrator(v).Validate(); err != nil {
		return fmt.Errorf("decode calibrator: %w", err)
	}
	*c = Calibrator(v)
	return nil
}

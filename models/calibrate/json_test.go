package calibrate

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"
)

// A calibrator stored inside a model file comes back equal and predicts
// the same.
func TestCalibratorRoundTrip(t *testing.T) {
	d := draw(71, 300, 1, 2)
	scores := append(d.probs(), 0, 1, 0.5)
	for _, kind := range []Kind{KindNone, KindPlatt, KindIsotonic} {
		c, err := Fit(kind, d.probs(), d.labels, InputLogit)
		if err != nil {
			t.Fatal(err)
		}
		type model struct {
			Calibration *Calibrator `json:"calibration,omitempty"`
		}
		b, err := json.Marshal(model{&c})
		if err != nil {
			t.Fatal(err)
		}
		var back model
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v in %s", kind, err, b)
		}
		if !reflect.DeepEqual(*back.Calibration, c) || !reflect.DeepEqual(back.Calibration.Apply(scores), c.Apply(scores)) {
			t.Errorf("%s: %+v came back as %+v", kind, c, *back.Calibration)
		}
	}
}

// Hand-written files decode to the maps they describe.
func TestCalibratorKnownJSON(t *testing.T) {
	tests := []struct {
		json     string
		at, want []float64
	}{
		// logit(0.5) = 0, so p = 1/(1+exp(0.5)); logit(0.9) = ln 9, so
		// p = 1/(1+exp(0.5 - ln 9)) = 9/(9+exp(0.5)).
		{`{"kind":"platt","platt":{"a":-1,"b":0.5,"input":"logit"}}`,
			[]float64{0.5, 0.9, 1.5}, []float64{1 / (1 + math.Exp(0.5)), 9 / (9 + math.Exp(0.5)), math.NaN()}},
		{`{"kind":"platt","platt":{"a":-2,"b":0,"input":"score"}}`,
			[]float64{0, 3}, []float64{0.5, 1 / (1 + math.Exp(-6))}},
		{`{"kind":"isotonic","isotonic":{"x":[0,10],"y":[0.2,0.7]}}`,
			[]float64{-1, 2, 10, math.NaN()}, []float64{0.2, 0.3, 0.7, math.NaN()}},
		{`{"kind":"none"}`, []float64{0.25, 7}, []float64{0.25, 7}},
	}
	for _, tt := range tests {
		var c Calibrator
		if err := json.Unmarshal([]byte(tt.json), &c); err != nil {
			t.Fatalf("%s: %v", tt.json, err)
		}
		for i, got := range c.Apply(tt.at) {
			if !near(got, tt.want[i], 1e-15) && !(math.IsNaN(got) && math.IsNaN(tt.want[i])) {
				t.Errorf("%s: Apply(%v) = %v, want %v", tt.json, tt.at[i], got, tt.want[i])
			}
		}
	}
}

// Malformed calibrators are refused when decoded.
func TestCalibratorBadJSON(t *testing.T) {
	tests := []struct {
		json string
		want error // nil: any error
	}{
		{`{"kind":"beta"}`, ErrCalibrator},
		{`{"kind":""}`, ErrCalibrator},
		{`{}`, ErrCalibrator},
		{`{"kind":"platt"}`, ErrCalibrator},
		{`{"kind":"none","platt":{"a":-1,"b":0,"input":"score"}}`, ErrCalibrator},
		{`{"kind":"platt","platt":{"a":-1,"b":0,"input":"probit"}}`, ErrCalibrator},
		{`{"kind":"platt","platt":{"a":-1,"b":0}}`, ErrCalibrator},
		{`{"kind":"platt","platt":{"a":1e999,"b":0,"input":"score"}}`, nil},
		{`{"kind":"isotonic","isotonic":{"x":[],"y":[]}}`, ErrCalibrator},
		{`{"kind":"isotonic","isotonic":{"x":[0,1],"y":[0.5]}}`, ErrCalibrator},
		{`{"kind":"isotonic","isotonic":{"x":[1,0],"y":[0.1,0.5]}}`, ErrCalibrator},
		{`{"kind":"isotonic","isotonic":{"x":[0,0],"y":[0.1,0.5]}}`, ErrCalibrator},
		{`{"kind":"isotonic","isotonic":{"x":[0,1],"y":[0.5,0.1]}}`, ErrCalibrator},
		{`{"kind":"isotonic","isotonic":{"x":[0,1],"y":[0.5,1.1]}}`, ErrCalibrator},
		{`{"kind":"isotonic","isotonic":{"x":[-1e308,1e308],"y":[0,1]}}`, ErrCalibrator},
		{`{"kind":"none","extra":1}`, nil},
		{`{"kind":"platt","platt":{"a":-1,"b":0,"c":3,"input":"score"}}`, nil},
		{`[1]`, nil},
	}
	for _, tt := range tests {
		var c Calibrator
		err := json.Unmarshal([]byte(tt.json), &c)
		if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
			t.Errorf("%s: error %v, want %v", tt.json, err, tt.want)
		}
	}
}

// A hand-built calibrator that does not validate predicts NaN, never a
// number it cannot stand for.
func TestApplyInvalidIsNaN(t *testing.T) {
	for _, c := range []Calibrator{{}, {Kind: KindPlatt}, {Kind: KindIsotonic, Isotonic: &Isotonic{X: []float64{1, 0}, Y: []float64{0, 1}}}} {
		if got := c.Apply([]float64{0.5}); !math.IsNaN(got[0]) {
			t.Errorf("%+v: Apply = %v, want NaN", c, got)
		}
	}
}

// FuzzCalibratorJSON decodes anything without panicking; what decodes is
// valid, predicts probabilities (or NaN) for Platt and isotonic maps, and
// survives a round trip.
func FuzzCalibratorJSON(f *testing.F) {
	for _, s := range []string{
		`{"kind":"none"}`,
		`{"kind":"platt","platt":{"a":-1,"b":0.5,"input":"logit"}}`,
		`{"kind":"isotonic","isotonic":{"x":[0,1e-15,10],"y":[0,0.2,0.7]}}`,
		`{"kind":"isotonic","isotonic":{"x":[5],"y":[1]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var c Calibrator
		if json.Unmarshal(b, &c) != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("decoded an invalid calibrator: %v", err)
		}
		checkProbabilityOutput(t, c)
		checkRoundTrip(t, c)
	})
}

// checkRoundTrip fails t when c does not come back equal through JSON.
func checkRoundTrip(t *testing.T, c Calibrator) {
	t.Helper()
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Calibrator
	if err := json.Unmarshal(out, &back); err != nil || !reflect.DeepEqual(back, c) {
		t.Fatalf("round trip of %s: %v, %+v", out, err, back)
	}
}

// checkProbabilityOutput fails t when a Platt or isotonic map gives
// anything but a probability or NaN, from tiny to huge scores.
func checkProbabilityOutput(t *testing.T, c Calibrator) {
	t.Helper()
	scores := []float64{math.Inf(-1), -1e300, -3, 0, 1e-15, 0.5, 1, 7, 1e300, math.Inf(1)}
	if c.Kind == KindNone {
		return
	}
	for i, p := range c.Apply(scores) {
		if !math.IsNaN(p) && !(p >= 0 && p <= 1) {
			t.Fatalf("%+v: Apply(%v) = %v", c, scores[i], p)
		}
	}
}

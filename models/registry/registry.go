// Package registry keeps segmint's trained models: versioned model files
// (JSON a person can read) with their features and encodings, training
// window, seed and metrics, a champion pointer per model, and the
// champion/challenger check that decides whether a newly trained model
// replaces the champion.
//
// Layout in the store (DESIGN.md):
//
//	models/<model>/<version>/model.json     the model file
//	models/<model>/<version>/metrics.json   its metrics and, once decided, the promotion decision
//	models/<model>/champion.json            which version scores, and the history of champions
//
// A person can promote a version or roll the champion back (manual.go);
// every change of champion, nightly or by hand, is appended to the
// history in champion.json (history.go).
//
// A version is the first 16 hex digits of the model file's SHA-256, so the
// same data and seed give the same version, and a version names its content.
package registry

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/objio"
	"github.com/segmint/segmint/models/calibrate"
	"github.com/segmint/segmint/models/eval"
	"github.com/segmint/segmint/models/frame"
)

// FormatV1 marks segmint model files.
const FormatV1 = "segmint-model/1"

// File is one trained model as saved. Everything in it is a function of the
// training data, the parameters and the seed (no wall-clock time), so
// retraining on the same data writes the same bytes.
type File struct {
	Format string `json:"format"`
	Name   string `json:"name"`
	// Kind is the learner: gbdt, logreg, kmeans, bgnbd.
	Kind string `json:"kind"`
	// Task is binary, regression or clustering.
	Task     string          `json:"task"`
	Label    *Label          `json:"label,omitempty"`
	Features []frame.Feature `json:"features,omitempty"`
	// Dropped are input columns left out of the features, with why.
	Dropped []Dropped `json:"dropped,omitempty"`
	Window  *Window   `json:"training_window,omitempty"`
	Seed    uint64    `json:"seed"`
	Rows    Rows      `json:"rows"`
	// Metrics are holdout metrics by name (auc, pr_auc, log_loss, brier,
	// mae, rmse, ...). JSON writes map keys sorted.
	Metrics map[string]float64 `json:"metrics"`
	Params  json.RawMessage    `json:"params,omitempty"`
	Model   json.RawMessage    `json:"model"`
	// Calibration maps a binary model's raw probability to a calibrated
	// one (models/calibrate), fitted on held-out rows; nil when the model
	// is used as it predicts.
	Calibration *calibrate.Calibrator `json:"calibration,omitempty"`
	// Selection is the model fitted on an older window that chose this
	// model's learner and settings and was measured on a holdout this one
	// learnt from; a later challenger is compared with it, on its own
	// holdout, since this model has seen those outcomes. Nil for a model
	// that is its own selection.
	Selection *File `json:"selection,omitempty"`
	// Offset, for a regression, makes the model predict the difference
	// from one of its features (see Offset); nil when it predicts the label.
	Offset *Offset `json:"offset,omitempty"`
	// Evaluation holds the curves of the holdout the metrics were
	// measured on (ROC, lift, calibration; predicted against actual
	// value), for the report; nil when none was computed.
	Evaluation *eval.Evaluation `json:"evaluation,omitempty"`
}

// Offset is a regression model's baseline: the model learnt the label
// minus the feature Column, and a prediction is that feature's value plus
// the model's output, raised to Floor when it falls below. A model that
// learns where to depart from "repeat the last period" is such a model.
type Offset struct {
	Column string  `json:"column"`
	Floor  float64 `json:"floor"`
}

// Label names the label column and, for a binary task, its positive value.
type Label struct {
	Column   string `json:"column"`
	Positive string `json:"positive,omitempty"`
}

// Dropped is an input column that is not a feature.
type Dropped struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// Window is the training data's time window (dates as YYYY-MM-DD).
type Window struct {
	From string `json:"from,omitempty"`
	To   string `json:"to"`
}

// Rows counts the rows used to train and to evaluate.
type Rows struct {
	Train   int `json:"train"`
	Holdout int `json:"holdout"`
}

// Marshal renders the file as indented JSON. Non-finite metrics are refused:
// JSON has no NaN.
func (f *File) Marshal() ([]byte, error) {
	if f.Format == "" {
		f.Format = FormatV1
	}
	for k, v := range f.Metrics {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("model %s: metric %s is %v", f.Name, k, v)
		}
	}
	b, err := marshal(f)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", f.Name, err)
	}
	return b, nil
}

// marshal renders v as indented JSON without HTML escaping, so a level such
// as "R&D" reads as it is.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Unmarshal reads a model file and checks its format.
func Unmarshal(b []byte) (*File, error) {
	var f File
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("model file: %w", err)
	}
	if f.Format != FormatV1 {
		return nil, fmt.Errorf("model file: format %q, want %q", f.Format, FormatV1)
	}
	if len(f.Model) == 0 {
		return nil, fmt.Errorf("model file %s: no model", f.Name)
	}
	return &f, nil
}

// WriteFile saves the model file at path (written to a temporary file and
// renamed, so a reader never sees half a model).
func (f *File) WriteFile(path string) error {
	b, err := f.Marshal()
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write model: %w", err)
	}
	return nil
}

// ReadFile loads a model file from path.
func ReadFile(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	return Unmarshal(b)
}

// Version is the content version of a marshalled model file.
func Version(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// Storage is the object store the registry keeps its files in: the two
// methods it uses of lib/store's Store, which every store satisfies as it
// is. Get of a missing key must return an error that matches
// fs.ErrNotExist (errors.Is), as lib/store's ErrNotFound does.
type Storage interface {
	// Put stores the whole content of r under key, replacing any object
	// there; the object becomes visible only once complete.
	Put(ctx context.Context, key string, r io.Reader) error
	// Get opens an object for reading.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
}

// Registry keeps model files in a store.
type Registry struct {
	st  Storage
	log zerolog.Logger
	now func() time.Time // dates the changes of champion
}

// New returns a registry over st. It dates the changes of champion in the
// history by the wall clock; WithClock gives it another clock.
func New(st Storage, log zerolog.Logger) *Registry {
	return &Registry{st: st, log: log, now: time.Now}
}

// WithClock returns a copy of r that dates the changes of champion by now.
func (r *Registry) WithClock(now func() time.Time) *Registry {
	c := *r
	c.now = now
	return &c
}

// ErrNoChampion is returned by Champion for a model without one.
var ErrNoChampion = errors.New("no champion")

func modelKey(name, version string) string { return "models/" + name + "/" + version + "/model.json" }
func metricsKey(name, version string) string {
	return "models/" + name + "/" + version + "/metrics.json"
}

// ChampionKey is the key of a model's champion pointer.
func ChampionKey(name string) string { return "models/" + name + "/champion.json" }

// Save writes the model file (and its metrics beside it) under its content
// version and returns the version. Saving the same model twice writes the
// same objects.
func (r *Registry) Save(ctx context.Context, f *File) (string, error) {
	if !objio.CleanElements(f.Name) {
		return "", fmt.Errorf("model name %q: not usable in a key", f.Name)
	}
	b, err := f.Marshal()
	if err != nil {
		return "", err
	}
	v := Version(b)
	m := Metrics{Name: f.Name, Version: v, Metrics: f.Metrics, Rows: f.Rows, Window: f.Window, Evaluation: f.Evaluation}
	if m.Decision, err = r.savedDecision(ctx, f.Name, v); err != nil {
		return "", err
	}
	if err := putJSON(ctx, r.st, metricsKey(f.Name, v), m); err != nil {
		return "", err
	}
	if err := r.st.Put(ctx, modelKey(f.Name, v), bytes.NewReader(b)); err != nil {
		return "", fmt.Errorf("save model %s: %w", f.Name, err)
	}
	return v, nil
}

// savedDecision is the decision the metrics.json of a version already
// holds: the same content saved again (a redo trains the champion again)
// keeps it. None when there is no such file or it does not decode.
func (r *Registry) savedDecision(ctx context.Context, name, version string) (*Decision, error) {
	b, err := objio.ReadAll(ctx, r.st, metricsKey(name, version))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("save model %s: %w", name, err)
	}
	var m Metrics
	if json.Unmarshal(b, &m) != nil {
		return nil, nil
	}
	return m.Decision, nil
}

// Load reads one version of a model.
func (r *Registry) Load(ctx context.Context, name, version string) (*File, error) {
	b, err := objio.ReadAll(ctx, r.st, modelKey(name, version))
	if err != nil {
		return nil, fmt.Errorf("load model %s %s: %w", name, version, err)
	}
	return decode(name, version, b)
}

// decode reads the model file b, stored as version of model name, and
// checks that its content is that version.
func decode(name, version string, b []byte) (*File, error) {
	if Version(b) != version {
		return nil, fmt.Errorf("load model %s %s: content does not match its version (%s)", name, version, Version(b))
	}
	return Unmarshal(b)
}

// Metrics is the metrics.json beside a model file.
type Metrics struct {
	Name     string             `json:"name"`
	Version  string             `json:"version"`
	Metrics  map[string]float64 `json:"metrics"`
	Rows     Rows               `json:"rows"`
	Window   *Window            `json:"training_window,omitempty"`
	Decision *Decision          `json:"decision,omitempty"`
	// Evaluation is the model file's, for a report to draw.
	Evaluation *eval.Evaluation `json:"evaluation,omitempty"`
}

// ReadMetrics reads the metrics.json of one version of model name; nil
// when it has none.
func (r *Registry) ReadMetrics(ctx context.Context, name, version string) (*Metrics, error) {
	b, err := objio.ReadAll(ctx, r.st, metricsKey(name, version))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("model %s %s metrics: %w", name, version, err)
	}
	var m Metrics
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("model %s %s metrics: %w", name, version, err)
	}
	return &m, nil
}

// Pointer is champion.json: the version that scores, the decision that
// made it champion, and every change of champion before.
type Pointer struct {
	Name     string   `json:"name"`
	Version  string   `json:"version"`
	Decision Decision `json:"decision"`
	// History lists the changes of champion, oldest first, the last one
	// the change to Version. A pointer written before segmint kept the
	// history has none.
	History []Change `json:"history,omitempty"`
}

// Champion reads a model's champion pointer; ErrNoChampion when there is none.
func (r *Registry) Champion(ctx context.Context, name string) (*Pointer, error) {
	b, err := objio.ReadAll(ctx, r.st, ChampionKey(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("model %s: %w", name, ErrNoChampion)
	}
	if err != nil {
		return nil, fmt.Errorf("model %s champion: %w", name, err)
	}
	var p Pointer
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("model %s champion: %w", name, err)
	}
	return &p, nil
}

// Decision is the champion/challenger check's outcome with its figures.
// Both metrics must be measured on the same holdout rows.
type Decision struct {
	Metric            string  `json:"metric"`
	HigherIsBetter    bool    `json:"higher_is_better"`
	Tolerance         float64 `json:"tolerance"`
	Challenger        string  `json:"challenger"`
	ChallengerValue   float64 `json:"challenger_value"`
	Champion          string  `json:"champion,omitempty"`
	ChampionValue     float64 `json:"champion_value,omitempty"`
	Promote           bool    `json:"promote"`
	Reason            string  `json:"reason"`
	ChampionAvailable bool    `json:"champion_available"`
}

// Decide applies the promotion check: with no champion the challenger is
// promoted; otherwise it replaces the champion only when its metric is not
// worse than the champion's by more than tolerance (in the metric's units).
func Decide(metric string, higherIsBetter bool, tolerance float64, challenger string, challengerValue float64, champion *Pointer, championValue float64) Decision {
	d := Decision{Metric: metric, HigherIsBetter: higherIsBetter, Tolerance: tolerance, Challenger: challenger, ChallengerValue: challengerValue}
	if math.IsNaN(challengerValue) {
		d.Reason = "challenger's " + metric + " is not a number"
		return d
	}
	if champion == nil {
		d.Promote, d.Reason = true, "no champion yet"
		return d
	}
	d.Champion, d.ChampionValue, d.ChampionAvailable = champion.Version, championValue, true
	if champion.Version == challenger {
		d.Promote, d.Reason = true, "challenger is the champion (same content)"
		return d
	}
	worse := championValue - challengerValue
	if !higherIsBetter {
		worse = -worse
	}
	if worse > tolerance {
		d.Reason = fmt.Sprintf("%s worse than the champion by %.4f, more than the tolerance %.4f", metric, worse, tolerance)
		return d
	}
	d.Promote = true
	if worse > 0 {
		d.Reason = fmt.Sprintf("%s worse than the champion by %.4f, within the tolerance %.4f", metric, worse, tolerance)
	} else {
		d.Reason = fmt.Sprintf("%s not worse than the champion (%+.4f)", metric, -worse)
	}
	return d
}

// Record logs the decision with its figures, writes it into the
// challenger's metrics.json, and, when it promotes, points champion.json at
// the challenger, appending the change to its history. The champion
// pointer is written last.
func (r *Registry) Record(ctx context.Context, name string, d Decision) error {
	r.logDecision(name, d)
	if err := r.annotate(ctx, name, d); err != nil {
		return err
	}
	if !d.Promote {
		return nil
	}
	cur, err := r.currentChampion(ctx, name)
	if err != nil {
		return err
	}
	_, err = r.moveChampion(ctx, name, cur, d, Change{Action: ActionCheck, Reason: d.Reason})
	return err
}

// currentChampion is a model's champion pointer, nil when it has none.
func (r *Registry) currentChampion(ctx context.Context, name string) (*Pointer, error) {
	p, err := r.Champion(ctx, name)
	if errors.Is(err, ErrNoChampion) {
		return nil, nil
	}
	return p, err
}

// logDecision logs the decision on the model with its figures.
func (r *Registry) logDecision(name string, d Decision) {
	ev := r.log.Info().Str(logging.FieldModel, name).Str(logging.FieldMetric, d.Metric).
		Str(logging.FieldChallenger, d.Challenger).Float64(logging.FieldChallengerValue, d.ChallengerValue).
		Float64(logging.FieldTolerance, d.Tolerance).Bool(logging.FieldPromote, d.Promote).Str(logging.FieldReason, d.Reason)
	if d.ChampionAvailable {
		ev = ev.Str(logging.FieldChampion, d.Champion).Float64(logging.FieldChampionValue, d.ChampionValue)
	}
	ev.Msg("champion/challenger decision")
}

// annotate writes the decision into the challenger's metrics.json.
func (r *Registry) annotate(ctx context.Context, name string, d Decision) error {
	b, err := objio.ReadAll(ctx, r.st, metricsKey(name, d.Challenger))
	if err != nil {
		return fmt.Errorf("record decision for %s %s: %w", name, d.Challenger, err)
	}
	var m Metrics
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("record decision for %s %s: %w", name, d.Challenger, err)
	}
	m.Decision = &d
	return putJSON(ctx, r.st, metricsKey(name, d.Challenger), m)
}

// putJSON writes v at key, encoded as marshal does.
func putJSON(ctx context.Context, st Storage, key string, v any) error {
	b, err := marshal(v)
	if err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	if err := st.Put(ctx, key, bytes.NewReader(b)); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

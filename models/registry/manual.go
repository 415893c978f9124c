package registry

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/objio"
	"github.com/segmint/segmint/models/frame"
)

// ErrRefused marks a change of champion, or a look-up, that the registry
// refuses because of what was asked (an unknown model or version, a file
// that does not load, a version the score step could not use), as
// opposed to a store that failed.
var ErrRefused = errors.New("refused")

// Request is a person's change of a model's champion.
type Request struct {
	// Model names the model; Version is the version Promote makes champion.
	Model, Version string
	// Reason says why; By names who.
	Reason, By string
	// Check, when set, must accept the model file before it becomes
	// champion: that the score step can decode its model, which the
	// registry cannot tell (models/learn and models/clv import it).
	Check func(*File) error
}

// Promote makes req.Version champion of req.Model by hand. It refuses a
// version that does not exist, does not load or fails req.Check, and one
// the score step could not use where it uses the champion (see
// incompatibility). The decision, with Reason "promoted by hand: " and
// req.Reason, goes into the version's metrics.json, then champion.json.
func (r *Registry) Promote(ctx context.Context, req Request) (*Pointer, error) {
	cur, err := r.currentChampion(ctx, req.Model)
	if err != nil {
		return nil, err
	}
	if cur != nil && cur.Version == req.Version {
		return nil, fmt.Errorf("%w: %s is already the champion of %s", ErrRefused, req.Version, req.Model)
	}
	c := Change{Action: ActionPromote, By: req.By, Reason: "promoted by hand: " + req.Reason}
	return r.handOver(ctx, req, cur, req.Version, c)
}

// Rollback makes the champion before the current one champion again: the
// version under the top of the history's Lineage. It checks that version
// as Promote does.
func (r *Registry) Rollback(ctx context.Context, req Request) (*Pointer, error) {
	cur, err := r.Champion(ctx, req.Model)
	if errors.Is(err, ErrNoChampion) {
		return nil, fmt.Errorf("%w: %w", ErrRefused, err)
	}
	if err != nil {
		return nil, err
	}
	line := Lineage(cur)
	if len(line) < 2 {
		return nil, fmt.Errorf("%w: model %s has no earlier champion in its history", ErrRefused, req.Model)
	}
	c := Change{Action: ActionRollback, By: req.By, Reason: rollbackReason(cur.Version, req.Reason)}
	return r.handOver(ctx, req, cur, line[len(line)-2], c)
}

// rollbackReason is the reason of a rollback from version from.
func rollbackReason(from, why string) string {
	if why == "" {
		return "rolled back by hand from " + from
	}
	return "rolled back by hand from " + from + ": " + why
}

// handOver checks version and makes it champion by hand, replacing cur
// (nil for none), with change c. The version's metrics.json gets the
// decision first and champion.json, with its history, moves last: a
// crash between the two leaves the old champion scoring and a decision in
// metrics.json that no pointer names, which running the command again
// repairs.
func (r *Registry) handOver(ctx context.Context, req Request, cur *Pointer, version string, c Change) (*Pointer, error) {
	f, err := r.candidate(ctx, req, version)
	if err != nil {
		return nil, err
	}
	if err := r.compatible(ctx, req.Model, cur, f); err != nil {
		return nil, err
	}
	d := handDecision(cur, f, version, c.Reason)
	if err := r.annotate(ctx, req.Model, d); err != nil {
		return nil, err
	}
	r.log.Info().Str(logging.FieldModel, req.Model).Str(logging.FieldVersion, version).Str(logging.FieldChampion, d.Champion).
		Str(logging.FieldReason, c.Reason).Msg("champion changed by hand")
	return r.moveChampion(ctx, req.Model, cur, d, c)
}

// candidate loads version of req.Model and runs req.Check on it; a
// version that is missing or does not load is refused.
func (r *Registry) candidate(ctx context.Context, req Request, version string) (*File, error) {
	b, err := r.read(ctx, modelKey, req.Model, version)
	if err != nil {
		return nil, err
	}
	f, err := decode(req.Model, version, b)
	if err == nil && req.Check != nil {
		err = req.Check(f)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s %s does not load: %w", ErrRefused, req.Model, version, err)
	}
	return f, nil
}

// read reads the object key(name, version): a name or version that is not
// one key element, or a missing object, is refused.
func (r *Registry) read(ctx context.Context, key func(name, version string) string, name, version string) ([]byte, error) {
	if !element(name) || !element(version) {
		return nil, fmt.Errorf("%w: %q %q is not a model and version", ErrRefused, name, version)
	}
	b, err := objio.ReadAll(ctx, r.st, key(name, version))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: model %s has no version %s", ErrRefused, name, version)
	}
	return b, err
}

// element reports whether s can be one element of a key.
func element(s string) bool { return objio.CleanElements(s) && !strings.Contains(s, "/") }

// compatible refuses a file f that could not replace the champion cur of
// model name where the score step uses it.
func (r *Registry) compatible(ctx context.Context, name string, cur *Pointer, f *File) error {
	if f.Name != name {
		return fmt.Errorf("%w: the file is of model %q, not %s", ErrRefused, f.Name, name)
	}
	cf, err := r.championFile(ctx, name, cur)
	if cf == nil || err != nil {
		return err
	}
	if why := incompatibility(cf, f); why != "" {
		return fmt.Errorf("%w: %s cannot replace the champion %s: %s", ErrRefused, name, cur.Version, why)
	}
	return nil
}

// championFile is the file of the champion cur (nil for none) to compare
// a new one with. A champion file that is missing or does not load scores
// nothing, so it is nil then, with a warning, and any valid file may
// replace it; a store that fails is an error.
func (r *Registry) championFile(ctx context.Context, name string, cur *Pointer) (*File, error) {
	if cur == nil {
		return nil, nil
	}
	b, err := r.read(ctx, modelKey, name, cur.Version)
	if err != nil && !errors.Is(err, ErrRefused) {
		return nil, err
	}
	var f *File
	if f, err = decodeRead(name, cur.Version, b, err); err == nil {
		return f, nil
	}
	r.log.Warn().Str(logging.FieldModel, name).Str(logging.FieldChampion, cur.Version).Err(err).
		Msg("the champion does not load: the new one is not compared with it")
	return nil, nil
}

// decodeRead decodes b, read as version of model name, unless reading
// failed with err.
func decodeRead(name, version string, b []byte, err error) (*File, error) {
	if err != nil {
		return nil, err
	}
	return decode(name, version, b)
}

// incompatibility says why the score step, which builds the champion's
// features and reads its label's meaning, could not use f in champ's
// place; "" when it could. The task and the label (column and positive
// value) must be the same, and every feature of f must be one of champ's
// with the same kind and date flag: the score step conforms its frame to
// the file's features by name and kind, and recodes categorical levels,
// so other levels, another order or fewer features are fine, as is
// another learner that Check decodes.
func incompatibility(champ, f *File) string {
	if champ.Task != f.Task {
		return fmt.Sprintf("its task is %s, the champion's %s", f.Task, champ.Task)
	}
	if labelText(champ.Label) != labelText(f.Label) {
		return fmt.Sprintf("its label is %s, the champion's %s", labelText(f.Label), labelText(champ.Label))
	}
	return featureProblem(champ.Features, f.Features)
}

// featureProblem names the first of feats that is not among have with the
// same kind and date flag; "" when there is none.
func featureProblem(have, feats []frame.Feature) string {
	byName := make(map[string]frame.Feature, len(have))
	for _, ft := range have {
		byName[ft.Name] = ft
	}
	for _, ft := range feats {
		c, ok := byName[ft.Name]
		if !ok {
			return fmt.Sprintf("its feature %q is not one of the champion's, which the score step computes", ft.Name)
		}
		if c.Kind != ft.Kind || c.Date != ft.Date {
			return fmt.Sprintf("its feature %q is %s, the champion's %s", ft.Name, featureKind(ft), featureKind(c))
		}
	}
	return ""
}

// featureKind is a feature's kind, "date" for a numeric date.
func featureKind(ft frame.Feature) string {
	if ft.Date {
		return "date"
	}
	return ft.Kind
}

// labelText renders a label as column=positive, "none" for none.
func labelText(l *Label) string {
	if l == nil {
		return "none"
	}
	return l.Column + "=" + l.Positive
}

// handDecision is the decision of a change by hand to version (file f),
// replacing cur (nil for none), with reason. It names the champion's
// metric with f's holdout value of it, but no champion value: the two
// were not measured on the same holdout rows.
func handDecision(cur *Pointer, f *File, version, reason string) Decision {
	d := Decision{Challenger: version, Promote: true, Reason: reason}
	if cur != nil {
		d.Metric, d.HigherIsBetter, d.Champion = cur.Decision.Metric, cur.Decision.HigherIsBetter, cur.Version
		d.ChallengerValue = f.Metrics[d.Metric]
	}
	return d
}

package registry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/models/frame"
)

// A person promotes an older version, then rolls back three times: to the
// champion before the promotion, then down the nightly promotions, until
// there is no earlier champion.
func TestPromoteThenRollBack(t *testing.T) {
	r := newTestRegistry(store.NewMem())
	vs := champions(t, r, 0.80, 0.81, 0.82)
	p, err := r.Promote(t.Context(), Request{Model: "churn", Version: vs[0], Reason: "v3 scores oddly", By: "ana"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != vs[0] || p.Decision.Reason != "promoted by hand: v3 scores oddly" || p.Decision.Champion != vs[2] ||
		p.Decision.Metric != "auc" || p.Decision.ChallengerValue != 0.80 || p.Decision.ChampionAvailable {
		t.Errorf("pointer after promote: %+v", p)
	}
	if got := champion(t, r); !reflect.DeepEqual(got, p) {
		t.Errorf("stored pointer %+v, returned %+v", got, p)
	}
	if d := readMetrics(t, r, vs[0]).Decision; d == nil || *d != p.Decision {
		t.Errorf("metrics.json decision %+v, want the pointer's %+v", d, p.Decision)
	}
	last := p.History[len(p.History)-1]
	if want := (Change{At: "2010-12-10T06:30:00Z", Action: ActionPromote, Version: vs[0], Previous: vs[2], By: "ana", Reason: "promoted by hand: v3 scores oddly"}); last != want {
		t.Errorf("history entry %+v, want %+v", last, want)
	}
	for _, want := range []string{vs[2], vs[1], vs[0]} {
		p, err := r.Rollback(t.Context(), Request{Model: "churn", Reason: "undo", By: "ana"})
		if err != nil || p.Version != want || champion(t, r).Version != want {
			t.Fatalf("rollback: %v, champion %+v, want %s", err, p, want)
		}
		if !strings.HasPrefix(p.Decision.Reason, "rolled back by hand from ") || readMetrics(t, r, want).Decision.Reason != p.Decision.Reason {
			t.Errorf("rollback decision %+v", p.Decision)
		}
	}
	if _, err := r.Rollback(t.Context(), Request{Model: "churn"}); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "no earlier champion") {
		t.Errorf("rollback past the first champion: %v", err)
	}
	if n := len(champion(t, r).History); n != 7 {
		t.Errorf("history has %d entries, want 3 promotions by the check, 1 by hand, 3 rollbacks", n)
	}
}

// other is the sample with its file changed by edit (and its AUC, so that
// it is another version).
func other(edit func(f *File)) *File {
	f := sample(0.6)
	edit(f)
	return f
}

func TestPromoteRefuses(t *testing.T) {
	st := store.NewMem()
	r := newTestRegistry(st)
	vs := champions(t, r, 0.8)
	save := func(f *File) string {
		v, err := r.Save(t.Context(), f)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tampered := save(sample(0.7))
	if err := store.PutBytes(t.Context(), st, modelKey("churn", tampered), []byte(`{"format":"segmint-model/1","model":{}}`)); err != nil {
		t.Fatal(err)
	}
	foreign := other(func(f *File) { f.Name = "upsell" })
	b, _ := foreign.Marshal()
	if err := store.PutBytes(t.Context(), st, modelKey("churn", Version(b)), b); err != nil {
		t.Fatal(err)
	}
	numericChannel := []frame.Feature{{Name: "recency", Kind: "numeric"}, {Name: "channel", Kind: "numeric"}}
	cases := []struct {
		name, version, why string
		check              func(*File) error
	}{
		{"unknown version", "0123456789abcdef", "has no version", nil},
		{"not a key element", "../x", "is not a model and version", nil},
		{"already the champion", vs[0], "already the champion", nil},
		{"content does not match its version", tampered, "does not match", nil},
		{"the check fails", save(sample(0.71)), "trees: bad", func(*File) error { return errors.New("trees: bad") }},
		{"another model's file", Version(b), `of model "upsell"`, nil},
		{"another task", save(other(func(f *File) { f.Task = "regression" })), "task is regression", nil},
		{"another label", save(other(func(f *File) { f.Label.Column = "left" })), "label is left=1, the champion's churned=1", nil},
		{"another positive", save(other(func(f *File) { f.Label.Positive = "yes" })), "label is churned=yes", nil},
		{"a feature the champion lacks", save(other(func(f *File) { f.Features = append(f.Features, frame.Feature{Name: "tenure", Kind: "numeric"}) })), `feature "tenure" is not one of the champion's`, nil},
		{"a feature of another kind", save(other(func(f *File) { f.Features = numericChannel })), `feature "channel" is numeric, the champion's categorical`, nil},
		{"a date feature", save(other(func(f *File) { f.Features[0].Date = true })), `feature "recency" is date, the champion's numeric`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := r.Promote(t.Context(), Request{Model: "churn", Version: c.version, Reason: "x", Check: c.check})
			if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), c.why) {
				t.Errorf("error %v, want refused, %q", err, c.why)
			}
			if p := champion(t, r); p.Version != vs[0] || len(p.History) != 1 {
				t.Errorf("a refused promotion changed the champion: %+v", p)
			}
		})
	}
}

// What the score step can use is promoted: other levels, fewer features
// in another order, another learner.
func TestPromoteAcceptsWhatTheScoreStepCanUse(t *testing.T) {
	r := newTestRegistry(store.NewMem())
	champions(t, r, 0.8)
	f := other(func(f *File) {
		f.Kind = "logreg"
		f.Features = []frame.Feature{{Name: "channel", Kind: "categorical", Levels: []string{"email", "social"}}}
	})
	v, _ := r.Save(t.Context(), f)
	if _, err := r.Promote(t.Context(), Request{Model: "churn", Version: v, Reason: "x"}); err != nil {
		t.Fatal(err)
	}
	if champion(t, r).Version != v {
		t.Errorf("champion %s, want %s", champion(t, r).Version, v)
	}
}

// A champion whose file is gone scores nothing: any valid version may
// replace it, without the comparison.
func TestPromoteOverAChampionWithoutFile(t *testing.T) {
	st := mapStorage{}
	r := newTestRegistry(st)
	vs := champions(t, r, 0.8)
	delete(st, modelKey("churn", vs[0]))
	v, _ := r.Save(t.Context(), other(func(f *File) { f.Label.Column = "left" }))
	if _, err := r.Promote(t.Context(), Request{Model: "churn", Version: v, Reason: "the champion's file is lost"}); err != nil {
		t.Fatal(err)
	}
	if champion(t, r).Version != v {
		t.Errorf("champion %s, want %s", champion(t, r).Version, v)
	}
}

// failing is a Storage that records the keys it is asked to put and fails
// the reads and writes of the keys in fail.
type failing struct {
	mapStorage
	fail map[string]bool
	puts []string
}

var errDown = errors.New("store down")

func (f *failing) Put(ctx context.Context, key string, r io.Reader) error {
	f.puts = append(f.puts, key)
	if f.fail[key] {
		return errDown
	}
	return f.mapStorage.Put(ctx, key, r)
}

func (f *failing) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if f.fail[key] {
		return nil, fmt.Errorf("get %s: %w", key, errDown)
	}
	return f.mapStorage.Get(ctx, key)
}

// champion.json is written last, and a store that fails is a failure, not
// a refusal: the champion stays as it was.
func TestPromoteWritesThePointerLast(t *testing.T) {
	st := &failing{mapStorage: mapStorage{}, fail: map[string]bool{}}
	r := newTestRegistry(st)
	vs := champions(t, r, 0.8, 0.81)
	st.puts = nil
	if _, err := r.Promote(t.Context(), Request{Model: "churn", Version: vs[0], Reason: "x"}); err != nil {
		t.Fatal(err)
	}
	if want := []string{metricsKey("churn", vs[0]), ChampionKey("churn")}; !reflect.DeepEqual(st.puts, want) {
		t.Errorf("puts %v, want %v", st.puts, want)
	}
	st.fail[ChampionKey("churn")] = true
	if _, err := r.Rollback(t.Context(), Request{Model: "churn"}); !errors.Is(err, errDown) || errors.Is(err, ErrRefused) {
		t.Errorf("rollback on a failing store: %v", err)
	}
	delete(st.fail, ChampionKey("churn"))
	st.fail[modelKey("churn", vs[1])] = true
	if _, err := r.Rollback(t.Context(), Request{Model: "churn"}); !errors.Is(err, errDown) || errors.Is(err, ErrRefused) {
		t.Errorf("rollback when the model file cannot be read: %v", err)
	}
	if p := champion(t, r); p.Version != vs[0] {
		t.Errorf("champion %s after failures, want %s", p.Version, vs[0])
	}
}

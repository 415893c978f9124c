package registry

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/segmint/segmint/lib/store"
)

func memKeys(st *store.Mem) Keys {
	return func(ctx context.Context, prefix string) ([]string, error) {
		return store.Keys(ctx, st, prefix)
	}
}

func TestModelsAndVersions(t *testing.T) {
	st := store.NewMem()
	r := newTestRegistry(st)
	windows := []*Window{{From: "2010-01-01", To: "2010-06-30"}, {From: "2010-01-01", To: "2010-12-09"}, {From: "2010-03-01", To: "2010-06-30"}}
	var vs []string
	for i, w := range windows {
		v, _ := r.Save(t.Context(), other(func(f *File) { f.Window, f.Metrics["auc"] = w, float64(i)/10 }))
		vs = append(vs, v)
	}
	if err := r.Record(t.Context(), "churn", Decide("auc", true, 0, vs[0], 0, nil, 0)); err != nil {
		t.Fatal(err)
	}
	up := sample(0.7)
	up.Name = "upsell"
	if _, err := r.Save(t.Context(), up); err != nil {
		t.Fatal(err)
	}
	// Neither the decisions dataset nor a stray file is a model.
	_ = store.PutBytes(t.Context(), st, "models/_decisions/dt=2010-12-09/manifest.json", []byte("{}"))
	_ = store.PutBytes(t.Context(), st, "models/churn/notes.txt", []byte("x"))
	names, err := Models(t.Context(), memKeys(st))
	if err != nil || !reflect.DeepEqual(names, []string{"churn", "upsell"}) {
		t.Fatalf("models %v %v", names, err)
	}
	sums, err := r.Versions(t.Context(), memKeys(st), "churn")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range sums {
		got = append(got, fmt.Sprintf("%s %v %v", s.Version, s.Champion, s.Metrics != nil && s.File != nil))
	}
	want := []string{vs[1] + " false true", vs[2] + " false true", vs[0] + " true true"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("versions\n%v\nwant newest window first\n%v", got, want)
	}
	if _, err := r.Versions(t.Context(), memKeys(st), "nope"); !errors.Is(err, ErrRefused) {
		t.Errorf("an unknown model: %v", err)
	}
	if _, err := r.Summarize(t.Context(), "churn", "0000000000000000"); !errors.Is(err, ErrRefused) {
		t.Errorf("an unknown version: %v", err)
	}
}

// A version whose file does not load is listed with the problem, not
// dropped, and a missing metrics.json is no error.
func TestSummarizeABrokenVersion(t *testing.T) {
	st := mapStorage{}
	r := newTestRegistry(st)
	v, _ := r.Save(t.Context(), sample(0.8))
	st[modelKey("churn", v)] = []byte("{")
	delete(st, metricsKey("churn", v))
	s, err := r.Summarize(t.Context(), "churn", v)
	if err != nil || s.File != nil || !strings.Contains(s.Problem, "does not match") || s.Metrics != nil || s.Window() != nil {
		t.Errorf("summary %+v %v", s, err)
	}
	if _, err := r.ReadMetrics(t.Context(), "churn", v); err != nil {
		t.Errorf("missing metrics.json: %v", err)
	}
}

package registry

import (
	"reflect"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/store"
)

var testNow = time.Date(2010, 12, 10, 6, 30, 0, 0, time.UTC)

func newTestRegistry(st Storage) *Registry {
	return New(st, zerolog.Nop()).WithClock(func() time.Time { return testNow })
}

// champions saves and promotes (by the check) one version per AUC, in
// order, and returns the versions.
func champions(t *testing.T, r *Registry, aucs ...float64) []string {
	t.Helper()
	var vs []string
	for _, auc := range aucs {
		v, err := r.Save(t.Context(), sample(auc))
		if err != nil {
			t.Fatal(err)
		}
		cur, _ := r.currentChampion(t.Context(), "churn")
		if err := r.Record(t.Context(), "churn", Decide("auc", true, 1, v, auc, cur, 0)); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	return vs
}

func champion(t *testing.T, r *Registry) *Pointer {
	t.Helper()
	p, err := r.Champion(t.Context(), "churn")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func readMetrics(t *testing.T, r *Registry, v string) *Metrics {
	t.Helper()
	m, err := r.ReadMetrics(t.Context(), "churn", v)
	if err != nil || m == nil {
		t.Fatalf("metrics of %s: %v %v", v, m, err)
	}
	return m
}

func TestRecordAppendsPromotionsToTheHistory(t *testing.T) {
	r := newTestRegistry(store.NewMem())
	vs := champions(t, r, 0.80, 0.81)
	// A decision that does not promote leaves the pointer and its history.
	v3, _ := r.Save(t.Context(), sample(0.5))
	if err := r.Record(t.Context(), "churn", Decide("auc", true, 0.005, v3, 0.5, champion(t, r), 0.81)); err != nil {
		t.Fatal(err)
	}
	p := champion(t, r)
	want := []Change{
		{At: "2010-12-10T06:30:00Z", Action: ActionCheck, Version: vs[0], Reason: "no champion yet"},
		{At: "2010-12-10T06:30:00Z", Action: ActionCheck, Version: vs[1], Previous: vs[0], Reason: p.Decision.Reason},
	}
	if p.Version != vs[1] || !reflect.DeepEqual(p.History, want) {
		t.Errorf("champion %s, history %+v\nwant %s, %+v", p.Version, p.History, vs[1], want)
	}
}

// A champion.json written before the history was kept still reads, and
// the first change after it records its champion as an earlier entry.
func TestPointerWithoutHistory(t *testing.T) {
	st := store.NewMem()
	r := newTestRegistry(st)
	v0, _ := r.Save(t.Context(), sample(0.7))
	old := `{"name":"churn","version":"` + v0 + `","decision":{"metric":"auc","challenger":"` + v0 + `","promote":true,"reason":"no champion yet"}}`
	if err := store.PutBytes(t.Context(), st, ChampionKey("churn"), []byte(old)); err != nil {
		t.Fatal(err)
	}
	if p := champion(t, r); p.Version != v0 || len(Lineage(p)) != 1 {
		t.Fatalf("old pointer: %+v, lineage %v", p, Lineage(p))
	}
	vs := champions(t, r, 0.8)
	p := champion(t, r)
	if len(p.History) != 2 || p.History[0].Action != ActionEarlier || p.History[0].Version != v0 || p.History[1].Previous != v0 {
		t.Fatalf("history %+v", p.History)
	}
	if _, err := r.Rollback(t.Context(), Request{Model: "churn"}); err != nil || champion(t, r).Version != v0 {
		t.Errorf("rollback from %s: %v, champion %s, want %s", vs[0], err, champion(t, r).Version, v0)
	}
}

func TestLineage(t *testing.T) {
	ch := func(action, v string) Change { return Change{Action: action, Version: v} }
	cases := []struct {
		name    string
		version string
		history []Change
		want    []string
	}{
		{"no history", "a", nil, []string{"a"}},
		{"promotions", "c", []Change{ch(ActionCheck, "a"), ch(ActionCheck, "b"), ch(ActionPromote, "c")}, []string{"a", "b", "c"}},
		{"rollbacks pop", "a", []Change{ch(ActionCheck, "a"), ch(ActionCheck, "b"), ch(ActionCheck, "c"), ch(ActionRollback, "b"), ch(ActionRollback, "a")}, []string{"a"}},
		{"promotion after a rollback", "d", []Change{ch(ActionCheck, "a"), ch(ActionCheck, "b"), ch(ActionRollback, "a"), ch(ActionCheck, "d")}, []string{"a", "d"}},
		{"same version twice", "a", []Change{ch(ActionCheck, "a"), ch(ActionCheck, "a")}, []string{"a"}},
		{"an older version by hand", "a", []Change{ch(ActionCheck, "a"), ch(ActionCheck, "b"), ch(ActionPromote, "a")}, []string{"a", "b", "a"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Lineage(&Pointer{Version: c.version, History: c.history}); !reflect.DeepEqual(got, c.want) {
				t.Errorf("lineage %v, want %v", got, c.want)
			}
		})
	}
}

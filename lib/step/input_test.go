package step_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
)

// noMeta stands for a manifest written before ingest recorded the meta.
const noMeta = "no meta"

type rawOrder struct {
	OrderID   string    `parquet:"order_id"`
	OrderedAt time.Time `parquet:"ordered_at,timestamp(microsecond)"`
}

// commitRaw commits raw/retail/orders for date with rows, and the meta
// newest_event_at unless meta is noMeta.
func commitRaw(t *testing.T, st store.Store, date string, rows []rawOrder, meta any) rundate.Date {
	t.Helper()
	d, err := rundate.Parse(date)
	if err != nil {
		t.Fatal(err)
	}
	w := dataset.NewWriter(st, dataset.Partition{Dataset: contract.Raw("retail", "orders"), Date: d}, "run", contract.StepIngest, "")
	if meta != noMeta {
		w.SetMeta(step.MetaNewestEvent, meta)
	}
	if err := dataset.WriteParquet(t.Context(), w, rows); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(t.Context(), time.Now()); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestEmptyNight(t *testing.T) {
	st := store.NewMem()
	cfg := &config.Config{Sources: []config.Source{
		{Name: "retail", Kind: config.FileDrop, Streams: []config.Stream{{Name: "orders", EventTime: "ordered_at"}}},
		{Name: "catalog", Kind: config.FileDrop, Streams: []config.Stream{{Name: "products"}}},
	}}
	env := step.Env{Store: st, Config: cfg, Log: zerolog.Nop()}
	last := time.Date(2010, 12, 9, 10, 0, 0, 0, time.UTC)

	// A partition written before the meta existed is read instead.
	d9 := commitRaw(t, st, "2010-12-09", []rawOrder{{"1", last.Add(-time.Hour)}, {"2", last}}, noMeta)
	if newest, ok, err := step.NewestInput(t.Context(), env, d9); err != nil || !ok || !newest.Equal(last) {
		t.Errorf("NewestInput from rows: %s %v %v", newest, ok, err)
	}
	if empty, err := step.EmptyNight(t.Context(), env, d9); empty || err != nil {
		t.Errorf("2010-12-09 holds input: empty %v, %v", empty, err)
	}

	d12 := commitRaw(t, st, "2010-12-12", []rawOrder{{"1", last}}, step.NewestEventMeta(last))
	_, err := step.EmptyNight(t.Context(), env, d12)
	if !step.IsUsage(err) || !strings.Contains(err.Error(), "after the newest input the sources hold (2010-12-09T10:00:00Z)") {
		t.Errorf("2010-12-12 without AllowEmpty: %v", err)
	}
	env.AllowEmpty = true
	if empty, err := step.EmptyNight(t.Context(), env, d12); !empty || err != nil {
		t.Errorf("2010-12-12 with AllowEmpty: empty %v, %v", empty, err)
	}

	// A partition without rows holds no input; no partition, nothing to
	// judge by.
	d13 := commitRaw(t, st, "2010-12-13", nil, step.NewestEventMeta(time.Time{}))
	if empty, err := step.EmptyNight(t.Context(), env, d13); !empty || err != nil {
		t.Errorf("no rows: empty %v, %v", empty, err)
	}
	d14, _ := rundate.Parse("2010-12-14")
	if empty, err := step.EmptyNight(t.Context(), env, d14); empty || err != nil {
		t.Errorf("no partition: empty %v, %v", empty, err)
	}
}

package metrics_test

import (
	"strings"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/metrics"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/runlog"
	"github.com/segmint/segmint/lib/store"
)

type row struct {
	ID int64 `parquet:"id"`
}

// commit writes n rows as a partition of ds through st, naming inputs.
func commit(t *testing.T, st store.Store, ds string, n int, inputs ...*dataset.Manifest) *dataset.Manifest {
	t.Helper()
	d := rundatetest.Parse(t, "2010-12-09")
	w := dataset.NewWriter(st, dataset.Partition{Dataset: ds, Date: d}, "run-1", "test", t.TempDir())
	for _, in := range inputs {
		w.AddInput(in)
	}
	rows := make([]row, n)
	for i := range rows {
		rows[i].ID = int64(i)
	}
	if err := dataset.WriteParquet(t.Context(), w, rows); err != nil {
		t.Fatal(err)
	}
	m, err := w.Commit(t.Context(), time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMeterCountsRowsAndBytes(t *testing.T) {
	ctx := t.Context()
	base := store.NewMem()
	// Inputs committed before the step, outside the meter.
	orders := commit(t, base, "unified/orders", 7)
	customers := commit(t, base, "unified/customers", 3)

	m := metrics.NewMeter(base)
	commit(t, m, "features/customers", 3, customers, orders)
	commit(t, m, "kpi/cohorts", 2, orders) // orders again: read once
	commit(t, m, "quarantine/retail/orders", 4)
	if err := store.PutBytes(ctx, m, "models/x/champion.json", []byte(`{"version":"v1"}`)); err != nil {
		t.Fatal(err)
	}
	if err := store.PutBytes(ctx, m, "bad//key", []byte("never stored")); err == nil {
		t.Fatal("put of an invalid key succeeded")
	}

	var want int64
	for _, prefix := range []string{"features/", "kpi/", "quarantine/", "models/"} {
		infos, err := base.List(ctx, prefix)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range infos {
			want += in.Size
		}
	}
	got := m.IO(map[string]int64{"scored": 99})
	wantIO := runlog.IO{RowsRead: 7 + 3, RowsWritten: 3 + 2, RowsQuarantined: 4, BytesWritten: want}
	if got != wantIO {
		t.Errorf("IO = %+v, want %+v", got, wantIO)
	}
	if want < 1000 {
		t.Errorf("only %d bytes stored: the test wrote no real files", want)
	}
}

func TestMeterAddsRowsReadFromSources(t *testing.T) {
	m := metrics.NewMeter(store.NewMem())
	stats := map[string]int64{
		"retail/orders.rows_read": 100, "retail/orders.rows_written": 90, "retail/orders.rows_quarantined": 10,
		"hubspot/contacts.records_seen": 25, "hubspot/contacts.pages": 3,
	}
	if got := m.IO(stats).RowsRead; got != 125 {
		t.Errorf("RowsRead = %d, want 125 (rows_read and records_seen)", got)
	}
	if !strings.HasSuffix(metrics.StoreKey("nightly"), "/segmint_nightly.prom") {
		t.Errorf("StoreKey = %s", metrics.StoreKey("nightly"))
	}
}

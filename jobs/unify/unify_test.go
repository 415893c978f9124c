package unify_test

import (
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/jobs/unify"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/connector"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
)

func writeRaw(t *testing.T, env step.Env, date string, recs ...connector.Record) {
	t.Helper()
	d := rundatetest.Parse(t, date)
	fields := []connector.Field{{Name: "email", Type: connector.String}}
	schema := connector.Schema("contacts", fields, false)
	rows, err := connector.Rows(schema, fields, recs, false)
	if err != nil {
		t.Fatal(err)
	}
	w := dataset.NewWriter(env.Store, dataset.Partition{Dataset: "raw/crm/contacts", Date: d}, "r", "ingest", "")
	if err := dataset.WriteRows(t.Context(), w, schema, rows); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(t.Context(), time.Now()); err != nil {
		t.Fatal(err)
	}
}

// TestTombstonesReachUnified: a contact deleted in the CRM (a tombstone in
// a later raw partition) is a tombstone in unified/crm_records, without its
// data; an update on a later day replaces the earlier version.
func TestTombstonesReachUnified(t *testing.T) {
	env := step.Env{
		Store: store.NewMem(), Log: zerolog.Nop(), RunID: "u", Now: time.Now,
		Config: &config.Config{Currency: "EUR", Sources: []config.Source{{Name: "crm", Kind: "hubspot", Streams: []config.Stream{{Name: "contacts"}}}}},
	}
	t0 := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	rec := func(id string, at time.Time, email string, deleted bool) connector.Record {
		return connector.Record{ID: id, Modified: at, Deleted: deleted, Fields: map[string]any{"email": email}}
	}
	writeRaw(t, env, "2024-03-01", rec("1", t0, "old@x.io", false), rec("2", t0, "two@x.io", false))
	writeRaw(t, env, "2024-03-02", rec("1", t0.Add(24*time.Hour), "new@x.io", false), rec("2", t0.Add(25*time.Hour), "", true))
	writeRaw(t, env, "2024-03-04", rec("3", t0.Add(72*time.Hour), "later@x.io", false)) // after the run date
	d := rundatetest.Parse(t, "2024-03-02")
	if _, err := unify.Run(t.Context(), env, d); err != nil {
		t.Fatal(err)
	}
	got, _, err := dataset.ReadParquet[customerview.CRMRecord](t.Context(), env.Store, dataset.Partition{Dataset: contract.CRMRecords, Date: d})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("records %+v", got)
	}
	if got[0].ID != "1" || got[0].Deleted || got[0].Properties != `{"email":"new@x.io"}` {
		t.Errorf("updated contact: %+v", got[0])
	}
	if got[1].ID != "2" || !got[1].Deleted || got[1].Properties != "{}" {
		t.Errorf("deleted contact: %+v", got[1])
	}
}

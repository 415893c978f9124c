package nightly_test

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/connector"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
)

// oneContact is an incremental stream with one contact and one tombstone.
type oneContact struct{}

func (oneContact) Name() string { return "contacts" }
func (oneContact) Fields() []connector.Field {
	return []connector.Field{{Name: "email", Type: connector.String}}
}
func (oneContact) Pull(_ context.Context, _ connector.Cursor, _ time.Time, emit func([]connector.Record) error) error {
	at := time.Date(2010, 12, 1, 9, 0, 0, 0, time.UTC)
	return emit([]connector.Record{
		{ID: "1", Modified: at, Fields: map[string]any{"email": "a@example.com"}},
		{ID: "2", Modified: at, Deleted: true, Fields: map[string]any{"email": nil}},
	})
}

// TestNightlyWithAnAPISource: the whole DAG runs with a CRM source beside
// the file drop (a regression: the report once asked API streams for a
// quarantine partition they never have).
func TestNightlyWithAnAPISource(t *testing.T) {
	cfg := sampleConfig(t)
	cfg.Sources = append(cfg.Sources, config.Source{Name: "crm", Kind: "hubspot", Streams: []config.Stream{{Name: "contacts"}}})
	st := newLocal(t)
	env := testEnv(t, st, cfg)
	env.Connectors = func(config.Source, zerolog.Logger) ([]connector.Stream, error) {
		return []connector.Stream{oneContact{}}, nil
	}
	runNightly(t, env, sampleDate, false)
	m, err := dataset.ReadManifest(t.Context(), st, dataset.Partition{Dataset: "unified/crm_records", Date: rundatetest.Parse(t, sampleDate)})
	if err != nil {
		t.Fatal(err)
	}
	if m.Rows != 2 || m.Meta["tombstones"] != float64(1) {
		t.Errorf("crm_records: %d rows, meta %v", m.Rows, m.Meta)
	}
}

package nightly_test

import (
	"strings"
	"testing"

	"github.com/segmint/segmint/jobs/nightly"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/runlog"
)

// TestStepIOMatchesTheManifests: what the run record says each step wrote
// (lib/metrics measures it at the store) equals what its committed
// manifests hold, and what it read equals the rows of the inputs they name.
func TestStepIOMatchesTheManifests(t *testing.T) {
	cfg := sampleConfig(t)
	st := newLocal(t)
	rec := runNightly(t, testEnv(t, st, cfg), sampleDate, false)
	byName := map[string]runlog.Step{}
	for _, s := range rec.Steps {
		byName[s.Name] = s
	}
	for _, s := range nightly.Steps() {
		got, ok := byName[s.Name]
		if !ok || got.Status != runlog.StatusDone {
			t.Fatalf("step %s: %+v", s.Name, got)
		}
		var want runlog.IO
		inputs := map[string]int64{}
		var fileBytes int64
		for _, p := range s.Outputs(cfg, rundatetest.Parse(t, sampleDate)) {
			m, err := dataset.ReadManifest(t.Context(), st, p)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(m.Dataset, "quarantine/") {
				want.RowsQuarantined += m.Rows
			} else {
				want.RowsWritten += m.Rows
			}
			for _, in := range m.Inputs {
				inputs[in.Dataset+"/"+in.Partition] = in.Rows
			}
			for _, f := range m.Files {
				fileBytes += f.Bytes
			}
		}
		for _, n := range inputs {
			want.RowsRead += n
		}
		if s.Name == "ingest" {
			want.RowsRead = got.Stats["retail/orders.rows_read"] + got.Stats["catalog/products.rows_read"] +
				got.Stats["crm/contacts.rows_read"] + got.Stats["web/touchpoints.rows_read"] + got.Stats["ads/clicks.rows_read"] +
				got.Stats["ads/daily_metrics.rows_read"] + got.Stats["consent/events.rows_read"] +
				got.Stats["consent/deletion_requests.rows_read"] + got.Stats["consent/suppressions.rows_read"]
		}
		if got.RowsRead != want.RowsRead || got.RowsWritten != want.RowsWritten || got.RowsQuarantined != want.RowsQuarantined {
			t.Errorf("%s: rows read, written, quarantined %d, %d, %d; manifests say %d, %d, %d", s.Name,
				got.RowsRead, got.RowsWritten, got.RowsQuarantined, want.RowsRead, want.RowsWritten, want.RowsQuarantined)
		}
		// Every data file, plus manifests, markers and side files.
		if got.BytesWritten <= fileBytes {
			t.Errorf("%s: %d bytes written, its data files alone hold %d", s.Name, got.BytesWritten, fileBytes)
		}
	}
	if u := byName["unify"]; u.RowsRead == 0 || u.RowsWritten == 0 {
		t.Errorf("unify read or wrote nothing: %+v", u.IO)
	}
}

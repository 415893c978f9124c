package runlog_test

import (
	"testing"
	"time"

	"github.com/segmint/segmint/lib/runlog"
	"github.com/segmint/segmint/lib/store"
)

// The latest record of each date wins by start time, not by key order;
// commands that do not count and other files under runs/ are left out.
func TestLatestByDate(t *testing.T) {
	st := store.NewMem()
	t0 := time.Date(2010, 12, 10, 2, 0, 0, 0, time.UTC)
	recs := []runlog.Record{
		{RunID: "b-late", Command: "nightly", Date: "2010-12-01", StartedAt: t0.Add(time.Hour), Outcome: runlog.OutcomeSucceeded},
		{RunID: "a-early", Command: "backfill", Date: "2010-12-01", StartedAt: t0, Outcome: runlog.OutcomeFailed},
		{RunID: "c", Command: "nightly", Date: "2010-12-02", StartedAt: t0, Outcome: runlog.OutcomeSucceeded},
		{RunID: "d", Command: "backfill", Date: "2010-12-02", StartedAt: t0.Add(time.Minute), Outcome: runlog.OutcomeFailed},
		{RunID: "e", Command: "measure", Date: "2010-12-02", StartedAt: t0.Add(time.Hour), Outcome: runlog.OutcomeSucceeded},
	}
	for i := range recs {
		if err := runlog.Write(t.Context(), st, &recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.PutBytes(t.Context(), st, "runs/backfill/dt=2010-12-02/manifest.json", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	got, err := runlog.LatestByDate(t.Context(), st, func(cmd string) bool { return cmd != "measure" })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["2010-12-01"].RunID != "b-late" || got["2010-12-02"].RunID != "d" {
		t.Errorf("latest by date: %+v", got)
	}
}

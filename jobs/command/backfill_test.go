package command

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/runlock"
	"github.com/segmint/segmint/lib/runlog"
	"github.com/segmint/segmint/lib/store"
)

// backfillSummary reads the committed summary of a backfill to --to: its
// rows as "date step outcome" and the manifest.
func backfillSummary(t *testing.T, storeDir, to string) ([]string, *dataset.Manifest) {
	t.Helper()
	st, err := store.NewLocal(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	d, err := rundate.Parse(to)
	if err != nil {
		t.Fatal(err)
	}
	rows, m, err := dataset.ReadParquet[contract.BackfillRow](t.Context(), st, dataset.Partition{Dataset: contract.Backfills, Date: d})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.Date+" "+r.Step+" "+r.Outcome)
	}
	return out, m
}

// runRecords counts the run records in the store.
func runRecords(t *testing.T, storeDir string) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(storeDir, "runs", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	return len(files)
}

// TestBackfillOnSample runs a few dates of the sample: oldest first where
// steps depend on earlier dates, resuming where it stopped, several dates
// at once for steps that do not, past a failed date with --keep-going,
// redoing a failed date with --reprocess failed, with a table on stdout
// and the same rows committed as runs/backfill/dt=<--to>.
func TestBackfillOnSample(t *testing.T) {
	storeDir := t.TempDir()
	cfg := writeConfig(t, storeDir, sampleLanding(t))
	args := func(extra ...string) []string {
		return append([]string{"backfill", "--config", cfg, "--log-format", "json"}, extra...)
	}

	// ingest and unify depend on earlier dates: one date after the other
	// whatever --parallel says.
	r := runCLI(t, args("--from", "2010-12-06", "--to", "2010-12-08", "--steps", "unify,ingest", "--parallel", "3")...)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !hasRow(r.stdout, "date outcome time ingest unify") || !hasRowPrefix(r.stdout, "2010-12-07 done") ||
		!strings.Contains(r.stdout, "3 dates: 3 done, 0 skipped, 0 failed, 0 not run") {
		t.Errorf("table:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "the dates run one after the other") {
		t.Errorf("no word that --parallel was not used:\n%s", r.stderr)
	}
	rows, m := backfillSummary(t, storeDir, "2010-12-08")
	want := "2010-12-06 ingest done|2010-12-06 unify done|2010-12-07 ingest done|2010-12-07 unify done|2010-12-08 ingest done|2010-12-08 unify done"
	if strings.Join(rows, "|") != want {
		t.Errorf("rows %v, want %s", rows, want)
	}
	if m.Meta["workers"] != 1.0 || m.Meta["from"] != "2010-12-06" {
		t.Errorf("meta %v", m.Meta)
	}
	records := runRecords(t, storeDir)

	// Run again, it resumes: every date is committed, so none runs.
	r = runCLI(t, args("--from", "2010-12-06", "--to", "2010-12-08", "--steps", "ingest,unify")...)
	if r.code != exitOK || !strings.Contains(r.stdout, "3 dates: 0 done, 3 skipped") || runRecords(t, storeDir) != records {
		t.Errorf("rerun: exit %d, %d run records (was %d):\n%s", r.code, runRecords(t, storeDir), records, r.stdout)
	}

	// features reads only D's partitions: three dates at once; 2010-12-05
	// was never unified and fails, and --keep-going goes on past it.
	r = runCLI(t, args("--from", "2010-12-05", "--to", "2010-12-08", "--steps", "features", "--parallel", "3", "--keep-going")...)
	if r.code != exitFailed {
		t.Errorf("exit %d, want 1 for the failed date", r.code)
	}
	if !hasRowPrefix(r.stdout, "2010-12-05 failed") || !hasRowPrefix(r.stdout, "2010-12-08 done") ||
		!strings.Contains(r.stderr, "segmint backfill 2010-12-05: features: input not committed") {
		t.Errorf("keep-going:\n%s\n%s", r.stdout, lastLine(r.stderr))
	}
	rows, m = backfillSummary(t, storeDir, "2010-12-08")
	if m.Meta["workers"] != 3.0 || len(rows) != 4 || rows[0] != "2010-12-05 features failed" || rows[3] != "2010-12-08 features done" {
		t.Errorf("rows %v, meta %v", rows, m.Meta)
	}

	// Without --keep-going the first failed date stops the backfill.
	r = runCLI(t, args("--from", "2010-12-04", "--to", "2010-12-06", "--steps", "features")...)
	if r.code != exitFailed || !hasRowPrefix(r.stdout, "2010-12-04 failed") || !hasRowPrefix(r.stdout, "2010-12-05 not_run") {
		t.Errorf("exit %d:\n%s", r.code, r.stdout)
	}

	// A date whose outputs are committed but whose last run failed: none
	// skips it, failed redoes it (every step, not skipping).
	st, err := store.NewLocal(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	failed := &runlog.Record{RunID: "20990101T000000Z-nightly-000000", Command: "nightly", Date: "2010-12-07",
		StartedAt: time.Now().Add(time.Minute), Outcome: runlog.OutcomeFailed, Error: "killed"}
	if err := runlog.Write(context.Background(), st, failed); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, args("--from", "2010-12-07", "--to", "2010-12-08", "--steps", "features")...)
	if r.code != exitOK || !strings.Contains(r.stdout, "0 done, 2 skipped") {
		t.Errorf("none: exit %d:\n%s", r.code, r.stdout)
	}
	r = runCLI(t, args("--from", "2010-12-07", "--to", "2010-12-08", "--steps", "features", "--reprocess", "failed")...)
	if r.code != exitOK || !hasRowPrefix(r.stdout, "2010-12-07 done") || !hasRowPrefix(r.stdout, "2010-12-08 skipped") {
		t.Errorf("failed: exit %d:\n%s", r.code, r.stdout)
	}
	if rows, _ := backfillSummary(t, storeDir, "2010-12-08"); strings.Join(rows, "|") != "2010-12-07 features done|2010-12-08 - skipped" {
		t.Errorf("failed: rows %v", rows)
	}
}

// The progress line: n of N, the date's outcome and time, the rate so far
// and the time left at that rate.
func TestBackfillProgressLine(t *testing.T) {
	d, _ := rundate.Parse("2010-12-03")
	r := dateResult{d: d, outcome: outcomeDone, elapsed: 2500 * time.Millisecond}
	got := progressLine(3, 10, r, 30*time.Second, 70*time.Second)
	if want := "backfill  3 of 10  2010-12-03  done       2.5s   6.0 dates/min, ETA 1m10s"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	// The ETA follows the rate: 3 dates in 30 s, 7 to go.
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start.Add(30 * time.Second)
	var b strings.Builder
	p := &progress{w: &b, log: zerolog.Nop(), now: func() time.Time { return now }, start: start, total: 10, done: 2}
	p.dateDone(r)
	if !strings.HasSuffix(strings.TrimSpace(b.String()), "ETA 1m10s") {
		t.Errorf("progress: %q", b.String())
	}
}

// A date another run holds fails with the lock's code; with --keep-going
// the others run, and the backfill exits 3: nothing needs a person. A
// failed date that does need one (1) wins over it.
func TestBackfillPastAHeldDate(t *testing.T) {
	storeDir := t.TempDir()
	cfg := writeConfig(t, storeDir, sampleLanding(t))
	st, err := store.NewLocal(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	held, _ := rundate.Parse("2010-12-08")
	lk, _, err := runlock.Acquire(t.Context(), st, runlock.Key(held),
		runlock.Holder{RunID: "20101209T020000Z-nightly-other0", Command: "nightly", Host: "elsewhere", PID: 1}, runlock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lk.Release(context.Background()) }()
	r := runCLI(t, "backfill", "--config", cfg, "--log-format", "json", "--from", "2010-12-07", "--to", "2010-12-08",
		"--steps", "ingest", "--keep-going")
	if r.code != exitLocked || !hasRowPrefix(r.stdout, "2010-12-07 done") || !hasRowPrefix(r.stdout, "2010-12-08 failed") ||
		!strings.Contains(r.stderr, "held by run 20101209T020000Z-nightly-other0") {
		t.Errorf("exit %d:\n%s\n%s", r.code, r.stdout, lastLine(r.stderr))
	}
	// features of 2010-12-06 fails for want of unify (1); 2010-12-08 is
	// still held (3): 1 wins.
	r = runCLI(t, "backfill", "--config", cfg, "--log-format", "json", "--from", "2010-12-06", "--to", "2010-12-08",
		"--steps", "features", "--keep-going")
	if r.code != exitFailed {
		t.Errorf("exit %d, want 1:\n%s", r.code, r.stdout)
	}
}

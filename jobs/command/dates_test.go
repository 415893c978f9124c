package command

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runCLIAt is runCLI on a clock that says now.
func runCLIAt(t *testing.T, now time.Time, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(t.Context(), args, System{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" },
		Now: func() time.Time { return now }})
	return result{code, out.String(), errb.String()}
}

// A date after today (UTC) is bad usage, for every dated command; today
// itself is a date.
func TestFutureDateIsUsage(t *testing.T) {
	now := time.Date(2010, 12, 9, 23, 30, 0, 0, time.UTC)
	for _, args := range [][]string{
		{"nightly", "--date", "2010-12-10"},
		{"score", "--date", "2010-12-10"},
		{"backfill", "--from", "2010-12-08", "--to", "2010-12-10"},
		{"measure", "--segment", "s", "--from", "2010-12-01", "--to", "2010-12-10"},
	} {
		r := runCLIAt(t, now, args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "2010-12-10 is after today, 2010-12-09 (UTC)") {
			t.Errorf("%v: exit %d: %s", args, r.code, r.stderr)
		}
	}
	// Today passes the guard (and fails later, for want of a configuration).
	if r := runCLIAt(t, now, "nightly", "--date", "2010-12-09", "--config", "/does/not/exist.yaml"); strings.Contains(r.stderr, "after today") {
		t.Errorf("today refused: %s", r.stderr)
	}
}

// A night after the newest input the sources hold: with no --date on data
// that ended long ago it stops with exit 2 and says what to do; with
// --allow-empty it runs, but no champion changes and no latest.json moves.
func TestEmptyNightNeedsAllowEmpty(t *testing.T) {
	storeDir := t.TempDir()
	cfg := writeConfig(t, storeDir, sampleLanding(t))
	if r := runCLI(t, "nightly", "--date", "2010-12-09", "--config", cfg, "--log-format", "json"); r.code != exitOK {
		t.Fatalf("nightly 2010-12-09: exit %d: %s", r.code, r.stderr)
	}
	latest := filepath.Join(storeDir, "segments/rfm/latest.json")
	champion := filepath.Join(storeDir, "models/purchase_30d/champion.json")
	before := map[string][]byte{latest: readBytes(t, latest), champion: readBytes(t, champion)}

	// No --date, months after the data ended: yesterday is an empty night.
	r := runCLIAt(t, time.Date(2011, 3, 1, 4, 0, 0, 0, time.UTC), "nightly", "--config", cfg, "--log-format", "json")
	if r.code != exitUsage || !strings.Contains(lastLine(r.stderr),
		"segmint nightly 2011-02-28: the run date 2011-02-28 is after the newest input the sources hold (2010-12-09T") ||
		!strings.Contains(lastLine(r.stderr), "--allow-empty") {
		t.Fatalf("default date: exit %d, last line %q", r.code, lastLine(r.stderr))
	}
	if _, err := os.Stat(filepath.Join(storeDir, "unified/orders/dt=2011-02-28")); !os.IsNotExist(err) {
		t.Errorf("the refused night went on past ingest: %v", err)
	}

	r = runCLI(t, "nightly", "--date", "2010-12-20", "--allow-empty", "--config", cfg, "--log-format", "json")
	if r.code != exitOK {
		t.Fatalf("--allow-empty: exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(storeDir, "segments/rfm/dt=2010-12-20/_SUCCESS")); err != nil {
		t.Errorf("the empty night committed no segments: %v", err)
	}
	for path, b := range before {
		if !bytes.Equal(readBytes(t, path), b) {
			t.Errorf("%s changed on an empty night", path)
		}
	}
	// The publish step alone is held by the same check.
	if r := runCLI(t, "publish", "--date", "2010-12-20", "--config", cfg, "--log-format", "json"); r.code != exitUsage {
		t.Errorf("publish of an empty night without --allow-empty: exit %d: %s", r.code, lastLine(r.stderr))
	}
}

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

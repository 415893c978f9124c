package command

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/fixture"
)

// touch writes a file at path modified at mod.
func touch(t *testing.T, path string, mod time.Time) {
	t.Helper()
	fixture.WriteModified(t, path, "Invoice,Customer ID\n489434,13085\n", mod)
}

// deadPID is the pid of a process that has ended.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// stagingFiles lists the segmint staging files in dir.
func stagingFiles(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "segmint-*"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range names {
		names[i] = filepath.Base(names[i])
	}
	return names
}

// TestLeftoversOfKilledRunsAreRemoved: the store's temporary files and
// the staging files in $TMPDIR (one of them raw order lines with customer
// numbers) that killed runs left are removed when the next run starts;
// a run leaves none of its own, whether it succeeds or fails (issue 12,
// finding 6).
func TestLeftoversOfKilledRunsAreRemoved(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	storeDir := t.TempDir()
	old, young := time.Now().Add(-time.Hour), time.Now()
	staleTmp := filepath.Join(storeDir, "raw", "retail", "orders", "dt=2010-12-08", ".tmp-3141592")
	liveTmp := filepath.Join(storeDir, "raw", "retail", "orders", "dt=2010-12-08", ".tmp-2718281")
	touch(t, staleTmp, old)
	touch(t, liveTmp, young)
	stale := []string{
		"segmint-drop-123456789.parquet",                     // an old name, without owner: by its age
		"segmint-part-" + strconv.Itoa(deadPID(t)) + "-4242", // its process is gone
	}
	live := "segmint-read-" + strconv.Itoa(os.Getpid()) + "-4343" // a live run's download
	touch(t, filepath.Join(tmp, stale[0]), old)
	touch(t, filepath.Join(tmp, stale[1]), young)
	touch(t, filepath.Join(tmp, live), young)

	cfg := writeConfig(t, storeDir, sampleLanding(t))
	mustRun(t, exitOK, "ingest", "--date", "2010-12-09", "--config", cfg, "--log-format", "json")
	if _, err := os.Stat(staleTmp); !os.IsNotExist(err) {
		t.Errorf("the store's stale temporary file is still there: %v", err)
	}
	if _, err := os.Stat(liveTmp); err != nil {
		t.Errorf("a young temporary file (a live Put's) was removed: %v", err)
	}
	if got := stagingFiles(t, tmp); len(got) != 1 || got[0] != live {
		t.Errorf("staging files after the run: %v, want only %s", got, live)
	}
	// A failed run leaves no staging file either.
	bad := writeConfig(t, storeDir, t.TempDir())
	if r := runCLI(t, "nightly", "--date", "2010-12-10", "--config", bad, "--log-format", "json"); r.code == exitOK {
		t.Fatalf("a run without input succeeded: %s", r.stdout)
	}
	if got := stagingFiles(t, tmp); len(got) != 1 || !strings.HasPrefix(got[0], "segmint-read-") {
		t.Errorf("staging files after a failed run: %v", got)
	}
}

package command

import (
	"maps"
	"os"
	"strings"
	"testing"

	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/lib/store/faultproxy"
)

// TestS3StoppedMidRunIsTransient: the S3 server stops in the middle of a
// `segmint nightly` (a proxy in front of it closes): the run ends within
// its retry budget as a transient failure (exit 4), and once the server is back
// (and the failed run's lock, which it could not remove from a stopped
// store, gone stale) the rerun commits the parts of an undisturbed run.
// The run record cannot be written to a stopped store: the error is read
// from the last line on stderr.
//
// In `make crash` (SEGMINT_CRASH=1): jobs/nightly's
// TestNightlyOnS3FaultsBeyondTheBudget covers the same in `make test`.
func TestS3StoppedMidRunIsTransient(t *testing.T) {
	if os.Getenv("SEGMINT_CRASH") != "1" {
		t.Skip("in make crash (SEGMINT_CRASH=1)")
	}
	open := lockStores(t)["s3"]
	ls := open(t)
	direct := ls.config(t, sampleLanding(t))
	p, err := faultproxy.Start(os.Getenv("SEGMINT_TEST_S3_ENDPOINT"), faultproxy.Faults{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	b, err := os.ReadFile(direct)
	if err != nil {
		t.Fatal(err)
	}
	proxied := direct + ".proxied.yaml"
	s := strings.Replace(string(b), "endpoint: "+os.Getenv("SEGMINT_TEST_S3_ENDPOINT"),
		"endpoint: "+p.URL+"\n    retry: {max_attempts: 3, max_backoff: 20ms}", 1)
	if err := os.WriteFile(proxied, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	p.SetFaults(faultproxy.Faults{Stop: true, After: 300})
	r := runCLIOn(t, "nightly", "--date", "2010-12-09", "--config", proxied, "--log-format", "json")
	last := lastLine(r.stderr)
	if c := p.Counts(); !c.Stopped {
		t.Fatalf("the server did not stop: %+v; exit %d", c, r.code)
	}
	if r.code != exitRetry || !strings.Contains(last, store.ErrUnavailable.Error()) {
		t.Fatalf("exit %d, last line %q: want %d with %q", r.code, last, exitRetry, store.ErrUnavailable)
	}
	t.Logf("exit %d: %s", r.code, last)

	if ageLock(t, ls.st) {
		t.Log("the failed run left its lock behind (a stopped store); aged as lock_stale_after would")
	}
	mustRun(t, exitOK, "nightly", "--date", "2010-12-09", "--config", direct, "--log-format", "json")
	ref := t.TempDir()
	mustRun(t, exitOK, "nightly", "--date", "2010-12-09", "--config", writeConfig(t, ref, sampleLanding(t)), "--log-format", "json")
	refStore, err := store.NewLocal(ref)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := committedParts(t, ls.st), committedParts(t, refStore); !maps.Equal(got, want) {
		t.Errorf("after the rerun, S3 holds other parts than an undisturbed run:\ngot  %v\nwant %v", got, want)
	}
}

package command

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/segmint/segmint/lib/fixture"
)

// lockHeld is an error of another package that decides its own exit code,
// as the run lock's does.
type lockHeld struct{ holder string }

func (e *lockHeld) Error() string { return "date locked by " + e.holder }
func (e *lockHeld) ExitCode() int { return exitLocked }

// An error that carries an exit code decides, however deeply wrapped and
// whatever else its chain holds; without one, the classes decide.
func TestExitCodeOfWrappedErrors(t *testing.T) {
	locked := &lockHeld{holder: "run-1 on host-a"}
	cases := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, exitOK},
		{"plain", errors.New("bad export"), exitFailed},
		{"own code, wrapped twice", fmt.Errorf("nightly: %w", fmt.Errorf("lock: %w", locked)), exitLocked},
		{"own code beside a transient error", errors.Join(fmt.Errorf("dial: %w", os.ErrDeadlineExceeded), locked), exitLocked},
		{"deadline of a remote call", fmt.Errorf("get x: %w", os.ErrDeadlineExceeded), exitRetry},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := exitCode(c.err); got != c.want {
				t.Errorf("exitCode(%v) = %d, want %d", c.err, got, c.want)
			}
		})
	}
}

// Each exit code from a real cause, through the command.
func TestExitCodesFromRealCauses(t *testing.T) {
	t.Run("bad log format", func(t *testing.T) {
		r := runCLI(t, "nightly", "--log-format", "xml", "--date", "2010-12-09")
		if r.code != exitUsage || !strings.Contains(r.stderr, `"xml" is not one of json, console, auto`) {
			t.Errorf("exit %d: %s", r.code, r.stderr)
		}
	})
	t.Run("bad log level", func(t *testing.T) {
		r := runCLI(t, "nightly", "--log-level", "loud", "--date", "2010-12-09")
		if r.code != exitUsage || !strings.Contains(r.stderr, `"loud" is not one of debug, info, warn, error`) ||
			strings.Contains(r.stderr, "defaulting") {
			t.Errorf("exit %d: %s", r.code, r.stderr)
		}
	})
	t.Run("bad log level of models", func(t *testing.T) {
		if r := runCLI(t, "models", "list", "--log-level", "loud"); r.code != exitUsage {
			t.Errorf("exit %d: %s", r.code, r.stderr)
		}
	})
	t.Run("quality gate", func(t *testing.T) {
		landing := t.TempDir()
		export := "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n" +
			"100001,A1,good,2,2010-12-01 10:00:00,1.50,12345,France\n" +
			"X100003,A3,odd invoice,1,2010-12-01 12:00:00,2.00,12345,France\n"
		fixture.Write(t, filepath.Join(landing, "orders", "x.csv"), export)
		storeDir := t.TempDir()
		r := runCLI(t, "nightly", "--date", "2010-12-01", "--config", writeConfig(t, storeDir, landing), "--log-format", "json")
		if r.code != exitFailed || !strings.Contains(lastLine(r.stderr), "quality gate") {
			t.Errorf("exit %d, last line %q", r.code, lastLine(r.stderr))
		}
	})
	t.Run("API answers 503 beyond the retries", func(t *testing.T) {
		var calls atomic.Int64
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			calls.Add(1)
			w.Header().Set("Retry-After", "0")
			http.Error(w, "upstream down", http.StatusServiceUnavailable)
		}))
		defer api.Close()
		path := filepath.Join(t.TempDir(), "hubspot.yaml")
		fixture.Write(t, path, fmt.Sprintf(`store: {kind: local, path: %s}
currency: GBP
sources:
  - name: hubspot
    kind: hubspot
    base_url: %s
    auth: {token: HUBSPOT_TOKEN}
    streams: [{name: contacts}]
`, t.TempDir(), api.URL))
		r := runCLIEnv(t, map[string]string{"HUBSPOT_TOKEN": "pat-test"}, "ingest", "--date", "2024-03-31", "--config", path)
		if r.code != exitRetry || !strings.Contains(lastLine(r.stderr), "HTTP 503") {
			t.Errorf("exit %d, last line %q", r.code, lastLine(r.stderr))
		}
		if calls.Load() < 2 {
			t.Errorf("%d calls: the client did not retry", calls.Load())
		}
	})
}

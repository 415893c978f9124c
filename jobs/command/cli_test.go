package command

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/runlog"
)

// writeConfig writes configs/local.yaml with its store in storeDir and its
// landing folder at landing, and returns the file's path.
func writeConfig(t *testing.T, storeDir, landing string) string {
	t.Helper()
	b, err := os.ReadFile("configs/local.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "path: data", "path: "+storeDir, 1)
	s = strings.Replace(s, "landing: testdata/landing/retail", "landing: "+landing, 1)
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func sampleLanding(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs("testdata/landing/retail")
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

type result struct {
	code           int
	stdout, stderr string
}

// TestMain runs the tests from the repository root, where the command runs
// with `make run`: configs/ and testdata/ are found by relative paths.
func TestMain(m *testing.M) {
	if os.Getenv(asSegmintEnv) == "1" {
		os.Exit(runAsSegmint()) // TestCrashSmoke's child, started in the root
	}
	if err := os.Chdir("../.."); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

func runCLI(t *testing.T, args ...string) result {
	t.Helper()
	return runCLIEnv(t, nil, args...)
}

// runCLIEnv is runCLI with the environment variables env.
func runCLIEnv(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(t.Context(), args, System{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }, Now: time.Now})
	return result{code, out.String(), errb.String()}
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func readRunRecord(t *testing.T, storeDir string) runlog.Record {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(storeDir, "runs", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no run record in %s: %v", storeDir, err)
	}
	// The newest by start time: run ids sort by the second they started
	// in, then by a random suffix.
	var newest runlog.Record
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rec runlog.Record
		if err := json.Unmarshal(b, &rec); err != nil {
			t.Fatal(err)
		}
		if rec.StartedAt.After(newest.StartedAt) {
			newest = rec
		}
	}
	return newest
}

func TestUsageAndExitCodes(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		code   int
		output string
	}{
		{"help", []string{"help"}, exitOK, "3 another run holds the date's lock, 4 a transient failure"},
		{"no command", nil, exitUsage, "commands:"},
		{"unknown command", []string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"step help", []string{"unify", "--help"}, exitOK, "writes unified/orders/dt=D"},
		{"nightly help", []string{"nightly", "--help"}, exitOK, "-redo"},
		{"train help shows the any-table flags", []string{"train", "--help"}, exitOK, "-label string"},
		{"bad flag", []string{"score", "--nope"}, exitUsage, "flag provided but not defined"},
		{"bad date", []string{"nightly", "--date", "2010-02-30"}, exitUsage, `"2010-02-30" is not YYYY-MM-DD`},
		{"backfill without range", []string{"backfill", "--from", "2010-01-02"}, exitUsage, "--from and --to are required"},
		{"backfill reversed", []string{"backfill", "--from", "2010-01-02", "--to", "2010-01-01"}, exitUsage, "is before"},
		{"backfill unknown step", []string{"backfill", "--from", "2010-12-01", "--to", "2010-12-02", "--steps", "ingest,frob"}, exitUsage, `--steps: no step "frob"`},
		{"backfill no workers", []string{"backfill", "--from", "2010-12-01", "--to", "2010-12-02", "--parallel", "0"}, exitUsage, "--parallel 0: at least 1"},
		{"backfill bad policy", []string{"backfill", "--from", "2010-12-01", "--to", "2010-12-02", "--reprocess", "some"}, exitUsage, `"some" is not one of none, failed, all`},
		{"backfill redo and failed", []string{"backfill", "--from", "2010-12-01", "--to", "2010-12-02", "--redo", "--reprocess", "failed"}, exitUsage, "--redo redoes every date"},
		{"missing config", []string{"nightly", "--config", "/does/not/exist.yaml"}, exitUsage, "bad configuration"},
		{"extra argument", []string{"ingest", "now"}, exitUsage, "unexpected arguments"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runCLI(t, c.args...)
			if r.code != c.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, c.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout+r.stderr, c.output) {
				t.Errorf("output lacks %q:\nstdout: %s\nstderr: %s", c.output, r.stdout, r.stderr)
			}
		})
	}
}

func TestBadConfigReportsEveryProblem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	bad := `store: {kind: local}
colour: blue
currency: pounds
sources:
  - name: b
    kind: ftp
    streams: [{name: s}]
  - name: Retail
    kind: filedrop
    landing: x
    streams:
      - name: orders
        entity: orders
        format: xlsx
        event_time: ordered_at
        columns:
          - {from: Invoice, to: order_id, type: string}
          - {from: InvoiceDate, to: ordered_at, type: timestamp, format: "2006-01-02", timezone: Mars/Base}
`
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "nightly", "--config", path, "--date", "2010-12-09")
	if r.code != exitUsage {
		t.Fatalf("exit %d, want 2: %s", r.code, r.stderr)
	}
	for _, want := range []string{"field colour not found", "store.path", "currency", "sources[1].name", "sources[0].kind", "format", "timezone",
		`needs field "quantity"`, `needs field "unit_price"`, `needs field "customer_number"`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("error output lacks %q:\n%s", want, r.stderr)
		}
	}
}

// A configuration's segment rules are checked against the columns they
// read: an unknown column (with the nearest name), a type mismatch and a
// syntax error, each with its position, all in one exit 2.
func TestBadSegmentRulesAreReportedAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rules.yaml")
	cfg := writeConfig(t, t.TempDir(), sampleLanding(t))
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rules := `
segments:
  rules:
    - {name: a, purpose: email, rule: "clv_365dd >= 500"}
    - {name: b, purpose: ads, rule: "lifecycle_stage >= 5"}
    - {name: c, purpose: analytics, rule: "recency_days <= and frequency > 2"}
    - {name: d, purpose: sms, rule: "clv_365d > percentile(clv_365d, 120)"}
`
	if err := os.WriteFile(path, append(stripSegments(b), rules...), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "nightly", "--config", path, "--date", "2010-12-09")
	if r.code != exitUsage {
		t.Fatalf("exit %d, want 2: %s", r.code, r.stderr)
	}
	for _, want := range []string{`segments.rules[0].rule (a): 1:1: unknown column "clv_365dd" (did you mean "clv_365d"?)`,
		"segments.rules[1].rule (b): 1:", "lifecycle_stage", "segments.rules[2].rule (c): 1:17:",
		`segments.rules[3].purpose: "sms"`, "segments.rules[3].rule (d): 1:"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("error output lacks %q:\n%s", want, r.stderr)
		}
	}
}

// stripSegments is a configuration without its segments section.
func stripSegments(b []byte) []byte {
	s := string(b)
	if i := strings.Index(s, "\nsegments:"); i >= 0 {
		rest := s[i+1:]
		end := len(rest)
		for j := 1; j < len(rest); j++ {
			if rest[j-1] == '\n' && rest[j] != ' ' && rest[j] != '\n' && rest[j] != '#' {
				end = j
				break
			}
		}
		s = s[:i+1] + rest[end:]
	}
	return []byte(s)
}

func TestNightlyOnSample(t *testing.T) {
	storeDir := t.TempDir()
	cfg := writeConfig(t, storeDir, sampleLanding(t))
	r := runCLI(t, "nightly", "--date", "2010-12-09", "--config", cfg, "--log-format", "json")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"segments/rfm/dt=2010-12-09/", "reports/dt=2010-12-09/", "runs/"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	// Every log line is JSON with run_id, job and date.
	for _, line := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if m["run_id"] == nil || m["date"] != "2010-12-09" || m["job"] == nil {
			t.Fatalf("log line lacks run_id, job or date: %q", line)
		}
	}
	rec := readRunRecord(t, storeDir)
	if rec.Outcome != "succeeded" || len(rec.Steps) != 8 {
		t.Fatalf("run record: %+v", rec)
	}
	if _, err := os.Stat(filepath.Join(storeDir, "reports/dt=2010-12-09/index.html")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(storeDir, "segments/rfm/latest.json")); err != nil {
		t.Fatal(err)
	}
}

func TestMissingInputFailsWithOneClearLine(t *testing.T) {
	storeDir := t.TempDir()
	cfg := writeConfig(t, storeDir, t.TempDir())
	r := runCLI(t, "nightly", "--date", "2010-12-09", "--config", cfg, "--log-format", "json")
	if r.code != exitFailed {
		t.Fatalf("exit %d, want 1: %s", r.code, r.stderr)
	}
	last := lastLine(r.stderr)
	if !strings.HasPrefix(last, "segmint nightly 2010-12-09: ingest: retail/orders: no input files") {
		t.Errorf("last line: %q", last)
	}
	if rec := readRunRecord(t, storeDir); rec.Outcome != "failed" || rec.Error == "" {
		t.Errorf("run record: %+v", rec)
	}
	// A step run before its input exists says what to run first.
	r = runCLI(t, "features", "--date", "2010-12-09", "--config", cfg)
	if r.code != exitFailed || !strings.Contains(lastLine(r.stderr), "run segmint unify --date 2010-12-09 first") {
		t.Errorf("exit %d, last line %q", r.code, lastLine(r.stderr))
	}
}

// A store on a closed loopback port is a transient failure: exit 4, soon.
func TestUnreachableStoreFailsPromptly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s3.yaml")
	b, err := os.ReadFile("configs/s3.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "endpoint: http://127.0.0.1:9000", "endpoint: http://127.0.0.1:1", 1)
	// The default budget waits out a minute or two of trouble; this one
	// gives up after three attempts.
	s = strings.Replace(s, "retry: {max_attempts: 10, max_backoff: 20s}", "retry: {max_attempts: 3, max_backoff: 200ms}", 1)
	s = strings.Replace(s, "landing: testdata/landing/retail", "landing: "+sampleLanding(t), 1)
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	start := time.Now()
	code := Run(ctx, []string{"nightly", "--date", "2010-12-09", "--config", path}, System{Stdout: &out, Stderr: &errb, Getenv: os.Getenv, Now: time.Now})
	if code != exitRetry {
		t.Fatalf("exit %d, want 4: %s", code, errb.String())
	}
	if !strings.Contains(lastLine(errb.String()), "connection refused") {
		t.Errorf("last line: %q", lastLine(errb.String()))
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("took %s to give up", d)
	}
}

func TestSourcesAndIngestSelection(t *testing.T) {
	storeDir := t.TempDir()
	cfg := writeConfig(t, storeDir, sampleLanding(t))
	r := runCLI(t, "sources", "--config", cfg)
	if r.code != exitOK || !hasRow(r.stdout, "retail filedrop orders - - -") {
		t.Fatalf("sources before any run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, "ingest", "--date", "2010-12-09", "--config", cfg, "--source", "nope"); r.code != exitUsage {
		t.Errorf("unknown source: exit %d", r.code)
	}
	if r := runCLI(t, "ingest", "--date", "2010-12-09", "--config", cfg, "--source", "retail", "--stream", "nope"); r.code != exitUsage {
		t.Errorf("unknown stream: exit %d", r.code)
	}
	if r := runCLI(t, "ingest", "--date", "2010-12-09", "--config", cfg, "--source", "retail", "--stream", "orders"); r.code != exitOK {
		t.Fatalf("ingest one stream: exit %d: %s", r.code, r.stderr)
	}
	r = runCLI(t, "sources", "--config", cfg)
	if !hasRowPrefix(r.stdout, "retail filedrop orders 2010-12-09") || !hasRowPrefix(r.stdout, "crm filedrop contacts -") {
		t.Errorf("sources after a run:\n%s", r.stdout)
	}
}

// hasRow reports whether a table printed by tabwriter has a line whose
// fields are those of want.
func hasRow(out, want string) bool {
	for _, line := range strings.Split(out, "\n") {
		if strings.Join(strings.Fields(line), " ") == want {
			return true
		}
	}
	return false
}

// hasRowPrefix is hasRow for the first fields of a line.
func hasRowPrefix(out, want string) bool {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.Join(strings.Fields(line), " ")+" ", want+" ") {
			return true
		}
	}
	return false
}

package command

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gadsfake "github.com/segmint/segmint/lib/connector/googleads/fake"
	hubspotfake "github.com/segmint/segmint/lib/connector/hubspot/fake"
	metafake "github.com/segmint/segmint/lib/connector/meta/fake"
	sffake "github.com/segmint/segmint/lib/connector/salesforce/fake"
	"github.com/segmint/segmint/lib/logging"
)

// topLevelKeys lists the keys of the JSON object line in the order written,
// duplicates included: zerolog writes a field twice when it is added twice,
// and a map would keep only one of them.
func topLevelKeys(line []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	var keys []string
	depth, wantKey := 0, false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return keys, nil
		}
		if err != nil {
			return nil, err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
			wantKey = depth == 1
		case json.Delim('}'), json.Delim(']'):
			depth--
			wantKey = depth == 1 // a nested value ended: a key follows
		default:
			if depth != 1 {
				continue
			}
			if wantKey {
				keys = append(keys, tok.(string))
			}
			wantKey = !wantKey
		}
	}
}

// TestDemoIngestLogFields runs `segmint ingest` with configs/demo.yaml
// against the four API fakes and the bundled file drop, and checks the JSON
// lines: every line written while the step runs carries run_id, job and date
// exactly once, and a line about a source names it exactly once.
func TestDemoIngestLogFields(t *testing.T) {
	now := time.Date(2024, 4, 1, 6, 0, 0, 0, time.UTC)
	end := now.Truncate(24 * time.Hour)
	sec := demoSecrets()
	hs := hubspotfake.New(hubspotfake.Options{Token: sec["SEGMINT_DEMO_HUBSPOT_TOKEN"], Max: 1 << 30, Daily: 1 << 30})
	hs.Seed(300, end, 7)
	urls := map[string]string{}
	for _, s := range []struct {
		name string
		srv  *httptest.Server
	}{
		{"hubspot", httptest.NewServer(hs)},
		{"salesforce", httptest.NewServer(sffake.NewHandler(sffake.Options{Seed: 7, Contacts: 300, Accounts: 60,
			Opportunities: 150, Start: end.AddDate(0, 0, -30)}))},
		{"google_ads", httptest.NewServer(gadsfake.NewHandler(gadsfake.Options{Seed: 7}))},
		{"meta", httptest.NewServer(metafake.NewHandler(metafake.Options{Seed: 7}))},
	} {
		t.Cleanup(s.srv.Close)
		urls[s.name] = s.srv.URL
	}
	b, err := os.ReadFile("configs/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	landing, err := filepath.Abs("testdata/landing/retail")
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.NewReplacer(
		"path: data/demo", "path: "+t.TempDir(),
		"landing: testdata/landing/retail", "landing: "+landing,
		"http://127.0.0.1:18081", urls["hubspot"],
		"http://127.0.0.1:18082", urls["salesforce"],
		"http://127.0.0.1:18083", urls["google_ads"],
		"http://127.0.0.1:18084", urls["meta"],
		"async_poll_interval: 200ms", "async_poll_interval: 10ms",
		"rate_limit: 20", "rate_limit: 1000", "rate_limit: 50", "rate_limit: 1000",
	).Replace(string(b))
	if strings.Contains(cfg, "http://127.0.0.1:1808") || !strings.Contains(cfg, landing) {
		t.Fatalf("configs/demo.yaml no longer has the fakes' ports or the landing this test rewrites:\n%s", cfg)
	}
	path := filepath.Join(t.TempDir(), "demo.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}

	var out, errb bytes.Buffer
	code := Run(t.Context(), []string{"ingest", "--date", "2024-03-31", "--config", path, "--log-format", "json", "--log-level", "debug"},
		System{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return sec[k] }, Now: func() time.Time { return now }})
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}

	var lines, inStep, badRun, badJob, badDate, noSource, twiceSource, twiceStream int
	sources := map[string]int{}
	running := false
	sc := bufio.NewScanner(&errb)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		lines++
		keys, err := topLevelKeys(line)
		if err != nil {
			t.Fatalf("not a JSON line: %v: %s", err, line)
		}
		count := map[string]int{}
		for _, k := range keys {
			count[k]++
		}
		var v struct {
			Message string `json:"message"`
			Source  string `json:"source"`
		}
		if err := json.Unmarshal(line, &v); err != nil {
			t.Fatal(err)
		}
		if v.Message == "step started" {
			running = true
		}
		if running {
			inStep++
			if count[logging.FieldRunID] != 1 {
				badRun++
			}
			if count[logging.FieldJob] != 1 {
				badJob++
			}
			if count[logging.FieldDate] != 1 {
				badDate++
			}
			// Every line between the step's first and last is about a source.
			if v.Message != "step started" && v.Message != "step done" {
				switch n := count[logging.FieldSource]; {
				case n == 0:
					noSource++
				case n > 1:
					twiceSource++
				default:
					sources[v.Source]++
				}
			}
			if count[logging.FieldStream] > 1 {
				twiceStream++
			}
		}
		if v.Message == "step done" {
			running = false
		}
	}
	t.Logf("%d lines, %d while the step ran, by source %v", lines, inStep, sources)
	for _, src := range []string{"retail", "hubspot", "salesforce", "google_ads", "meta"} {
		if sources[src] == 0 {
			t.Errorf("no line from source %s", src)
		}
	}
	if badRun+badJob+badDate+noSource+twiceSource+twiceStream > 0 {
		t.Errorf("of %d lines of the step: %d without run_id exactly once, %d without job exactly once, "+
			"%d without date exactly once, %d without source, %d with source twice or more, %d with stream twice or more",
			inStep, badRun, badJob, badDate, noSource, twiceSource, twiceStream)
	}
}

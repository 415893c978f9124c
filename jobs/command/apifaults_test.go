package command_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/segmint/segmint/jobs/ingest"
	"github.com/segmint/segmint/lib/config"
	hubspotfake "github.com/segmint/segmint/lib/connector/hubspot/fake"
	"github.com/segmint/segmint/lib/httpclient"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/store"
)

// storeFiles maps every object of st to its sha256 (ingest here runs
// with a fixed clock and run id, so even the state files repeat).
func storeFiles(t *testing.T, st store.Store) map[string]string {
	t.Helper()
	keys, err := store.Keys(t.Context(), st, "")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, k := range keys {
		b, err := store.GetBytes(t.Context(), st, k)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		files[k] = hex.EncodeToString(sum[:])
	}
	return files
}

// TestIngestWhenAnAPIFailsMidStream: the HubSpot fake answers 5xx from
// its third page on. A few failures are ridden out by the HTTP client's
// retries and the pull commits what a clean one does; failures beyond
// its budget fail the pull with the platform's error, commit no partition
// and move no cursor of the failed stream, and the rerun once the API
// answers again commits what a clean pull does.
func TestIngestWhenAnAPIFailsMidStream(t *testing.T) {
	end := time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)
	now := end.Add(36 * time.Hour)
	d, _ := rundate.Parse("2024-03-31")
	hubspotOnly := func(f *fakes) *config.Config {
		cfg := f.config()
		cfg.Sources = cfg.Sources[:1]
		return cfg
	}
	pull := func(t *testing.T, f *fakes, st store.Store) error {
		_, err := ingest.Run(t.Context(), testEnv(t, st, hubspotOnly(f), now), d)
		return err
	}
	clean := startFakes(t, 500, end)
	ref := store.NewMem()
	if err := pull(t, clean, ref); err != nil {
		t.Fatal(err)
	}
	want := storeFiles(t, ref)
	if _, ok := want["state/hubspot/contacts.json"]; !ok {
		t.Fatalf("the clean pull wrote no contacts cursor: %v", want)
	}
	// testEnv's client makes 1 + 3 attempts.
	fault := func(times int) hubspotfake.Fault {
		return hubspotfake.Fault{Status: http.StatusInternalServerError, Body: `{"status":"error","message":"internal"}`, Skip: 2, Times: times}
	}

	t.Run("within the retry budget", func(t *testing.T) {
		f := startFakes(t, 500, end)
		f.hubspot.Inject(fault(3))
		st := store.NewMem()
		if err := pull(t, f, st); err != nil {
			t.Fatalf("3 failures of one page, 4 attempts: %v", err)
		}
		if n := f.hubspot.ClearFaults(); n != 0 {
			t.Errorf("%d faults left unanswered: none injected", n)
		}
		if got, clean := len(f.hubspot.Requests()), len(clean.hubspot.Requests()); got != clean+3 {
			t.Errorf("%d requests, want the clean pull's %d and 3 retries", got, clean)
		}
		if got := storeFiles(t, st); !maps.Equal(got, want) {
			t.Errorf("store after the faults differs from a clean pull's:\ngot  %v\nwant %v", got, want)
		}
	})

	t.Run("beyond the retry budget", func(t *testing.T) {
		f := startFakes(t, 500, end)
		f.hubspot.Inject(fault(1000))
		st := store.NewMem()
		err := pull(t, f, st)
		var he *httpclient.HTTPError
		if !errors.As(err, &he) || he.StatusCode != http.StatusInternalServerError || he.Attempts != 4 {
			t.Fatalf("pull through persistent 500s = %v, want the platform's 500 after 4 attempts", err)
		}
		var pages int
		for _, r := range f.hubspot.Requests() {
			if strings.Contains(r.Path, "/contacts") && r.Status == http.StatusOK {
				pages++
			}
		}
		if pages != 2 {
			t.Errorf("%d pages of contacts answered before the failure, want 2 (mid-stream)", pages)
		}
		got := storeFiles(t, st)
		for k, sum := range got {
			if want[k] != sum {
				t.Errorf("the failed pull left %s, which a clean pull does not write", k)
			}
			if strings.HasPrefix(k, "raw/hubspot/contacts/") || k == "state/hubspot/contacts.json" {
				t.Errorf("the failed stream left %s", k)
			}
		}
		f.hubspot.ClearFaults()
		if err := pull(t, f, st); err != nil {
			t.Fatalf("rerun once the API answers: %v", err)
		}
		if got := storeFiles(t, st); !maps.Equal(got, want) {
			t.Errorf("store after the rerun differs from a clean pull's:\ngot  %v\nwant %v", got, want)
		}
	})
}

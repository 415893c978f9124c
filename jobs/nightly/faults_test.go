package nightly_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/segmint/segmint/jobs/nightly"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/runlog"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/lib/store/faultproxy"
)

// TestNightlyOnS3ThroughFaults runs the sample nightly on S3 through a
// proxy that answers 10% of the requests with 500 and 2% with 503
// SlowDown: the store's retry budget carries the run through, and the
// committed parts equal those of a run on a local folder.
func TestNightlyOnS3ThroughFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole nightly on S3")
	}
	var proxy *faultproxy.Proxy
	s3 := newTestS3(t, func(c *store.S3Config) {
		p, err := faultproxy.Start(c.Endpoint, faultproxy.Faults{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
		proxy = p
		c.Endpoint, c.MaxBackoff = p.URL, 50*time.Millisecond
	})
	proxy.SetFaults(faultproxy.Faults{Error500: 0.10, SlowDown: 0.02, Seed: 7})
	cfg := sampleConfig(t)
	runNightly(t, testEnv(t, s3, cfg), sampleDate, false)
	c := proxy.Counts()
	t.Logf("proxy: %+v", c)
	if c.Error500 < c.Requests/20 {
		t.Errorf("only %d of %d requests failed: the faults were not injected", c.Error500, c.Requests)
	}
	local := newLocal(t)
	runNightly(t, testEnv(t, local, cfg), sampleDate, false)
	if got, want := dataParts(t, s3, cfg, sampleDate), dataParts(t, local, cfg, sampleDate); !maps.Equal(got, want) {
		t.Fatalf("parts on S3 through faults differ from local:\nS3    %v\nlocal %v", got, want)
	}
}

// onlyInMakeCrash skips a test case that `make test` leaves to `make
// crash` (SEGMINT_CRASH=1) for its time.
func onlyInMakeCrash(t *testing.T) {
	if os.Getenv("SEGMINT_CRASH") != "1" {
		t.Skip("in make crash (SEGMINT_CRASH=1)")
	}
}

// proxiedS3 is an S3 store under a fresh prefix reached through a fault
// proxy (its retry budget attempts, a short backoff), the same prefix
// reached directly, and the proxy.
func proxiedS3(t *testing.T, attempts int) (through, direct *store.S3, proxy *faultproxy.Proxy) {
	t.Helper()
	var plain store.S3Config
	through = newTestS3(t, func(c *store.S3Config) {
		plain = *c
		p, err := faultproxy.Start(c.Endpoint, faultproxy.Faults{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
		proxy = p
		c.Endpoint, c.MaxAttempts, c.MaxBackoff = p.URL, attempts, 20*time.Millisecond
	})
	direct, err := store.NewS3(t.Context(), plain)
	if err != nil {
		t.Fatal(err)
	}
	return through, direct, proxy
}

// committedFiles maps every file named by a committed manifest in st to
// its sha256 (a report's page by its name only), failing the test when a stored file differs from its
// manifest: what a reader of the store can see.
func committedFiles(t *testing.T, st store.Store) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, key := range storeKeys(t, st) {
		dir, ok := strings.CutSuffix(key, dataset.SuccessName)
		if !ok {
			continue
		}
		var m dataset.Manifest
		b, err := store.GetBytes(t.Context(), st, dir+dataset.ManifestName)
		if err == nil {
			err = json.Unmarshal(b, &m)
		}
		if err != nil {
			t.Fatalf("committed partition %s: manifest: %v", dir, err)
		}
		for _, f := range m.Files {
			b, err := store.GetBytes(t.Context(), st, dir+f.Name)
			if err != nil {
				t.Fatalf("committed partition %s: %v", dir, err)
			}
			if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f.SHA256 {
				t.Fatalf("committed partition %s: %s differs from its manifest", dir, f.Name)
			}
			files[dir+f.Name] = f.SHA256
			if f.Format == "html" {
				files[dir+f.Name] = "html" // names the run ids of its inputs
			}
		}
	}
	return files
}

// storeKeys lists every key in st.
func storeKeys(t *testing.T, st store.Store) []string {
	t.Helper()
	keys, err := store.Keys(t.Context(), st, "")
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// checkCursors fails the test when a stream's state is ahead of its data:
// every state/<source>/<stream>.json names a last date whose raw partition
// is committed with the rows the state says it committed.
func checkCursors(t *testing.T, st store.Store) int {
	t.Helper()
	n := 0
	for _, key := range storeKeys(t, st) {
		name, ok := strings.CutPrefix(key, "state/")
		if !ok {
			continue
		}
		var s struct {
			LastDate string `json:"last_date"`
			Rows     int64  `json:"rows"`
		}
		b, err := store.GetBytes(t.Context(), st, key)
		if err == nil {
			err = json.Unmarshal(b, &s)
		}
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		p := dataset.Partition{Dataset: "raw/" + strings.TrimSuffix(name, ".json"), Date: rundatetest.Parse(t, s.LastDate)}
		m, err := dataset.ReadManifest(t.Context(), st, p)
		if err != nil {
			t.Errorf("%s is ahead of its data: %v", key, err)
			continue
		}
		if m.Rows != s.Rows {
			t.Errorf("%s says %d rows, %s holds %d", key, s.Rows, p, m.Rows)
		}
		n++
	}
	return n
}

// sideKeys lists the keys of st outside the partitions: state, models,
// latest.json.
func sideKeys(t *testing.T, st store.Store) []string {
	t.Helper()
	var side []string
	for _, k := range storeKeys(t, st) {
		if !strings.Contains(k, "/dt=") {
			side = append(side, k)
		}
	}
	return side
}

// TestNightlyOnS3RidesOutFaults: a slow server, throttling (503
// SlowDown) and dropped connections, each within the store's default
// retry budget: the run succeeds and commits the parts of a run on a
// local folder.
func TestNightlyOnS3RidesOutFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("whole nightlies on S3")
	}
	cfg := sampleConfig(t)
	local := newLocal(t)
	runNightly(t, testEnv(t, local, cfg), sampleDate, false)
	want := dataParts(t, local, cfg, sampleDate)
	for name, f := range map[string]faultproxy.Faults{
		"slow":     {Delay: 3 * time.Millisecond},
		"SlowDown": {SlowDown: 0.10, Seed: 3},
		"drop":     {Drop: 0.03, Seed: 5},
	} {
		t.Run(name, func(t *testing.T) {
			if name != "drop" {
				onlyInMakeCrash(t)
			}
			s3, _, proxy := proxiedS3(t, 0)
			proxy.SetFaults(f)
			runNightly(t, testEnv(t, s3, cfg), sampleDate, false)
			c := proxy.Counts()
			t.Logf("proxy: %+v", c)
			if f.Delay == 0 && c.Requests == c.Forwarded {
				t.Fatal("no fault injected")
			}
			if got := dataParts(t, s3, cfg, sampleDate); !maps.Equal(got, want) {
				t.Fatalf("parts on S3 through %s differ from local:\nS3    %v\nlocal %v", name, got, want)
			}
		})
	}
}

// TestNightlyOnS3FaultsBeyondTheBudget: the S3 server stops, or answers
// only 500, 503 SlowDown or dropped connections, from the middle of a run
// on: the run fails within its retry budget with an error that wraps
// store.ErrUnavailable (the command's "retry later"), every committed
// partition still reads whole, no stream's cursor is ahead of its data,
// and once the fault clears a rerun commits what a clean run does. With
// --redo of a committed date, the committed parts are those of before.
func TestNightlyOnS3FaultsBeyondTheBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("whole nightlies on S3")
	}
	cfg := sampleConfig(t)
	// The reference: a clean run through a proxy, counting its requests.
	ref, _, refProxy := proxiedS3(t, 3)
	runNightly(t, testEnv(t, ref, cfg), sampleDate, false)
	requests := refProxy.Counts().Requests
	want, wantSide := committedFiles(t, ref), sideKeys(t, ref)
	for _, tc := range []struct {
		name  string
		f     faultproxy.Faults
		share float64 // of the clean run's requests before the fault
		redo  bool
		long  bool // only in make crash
	}{
		{"stopped", faultproxy.Faults{Stop: true}, 0.5, false, false},
		{"stopped late", faultproxy.Faults{Stop: true}, 0.9, false, true},
		{"500", faultproxy.Faults{Error500: 1}, 0.3, false, true},
		{"SlowDown", faultproxy.Faults{SlowDown: 1}, 0.7, false, false},
		{"drop", faultproxy.Faults{Drop: 1}, 0.2, false, true},
		{"stopped during redo", faultproxy.Faults{Stop: true}, 0.6, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.long {
				onlyInMakeCrash(t)
			}
			s3, direct, proxy := proxiedS3(t, 3)
			var before map[string]string
			if tc.redo {
				runNightly(t, testEnv(t, s3, cfg), sampleDate, false)
				before = committedFiles(t, direct)
			}
			f := tc.f
			f.After = int(tc.share * float64(requests))
			proxy.SetFaults(f)
			err := nightly.Run(t.Context(), testEnv(t, s3, cfg), rundatetest.Parse(t, sampleDate), tc.redo, &runlog.Record{})
			if !errors.Is(err, store.ErrUnavailable) {
				t.Fatalf("run through %s from request %d: %v, want an error wrapping store.ErrUnavailable", tc.name, f.After, err)
			}
			t.Logf("failed as wanted: %v", err)
			// The last good state, read past the proxy.
			got := committedFiles(t, direct)
			cursors := checkCursors(t, direct)
			t.Logf("after the fault: %d committed files of %d, %d cursors", len(got), len(want), cursors)
			if tc.redo {
				for k, sum := range got {
					if before[k] != sum {
						t.Errorf("a failed redo committed %s anew", k)
					}
				}
				for k := range before {
					if _, ok := got[k]; !ok && !strings.HasPrefix(k, "reports/") {
						t.Errorf("a failed redo uncommitted %s", k)
					}
				}
			}
			// The fault clears: the rerun equals a clean run.
			rerun := store.Store(direct)
			if !tc.f.Stop {
				proxy.SetFaults(faultproxy.Faults{})
				rerun = s3
			}
			runNightly(t, testEnv(t, rerun, cfg), sampleDate, false)
			if got := committedFiles(t, direct); !maps.Equal(got, want) {
				t.Errorf("after the rerun, committed files differ from a clean run's:\ngot  %v\nwant %v", got, want)
			}
			if got := sideKeys(t, direct); !slices.Equal(got, wantSide) {
				t.Errorf("after the rerun, side files %v, want %v", got, wantSide)
			}
			checkCursors(t, direct)
		})
	}
}

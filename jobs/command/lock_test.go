package command

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/fixture"
	"github.com/segmint/segmint/lib/runlock"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/lib/store/storetest"
)

// lockStore is a store the lock tests run the command on: the store the
// configuration written by config names, and the same store opened by the
// test.
type lockStore struct {
	st     store.Store
	config func(t *testing.T, landing string) string
}

// lockStores opens a fresh local folder store and, when the test server
// is there, a fresh S3 store, each with its configuration writer.
func lockStores(t *testing.T) map[string]func(t *testing.T) lockStore {
	return map[string]func(t *testing.T) lockStore{
		"local": func(t *testing.T) lockStore {
			dir := t.TempDir()
			st, err := store.NewLocal(dir)
			if err != nil {
				t.Fatal(err)
			}
			return lockStore{st: st, config: func(t *testing.T, landing string) string { return writeConfig(t, dir, landing) }}
		},
		"s3": func(t *testing.T) lockStore {
			s3 := storetest.S3(t, "lock")
			bucket, prefix, _ := strings.Cut(strings.TrimPrefix(s3.String(), "s3://"), "/")
			t.Setenv("AWS_ACCESS_KEY_ID", os.Getenv("SEGMINT_TEST_S3_ACCESS_KEY"))
			t.Setenv("AWS_SECRET_ACCESS_KEY", os.Getenv("SEGMINT_TEST_S3_SECRET_KEY"))
			block := "kind: s3\n  s3:\n    bucket: " + bucket + "\n    prefix: " + prefix +
				"\n    endpoint: " + os.Getenv("SEGMINT_TEST_S3_ENDPOINT") + "\n    path_style: true"
			return lockStore{st: s3, config: func(t *testing.T, landing string) string {
				path := writeConfig(t, "unused", landing)
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				s := strings.Replace(string(b), "kind: local\n  path: unused", block, 1)
				if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
					t.Fatal(err)
				}
				return path
			}}
		},
	}
}

// otherLanding is a copy of the sample's landing folder with the orders
// export cut to its first lines: other input for the same date.
func otherLanding(t *testing.T) string {
	t.Helper()
	src := filepath.Join(sampleLanding(t), "orders", "online_retail_ii_2009_2010.sample.csv.gz")
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	zr, err := gzip.NewReader(in)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "orders"), 0o755); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	sc := bufio.NewScanner(zr)
	for n := 0; n < 20000 && sc.Scan(); n++ {
		b.WriteString(sc.Text() + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "orders", "orders.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// committedParts maps every data part of every committed partition to its
// sha256: what two runs that commit the same outputs agree on (parts are
// named after their content; manifests carry run ids and times).
func committedParts(t *testing.T, st store.Store) map[string]string {
	t.Helper()
	parts := map[string]string{}
	for _, key := range storetest.Keys(t, st, "") {
		if !strings.HasSuffix(key, "/"+dataset.SuccessName) {
			continue
		}
		b, err := store.GetBytes(t.Context(), st, strings.TrimSuffix(key, dataset.SuccessName)+dataset.ManifestName)
		if err != nil {
			t.Fatal(err)
		}
		var m dataset.Manifest
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		for _, f := range m.Files {
			if strings.HasPrefix(f.Name, "part-") {
				parts[m.Dataset+"/"+m.Partition+"/"+f.Name] = f.SHA256
			}
		}
	}
	return parts
}

// TestConcurrentRunsOfOneDate: two nightly --redo runs of one date at once,
// with the same and with different inputs: exactly one runs, the other
// exits 3 naming the holder, and the store holds what the winner alone
// would have committed.
func TestConcurrentRunsOfOneDate(t *testing.T) {
	other := otherLanding(t)
	// The reference: the winner's run alone, on a fresh local store (the
	// S3 store commits the same parts, TestSameKeysAndChecksumsOnS3).
	refs := map[string]map[string]string{}
	reference := func(t *testing.T, landing string) map[string]string {
		if refs[landing] == nil {
			dir := t.TempDir()
			st, err := store.NewLocal(dir)
			if err != nil {
				t.Fatal(err)
			}
			mustRun(t, exitOK, "nightly", "--date", "2010-12-09", "--config", writeConfig(t, dir, sampleLanding(t)), "--log-format", "json")
			mustRun(t, exitOK, "nightly", "--redo", "--date", "2010-12-09", "--config", writeConfig(t, dir, landing), "--log-format", "json")
			refs[landing] = committedParts(t, st)
		}
		return refs[landing]
	}
	for name, open := range lockStores(t) {
		for _, same := range []bool{true, false} {
			inputs := map[bool]string{true: "same inputs", false: "different inputs"}[same]
			t.Run(name+"/"+inputs, func(t *testing.T) {
				ls := open(t)
				landings := []string{sampleLanding(t), sampleLanding(t)}
				if !same {
					landings[1] = other
				}
				cfgs := []string{ls.config(t, landings[0]), ls.config(t, landings[1])}
				mustRun(t, exitOK, "nightly", "--date", "2010-12-09", "--config", cfgs[0], "--log-format", "json")
				results := make([]result, 2)
				var wg sync.WaitGroup
				for i := range 2 {
					wg.Go(func() {
						results[i] = runCLIOn(t, "nightly", "--redo", "--date", "2010-12-09", "--config", cfgs[i], "--log-format", "json")
					})
				}
				wg.Wait()
				winner, loser := 0, 1
				if results[1].code == exitOK {
					winner, loser = 1, 0
				}
				if results[winner].code != exitOK || results[loser].code != runlock.ExitHeld {
					t.Fatalf("exit codes %d and %d, want 0 and 3:\n%s\n%s", results[0].code, results[1].code,
						lastLine(results[0].stderr), lastLine(results[1].stderr))
				}
				refused := results[loser].stderr
				if n := strings.Count(refused, "is held by run "); n != 2 { // the log line and the line for people
					t.Errorf("the refused run names the holder %d times, want one log line and one plain line:\n%s", n, refused)
				}
				if !strings.Contains(refused, "heartbeat ") || !strings.Contains(refused, "nightly-") {
					t.Errorf("refusal lacks the holder's run id or heartbeat age: %s", refused)
				}
				got, want := committedParts(t, ls.st), reference(t, landings[winner])
				if len(want) == 0 || !maps.Equal(got, want) {
					t.Fatalf("committed parts differ from a single run's: %d parts, want %d", len(got), len(want))
				}
				if _, err := ls.st.Stat(t.Context(), "locks/dt=2010-12-09.json"); err == nil {
					t.Error("the lock is left after both runs ended")
				}
			})
		}
	}
}

// runCLIOn is runCLI for tests that run the command from several
// goroutines at once.
func runCLIOn(t *testing.T, args ...string) result {
	var out, errb strings.Builder
	code := Run(context.Background(), args, System{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Now: time.Now})
	return result{code, out.String(), errb.String()}
}

// TestStaleLockIsTakenOverInTheRunRecord: a lock left by a run that died
// (its heartbeat older than lock_stale_after) is taken over, in the log
// and in the run record.
func TestStaleLockIsTakenOverInTheRunRecord(t *testing.T) {
	storeDir := t.TempDir()
	cfg := writeConfig(t, storeDir, sampleLanding(t))
	dead := runlock.Holder{RunID: "20101210T030000Z-nightly-dead00", Command: "nightly", Host: "gone", PID: 1,
		StartedAt: time.Now().Add(-time.Hour), Heartbeat: time.Now().Add(-11 * time.Minute)}
	b, _ := json.Marshal(dead)
	path := filepath.Join(storeDir, "locks", "dt=2010-12-09.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, exitOK, "ingest", "--date", "2010-12-09", "--config", cfg, "--log-format", "json")
	if !strings.Contains(r.stderr, "took over a stale run lock") || !strings.Contains(r.stderr, `"holder_run_id":"`+dead.RunID+`"`) {
		t.Errorf("takeover not logged:\n%s", r.stderr)
	}
	rec := readRunRecord(t, storeDir)
	if rec.Lock == nil || rec.Lock.TakenOverFrom == nil || rec.Lock.TakenOverFrom.RunID != dead.RunID {
		t.Errorf("run record's lock: %+v", rec.Lock)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("lock not released: %v", err)
	}
	// A fresh lock is not taken over: the run exits 3.
	dead.Heartbeat = time.Now().Add(-time.Minute)
	b, _ = json.Marshal(dead)
	fixture.Write(t, path, string(b))
	r = runCLI(t, "ingest", "--date", "2010-12-09", "--config", cfg, "--log-format", "json")
	if r.code != runlock.ExitHeld || !strings.Contains(lastLine(r.stderr), "held by run "+dead.RunID+" on gone") {
		t.Errorf("exit %d, last line %q", r.code, lastLine(r.stderr))
	}
	if rec := readRunRecord(t, storeDir); rec.Outcome != "failed" || !strings.Contains(rec.Error, "held by run "+dead.RunID) || rec.Lock != nil {
		t.Errorf("the refused run's record: %+v", rec)
	}
}

// TestStoppedRunReleasesItsLock: a run stopped by a signal (its context
// cancelled) removes its lock, so the next run of the date need not wait
// for the lock to go stale.
func TestStoppedRunReleasesItsLock(t *testing.T) {
	storeDir := t.TempDir()
	cfg := writeConfig(t, storeDir, sampleLanding(t))
	lock := filepath.Join(storeDir, "locks", "dt=2010-12-09.json")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan int)
	go func() {
		var out, errb strings.Builder
		done <- Run(ctx, []string{"nightly", "--date", "2010-12-09", "--config", cfg, "--log-format", "json"},
			System{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Now: time.Now})
	}()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
		if _, err := os.Stat(lock); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the run took no lock in 30s")
		}
	}
	cancel() // SIGTERM
	if code := <-done; code != exitFailed {
		t.Errorf("stopped run: exit %d, want 1", code)
	}
	if _, err := os.Stat(lock); !os.IsNotExist(err) {
		t.Errorf("lock left by a stopped run: %v", err)
	}
	mustRun(t, exitOK, "ingest", "--date", "2010-12-09", "--config", cfg, "--log-format", "json")
}

// A run stopped because another took its lock over says so.
func TestLockLostNamesTheCause(t *testing.T) {
	ctx, cancel := context.WithCancelCause(t.Context())
	if err := lockLost(ctx, context.Canceled); errors.Is(err, runlock.ErrLost) {
		t.Errorf("a run still holding its lock: %v", err)
	}
	cancel(runlock.ErrLost)
	err := lockLost(ctx, fmt.Errorf("unify: %w", ctx.Err()))
	if !errors.Is(err, runlock.ErrLost) || !errors.Is(err, context.Canceled) {
		t.Errorf("a run whose lock was taken over: %v", err)
	}
	if lockLost(ctx, nil) != nil {
		t.Error("a run that ended well is no failure")
	}
}

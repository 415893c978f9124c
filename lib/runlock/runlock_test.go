package runlock_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/logging/logtest"
	"github.com/segmint/segmint/lib/runlock"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/lib/store/storetest"
)

// stores are the stores a run lock is tested on.
func stores(t *testing.T) map[string]func(t *testing.T) store.Store {
	return map[string]func(t *testing.T) store.Store{
		"local": func(t *testing.T) store.Store {
			s, err := store.NewLocal(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		"memory": func(*testing.T) store.Store { return store.NewMem() },
		"s3":     func(t *testing.T) store.Store { return storetest.S3(t, "runlock") },
	}
}

// clock is a settable clock.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2010, 12, 10, 3, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }
func holder(run string) runlock.Holder {
	return runlock.Holder{RunID: run, Command: "nightly", Host: "h-" + run, PID: 42}
}
func opts(c *clock) runlock.Options {
	return runlock.Options{StaleAfter: 10 * time.Minute, Every: time.Hour, Now: c.now}
}
func readHolder(t *testing.T, s store.Store, key string) runlock.Holder {
	t.Helper()
	b, err := store.GetBytes(t.Context(), s, key)
	if err != nil {
		t.Fatal(err)
	}
	var h runlock.Holder
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestSecondRunIsRefusedUntilRelease(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s, c, key := open(t), newClock(), "locks/dt=2010-12-09.json"
			first, _, err := runlock.Acquire(t.Context(), s, key, holder("one"), opts(c))
			if err != nil {
				t.Fatal(err)
			}
			c.add(9 * time.Minute)
			_, _, err = runlock.Acquire(t.Context(), s, key, holder("two"), opts(c))
			var held *runlock.HeldError
			if !errors.As(err, &held) || held.Holder.RunID != "one" || held.Holder.Host != "h-one" || held.Age != 9*time.Minute {
				t.Fatalf("second acquire: %v, want held by one for 9m", err)
			}
			if held.ExitCode() != 3 || !strings.Contains(err.Error(), "run one on h-one") {
				t.Errorf("held error %q, exit code %d", err, held.ExitCode())
			}
			if err := first.Release(t.Context()); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Stat(t.Context(), key); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("lock after release: %v", err)
			}
			third, _, err := runlock.Acquire(t.Context(), s, key, holder("three"), opts(c))
			if err != nil {
				t.Fatalf("acquire after release: %v", err)
			}
			if third.TakenOver() != nil {
				t.Errorf("a released lock is not taken over: %+v", third.TakenOver())
			}
			_ = third.Release(t.Context())
		})
	}
}

func TestStaleLockIsTakenOver(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s, c, key := open(t), newClock(), "locks/dt=2010-12-09.json"
			if _, _, err := runlock.Acquire(t.Context(), s, key, holder("old"), opts(c)); err != nil {
				t.Fatal(err)
			}
			c.add(10*time.Minute + time.Second)
			var logs bytes.Buffer
			o := opts(c)
			o.Log = zerolog.New(&logs)
			lk, _, err := runlock.Acquire(t.Context(), s, key, holder("new"), o)
			if err != nil {
				t.Fatalf("take over a stale lock: %v", err)
			}
			if prev := lk.TakenOver(); prev == nil || prev.RunID != "old" || prev.Host != "h-old" {
				t.Fatalf("taken over from %+v, want old", prev)
			}
			if !strings.Contains(logs.String(), `"holder_run_id":"old"`) || !strings.Contains(logs.String(), "took over a stale run lock") {
				t.Errorf("takeover not logged: %s", logs.String())
			}
			if h := readHolder(t, s, key); h.RunID != "new" || !h.Heartbeat.Equal(c.now()) {
				t.Fatalf("lock after the takeover: %+v", h)
			}
			if err := lk.Release(t.Context()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestHeartbeatNoticesTakeover(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s, c, key := open(t), newClock(), "locks/dt=2010-12-09.json"
			var logs logtest.SyncBuffer
			o := opts(c)
			o.Every = 10 * time.Millisecond
			o.Log = zerolog.New(&logs)
			old, oldCtx, err := runlock.Acquire(t.Context(), s, key, holder("old"), o)
			if err != nil {
				t.Fatal(err)
			}
			// The heartbeat moves with the clock.
			c.add(time.Minute)
			waitFor(t, func() bool { return readHolder(t, s, key).Heartbeat.Equal(c.now()) })
			// Someone replaces the lock behind the holder's back (as a
			// takeover of a lock whose heartbeat stalled would).
			cs := s.(store.Conditional)
			b, _ := json.Marshal(holder("thief"))
			waitFor(t, func() bool {
				_, tag, err := cs.Read(t.Context(), key)
				if err != nil {
					t.Fatal(err)
				}
				_, err = cs.Replace(t.Context(), key, tag, b)
				if err != nil && !errors.Is(err, store.ErrPrecondition) {
					t.Fatal(err)
				}
				return err == nil // else a heartbeat came between: again
			})
			select {
			case <-oldCtx.Done():
			case <-time.After(10 * time.Second):
				t.Fatal("the holder did not notice the takeover")
			}
			if !errors.Is(context.Cause(oldCtx), runlock.ErrLost) {
				t.Errorf("cause %v, want ErrLost", context.Cause(oldCtx))
			}
			if !strings.Contains(logs.String(), "run lock taken over by another run") {
				t.Errorf("loss not logged: %s", logs.String())
			}
			// Release leaves the new holder's lock alone.
			if err := old.Release(t.Context()); !errors.Is(err, store.ErrPrecondition) {
				t.Errorf("release of a lost lock: %v, want ErrPrecondition", err)
			}
			if h := readHolder(t, s, key); h.RunID != "thief" {
				t.Errorf("lock names %s, want thief", h.RunID)
			}
		})
	}
}

// TestRacingRunsOneWins: runs that start together; exactly one holds the
// lock, the others get a *HeldError.
func TestRacingRunsOneWins(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s, c, key := open(t), newClock(), "locks/dt=2010-12-09.json"
			const n = 6
			var wg sync.WaitGroup
			locks := make([]*runlock.Lock, n)
			errs := make([]error, n)
			for i := range n {
				wg.Go(func() {
					locks[i], _, errs[i] = runlock.Acquire(t.Context(), s, key, holder(string(rune('a'+i))), opts(c))
				})
			}
			wg.Wait()
			won := 0
			for i, err := range errs {
				var held *runlock.HeldError
				switch {
				case err == nil:
					won++
					defer locks[i].Release(t.Context())
				case !errors.As(err, &held):
					t.Errorf("run %d: %v, want a HeldError", i, err)
				}
			}
			if won != 1 {
				t.Fatalf("%d runs hold the lock, want 1", won)
			}
		})
	}
}

func TestReleaseOnCancelledContext(t *testing.T) {
	s := store.NewMem()
	ctx, cancel := context.WithCancel(t.Context())
	lk, _, err := runlock.Acquire(ctx, s, "locks/x.json", holder("one"), runlock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cancel() // a SIGTERM
	if err := lk.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat(t.Context(), "locks/x.json"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("lock left after a cancelled run: %v", err)
	}
}

// waitFor polls cond until it holds, for up to 10 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10s")
		}
	}
}

// Package runlock is the run lock of one run date: an object in the store,
// locks/dt=D.json, that one run creates exclusively (store.Conditional),
// keeps fresh with a heartbeat while it runs and removes when it ends.
// Another run of the date finds it and stops at once; a lock whose
// heartbeat is older than the configured age is taken over, and the run
// that held it notices at its next heartbeat and stops.
package runlock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/store"
)

// DefaultStaleAfter is the heartbeat age after which a lock is taken over
// when the configuration sets none.
const DefaultStaleAfter = 10 * time.Minute

// ExitHeld is the exit code of a run that finds its date locked.
const ExitHeld = 3

// Key is the lock object of run date d.
func Key(d rundate.Date) string { return "locks/" + d.Partition() + ".json" }

// Holder is what a lock object says: the run that holds it.
type Holder struct {
	RunID     string    `json:"run_id"`
	Command   string    `json:"command"`
	Host      string    `json:"host"`
	PID       int       `json:"pid"`
	StartedAt time.Time `json:"started_at"`
	Heartbeat time.Time `json:"heartbeat"`
}

// HeldError is returned when another run holds a live lock of the date.
type HeldError struct {
	Key    string
	Holder Holder
	// Age is the age of the holder's last heartbeat.
	Age time.Duration
}

func (e *HeldError) Error() string {
	return fmt.Sprintf("%s is held by run %s on %s (pid %d), heartbeat %s ago",
		e.Key, e.Holder.RunID, e.Holder.Host, e.Holder.PID, e.Age.Round(time.Second))
}

// ExitCode is the process's exit code for this error: 3.
func (e *HeldError) ExitCode() int { return ExitHeld }

// ErrLost is the cause of a lock's context when another run took the lock
// over while this one held it.
var ErrLost = errors.New("run lock taken over by another run")

// Options tune a lock.
type Options struct {
	// StaleAfter is the heartbeat age after which a lock is taken over;
	// DefaultStaleAfter when zero.
	StaleAfter time.Duration
	// Every is the time between heartbeats; StaleAfter/5 when zero.
	Every time.Duration
	// Now is the clock of the heartbeats; time.Now when nil.
	Now func() time.Time
	// Log gets the takeover and lost-lock lines.
	Log zerolog.Logger
}

func (o *Options) defaults() {
	if o.StaleAfter <= 0 {
		o.StaleAfter = DefaultStaleAfter
	}
	if o.Every <= 0 {
		o.Every = o.StaleAfter / 5
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Lock is a held run lock.
type Lock struct {
	st     store.Conditional
	key    string
	o      Options
	me     Holder
	prev   *Holder // the stale holder taken over, if any
	cancel context.CancelCauseFunc
	done   chan struct{}

	mu  sync.Mutex
	tag string
}

// Acquire takes the lock at key for me, or fails with a *HeldError when a
// run with a fresh heartbeat holds it. A stale lock is taken over (see
// TakenOver). The returned context is ctx, cancelled with cause ErrLost
// when another run takes the lock over; run under it, and Release the lock
// when done.
func Acquire(ctx context.Context, st store.Store, key string, me Holder, o Options) (*Lock, context.Context, error) {
	o.defaults()
	cs, ok := st.(store.Conditional)
	if !ok {
		return nil, nil, fmt.Errorf("run lock %s: store %s writes no conditional objects", key, st)
	}
	l := &Lock{st: cs, key: key, o: o, me: me, done: make(chan struct{})}
	now := o.Now().UTC()
	l.me.StartedAt, l.me.Heartbeat = now, now
	if err := l.take(ctx); err != nil {
		return nil, nil, err
	}
	lctx, cancel := context.WithCancelCause(ctx)
	l.cancel = cancel
	go l.beat(lctx)
	return l, lctx, nil
}

// take creates the lock object, or takes a stale one over; a few rounds,
// since another run may release or take the lock meanwhile.
func (l *Lock) take(ctx context.Context) error {
	body, err := json.Marshal(l.me)
	if err != nil {
		return fmt.Errorf("run lock %s: %w", l.key, err)
	}
	for range 5 {
		tag, err := l.st.Create(ctx, l.key, body)
		if err == nil {
			l.tag = tag
			return nil
		}
		if !errors.Is(err, store.ErrPrecondition) {
			return fmt.Errorf("run lock: %w", err)
		}
		done, err := l.takeOver(ctx, body)
		if done || err != nil {
			return err
		}
	}
	return fmt.Errorf("run lock %s: changing too fast to take", l.key)
}

// takeOver reads the lock object another run holds: a *HeldError when its
// heartbeat is fresh, else it replaces it. false, nil: try again (the
// object changed or went meanwhile).
func (l *Lock) takeOver(ctx context.Context, body []byte) (bool, error) {
	b, tag, err := l.st.Read(ctx, l.key)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("run lock: %w", err)
	}
	var h Holder
	if err := json.Unmarshal(b, &h); err != nil {
		l.o.Log.Warn().Str(logging.FieldKey, l.key).Err(err).Msg("run lock does not decode: taken as stale")
	}
	age := l.o.Now().Sub(h.Heartbeat)
	if age < l.o.StaleAfter {
		return true, &HeldError{Key: l.key, Holder: h, Age: age}
	}
	newTag, err := l.st.Replace(ctx, l.key, tag, body)
	if errors.Is(err, store.ErrPrecondition) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("run lock: %w", err)
	}
	l.tag, l.prev = newTag, &h
	l.o.Log.Warn().Str(logging.FieldKey, l.key).Str(logging.FieldHolderRunID, h.RunID).Str(logging.FieldHolderHost, h.Host).
		Int(logging.FieldHolderPID, h.PID).Int64(logging.FieldHeartbeatAge, age.Milliseconds()).
		Msg("took over a stale run lock")
	return true, nil
}

// TakenOver is the stale holder this lock was taken over from, nil when
// the date was not locked.
func (l *Lock) TakenOver() *Holder { return l.prev }

// Key is the lock's object key.
func (l *Lock) Key() string { return l.key }

// beat refreshes the heartbeat every o.Every until ctx ends. When the
// object has changed under it, another run took the lock over: it cancels
// ctx with ErrLost. Other errors are logged and tried again at the next
// beat; a lock that cannot be refreshed goes stale and is taken over.
func (l *Lock) beat(ctx context.Context) {
	defer close(l.done)
	t := time.NewTicker(l.o.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := l.refresh(ctx)
		switch {
		case err == nil, ctx.Err() != nil:
		case errors.Is(err, store.ErrPrecondition):
			l.o.Log.Error().Str(logging.FieldKey, l.key).Msg("run lock taken over by another run: stopping")
			l.cancel(ErrLost)
			return
		default:
			l.o.Log.Warn().Str(logging.FieldKey, l.key).Err(err).Msg("run lock heartbeat failed")
		}
	}
}

// refresh replaces the lock object with a fresh heartbeat, on the
// condition that it is still the version this lock wrote.
func (l *Lock) refresh(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.me.Heartbeat = l.o.Now().UTC()
	body, err := json.Marshal(l.me)
	if err != nil {
		return err
	}
	tag, err := l.st.Replace(ctx, l.key, l.tag, body)
	if err != nil {
		return err
	}
	l.tag = tag
	return nil
}

// Release stops the heartbeat and removes the lock object, unless another
// run took it over. It runs on a context of its own, so that a run
// stopped by a signal still releases its lock.
func (l *Lock) Release(ctx context.Context) error {
	l.cancel(nil)
	<-l.done
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.st.Remove(rctx, l.key, l.tag); err != nil {
		return fmt.Errorf("release run lock: %w", err)
	}
	return nil
}

package command

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/runlock"
	"github.com/segmint/segmint/lib/runlog"
	"github.com/segmint/segmint/lib/store"
)

// lockDate takes the run lock of d for the run of rec, recording it in
// rec: the context to run under (ended when another run takes the lock
// over) and the function that releases the lock. Another run's live lock
// is a *runlock.HeldError (exit code 3).
func (rc *runContext) lockDate(ctx context.Context, log zerolog.Logger, d rundate.Date, rec *runlog.Record) (context.Context, func(), error) {
	host, _ := os.Hostname()
	me := runlock.Holder{RunID: rec.RunID, Command: rc.cmd, Host: host, PID: os.Getpid()}
	lk, lctx, err := runlock.Acquire(ctx, rc.st, runlock.Key(d), me,
		runlock.Options{StaleAfter: rc.cfg.Store.LockStaleAfter, Now: rc.sys.Now, Log: log})
	if err != nil {
		return nil, nil, err
	}
	rec.Lock = &runlog.Lock{Key: lk.Key(), TakenOverFrom: lk.TakenOver()}
	rc.sweep(lctx, log)
	return lctx, func() {
		if err := lk.Release(ctx); err != nil {
			log.Warn().Err(err).Msg("run lock not released")
		}
	}, nil
}

// lockLost says so in err when the run stopped because another run took
// its lock over.
func lockLost(lctx context.Context, err error) error {
	if err != nil && errors.Is(context.Cause(lctx), runlock.ErrLost) && !errors.Is(err, runlock.ErrLost) {
		return fmt.Errorf("%w: %w", runlock.ErrLost, err)
	}
	return err
}

// sweep removes, once a process, what killed runs left behind: staging
// files in $TMPDIR whose process is gone or that are older than the lock's
// takeover age, and the store's temporary objects older than that. A run
// removes its own staging files itself, also when it fails or is stopped.
func (rc *runContext) sweep(ctx context.Context, log zerolog.Logger) {
	rc.swept.Do(func() { rc.sweepOnce(ctx, log) })
}

// sweepOnce is sweep's work.
func (rc *runContext) sweepOnce(ctx context.Context, log zerolog.Logger) {
	cutoff := rc.sys.Now().Add(-rc.cfg.Store.LockStaleAfter)
	n, err := store.RemoveStaleStaging("", cutoff)
	if err != nil {
		log.Warn().Err(err).Msg("stale staging files not removed")
	}
	if tr, ok := rc.st.(store.TempRemover); ok {
		m, err := tr.RemoveStaleTemps(ctx, cutoff)
		if err != nil {
			log.Warn().Err(err).Msg("stale temporary objects not removed")
		}
		n += m
	}
	if n > 0 {
		log.Info().Int(logging.FieldFiles, n).Msg("removed what killed runs left behind")
	}
}

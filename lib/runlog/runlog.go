// Package runlog records what one invocation of segmint did in
// runs/<run-id>.json: the steps, their counts and timings, and the outcome.
package runlog

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/segmint/segmint/lib/runlock"
	"github.com/segmint/segmint/lib/store"
)

// Step outcomes.
const (
	StatusDone    = "done"
	StatusSkipped = "skipped"
	StatusFailed  = "failed"
)

// Run outcomes.
const (
	OutcomeSucceeded = "succeeded"
	OutcomeFailed    = "failed"
)

// Record is one run.
type Record struct {
	RunID      string    `json:"run_id"`
	Command    string    `json:"command"`
	Date       string    `json:"date"`
	Store      string    `json:"store"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Outcome    string    `json:"outcome"`
	Error      string    `json:"error,omitempty"`
	Steps      []Step    `json:"steps"`
	// Lock is the run lock of the date the run held; nil when it held
	// none (it did not get that far, or another run holds it).
	Lock *Lock `json:"lock,omitempty"`
}

// Lock is the run lock a run held.
type Lock struct {
	Key string `json:"key"`
	// TakenOverFrom is the run whose stale lock this run took over.
	TakenOverFrom *runlock.Holder `json:"taken_over_from,omitempty"`
}

// Step is one step of a run.
type Step struct {
	Name      string           `json:"name"`
	Status    string           `json:"status"`
	Reason    string           `json:"reason,omitempty"`
	StartedAt time.Time        `json:"started_at"`
	ElapsedMS int64            `json:"elapsed_ms"`
	Stats     map[string]int64 `json:"stats,omitempty"`
	IO
	Error string `json:"error,omitempty"`
}

// IO is what a step read and wrote, the same for every step (lib/metrics
// measures it at the store; Stats hold each step's own counts).
type IO struct {
	// RowsRead are the rows of the committed partitions the step read, as
	// its manifests name them; for ingest, the rows and records it read
	// from its sources.
	RowsRead int64 `json:"rows_read,omitempty"`
	// RowsWritten are the rows of the partitions the step committed,
	// quarantine partitions aside.
	RowsWritten int64 `json:"rows_written,omitempty"`
	// RowsQuarantined are the rows of the quarantine partitions it
	// committed.
	RowsQuarantined int64 `json:"rows_quarantined,omitempty"`
	// BytesWritten counts every byte the step put into the store: data
	// files, manifests, markers, models, side files.
	BytesWritten int64 `json:"bytes_written,omitempty"`
}

// Key is where a run's record is stored.
func Key(runID string) string { return "runs/" + runID + ".json" }

// Write stores the record.
func Write(ctx context.Context, st store.Store, r *Record) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode run record: %w", err)
	}
	if err := store.PutBytes(ctx, st, Key(r.RunID), append(b, '\n')); err != nil {
		return fmt.Errorf("write run record: %w", err)
	}
	return nil
}

// LatestByDate reads the run records in st and returns, for every date,
// the one that started last among those whose command counts says count.
// A record that does not decode is an error: run records are written
// whole.
func LatestByDate(ctx context.Context, st store.Store, counts func(command string) bool) (map[string]*Record, error) {
	keys, err := store.Keys(ctx, st, "runs/")
	if err != nil {
		return nil, fmt.Errorf("list run records: %w", err)
	}
	latest := map[string]*Record{}
	for _, key := range keys {
		name := strings.TrimPrefix(key, "runs/")
		if strings.Contains(name, "/") || !strings.HasSuffix(name, ".json") {
			continue // another dataset under runs/ (runs/backfill)
		}
		b, err := store.GetBytes(ctx, st, key)
		if err != nil {
			return nil, fmt.Errorf("read run record %s: %w", key, err)
		}
		var r Record
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("decode run record %s: %w", key, err)
		}
		if !counts(r.Command) {
			continue
		}
		if cur, ok := latest[r.Date]; !ok || r.StartedAt.After(cur.StartedAt) {
			latest[r.Date] = &r
		}
	}
	return latest, nil
}

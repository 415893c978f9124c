package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
)

// Repair brings the streams' state/<source>/<stream>.json up to their
// committed raw partitions of d when a run died between the two (nightly
// calls it for an ingest it skips). A file-drop stream's state is rebuilt
// from the raw and quarantine manifests. An API stream's cursor lives only
// in its state: when that is behind its committed data, Repair asks for
// ingest to run again (true), which pulls the same window again.
func Repair(ctx context.Context, env step.Env, d rundate.Date) (bool, error) {
	for _, r := range env.Config.Streams(config.AllStreams) {
		p := dataset.Partition{Dataset: contract.Raw(r.Source.Name, r.Stream.Name), Date: d}
		m, err := dataset.ReadManifest(ctx, env.Store, p)
		if errors.Is(err, dataset.ErrNotCommitted) {
			continue
		}
		if err != nil {
			return false, err
		}
		behind, err := stateBehind(ctx, env.Store, r, d, m)
		if err != nil {
			return false, err
		}
		if !behind {
			continue
		}
		log := env.Log.Warn().Str(logging.FieldSource, r.Source.Name).Str(logging.FieldStream, r.Stream.Name)
		if r.Source.Kind != config.FileDrop {
			log.Msg("stream state behind its committed data: ingest runs again")
			return true, nil
		}
		if err := repairFileDropState(ctx, env, r, d, m); err != nil {
			return false, err
		}
		log.Msg("stream state behind its committed data: repaired")
	}
	return false, nil
}

// stateBehind reports whether the stream's state is missing, or names a
// date before d, or d with another run than the one that committed m.
func stateBehind(ctx context.Context, st store.Store, r config.StreamRef, d rundate.Date, m *dataset.Manifest) (bool, error) {
	key := contract.StateKey(r.Source.Name, r.Stream.Name)
	b, err := store.GetBytes(ctx, st, key)
	if errors.Is(err, store.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", key, err)
	}
	var cur struct {
		LastDate string `json:"last_date"`
		RunID    string `json:"run_id"`
	}
	if json.Unmarshal(b, &cur) != nil {
		return true, nil
	}
	return cur.LastDate < d.String() || cur.LastDate == d.String() && cur.RunID != m.RunID && r.Source.Kind == config.FileDrop, nil
}

// repairFileDropState writes the state of a file-drop stream whose raw
// partition of d committed with manifest m, as the pull would have.
func repairFileDropState(ctx context.Context, env step.Env, r config.StreamRef, d rundate.Date, m *dataset.Manifest) error {
	q, err := dataset.ReadManifest(ctx, env.Store, dataset.Partition{Dataset: contract.Quarantine(r.Source.Name, r.Stream.Name), Date: d})
	if err != nil {
		return err
	}
	var files []string
	if raw, ok := m.Meta["source_files"].([]any); ok {
		for _, f := range raw {
			if s, ok := f.(string); ok {
				files = append(files, s)
			}
		}
	}
	return writeFileDropState(ctx, env.Store, State{Source: r.Source.Name, Stream: r.Stream.Name, Date: d.String(),
		RunID: m.RunID, CommittedAt: m.CreatedAt, Files: files, Rows: m.Rows, Quarantined: q.Rows})
}

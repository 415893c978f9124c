package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
)

// Repair points every segment's latest.json at its committed partition of
// d when a run died after committing it and before writing latest.json
// (nightly calls it for a publish it skips). A latest.json that names d
// with the committed run, or a later date, is left as it is.
func Repair(ctx context.Context, env step.Env, d rundate.Date) (bool, error) {
	segs := env.Config.Segments
	var families []string
	if segs.RFM.Enabled {
		families = append(families, contract.RFMSegments)
	}
	for _, seg := range segs.Rules {
		families = append(families, contract.Segment(seg.Name))
	}
	for _, ds := range families {
		if err := repairLatest(ctx, env, dataset.Partition{Dataset: ds, Date: d}); err != nil {
			return false, err
		}
	}
	return false, nil
}

// repairLatest writes the latest.json of p's dataset when p is committed
// and latest.json names neither p's commit nor a later date.
func repairLatest(ctx context.Context, env step.Env, p dataset.Partition) error {
	m, err := dataset.ReadManifest(ctx, env.Store, p)
	if errors.Is(err, dataset.ErrNotCommitted) {
		return nil
	}
	if err != nil {
		return err
	}
	key := contract.LatestKey(p.Dataset)
	b, err := store.GetBytes(ctx, env.Store, key)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("read %s: %w", key, err)
	}
	var cur contract.Latest
	if err == nil && json.Unmarshal(b, &cur) == nil &&
		(cur.Date > p.Date.String() || cur.Date == p.Date.String() && cur.RunID == m.RunID) {
		return nil
	}
	env.Log.Warn().Str(logging.FieldKey, key).Str(logging.FieldLatest, cur.Date).Msg("latest.json behind its committed partition: repaired")
	return writeLatest(ctx, env.Store, key, latestOf(p, m, env.Now()))
}

package step

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/rundate"
)

// MetaNewestEvent is the meta key of a raw manifest that holds the newest
// event time of its rows (RFC 3339, UTC), or null when it has none; ingest
// records it for every file-drop stream with an event time.
const MetaNewestEvent = "newest_event_at"

// NewestEventMeta is the value of MetaNewestEvent for newest: null when zero.
func NewestEventMeta(newest time.Time) any {
	if newest.IsZero() {
		return nil
	}
	return newest.UTC().Format(time.RFC3339Nano)
}

// NewestInput is the newest event time in the committed raw partitions of
// d of the file-drop streams that declare an event time: the newest input
// the sources hold for d. ok is false when no such partition exists, so
// that there is nothing to judge by (API sources carry no event time the
// configuration declares). A partition whose manifest predates
// MetaNewestEvent is read instead.
func NewestInput(ctx context.Context, env Env, d rundate.Date) (newest time.Time, ok bool, err error) {
	for _, src := range env.Config.Sources {
		if src.Kind != config.FileDrop {
			continue
		}
		for _, st := range src.Streams {
			if st.EventTime == "" {
				continue
			}
			p := dataset.Partition{Dataset: contract.Raw(src.Name, st.Name), Date: d}
			at, found, err := newestOf(ctx, env, p, st.EventTime)
			if err != nil {
				return time.Time{}, false, err
			}
			ok = ok || found
			if at.After(newest) {
				newest = at
			}
		}
	}
	return newest, ok, nil
}

// newestOf is the newest event time of raw partition p, whose event time
// is the field field; found is false when p is not committed.
func newestOf(ctx context.Context, env Env, p dataset.Partition, field string) (time.Time, bool, error) {
	m, err := dataset.ReadManifest(ctx, env.Store, p)
	if errors.Is(err, dataset.ErrNotCommitted) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	if v, recorded := m.Meta[MetaNewestEvent]; recorded {
		s, _ := v.(string)
		if s == "" {
			return time.Time{}, true, nil
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("%s: meta %s: %w", p, MetaNewestEvent, err)
		}
		return t, true, nil
	}
	var newest int64
	err = dataset.EachRowsOf(ctx, env.Store, p, m, func(s *parquet.Schema, rows []parquet.Row) error {
		f := dataset.FieldsOf(s)
		for _, r := range rows {
			if us, ok := f.Int64(r, field); ok && us > newest {
				newest = us
			}
		}
		return nil
	})
	if err != nil || newest == 0 {
		return time.Time{}, err == nil, err
	}
	return time.UnixMicro(newest).UTC(), true, nil
}

// EmptyNight is the one check of a run dated after the newest input the
// sources hold (NewestInput before the start of d): an empty night, on
// which no model is promoted and no latest.json moves. Without
// env.AllowEmpty an empty night is a UsageError saying what to do; with it
// EmptyNight logs the fact and reports true. A run with nothing to judge
// by is not empty.
func EmptyNight(ctx context.Context, env Env, d rundate.Date) (bool, error) {
	newest, ok, err := NewestInput(ctx, env, d)
	if err != nil {
		return false, fmt.Errorf("newest input: %w", err)
	}
	if !ok || !newest.Before(d.Start()) {
		return false, nil
	}
	was := "none"
	if !newest.IsZero() {
		was = newest.Format(time.RFC3339)
	}
	if !env.AllowEmpty {
		return true, Usagef("the run date %s is after the newest input the sources hold (%s): nothing new to run on; "+
			"give the --date of the data, or --allow-empty to run it anyway (no model is promoted and no latest.json moves); "+
			"once a late export has landed, rerun with --redo", d, was)
	}
	env.Log.Warn().Str(logging.FieldNewestInput, was).
		Msg("run date after the newest input (--allow-empty): no model is promoted and no latest.json moves")
	return true, nil
}

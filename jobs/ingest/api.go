package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/connector"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
)

// APIState is the state of an API stream, saved in state/<source>/<stream>.json
// only after the data it covers is committed, so it is never ahead of it.
type APIState struct {
	Source string `json:"source"`
	Stream string `json:"stream"`
	// Cursor is the newest (modified, id) committed (incremental streams).
	Cursor connector.Cursor `json:"cursor"`
	// Schema is the committed schema: what schema drift is checked against.
	Schema []connector.Field `json:"schema"`
	// Windows are the pull windows of recent run dates, so that a rerun of
	// a date re-reads the same window and rewrites the same partition.
	Windows map[string]Window `json:"windows,omitempty"`
	// LastDate is the newest run date committed.
	LastDate    string    `json:"last_date"`
	RunID       string    `json:"run_id"`
	CommittedAt time.Time `json:"committed_at"`
}

// Window is the (since, upper] window one run date pulled.
type Window struct {
	Since connector.Cursor `json:"since"`
	Upper time.Time        `json:"upper"`
	Rows  int64            `json:"rows"`
}

// keepWindows bounds how many dates' windows the state remembers.
const keepWindows = 60

// DefaultLookback is implemented by daily streams with a platform default.
type DefaultLookback interface{ DefaultLookbackDays() int }

// LoadState reads a stream's state; a missing file is a fresh stream.
func LoadState(ctx context.Context, st store.Store, source, stream string) (*APIState, error) {
	s := &APIState{Source: source, Stream: stream, Windows: map[string]Window{}}
	b, err := store.GetBytes(ctx, st, contract.StateKey(source, stream))
	if errors.Is(err, store.ErrNotFound) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("decode state %s: %w", contract.StateKey(source, stream), err)
	}
	if s.Windows == nil {
		s.Windows = map[string]Window{}
	}
	return s, nil
}

// saveState writes the stream's state, keeping the windows of the
// keepWindows newest dates.
func saveState(ctx context.Context, st store.Store, s *APIState) error {
	s.trimWindows()
	return putState(ctx, st, s.Source, s.Stream, s)
}

// trimWindows forgets the windows of all but the keepWindows newest
// dates.
func (s *APIState) trimWindows() {
	if len(s.Windows) <= keepWindows {
		return
	}
	dates := make([]string, 0, len(s.Windows))
	for d := range s.Windows {
		dates = append(dates, d)
	}
	sort.Strings(dates)
	for _, d := range dates[:len(dates)-keepWindows] {
		delete(s.Windows, d)
	}
}

// pullIncremental pulls the window of run date d, commits
// raw/<source>/<stream>/dt=d, then saves the state.
func pullIncremental(ctx context.Context, env step.Env, log zerolog.Logger, src config.Source, s connector.Incremental, d rundate.Date, stats step.Stats) error {
	state, err := LoadState(ctx, env.Store, src.Name, s.Name())
	if err != nil {
		return err
	}
	w, rerun := incrementalWindow(env, state, d)
	log.Info().Str(logging.FieldSince, connector.FormatCursor(w.Since)).Time(logging.FieldUpper, w.Upper).Bool(logging.FieldRerun, rerun).Msg("pulling")
	records, pages, seen, err := pullLatest(ctx, env, log, s, w)
	if err != nil {
		return fmt.Errorf("pull (nothing committed, cursor unchanged): %w", err)
	}
	schema, err := reconcile(log, state, s, records)
	if err != nil {
		return err
	}
	p := dataset.Partition{Dataset: contract.Raw(src.Name, s.Name()), Date: d}
	m, err := commitRecords(ctx, env, p, s.Name(), schema, records, false, map[string]any{
		"since": w.Since, "upper": w.Upper, "pages": pages,
	})
	if err != nil {
		return err
	}
	tombstones := advanceCursor(state, records)
	w.Rows = m.Rows
	state.Windows[d.String()] = w
	if err := commitState(ctx, env, state, schema, d); err != nil {
		return err
	}
	key := src.Name + "/" + s.Name() + "."
	stats.Add(key+"pages", pages)
	stats.Add(key+"records_seen", seen)
	stats.Add(key+"rows_written", m.Rows)
	stats.Add(key+"tombstones", tombstones)
	log.Info().Int64(logging.FieldPages, pages).Int64(logging.FieldRecordsSeen, seen).Int64(logging.FieldRowsWritten, m.Rows).
		Int64(logging.FieldTombstones, tombstones).Str(logging.FieldCursor, connector.FormatCursor(state.Cursor)).Msg("stream ingested")
	return nil
}

// incrementalWindow is the window an incremental stream pulls for d: the
// one an earlier pull of d used when d is rerun, else from the cursor to
// the end of d or now, whichever is earlier. rerun says which.
func incrementalWindow(env step.Env, state *APIState, d rundate.Date) (w Window, rerun bool) {
	w, rerun = state.Windows[d.String()]
	if !rerun {
		w = Window{Since: state.Cursor, Upper: d.End()}
		if now := env.Now().UTC(); now.Before(w.Upper) {
			w.Upper = now // frozen at the start of the pull
		}
	}
	return w, rerun
}

// pullLatest pulls the window's pages and keeps the latest version of each
// record in the window, in cursor order; it counts the pages and the
// records seen.
func pullLatest(ctx context.Context, env step.Env, log zerolog.Logger, s connector.Incremental, w Window) (records []connector.Record, pages, seen int64, err error) {
	latest := latestVersions{}
	progress := logging.NewProgress(log, "pulling pages", 5*time.Second, env.Now)
	err = s.Pull(ctx, w.Since, w.Upper, func(page []connector.Record) error {
		pages++
		seen += int64(len(page))
		progress.Set(seen)
		latest.add(page, w)
		return nil
	})
	if err != nil {
		return nil, pages, seen, err
	}
	return latest.sorted(), pages, seen, nil
}

// latestVersions is the latest version of each record pulled, by id.
type latestVersions map[string]connector.Record

// add keeps the records of page that lie in the window when they are the
// latest version of their record so far.
func (l latestVersions) add(page []connector.Record, w Window) {
	for _, r := range page {
		if !connector.Keep(r, w.Since, w.Upper) {
			continue
		}
		if cur, ok := l[r.ID]; !ok || connector.CursorOf(cur).Less(connector.CursorOf(r)) {
			l[r.ID] = r
		}
	}
}

// sorted lists the records in cursor order.
func (l latestVersions) sorted() []connector.Record {
	records := make([]connector.Record, 0, len(l))
	for _, r := range l {
		records = append(records, r)
	}
	sort.Slice(records, func(i, j int) bool { return connector.CursorOf(records[i]).Less(connector.CursorOf(records[j])) })
	return records
}

// advanceCursor moves the state's cursor to the latest committed record
// and counts the tombstones among them.
func advanceCursor(state *APIState, records []connector.Record) (tombstones int64) {
	for _, r := range records {
		if r.Deleted {
			tombstones++
		}
		if state.Cursor.Less(connector.CursorOf(r)) {
			state.Cursor = connector.CursorOf(r)
		}
	}
	return tombstones
}

// pullDaily re-reads the look-back window ending on d and overwrites each
// day's partition whole, oldest first, then saves the state.
func pullDaily(ctx context.Context, env step.Env, log zerolog.Logger, src config.Source, s connector.Daily, d rundate.Date, stats step.Stats) error {
	state, err := LoadState(ctx, env.Store, src.Name, s.Name())
	if err != nil {
		return err
	}
	lookback := lookbackDays(src, s)
	from := d.AddDays(1 - lookback)
	log.Info().Str(logging.FieldFrom, from.String()).Str(logging.FieldTo, d.String()).Int(logging.FieldLookbackDays, lookback).Msg("pulling")
	byDay, all, pages, err := pullDays(ctx, s, from, d)
	if err != nil {
		return fmt.Errorf("pull (nothing committed): %w", err)
	}
	schema, err := reconcile(log, state, s, all)
	if err != nil {
		return err
	}
	rows, err := commitDays(ctx, env, src, s, schema, byDay, from, d)
	if err != nil {
		return err
	}
	if err := commitState(ctx, env, state, schema, d); err != nil {
		return err
	}
	key := src.Name + "/" + s.Name() + "."
	stats.Add(key+"pages", pages)
	stats.Add(key+"days_written", int64(lookback))
	stats.Add(key+"rows_written", rows)
	log.Info().Int64(logging.FieldPages, pages).Int(logging.FieldDaysWritten, lookback).Int64(logging.FieldRowsWritten, rows).Msg("stream ingested")
	return nil
}

// lookbackDays is the source's configured look-back, else the stream's
// platform default, else one day.
func lookbackDays(src config.Source, s connector.Daily) int {
	if src.LookbackDays != 0 {
		return src.LookbackDays
	}
	if dl, ok := s.(DefaultLookback); ok {
		return dl.DefaultLookbackDays()
	}
	return 1
}

// pullDays pulls the days from..d, grouping the records by day (all keeps
// them in pull order); a record outside the window is an error.
func pullDays(ctx context.Context, s connector.Daily, from, d rundate.Date) (byDay map[string][]connector.Record, all []connector.Record, pages int64, err error) {
	byDay = map[string][]connector.Record{}
	err = s.PullDays(ctx, from.Start(), d.Start(), func(page []connector.Record) error {
		pages++
		for _, r := range page {
			day := rundate.Of(r.Day)
			if day.Start().Before(from.Start()) || day.Start().After(d.Start()) {
				return fmt.Errorf("record %s for day %s outside %s..%s", r.ID, day, from, d)
			}
			byDay[day.String()] = append(byDay[day.String()], r)
		}
		all = append(all, page...)
		return nil
	})
	return byDay, all, pages, err
}

// commitDays commits one raw partition per day from..d, each sorted by
// record id (empty days too), and returns the rows written.
func commitDays(ctx context.Context, env step.Env, src config.Source, s connector.Daily, schema []connector.Field,
	byDay map[string][]connector.Record, from, d rundate.Date) (int64, error) {
	var rows int64
	for day := from; !day.Start().After(d.Start()); day = day.AddDays(1) {
		records := byDay[day.String()]
		sort.Slice(records, func(i, j int) bool { return records[i].ID < records[j].ID })
		p := dataset.Partition{Dataset: contract.Raw(src.Name, s.Name()), Date: day}
		m, err := commitRecords(ctx, env, p, s.Name(), schema, records, true, map[string]any{
			"window_from": from.String(), "window_to": d.String(), "run_date": d.String(),
		})
		if err != nil {
			return 0, err
		}
		rows += m.Rows
	}
	return rows, nil
}

// reconcile checks the pull's schema against the committed one.
func reconcile(log zerolog.Logger, state *APIState, s connector.Stream, records []connector.Record) ([]connector.Field, error) {
	observed, err := connector.Observe(s.Fields(), records)
	if err != nil {
		return nil, fmt.Errorf("schema (nothing committed): %w", err)
	}
	merged, added, err := connector.Reconcile(state.Schema, observed, len(records) > 0)
	if err != nil {
		return nil, fmt.Errorf("schema (nothing committed): %w", err)
	}
	if len(state.Schema) > 0 && len(added) > 0 {
		log.Warn().Strs(logging.FieldNewFields, added).Msg("schema drift: new fields become new columns")
	}
	return merged, nil
}

func commitRecords(ctx context.Context, env step.Env, p dataset.Partition, name string, fields []connector.Field,
	records []connector.Record, daily bool, meta map[string]any) (*dataset.Manifest, error) {
	schema := connector.Schema(name, fields, daily)
	rows, err := connector.Rows(schema, fields, records, daily)
	if err != nil {
		return nil, fmt.Errorf("convert records (nothing committed): %w", err)
	}
	w := dataset.NewWriter(env.Store, p, env.RunID, contract.StepIngest, "")
	for k, v := range meta {
		w.SetMeta(k, v)
	}
	if err := dataset.WriteRows(ctx, w, schema, rows); err != nil {
		return nil, err
	}
	return w.Commit(ctx, env.Now())
}

// commitState records in state that run date d committed with schema, then
// saves it.
func commitState(ctx context.Context, env step.Env, state *APIState, schema []connector.Field, d rundate.Date) error {
	state.Schema = schema
	if d.String() > state.LastDate {
		state.LastDate = d.String()
	}
	state.RunID = env.RunID
	state.CommittedAt = env.Now().UTC()
	return saveState(ctx, env.Store, state)
}

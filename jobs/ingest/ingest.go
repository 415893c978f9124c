// Package ingest is the ingest step: it pulls every configured source
// stream into raw/<source>/<stream>/dt=D, rows it cannot read into
// quarantine/<source>/<stream>/dt=D, and then, after both commits, saves the
// stream's state in state/<source>/<stream>.json.
package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/connector"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/filedrop"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
)

// State is what the last successful pull of a stream committed.
type State struct {
	Source      string    `json:"source"`
	Stream      string    `json:"stream"`
	Date        string    `json:"last_date"`
	RunID       string    `json:"run_id"`
	CommittedAt time.Time `json:"committed_at"`
	Files       []string  `json:"files"`
	Rows        int64     `json:"rows"`
	Quarantined int64     `json:"quarantined"`
}

// Run pulls every stream of every source for d (or the one source and
// stream env selects).
func Run(ctx context.Context, env step.Env, d rundate.Date) (step.Stats, error) {
	stats := step.Stats{}
	matched, streams := false, 0
	for _, src := range env.Config.Sources {
		if env.Source != "" && env.Source != src.Name {
			continue
		}
		matched = true
		run := runAPI
		if src.Kind == config.FileDrop {
			run = runFileDrop
		}
		n, err := run(ctx, env, src, d, stats)
		streams += n
		if err != nil {
			return stats, err
		}
	}
	if !matched {
		return stats, step.Usagef("no source named %q in the configuration", env.Source)
	}
	if streams == 0 {
		return stats, step.Usagef("no stream named %q in the selected sources", env.Stream)
	}
	return stats, nil
}

// runAPI pulls the streams of one API source.
func runAPI(ctx context.Context, env step.Env, src config.Source, d rundate.Date, stats step.Stats) (int, error) {
	if env.Connectors == nil {
		return 0, fmt.Errorf("%s: no connectors available", src.Name)
	}
	srcLog := env.Log.With().Str(logging.FieldSource, src.Name).Logger()
	streams, err := env.Connectors(src, srcLog)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", src.Name, err)
	}
	n := 0
	for _, s := range streams {
		if env.Stream != "" && env.Stream != s.Name() {
			continue
		}
		n++
		log := srcLog.With().Str(logging.FieldStream, s.Name()).Logger()
		if err := pullAPIStream(ctx, env, log, src, s, d, stats); err != nil {
			return n, fmt.Errorf("%s/%s: %w", src.Name, s.Name(), err)
		}
	}
	return n, nil
}

// pullAPIStream pulls one stream of an API source as its kind wants.
func pullAPIStream(ctx context.Context, env step.Env, log zerolog.Logger, src config.Source, s connector.Stream, d rundate.Date, stats step.Stats) error {
	switch s := s.(type) {
	case connector.Incremental:
		return pullIncremental(ctx, env, log, src, s, d, stats)
	case connector.Daily:
		return pullDaily(ctx, env, log, src, s, d, stats)
	default:
		return fmt.Errorf("stream kind %T is neither incremental nor daily", s)
	}
}

// runFileDrop pulls the streams of one file-drop source from its landing.
func runFileDrop(ctx context.Context, env step.Env, src config.Source, d rundate.Date, stats step.Stats) (int, error) {
	landing, prefix, err := env.Opener(src.Landing)
	if err != nil {
		return 0, fmt.Errorf("open landing of %s: %w", src.Name, err)
	}
	n := 0
	for _, st := range src.Streams {
		if env.Stream != "" && env.Stream != st.Name {
			continue
		}
		n++
		log := env.Log.With().Str(logging.FieldSource, src.Name).Str(logging.FieldStream, st.Name).Logger()
		if err := pullStream(ctx, env, log, landing, prefix, src, st, d, stats); err != nil {
			return n, fmt.Errorf("%s/%s: %w", src.Name, st.Name, err)
		}
	}
	return n, nil
}

// pullStream pulls one file-drop stream: its rows into the raw partition
// of d, those it cannot read into the quarantine partition, then its state.
func pullStream(ctx context.Context, env step.Env, log zerolog.Logger, landing store.Store, prefix string,
	src config.Source, st config.Stream, d rundate.Date, stats step.Stats) error {
	start := env.Now()
	progress := logging.NewProgress(log, "reading landing files", 5*time.Second, env.Now)
	part := newRawPart(env, src, st, d)
	defer part.abortUnlessCommitted(ctx, log)
	res, err := filedrop.Pull(ctx, landing, prefix, st, d.End(), filedrop.WithProgress(func(n int64) {
		progress.Set(n)
	}), filedrop.WithRows(func(row parquet.Row) error { return part.raw.WriteRow(ctx, row) }))
	if err != nil {
		return err
	}
	byRule, err := writeQuarantine(ctx, env, src, st, d, res.Rejected)
	if err != nil {
		return err
	}
	m, err := part.commit(ctx, env, res, st)
	if err != nil {
		return err
	}
	if err := saveFileDropState(ctx, env, src, st, d, res, m); err != nil {
		return err
	}
	addPullStats(stats, src, st, res, m)
	logIngested(log, res, m, byRule, env.Now().Sub(start))
	return nil
}

// rawPart is the raw partition of a file-drop pull. The raw rows stream
// into its parts as they are read; the partition is committed only after
// the quarantine partition, and its parts are removed again if the stream
// fails before that.
type rawPart struct {
	w         *dataset.Writer
	raw       *dataset.RowWriter
	committed bool
}

// newRawPart starts the raw partition of stream st of source src for d.
func newRawPart(env step.Env, src config.Source, st config.Stream, d rundate.Date) *rawPart {
	w := dataset.NewWriter(env.Store, dataset.Partition{Dataset: contract.Raw(src.Name, st.Name), Date: d}, env.RunID, contract.StepIngest, "")
	return &rawPart{w: w, raw: dataset.NewRowWriter(w, filedrop.Schema(st))}
}

// abortUnlessCommitted removes the parts written unless the partition was
// committed; it logs a failure to remove them to log.
func (p *rawPart) abortUnlessCommitted(ctx context.Context, log zerolog.Logger) {
	if p.committed {
		return
	}
	if err := p.raw.Abort(context.WithoutCancel(ctx)); err != nil {
		log.Warn().Err(err).Msg("could not remove the raw parts of the failed pull")
	}
}

// commit records the pull's files, the stream's currency and the newest
// event time of its rows in the manifest, and commits the partition.
func (p *rawPart) commit(ctx context.Context, env step.Env, res *filedrop.Result, st config.Stream) (*dataset.Manifest, error) {
	p.w.SetMeta("source_files", res.Files)
	p.w.SetMeta("currency", st.Currency)
	if st.EventTime != "" {
		p.w.SetMeta(step.MetaNewestEvent, step.NewestEventMeta(res.Newest))
	}
	if err := p.raw.Close(ctx); err != nil {
		return nil, err
	}
	m, err := p.w.Commit(ctx, env.Now())
	if err != nil {
		return nil, err
	}
	p.committed = true
	return m, nil
}

// logIngested logs a file-drop stream's pull, with the quarantined rows by
// rule.
func logIngested(log zerolog.Logger, res *filedrop.Result, m *dataset.Manifest, byRule map[string]int64, elapsed time.Duration) {
	ev := log.Info().Int(logging.FieldFiles, len(res.Files)).Int64(logging.FieldRowsRead, res.Read).
		Int64(logging.FieldRowsWritten, m.Rows).Int(logging.FieldRowsQuarantined, len(res.Rejected)).
		Int64(logging.FieldRowsAfterDate, res.AfterDate).Int64(logging.FieldElapsed, elapsed.Milliseconds())
	for rule, n := range byRule {
		ev = ev.Int64(logging.FieldQuarantinedPrefix+rule, n)
	}
	ev.Msg("stream ingested")
}

// writeQuarantine commits the quarantine partition of a file-drop stream:
// the rows it could not read, counted by the rule they broke.
func writeQuarantine(ctx context.Context, env step.Env, src config.Source, st config.Stream, d rundate.Date,
	rejected []filedrop.Rejected) (map[string]int64, error) {
	qw := dataset.NewWriter(env.Store, dataset.Partition{Dataset: contract.Quarantine(src.Name, st.Name), Date: d}, env.RunID, contract.StepIngest, "")
	byRule := map[string]int64{}
	for _, r := range rejected {
		byRule[r.Rule]++
	}
	qw.SetMeta("rejected_by_rule", byRule)
	if err := dataset.WriteParquet(ctx, qw, rejected); err != nil {
		return nil, err
	}
	if _, err := qw.Commit(ctx, env.Now()); err != nil {
		return nil, err
	}
	return byRule, nil
}

// saveFileDropState writes a file-drop stream's state after its raw partition is
// committed.
func saveFileDropState(ctx context.Context, env step.Env, src config.Source, st config.Stream, d rundate.Date,
	res *filedrop.Result, m *dataset.Manifest) error {
	return writeFileDropState(ctx, env.Store, State{Source: src.Name, Stream: st.Name, Date: d.String(), RunID: env.RunID,
		CommittedAt: env.Now().UTC(), Files: res.Files, Rows: m.Rows, Quarantined: int64(len(res.Rejected))})
}

// writeFileDropState stores a file-drop stream's state.
func writeFileDropState(ctx context.Context, st store.Store, state State) error {
	return putState(ctx, st, state.Source, state.Stream, state)
}

// putState writes state, the state of a file-drop or API stream, as
// indented JSON to state/<source>/<stream>.json.
func putState(ctx context.Context, st store.Store, source, stream string, state any) error {
	b, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	if err := store.PutBytes(ctx, st, contract.StateKey(source, stream), append(b, '\n')); err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	return nil
}

// addPullStats counts a file-drop stream's pull under <source>/<stream>.
func addPullStats(stats step.Stats, src config.Source, st config.Stream, res *filedrop.Result, m *dataset.Manifest) {
	prefixKey := src.Name + "/" + st.Name + "."
	stats.Add(prefixKey+"files", int64(len(res.Files)))
	stats.Add(prefixKey+"rows_read", res.Read)
	stats.Add(prefixKey+"rows_written", m.Rows)
	stats.Add(prefixKey+"rows_quarantined", int64(len(res.Rejected)))
	stats.Add(prefixKey+"rows_after_date", res.AfterDate)
}

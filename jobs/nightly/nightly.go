// Package nightly runs the steps of one run date as a DAG in order:
// ingest, unify, features, train, score, publish, report. A step whose
// outputs are all committed for the date is skipped unless redo is asked;
// once one step has run, every later step runs too, since its inputs changed.
// Backfills call the same Run for each date.
package nightly

import (
	"context"
	"fmt"

	"github.com/segmint/segmint/jobs/features"
	"github.com/segmint/segmint/jobs/ingest"
	"github.com/segmint/segmint/jobs/publish"
	"github.com/segmint/segmint/jobs/report"
	"github.com/segmint/segmint/jobs/score"
	"github.com/segmint/segmint/jobs/train"
	"github.com/segmint/segmint/jobs/unify"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/runlog"
	"github.com/segmint/segmint/lib/step"
)

// Step is one step of the DAG.
type Step struct {
	Name    string
	Reads   string
	Writes  string
	Run     func(context.Context, step.Env, rundate.Date) (step.Stats, error)
	Outputs func(*config.Config, rundate.Date) []dataset.Partition
}

// Steps lists the DAG in the order it runs.
func Steps() []Step {
	return []Step{
		{ingest.Name, "the landing files of every configured source stream",
			"raw/<source>/<stream>/dt=D, quarantine/<source>/<stream>/dt=D, state/<source>/<stream>.json",
			ingest.Run, ingest.Outputs},
		{unify.Name, "raw/<source>/<stream>/dt=D of every orders stream",
			"unified/orders/dt=D, unified/customers/dt=D", unify.Run, unify.Outputs},
		{features.Name, "unified/customers/dt=D, unified/orders/dt=D, raw touchpoints of D",
			"features/customers/dt=D, kpi/cohorts/dt=D, kpi/daily/dt=D", features.Run, features.Outputs},
		{train.Name, "unified/orders/dt=D",
			"models/<model>/<version>/{model.json,metrics.json}, models/<model>/champion.json, models/_decisions/dt=D",
			train.Run, train.Outputs},
		{score.Name, "features/customers/dt=D, unified/orders/dt=D, the champion models",
			"scores/dt=D (RFM scores and segments, purchase probability, CLV)", score.Run, score.Outputs},
		{publish.Name, "scores/dt=D", "segments/rfm/dt=D (Parquet, audience CSV, manifest.json, _SUCCESS), segments/rfm/latest.json",
			publish.Run, publish.Outputs},
		{report.Name, "the manifests of D, unified/customers/dt=D, models/_decisions/dt=D", "reports/dt=D/index.html", report.Run, report.Outputs},
	}
}

// Lookup finds a step by name.
func Lookup(name string) (Step, bool) {
	for _, s := range Steps() {
		if s.Name == name {
			return s, true
		}
	}
	return Step{}, false
}

// committed reports whether every output of the step exists for d. A step
// without dated outputs is never committed.
func committed(ctx context.Context, env step.Env, s Step, d rundate.Date) (bool, error) {
	outs := s.Outputs(env.Config, d)
	if len(outs) == 0 {
		return false, nil
	}
	for _, p := range outs {
		ok, err := dataset.Committed(ctx, env.Store, p)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// RunStep runs one step and appends its outcome to rec.
func RunStep(ctx context.Context, env step.Env, s Step, d rundate.Date, rec *runlog.Record) error {
	env.Log = env.Log.With().Str(logging.FieldJob, s.Name).Logger()
	start := env.Now()
	env.Log.Info().Msg("step started")
	stats, err := s.Run(ctx, env, d)
	step := runlog.Step{Name: s.Name, Status: runlog.StatusDone, StartedAt: start.UTC(),
		ElapsedMS: env.Now().Sub(start).Milliseconds(), Stats: stats}
	if err != nil {
		step.Status, step.Error = runlog.StatusFailed, err.Error()
		rec.Steps = append(rec.Steps, step)
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	rec.Steps = append(rec.Steps, step)
	env.Log.Info().Int64(logging.FieldElapsed, step.ElapsedMS).Msg("step done")
	return nil
}

// Run runs the DAG for d.
func Run(ctx context.Context, env step.Env, d rundate.Date, redo bool, rec *runlog.Record) error {
	ran := false
	for _, s := range Steps() {
		if !redo && !ran {
			done, err := committed(ctx, env, s, d)
			if err != nil {
				return fmt.Errorf("%s: %w", s.Name, err)
			}
			if done {
				env.Log.Info().Str(logging.FieldJob, s.Name).Msg("step already committed for this date: skipped")
				rec.Steps = append(rec.Steps, runlog.Step{Name: s.Name, Status: runlog.StatusSkipped,
					Reason: "outputs already committed (use --redo to rebuild)", StartedAt: env.Now().UTC()})
				continue
			}
		}
		if err := RunStep(ctx, env, s, d, rec); err != nil {
			return err
		}
		if len(s.Outputs(env.Config, d)) > 0 {
			ran = true
		}
	}
	return nil
}

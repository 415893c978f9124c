// Package nightly runs the steps of one run date as a DAG in order:
// ingest, unify, features, train, score, publish, report. A step whose
// outputs are all committed for the date is skipped unless redo is asked;
// once one step has run, every later step runs too, since its inputs changed.
// Right after ingest, a run dated after the newest input the sources hold
// stops unless --allow-empty (step.EmptyNight). Backfills call the same
// RunSteps for each date.
package nightly

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/segmint/segmint/jobs/features"
	"github.com/segmint/segmint/jobs/ingest"
	"github.com/segmint/segmint/jobs/publish"
	"github.com/segmint/segmint/jobs/report"
	"github.com/segmint/segmint/jobs/score"
	"github.com/segmint/segmint/jobs/train"
	"github.com/segmint/segmint/jobs/unify"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/metrics"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/runlog"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
)

// Step is one step of the DAG: its declaration in the data contract (what
// it reads and writes) and the function that runs it.
type Step struct {
	contract.Step
	Run func(context.Context, step.Env, rundate.Date) (step.Stats, error)
	// Repair, when set, brings the step's side files (latest.json, stream
	// state) up to its committed outputs when nightly skips the step, as a
	// run that died right after its last commit leaves them; true asks for
	// the step to run again instead.
	Repair func(context.Context, step.Env, rundate.Date) (bool, error)
}

// repairs are the Repair functions of the steps that write side files
// after their last commit.
func repairs() map[string]func(context.Context, step.Env, rundate.Date) (bool, error) {
	return map[string]func(context.Context, step.Env, rundate.Date) (bool, error){
		contract.StepIngest:  ingest.Repair,
		contract.StepPublish: publish.Repair,
	}
}

// Outputs are the partitions the step commits for d, as the contract
// declares them.
func (s Step) Outputs(c *config.Config, d rundate.Date) []dataset.Partition {
	return contract.Outputs(s.Name, c, d)
}

// runs are the functions that run the steps the contract declares.
func runs() map[string]func(context.Context, step.Env, rundate.Date) (step.Stats, error) {
	return map[string]func(context.Context, step.Env, rundate.Date) (step.Stats, error){
		contract.StepIngest:   ingest.Run,
		contract.StepUnify:    unify.Run,
		contract.StepFeatures: features.Run,
		contract.StepTrain:    train.Run,
		contract.StepScore:    score.Run,
		contract.StepPublish:  publish.Run,
		contract.StepReport:   report.Run,
	}
}

// Steps lists the DAG in the order it runs: the contract's steps.
func Steps() []Step {
	run, repair := runs(), repairs()
	var out []Step
	for _, s := range contract.Steps() {
		out = append(out, Step{Step: s, Run: run[s.Name], Repair: repair[s.Name]})
	}
	return out
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
	if len(s.Outputs(env.Config, d)) == 0 {
		return false, nil
	}
	missing, err := uncommitted(ctx, env, s, d)
	return len(missing) == 0, err
}

// uncommitted lists the outputs the contract declares for the step and d
// that are not committed.
func uncommitted(ctx context.Context, env step.Env, s Step, d rundate.Date) ([]string, error) {
	var missing []string
	for _, p := range s.Outputs(env.Config, d) {
		ok, err := dataset.Committed(ctx, env.Store, p)
		if err != nil {
			return nil, err
		}
		if ok {
			ok, err = intact(ctx, env, p)
			if err != nil {
				return nil, err
			}
		}
		if !ok {
			missing = append(missing, p.String())
		}
	}
	return missing, nil
}

// intact reports whether the files of committed partition p that a rerun
// overwrites in place (a report's index.html) match its manifest; a
// partition left otherwise by a crash counts as not committed.
func intact(ctx context.Context, env step.Env, p dataset.Partition) (bool, error) {
	err := dataset.VerifyNamed(ctx, env.Store, p)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, dataset.ErrChecksum), errors.Is(err, store.ErrNotFound):
		env.Log.Warn().Str(logging.FieldDataset, p.String()).Err(err).Msg("committed partition does not match its manifest: rebuilt")
		return false, nil
	default:
		return false, err
	}
}

// RunStep runs one step and appends its outcome to rec, with what it read
// and wrote as a meter around the store measures it.
func RunStep(ctx context.Context, env step.Env, s Step, d rundate.Date, rec *runlog.Record) error {
	env.Log = env.Log.With().Str(logging.FieldJob, s.Name).Logger()
	meter := metrics.NewMeter(env.Store)
	env.Store = meter
	start := env.Now()
	env.Log.Info().Msg("step started")
	stats, err := s.Run(ctx, env, d)
	outcome := runlog.Step{Name: s.Name, Status: runlog.StatusDone, StartedAt: start.UTC(),
		ElapsedMS: env.Now().Sub(start).Milliseconds(), Stats: stats, IO: meter.IO(stats)}
	if err != nil {
		outcome.Status, outcome.Error = runlog.StatusFailed, err.Error()
		rec.Steps = append(rec.Steps, outcome)
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	rec.Steps = append(rec.Steps, outcome)
	env.Log.Info().Int64(logging.FieldElapsed, outcome.ElapsedMS).Msg("step done")
	return nil
}

// Run runs the DAG for d.
func Run(ctx context.Context, env step.Env, d rundate.Date, redo bool, rec *runlog.Record) error {
	return runSteps(ctx, env, Steps(), d, redo, rec)
}

// RunSteps runs some steps of the DAG for d as Run runs them all: in the
// order given (the DAG's), skipping committed ones unless redo.
func RunSteps(ctx context.Context, env step.Env, steps []Step, d rundate.Date, redo bool, rec *runlog.Record) error {
	return runSteps(ctx, env, steps, d, redo, rec)
}

// AllCommitted reports whether every one of steps has all its outputs
// committed for d, so that a run of them for d would skip them all.
func AllCommitted(ctx context.Context, env step.Env, steps []Step, d rundate.Date) (bool, error) {
	for _, s := range steps {
		done, err := committed(ctx, env, s, d)
		if err != nil || !done {
			return false, err
		}
	}
	return true, nil
}

// runSteps runs steps in order for d, skipping committed ones unless redo.
func runSteps(ctx context.Context, env step.Env, steps []Step, d rundate.Date, redo bool, rec *runlog.Record) error {
	ran := false
	for _, s := range steps {
		if !redo && !ran {
			skipped, err := skipCommitted(ctx, env, s, d, rec)
			if err != nil {
				return err
			}
			if skipped {
				if err := guardInput(ctx, env, s, d); err != nil {
					return err
				}
				continue
			}
		}
		if err := RunStep(ctx, env, s, d, rec); err != nil {
			return err
		}
		if err := checkCommitted(ctx, env, s, d); err != nil {
			return err
		}
		if err := guardInput(ctx, env, s, d); err != nil {
			return err
		}
		if len(s.Outputs(env.Config, d)) > 0 {
			ran = true
		}
	}
	return nil
}

// guardInput stops a run dated after the newest input the sources hold
// (step.EmptyNight) right after ingest, before any other step writes for
// d, unless --allow-empty.
func guardInput(ctx context.Context, env step.Env, s Step, d rundate.Date) error {
	if s.Name != contract.StepIngest {
		return nil
	}
	_, err := step.EmptyNight(ctx, env, d)
	return err
}

// skipCommitted skips step s when its outputs are committed for d,
// recording the skip in rec, and reports whether it did.
func skipCommitted(ctx context.Context, env step.Env, s Step, d rundate.Date, rec *runlog.Record) (bool, error) {
	done, err := committed(ctx, env, s, d)
	if err == nil && done && s.Repair != nil {
		var rerun bool
		renv := env
		renv.Log = env.Log.With().Str(logging.FieldJob, s.Name).Logger()
		rerun, err = s.Repair(ctx, renv, d)
		done = !rerun
	}
	if err != nil {
		return false, fmt.Errorf("%s: %w", s.Name, err)
	}
	if done {
		env.Log.Info().Str(logging.FieldJob, s.Name).Msg("step already committed for this date: skipped")
		rec.Steps = append(rec.Steps, runlog.Step{Name: s.Name, Status: runlog.StatusSkipped,
			Reason: "outputs already committed (use --redo to rebuild)", StartedAt: env.Now().UTC()})
	}
	return done, nil
}

// checkCommitted fails when step s returned without committing one of its
// declared outputs for d: nightly skips a step by its declared outputs, so
// such a step would be rerun, or worse, skipped over a gap.
func checkCommitted(ctx context.Context, env step.Env, s Step, d rundate.Date) error {
	missing, err := uncommitted(ctx, env, s, d)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: returned without committing %s, which lib/contract declares for this configuration", s.Name, strings.Join(missing, ", "))
	}
	return nil
}

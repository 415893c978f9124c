package command

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/jobs/nightly"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/runlog"
	"github.com/segmint/segmint/lib/step"
)

// The --reprocess policies of a backfill.
const (
	// reprocessNone skips dates whose outputs are all committed: a backfill
	// run again resumes where it stopped.
	reprocessNone = "none"
	// reprocessFailed also redoes the dates whose last run record failed.
	reprocessFailed = "failed"
	// reprocessAll redoes every date (--redo).
	reprocessAll = "all"
)

// The outcomes of one date of a backfill, besides the steps' own.
const (
	outcomeDone    = "done"
	outcomeFailed  = "failed"
	outcomeSkipped = "skipped"
	outcomeNotRun  = "not_run"
)

// backfillOptions are the flags of segmint backfill besides --from, --to
// and --redo.
type backfillOptions struct {
	steps     listFlag
	parallel  int
	reprocess string
	keepGoing bool
}

// define defines the flags on fs.
func (b *backfillOptions) define(fs *flag.FlagSet) {
	fs.Var(&b.steps, "steps", "the `steps` to run for each date, comma-separated, e.g. features,report (default: every step, as nightly)")
	fs.IntVar(&b.parallel, "parallel", 1, "dates run at once when none of the steps depends on an earlier date")
	b.reprocess = reprocessNone
	fs.Var(choice{&b.reprocess, []string{reprocessNone, reprocessFailed, reprocessAll}}, "reprocess",
		"`policy`: none skips dates whose outputs are committed (resumes where a backfill stopped),\n"+
			"failed also redoes dates whose last run failed, all redoes every date (as --redo)")
	fs.BoolVar(&b.keepGoing, "keep-going", false, "go on past a failed date (and exit non-zero at the end)")
}

// backfillPlan is what a backfill runs.
type backfillPlan struct {
	runID     string
	dates     []rundate.Date
	steps     []nightly.Step
	reprocess string
	keepGoing bool
	// workers is how many dates run at once: 1 when a step depends on an
	// earlier date (see contract.Step.DependsOnEarlierDates).
	workers int
	// lastRuns are the latest run records by date, for reprocessFailed.
	lastRuns map[string]*runlog.Record
}

// dateResult is how one date of a backfill ended.
type dateResult struct {
	d       rundate.Date
	outcome string
	rec     *runlog.Record // nil when the date did not run
	err     error
	elapsed time.Duration
}

// runBackfill is `segmint backfill`: the nightly steps (or --steps) for
// every date from --from to --to.
func runBackfill(ctx context.Context, args []string, sys System) int {
	rc, dates, code := prepare(ctx, "backfill", nightly.Step{}, args, sys)
	if rc == nil {
		return code
	}
	terminal := isTerminal(sys.Stderr)
	if terminal && !rc.opts.levelSet {
		// On a terminal the progress lines speak; the steps only warn.
		rc.root = rc.root.Level(zerolog.WarnLevel)
	}
	plan, err := rc.planBackfill(ctx, dates)
	if err != nil {
		fmt.Fprintf(sys.Stderr, "segmint backfill: %v\n", err)
		return exitCode(err)
	}
	prog := &progress{log: plan.log(rc.root), now: sys.Now, start: sys.Now(), total: len(dates)}
	if terminal {
		prog.w = sys.Stderr
	}
	results := rc.backfill(ctx, plan, prog)
	writeBackfillTable(sys.Stdout, plan.steps, results, sys.Now().Sub(prog.start))
	err = rc.commitBackfill(ctx, plan, results)
	if err != nil {
		fmt.Fprintf(sys.Stderr, "segmint backfill: %v\n", err)
	} else {
		fmt.Fprintf(sys.Stdout, "summary in %s\n", dataset.Partition{Dataset: contract.Backfills, Date: dates[len(dates)-1]}.Prefix())
	}
	return backfillExit(results, err)
}

// planBackfill checks the backfill's flags and decides how its dates run.
func (rc *runContext) planBackfill(ctx context.Context, dates []rundate.Date) (*backfillPlan, error) {
	o := rc.opts.backfill
	p := &backfillPlan{runID: newRunID(rc.sys.Now(), "backfill"), dates: dates, reprocess: o.reprocess, keepGoing: o.keepGoing, workers: 1}
	if rc.opts.redo {
		if o.reprocess == reprocessFailed {
			return nil, step.Usagef("--redo redoes every date: it goes with --reprocess all, not failed")
		}
		p.reprocess = reprocessAll
	}
	if o.parallel < 1 {
		return nil, step.Usagef("--parallel %d: at least 1", o.parallel)
	}
	steps, err := selectSteps(o.steps)
	if err != nil {
		return nil, err
	}
	p.steps = steps
	if dependent := dependentSteps(steps); len(dependent) == 0 {
		p.workers = min(o.parallel, len(dates))
	} else if o.parallel > 1 {
		log := p.log(rc.root)
		log.Warn().Strs(logging.FieldSteps, dependent).
			Msg("these steps read what earlier dates write: the dates run one after the other, oldest first")
	}
	if p.reprocess == reprocessFailed {
		if p.lastRuns, err = runlog.LatestByDate(ctx, rc.st, runsSteps); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// log is root with the backfill's run id and job, for the lines about the
// backfill as a whole.
func (p *backfillPlan) log(root zerolog.Logger) zerolog.Logger {
	return root.With().Str(logging.FieldRunID, p.runID).Str(logging.FieldJob, contract.CommandBackfill).Logger()
}

// selectSteps are the steps --steps names, in the DAG's order; all of
// them without --steps.
func selectSteps(names []string) ([]nightly.Step, error) {
	all := nightly.Steps()
	if len(names) == 0 {
		return all, nil
	}
	for _, n := range names {
		if _, ok := nightly.Lookup(n); !ok {
			return nil, step.Usagef("--steps: no step %q (the steps: %s)", n, stepNames())
		}
	}
	var out []nightly.Step
	for _, s := range all {
		if slices.Contains(names, s.Name) {
			out = append(out, s)
		}
	}
	return out, nil
}

// dependentSteps names the steps that depend on earlier dates.
func dependentSteps(steps []nightly.Step) []string {
	var out []string
	for _, s := range steps {
		if s.DependsOnEarlierDates() {
			out = append(out, s.Name)
		}
	}
	return out
}

// runsSteps reports whether a run record of command cmd ran steps of the
// DAG: nightly, backfill or one step.
func runsSteps(cmd string) bool {
	_, isStep := nightly.Lookup(cmd)
	return isStep || cmd == "nightly" || cmd == "backfill"
}

// backfill runs the plan's dates, oldest first, plan.workers at a time,
// stopping at the first failed date unless keepGoing. The results are in
// date order; dates it did not start are outcomeNotRun.
func (rc *runContext) backfill(ctx context.Context, plan *backfillPlan, prog *progress) []dateResult {
	results := make([]dateResult, len(plan.dates))
	for i, d := range plan.dates {
		results[i] = dateResult{d: d, outcome: outcomeNotRun}
	}
	var mu sync.Mutex
	next, stop := 0, false
	var wg sync.WaitGroup
	for range plan.workers {
		wg.Go(func() {
			for {
				mu.Lock()
				if stop || next == len(plan.dates) || ctx.Err() != nil {
					mu.Unlock()
					return
				}
				i := next
				next++
				mu.Unlock()
				r := rc.backfillDate(ctx, plan, plan.dates[i])
				mu.Lock()
				results[i] = r
				stop = stop || r.outcome == outcomeFailed && !plan.keepGoing
				prog.dateDone(r)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return results
}

// backfillDate runs the plan's steps for d, or skips d as its policy says.
func (rc *runContext) backfillDate(ctx context.Context, plan *backfillPlan, d rundate.Date) dateResult {
	start := rc.sys.Now()
	res := dateResult{d: d}
	redo, skip, err := rc.policy(ctx, plan, d)
	switch {
	case err != nil:
		res.outcome, res.err = outcomeFailed, err
	case skip:
		res.outcome = outcomeSkipped
	default:
		res.rec, res.err = rc.run(ctx, d, func(ctx context.Context, env step.Env, d rundate.Date, rec *runlog.Record) error {
			return nightly.RunSteps(ctx, env, plan.steps, d, redo, rec)
		})
		res.outcome = outcomeDone
		if res.err != nil {
			res.outcome = outcomeFailed
		}
	}
	if res.err != nil {
		fmt.Fprintf(rc.sys.Stderr, "segmint backfill %s: %v\n", d, res.err)
	}
	res.elapsed = rc.sys.Now().Sub(start)
	return res
}

// policy decides, by the plan's --reprocess, whether d runs, and with
// --redo: every date with all; a date whose last run failed with failed;
// otherwise only a date some of whose outputs are not committed.
func (rc *runContext) policy(ctx context.Context, plan *backfillPlan, d rundate.Date) (redo, skip bool, err error) {
	if plan.reprocess == reprocessAll {
		return true, false, nil
	}
	if last := plan.lastRuns[d.String()]; last != nil && last.Outcome == runlog.OutcomeFailed {
		return true, false, nil
	}
	done, err := nightly.AllCommitted(ctx, rc.env(ctx, plan.runID, rc.root), plan.steps, d)
	return false, done, err
}

// backfillExit is the exit code of a backfill: 0 when every date ended
// well and its summary was committed; else the code of a failure, those a
// person must look at (1, 2) before those a retry may fix (3, 4).
func backfillExit(results []dateResult, commitErr error) int {
	codes := []int{exitCode(commitErr)}
	for _, r := range results {
		if r.outcome == outcomeFailed {
			codes = append(codes, exitCode(r.err))
		}
	}
	for _, c := range []int{exitFailed, exitUsage, exitLocked, exitRetry} {
		if slices.Contains(codes, c) {
			return c
		}
	}
	for _, c := range codes {
		if c != exitOK {
			return c
		}
	}
	return exitOK
}

package command

// What a backfill tells: a progress line per date, the table at the end
// and the rows it commits as runs/backfill/dt=<--to>.

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/jobs/nightly"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/runlog"
)

// progress reports each finished date of a backfill: one line with n of
// N, the rate and the time left on a terminal (w), else one log line.
type progress struct {
	w     io.Writer
	log   zerolog.Logger
	now   func() time.Time
	start time.Time
	total int
	done  int
}

// dateDone reports r.
func (p *progress) dateDone(r dateResult) {
	p.done++
	elapsed := p.now().Sub(p.start)
	eta := time.Duration(0)
	if p.done > 0 {
		eta = elapsed / time.Duration(p.done) * time.Duration(p.total-p.done)
	}
	if p.w != nil {
		fmt.Fprintln(p.w, progressLine(p.done, p.total, r, elapsed, eta))
		return
	}
	p.log.Info().Str(logging.FieldDate, r.d.String()).Str(logging.FieldOutcome, r.outcome).
		Int(logging.FieldDone, p.done).Int(logging.FieldTotal, p.total).
		Int64(logging.FieldElapsed, r.elapsed.Milliseconds()).Int64(logging.FieldETA, eta.Milliseconds()).
		Msg("backfill date finished")
}

// progressLine is the terminal's line for the done-th of total dates, r,
// elapsed into the backfill with eta to go.
func progressLine(done, total int, r dateResult, elapsed, eta time.Duration) string {
	rate := 0.0
	if elapsed > 0 {
		rate = float64(done) / elapsed.Minutes()
	}
	width := len(fmt.Sprint(total))
	return fmt.Sprintf("backfill %*d of %d  %s  %-7s %7s   %.1f dates/min, ETA %s",
		width, done, total, r.d, r.outcome, seconds(r.elapsed), rate, eta.Round(time.Second))
}

// seconds renders d as seconds with one decimal.
func seconds(d time.Duration) string { return fmt.Sprintf("%.1fs", d.Seconds()) }

// writeBackfillTable writes the backfill's summary: one line per date
// with its outcome, its time and each step's (skip: committed, FAIL:
// failed, -: not run), and a total line with the wall time.
func writeBackfillTable(w io.Writer, steps []nightly.Step, results []dateResult, wall time.Duration) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"date", "outcome", "time"}
	for _, s := range steps {
		head = append(head, s.Name)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	count := map[string]int{}
	for _, r := range results {
		count[r.outcome]++
		row := []string{r.d.String(), r.outcome, seconds(r.elapsed)}
		for _, s := range steps {
			row = append(row, stepCell(r.rec, s.Name))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "%d dates: %d done, %d skipped, %d failed, %d not run; %s in all\n", len(results),
		count[outcomeDone], count[outcomeSkipped], count[outcomeFailed], count[outcomeNotRun], seconds(wall))
}

// stepCell is how step name of a run (rec) ended, for the table.
func stepCell(rec *runlog.Record, name string) string {
	if rec == nil {
		return "-"
	}
	for _, s := range rec.Steps {
		if s.Name != name {
			continue
		}
		switch s.Status {
		case runlog.StatusSkipped:
			return "skip"
		case runlog.StatusFailed:
			return "FAIL"
		}
		return seconds(time.Duration(s.ElapsedMS) * time.Millisecond)
	}
	return "-"
}

// backfillRows are the rows of the backfill's dataset: one per step of a
// date that ran, one for a date that did not (or failed outside a step).
func backfillRows(results []dateResult) []contract.BackfillRow {
	var rows []contract.BackfillRow
	for _, r := range results {
		failedStep := false
		if r.rec != nil {
			for _, s := range r.rec.Steps {
				rows = append(rows, contract.BackfillRow{Date: r.d.String(), Step: s.Name, Outcome: s.Status,
					ElapsedMS: s.ElapsedMS, RunID: r.rec.RunID, Error: s.Error})
				failedStep = failedStep || s.Status == runlog.StatusFailed
			}
		}
		if r.rec == nil || r.outcome == outcomeFailed && !failedStep {
			row := contract.BackfillRow{Date: r.d.String(), Step: "-", Outcome: r.outcome, ElapsedMS: r.elapsed.Milliseconds()}
			if r.rec != nil {
				row.RunID = r.rec.RunID
			}
			if r.err != nil {
				row.Error = r.err.Error()
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// commitBackfill commits the backfill's rows as runs/backfill/dt=<--to>,
// on a fresh context, so that an interrupted backfill still leaves them.
func (rc *runContext) commitBackfill(ctx context.Context, plan *backfillPlan, results []dateResult) error {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	p := dataset.Partition{Dataset: contract.Backfills, Date: plan.dates[len(plan.dates)-1]}
	w := dataset.NewWriter(rc.st, p, plan.runID, contract.CommandBackfill, "")
	names := make([]string, len(plan.steps))
	for i, s := range plan.steps {
		names[i] = s.Name
	}
	outcomes := map[string]int{}
	for _, r := range results {
		outcomes[r.outcome]++
	}
	w.SetMeta("from", plan.dates[0].String())
	w.SetMeta("to", p.Date.String())
	w.SetMeta("steps", names)
	w.SetMeta("reprocess", plan.reprocess)
	w.SetMeta("workers", plan.workers)
	w.SetMeta("outcomes", outcomes)
	if err := dataset.WriteParquet(wctx, w, backfillRows(results)); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	if _, err := w.Commit(wctx, rc.sys.Now()); err != nil {
		return fmt.Errorf("commit %s: %w", p, err)
	}
	return nil
}

package command

import (
	"context"
	"errors"
	"fmt"

	"github.com/segmint/segmint/jobs/measure"
	"github.com/segmint/segmint/jobs/nightly"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// runMeasure is `segmint measure`: one measurement, dated by --to.
func runMeasure(ctx context.Context, args []string, sys System) int {
	return runDates(ctx, "measure", nightly.Step{}, args, sys)
}

// measureDates checks --segment, --from and --to and returns --to, the
// date the measurement is committed under.
func measureDates(o options) ([]rundate.Date, error) {
	if o.segment == "" || o.from == "" || o.to == "" {
		return nil, errors.New("--segment, --from and --to are required")
	}
	if _, err := rundate.Parse(o.from); err != nil {
		return nil, err
	}
	to, err := rundate.Parse(o.to)
	return []rundate.Date{to}, err
}

// measure runs the measurement and prints its rows.
func (rc *runContext) measure(ctx context.Context, env step.Env, to rundate.Date) error {
	from, _ := rundate.Parse(rc.opts.from)
	if _, err := measure.Run(ctx, env, rc.opts.segment, from, to); err != nil {
		return err
	}
	p := dataset.Partition{Dataset: contract.Measurements(rc.opts.segment), Date: to}
	rows, _, err := dataset.ReadParquet[contract.Measurement](ctx, env.Store, p)
	if err != nil {
		return err
	}
	w := rc.sys.Stdout
	fmt.Fprintf(w, "%s, nights %s to %s: %d treated, %d control\n", rc.opts.segment, from, to, rows[0].TreatedN, rows[0].ControlN)
	for _, r := range rows {
		fmt.Fprintf(w, "  %-20s treated %.4f  control %.4f  diff %+.4f [%+.4f, %+.4f]  p %.4f\n",
			r.Metric, r.Treated, r.Control, r.Diff, r.DiffLo, r.DiffHi, r.PValue)
	}
	if rows[0].SRMFlag {
		fmt.Fprintf(w, "  SAMPLE-RATIO MISMATCH (p %.2g): the groups' sizes are not the configured split; do not trust this comparison\n", rows[0].SRMPValue)
	}
	fmt.Fprintf(w, "committed %s\n", p)
	return nil
}

package metrics

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/segmint/segmint/lib/runlog"
)

// Label names. The segmint command is "command", not "job": Prometheus
// sets job on every scraped series itself (a job of the file would become
// exported_job), and a Pushgateway group's job comes from its grouping key.
const (
	LabelCommand = "command"
	LabelStep    = "step"
	LabelDate    = "date"
	LabelOutcome = "outcome"
)

// gauge describes one family of the exposition.
type gauge struct {
	name, help string
	labels     []string
}

var (
	runLabels  = []string{LabelCommand, LabelDate, LabelOutcome}
	stepLabels = []string{LabelCommand, LabelStep, LabelDate, LabelOutcome}
)

// The families of a run.
var (
	runDuration    = gauge{"segmint_run_duration_seconds", "Wall time of the run.", runLabels}
	runFinished    = gauge{"segmint_run_finished_timestamp_seconds", "Unix time the run ended.", runLabels}
	runLastSuccess = gauge{"segmint_run_last_success_timestamp_seconds", "Unix time the last successful run ended (absent after a failed run, kept by a Pushgateway).", []string{LabelCommand, LabelDate}}
	stepDuration   = gauge{"segmint_step_duration_seconds", "Wall time of the step (0 when skipped).", stepLabels}
	stepRead       = gauge{"segmint_step_read_rows", "Rows of the committed input partitions the step read; for ingest, the rows and records read from the sources.", stepLabels}
	stepWritten    = gauge{"segmint_step_written_rows", "Rows of the partitions the step committed, quarantine aside.", stepLabels}
	stepQuarantine = gauge{"segmint_step_quarantined_rows", "Rows of the quarantine partitions the step committed.", stepLabels}
	stepBytes      = gauge{"segmint_step_written_bytes", "Bytes the step put into the store.", stepLabels}
)

// Registry holds the metrics of run rec: the run's duration, end and
// outcome, and each step's duration, rows read, written and quarantined
// and bytes written.
func Registry(rec *runlog.Record) (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	vecs := map[string]*prometheus.GaugeVec{}
	vec := func(g gauge) *prometheus.GaugeVec {
		if v, ok := vecs[g.name]; ok {
			return v
		}
		v := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: g.name, Help: g.help}, g.labels)
		vecs[g.name] = v
		return v
	}
	run := []string{rec.Command, rec.Date, rec.Outcome}
	end := float64(rec.FinishedAt.UnixMilli()) / 1000
	vec(runDuration).WithLabelValues(run...).Set(rec.FinishedAt.Sub(rec.StartedAt).Seconds())
	vec(runFinished).WithLabelValues(run...).Set(end)
	if rec.Outcome == runlog.OutcomeSucceeded {
		vec(runLastSuccess).WithLabelValues(rec.Command, rec.Date).Set(end)
	}
	for _, s := range rec.Steps {
		l := []string{rec.Command, s.Name, rec.Date, s.Status}
		vec(stepDuration).WithLabelValues(l...).Set(float64(s.ElapsedMS) / 1000)
		vec(stepRead).WithLabelValues(l...).Set(float64(s.RowsRead))
		vec(stepWritten).WithLabelValues(l...).Set(float64(s.RowsWritten))
		vec(stepQuarantine).WithLabelValues(l...).Set(float64(s.RowsQuarantined))
		vec(stepBytes).WithLabelValues(l...).Set(float64(s.BytesWritten))
	}
	for _, v := range vecs {
		if err := reg.Register(v); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	return reg, nil
}

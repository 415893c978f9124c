package command

import (
	"os"
	"path/filepath"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// readExposition parses a metrics file with the Prometheus text parser.
func readExposition(t *testing.T, path string) map[string]*dto.MetricFamily {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(f)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return mfs
}

// stepValue is the value of family for step, or -1 without that series.
func stepValue(mfs map[string]*dto.MetricFamily, family, step string) float64 {
	for _, m := range mfs[family].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "step" && l.GetValue() == step {
				return m.GetGauge().GetValue()
			}
		}
	}
	return -1
}

// TestNightlyWritesMetrics: a nightly run writes its metrics file into the
// configured folder, with the run record's values for every step.
func TestNightlyWritesMetrics(t *testing.T) {
	storeDir, metricsDir := t.TempDir(), t.TempDir()
	cfg := writeConfig(t, storeDir, sampleLanding(t))
	appendToFile(t, cfg, "\nmetrics: {textfile_dir: "+metricsDir+"}\n")
	if r := runCLI(t, "nightly", "--date", "2010-12-09", "--config", cfg, "--log-format", "json"); r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	rec := readRunRecord(t, storeDir)
	mfs := readExposition(t, filepath.Join(metricsDir, "segmint_nightly.prom"))
	for _, s := range rec.Steps {
		for family, want := range map[string]int64{
			"segmint_step_read_rows": s.RowsRead, "segmint_step_written_rows": s.RowsWritten,
			"segmint_step_quarantined_rows": s.RowsQuarantined, "segmint_step_written_bytes": s.BytesWritten,
		} {
			if got := stepValue(mfs, family, s.Name); got != float64(want) {
				t.Errorf("%s{step=%q} = %v, run record says %d", family, s.Name, got, want)
			}
		}
		if got := stepValue(mfs, "segmint_step_duration_seconds", s.Name); got != float64(s.ElapsedMS)/1000 {
			t.Errorf("duration of %s = %v, run record says %d ms", s.Name, got, s.ElapsedMS)
		}
	}
	if len(rec.Steps) != 8 || rec.Steps[1].RowsWritten == 0 {
		t.Errorf("run record steps: %+v", rec.Steps)
	}
	if _, err := os.Stat(filepath.Join(storeDir, "runs/metrics")); !os.IsNotExist(err) {
		t.Errorf("with a folder configured, the store has runs/metrics too: %v", err)
	}
}

// TestFailedRunWritesMetricsToTheStore: without a folder configured, the
// metrics of a failed run land in the store's runs/metrics/.
func TestFailedRunWritesMetricsToTheStore(t *testing.T) {
	storeDir := t.TempDir()
	cfg := writeConfig(t, storeDir, t.TempDir())
	if r := runCLI(t, "nightly", "--date", "2010-12-09", "--config", cfg); r.code == exitOK {
		t.Fatal("a run without input succeeded")
	}
	mfs := readExposition(t, filepath.Join(storeDir, "runs/metrics/segmint_nightly.prom"))
	if stepValue(mfs, "segmint_step_duration_seconds", "ingest") < 0 {
		t.Error("no duration of the failed ingest step")
	}
	run := mfs["segmint_run_duration_seconds"].GetMetric()
	if len(run) != 1 {
		t.Fatalf("run duration series: %v", run)
	}
	for _, l := range run[0].GetLabel() {
		if l.GetName() == "outcome" && l.GetValue() != "failed" {
			t.Errorf("outcome %q, want failed", l.GetValue())
		}
	}
	if _, ok := mfs["segmint_run_last_success_timestamp_seconds"]; ok {
		t.Error("a failed run has a last success time")
	}
}

func appendToFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

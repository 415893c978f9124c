package metrics_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/segmint/segmint/lib/metrics"
	"github.com/segmint/segmint/lib/runlog"
	"github.com/segmint/segmint/lib/store"
)

// testRecord is a run of two steps, one done and one skipped.
func testRecord(outcome string) *runlog.Record {
	start := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)
	return &runlog.Record{
		RunID: "r1", Command: "nightly", Date: "2010-12-09", Outcome: outcome,
		StartedAt: start, FinishedAt: start.Add(90500 * time.Millisecond),
		Steps: []runlog.Step{
			{Name: "ingest", Status: runlog.StatusDone, ElapsedMS: 2335,
				IO: runlog.IO{RowsRead: 63176, RowsWritten: 63170, RowsQuarantined: 6, BytesWritten: 992518}},
			{Name: "unify", Status: runlog.StatusSkipped},
		},
	}
}

// sample is one expected value of the exposition.
type sample struct {
	family string
	labels map[string]string
	value  float64
}

// expected are the values testRecord must give.
func expected() []sample {
	run := map[string]string{"command": "nightly", "date": "2010-12-09", "outcome": "succeeded"}
	ingest := map[string]string{"command": "nightly", "date": "2010-12-09", "outcome": "done", "step": "ingest"}
	unify := map[string]string{"command": "nightly", "date": "2010-12-09", "outcome": "skipped", "step": "unify"}
	end := float64(time.Date(2026, 12, 3, 2, 1, 30, 5e8, time.UTC).UnixMilli()) / 1000
	return []sample{
		{"segmint_run_duration_seconds", run, 90.5},
		{"segmint_run_finished_timestamp_seconds", run, end},
		{"segmint_run_last_success_timestamp_seconds", map[string]string{"command": "nightly", "date": "2010-12-09"}, end},
		{"segmint_step_duration_seconds", ingest, 2.335},
		{"segmint_step_read_rows", ingest, 63176},
		{"segmint_step_written_rows", ingest, 63170},
		{"segmint_step_quarantined_rows", ingest, 6},
		{"segmint_step_written_bytes", ingest, 992518},
		{"segmint_step_duration_seconds", unify, 0},
		{"segmint_step_written_rows", unify, 0},
	}
}

// parseText parses a text exposition with the Prometheus parser.
func parseText(t *testing.T, b []byte) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse exposition: %v\n%s", err, b)
	}
	return mfs
}

// checkValues checks the families against want: each sample present with
// its labels and value, every family a gauge with help.
func checkValues(t *testing.T, mfs map[string]*dto.MetricFamily, want []sample) {
	t.Helper()
	for _, s := range want {
		mf, ok := mfs[s.family]
		if !ok {
			t.Errorf("no family %s", s.family)
			continue
		}
		if mf.GetType() != dto.MetricType_GAUGE || mf.GetHelp() == "" {
			t.Errorf("%s: type %v, help %q", s.family, mf.GetType(), mf.GetHelp())
		}
		m := find(mf, s.labels)
		if m == nil {
			t.Errorf("%s%v: no such series", s.family, s.labels)
			continue
		}
		if got := m.GetGauge().GetValue(); got != s.value {
			t.Errorf("%s%v = %v, want %v", s.family, s.labels, got, s.value)
		}
	}
}

// find is the metric of mf with exactly the labels, or nil.
func find(mf *dto.MetricFamily, labels map[string]string) *dto.Metric {
	for _, m := range mf.GetMetric() {
		if len(m.GetLabel()) != len(labels) {
			continue
		}
		match := true
		for _, l := range m.GetLabel() {
			match = match && labels[l.GetName()] == l.GetValue()
		}
		if match {
			return m
		}
	}
	return nil
}

func TestPublishToStore(t *testing.T) {
	st := store.NewMem()
	if err := metrics.Publish(t.Context(), metrics.Options{Job: "segmint"}, st, testRecord(runlog.OutcomeSucceeded)); err != nil {
		t.Fatal(err)
	}
	b, err := store.GetBytes(t.Context(), st, "runs/metrics/segmint_nightly.prom")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# HELP segmint_step_written_bytes ", "# TYPE segmint_step_written_bytes gauge"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("exposition lacks %q", want)
		}
	}
	checkValues(t, parseText(t, b), expected())
}

func TestPublishToFolder(t *testing.T) {
	dir := t.TempDir()
	st := store.NewMem()
	rec := testRecord(runlog.OutcomeFailed)
	if err := metrics.Publish(t.Context(), metrics.Options{TextfileDir: dir, Job: "segmint"}, st, rec); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "segmint_nightly.prom" {
		t.Fatalf("folder holds %v, want only segmint_nightly.prom (no temporary file left)", entries)
	}
	if keys, _ := store.Keys(t.Context(), st, ""); len(keys) != 0 {
		t.Errorf("with a folder configured the store got %v", keys)
	}
	b, err := os.ReadFile(dir + "/segmint_nightly.prom")
	if err != nil {
		t.Fatal(err)
	}
	mfs := parseText(t, b)
	if _, ok := mfs["segmint_run_last_success_timestamp_seconds"]; ok {
		t.Error("a failed run exposes a last success time")
	}
	failed := map[string]string{"command": "nightly", "date": "2010-12-09", "outcome": "failed"}
	checkValues(t, mfs, []sample{{"segmint_run_duration_seconds", failed, 90.5}})
}

// TestPush pushes to a server that checks the Pushgateway protocol: POST
// to /metrics/job/<job>/instance/<command>, a body in the format its
// Content-Type names, with the run's values.
func TestPush(t *testing.T) {
	var calls int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.Method != http.MethodPost {
			t.Errorf("method %s, want POST (replace same-named metrics only)", r.Method)
		}
		if r.URL.Path != "/metrics/job/segmint-prod/instance/nightly" {
			t.Errorf("path %s", r.URL.Path)
		}
		format := expfmt.ResponseFormat(r.Header)
		if format.FormatType() == expfmt.TypeUnknown {
			t.Errorf("Content-Type %q is no exposition format", r.Header.Get("Content-Type"))
		}
		dec := expfmt.NewDecoder(r.Body, format)
		mfs := map[string]*dto.MetricFamily{}
		for {
			var mf dto.MetricFamily
			if err := dec.Decode(&mf); err == io.EOF {
				break
			} else if err != nil {
				t.Errorf("decode pushed body: %v", err)
				break
			}
			mfs[mf.GetName()] = &mf
		}
		checkValues(t, mfs, expected())
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	o := metrics.Options{Pushgateway: srv.URL, Job: "segmint-prod", Client: srv.Client()}
	if err := metrics.Publish(t.Context(), o, store.NewMem(), testRecord(runlog.OutcomeSucceeded)); err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("%d pushes, want 1", calls)
	}
}

func TestPushFailureIsReported(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "pushed metrics are invalid or inconsistent", http.StatusBadRequest)
	}))
	defer srv.Close()
	st := store.NewMem()
	o := metrics.Options{Pushgateway: srv.URL, Job: "segmint", Client: srv.Client()}
	err := metrics.Publish(t.Context(), o, st, testRecord(runlog.OutcomeSucceeded))
	if err == nil || !strings.Contains(err.Error(), "push metrics") {
		t.Fatalf("Publish = %v, want the push error", err)
	}
	if _, err := st.Stat(t.Context(), metrics.StoreKey("nightly")); err != nil {
		t.Errorf("the file was not written beside the failed push: %v", err)
	}
}

package nightly_test

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/segmint/segmint/jobs/nightly"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/filedrop"
	"github.com/segmint/segmint/lib/fixture"
	"github.com/segmint/segmint/lib/quality"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/runlog"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/lib/store/storetest"
)

func newLocal(t testing.TB) *store.Local {
	t.Helper()
	st, err := store.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestRerunWritesByteIdenticalParts(t *testing.T) {
	cfg, st, env := sampleEnv(t)
	runNightly(t, env, sampleDate, false)
	first := dataParts(t, st, cfg, sampleDate)
	// raw and quarantine of 9 streams (18: orders, the product catalog,
	// contacts, touchpoints, ad clicks, ad metrics, consent events,
	// deletion requests, suppressions), the orders' quality report and
	// quarantine (2), orders, customers, identity map and events (4),
	// features, cohorts and daily KPIs (3), the model decisions (1), scores
	// and their reasons (2), RFM segment Parquet and CSV (2); 8 rule
	// segments of a snapshot, export, adds and removes (32), 3 of them for
	// ads with a Google and a Meta file (6); 3 trigger lists of Parquet and
	// CSV (6).
	if len(first) != 76 {
		t.Fatalf("want 76 data files, got %d", len(first))
	}
	firstModels := modelFiles(t, st)
	env.RunID += "-again"
	runNightly(t, env, sampleDate, true)
	second := dataParts(t, st, cfg, sampleDate)
	if !maps.Equal(first, second) {
		t.Fatalf("rerun changed the data parts:\nfirst  %v\nsecond %v", first, second)
	}
	// No stale or duplicate objects: each partition holds exactly its
	// manifest's files, manifest.json and _SUCCESS.
	for _, s := range nightly.Steps() {
		for _, p := range s.Outputs(cfg, rundatetest.Parse(t, sampleDate)) {
			m, err := dataset.ReadManifest(t.Context(), st, p)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{p.Key(dataset.SuccessName), p.Key(dataset.ManifestName)}
			for _, f := range m.Files {
				want = append(want, p.Key(f.Name))
			}
			slices.Sort(want)
			if got := storetest.Keys(t, st, p.Prefix()); !slices.Equal(got, want) {
				t.Errorf("%s holds %v, want %v", p, got, want)
			}
		}
	}
	// A fresh store gets the same keys and bytes: nothing depends on the run.
	other := newLocal(t)
	runNightly(t, testEnv(t, other, cfg), sampleDate, false)
	if third := dataParts(t, other, cfg, sampleDate); !maps.Equal(first, third) {
		t.Fatalf("a fresh store got other parts:\n%v\n%v", first, third)
	}
	// The models too: same data and seed, the same model files and versions.
	if got := modelFiles(t, other); len(firstModels) < 2 || !maps.Equal(firstModels, got) {
		t.Fatalf("model files differ or are missing:\n%v\n%v", firstModels, got)
	}
}

// modelFiles maps each model.json key under models/ to its sha256.
func modelFiles(t *testing.T, st store.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, k := range storetest.Keys(t, st, "models/") {
		if !strings.HasSuffix(k, "/model.json") {
			continue
		}
		b, err := store.GetBytes(t.Context(), st, k)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		out[k] = hex.EncodeToString(sum[:])
	}
	return out
}

func TestNightlySkipsCommittedSteps(t *testing.T) {
	_, st, env := sampleEnv(t)
	runNightly(t, env, sampleDate, false)
	rec := runNightly(t, env, sampleDate, false)
	status := map[string]string{}
	for _, s := range rec.Steps {
		status[s.Name] = s.Status
	}
	for _, name := range []string{"ingest", "unify", "features", "score", "publish", "report"} {
		if status[name] != runlog.StatusSkipped {
			t.Errorf("step %s: %s, want skipped", name, status[name])
		}
	}
	// Removing one marker makes that step and every later one run again.
	p := dataset.Partition{Dataset: "features/customers", Date: rundatetest.Parse(t, sampleDate)}
	if err := st.Delete(t.Context(), p.Key(dataset.SuccessName)); err != nil {
		t.Fatal(err)
	}
	rec = runNightly(t, env, sampleDate, false)
	var ran []string
	for _, s := range rec.Steps {
		if s.Status == runlog.StatusDone {
			ran = append(ran, s.Name)
		}
	}
	if want := []string{"features", "train", "score", "publish", "report"}; !slices.Equal(ran, want) {
		t.Errorf("ran %v, want %v", ran, want)
	}
}

func TestMalformedRowsGoToQuarantine(t *testing.T) {
	cfg := sampleConfig(t)
	cfg.Quality = quality.Config{} // this export's invoice numbers are not the shop's six digits
	landing := t.TempDir()
	cfg.Sources[0].Landing = landing
	fixture.Write(t, filepath.Join(landing, "orders", "export.csv"), strings.Join([]string{
		"Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country",
		"1001,A1,good line,2,2010-12-01 10:00:00,1.50,12345,France",
		"1002,A2,bad quantity,two,2010-12-01 10:00:00,1.50,12345,France",
		"1003,A3,bad date,1,2010-13-45 10:00:00,1.50,12345,France",
		",A4,missing invoice,1,2010-12-01 10:00:00,1.50,12345,France",
		"1005,A5,bad price,1,2010-12-01 10:00:00,1.5x,12345,France",
		"1006,A6,too precise price,1,2010-12-01 10:00:00,1.123456,12345,France",
		"1007,A7,short row,1",
		"1008,A8,after the run date,1,2010-12-02 00:00:00,1.00,12345,France",
		"C1009,A1,a return,-1,2010-12-01 11:00:00,1.50,12345,France",
	}, "\n")+"\n")
	st := newLocal(t)
	env := testEnv(t, st, cfg)
	rec := runNightly(t, env, "2010-12-01", false)
	d := rundatetest.Parse(t, "2010-12-01")
	rejected, m, err := dataset.ReadParquet[filedrop.Rejected](t.Context(), st,
		dataset.Partition{Dataset: contract.Quarantine("retail", "orders"), Date: d})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]string{}
	for _, r := range rejected {
		got[r.Line] = r.Rule + ":" + r.Column
	}
	want := map[int64]string{
		3: "bad_int:Quantity", 4: "bad_timestamp:InvoiceDate", 5: "missing_required:Invoice",
		6: "bad_decimal:Price", 7: "bad_decimal:Price", 8: "field_count:",
	}
	if !maps.Equal(got, want) {
		t.Fatalf("quarantine = %v, want %v", got, want)
	}
	if m.Rows != 6 {
		t.Errorf("quarantine manifest rows %d, want 6", m.Rows)
	}
	for _, r := range rejected {
		if r.Line == 3 && !strings.Contains(r.Record, `"Quantity":"two"`) {
			t.Errorf("rejected record lacks the raw row: %s", r.Record)
		}
	}
	raw, err := dataset.ReadManifest(t.Context(), st, dataset.Partition{Dataset: contract.Raw("retail", "orders"), Date: d})
	if err != nil {
		t.Fatal(err)
	}
	if raw.Rows != 2 {
		t.Errorf("raw rows %d, want 2 (the good line and the return)", raw.Rows)
	}
	stats := rec.Steps[0].Stats
	if stats["retail/orders.rows_quarantined"] != 6 || stats["retail/orders.rows_after_date"] != 1 {
		t.Errorf("ingest stats %v", stats)
	}
}

func TestFailedRunLosesNothingCommitted(t *testing.T) {
	cfg, st, env := sampleEnv(t)
	runNightly(t, env, sampleDate, false)
	before := dataParts(t, st, cfg, sampleDate)

	cfg.Sources[0].Landing = t.TempDir() // an empty landing folder: the input is missing
	rec := &runlog.Record{}
	err := nightly.Run(t.Context(), testEnv(t, st, cfg), rundatetest.Parse(t, sampleDate), true, rec)
	if !errors.Is(err, filedrop.ErrNoFiles) {
		t.Fatalf("want ErrNoFiles, got %v", err)
	}
	if rec.Steps[0].Status != runlog.StatusFailed {
		t.Errorf("ingest status %s", rec.Steps[0].Status)
	}
	if after := dataParts(t, st, sampleConfig(t), sampleDate); !maps.Equal(before, after) {
		t.Fatal("a failed run changed committed data")
	}
}

func TestSameKeysAndChecksumsOnS3(t *testing.T) {
	s3 := newTestS3(t, nil)
	cfg := sampleConfig(t)
	local := newLocal(t)
	runNightly(t, testEnv(t, local, cfg), sampleDate, false)
	runNightly(t, testEnv(t, s3, cfg), sampleDate, false)
	want := dataParts(t, local, cfg, sampleDate)
	got := dataParts(t, s3, cfg, sampleDate)
	if !maps.Equal(got, want) {
		t.Fatalf("S3 parts differ from local parts:\nS3    %v\nlocal %v", got, want)
	}
	t.Logf("%d data files with equal keys and sha256 on %s and %s", len(got), s3, local)
}

// newTestS3 is an S3 store under a fresh prefix of the test bucket, its
// configuration changed by edit (when not nil); it skips the test when no
// server is configured (fails instead in CI).
func newTestS3(t *testing.T, edit func(*store.S3Config)) *store.S3 {
	t.Helper()
	endpoint, bucket := storetest.S3Endpoint(t), storetest.S3Bucket()
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	cfg := store.S3Config{
		Bucket: bucket, Prefix: "nightly-" + hex.EncodeToString(rnd[:]), Endpoint: endpoint, PathStyle: true,
		AccessKeyID: os.Getenv("SEGMINT_TEST_S3_ACCESS_KEY"), SecretAccessKey: os.Getenv("SEGMINT_TEST_S3_SECRET_KEY"),
	}
	if edit != nil {
		edit(&cfg)
	}
	s3, err := store.NewS3(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s3.EnsureBucket(t.Context()); err != nil {
		t.Fatal(err)
	}
	return s3
}

package nightly_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/rs/zerolog"

	"github.com/segmint/segmint/jobs/nightly"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/runlog"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
)

// sampleDate is the last day of the bundled sample.
const sampleDate = "2010-12-09"

// repoRoot is the repository root, two levels up from this package.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// sampleConfig loads configs/local.yaml with its landing path made absolute.
func sampleConfig(t testing.TB) *config.Config {
	t.Helper()
	cfg, err := config.Load(filepath.Join(repoRoot(t), "configs/local.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cfg.Sources {
		cfg.Sources[i].Landing = filepath.Join(repoRoot(t), cfg.Sources[i].Landing)
	}
	return cfg
}

// sampleEnv is the sample configuration, a new local store and a test
// environment on both.
func sampleEnv(t testing.TB) (*config.Config, *store.Local, step.Env) {
	t.Helper()
	cfg := sampleConfig(t)
	st := newLocal(t)
	return cfg, st, testEnv(t, st, cfg)
}

func testEnv(t testing.TB, st store.Store, cfg *config.Config) step.Env {
	t.Helper()
	return step.Env{
		Store: st, Config: cfg, Log: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel),
		RunID: "test-" + strings.ReplaceAll(t.Name(), "/", "_"), Now: time.Now,
		Opener: func(location string) (store.Store, string, error) {
			return store.OpenLocation(context.Background(), store.Options{}, location)
		},
	}
}

// runNightly runs the whole DAG for date and fails the test on error.
func runNightly(t *testing.T, env step.Env, date string, redo bool) *runlog.Record {
	t.Helper()
	rec := &runlog.Record{RunID: env.RunID}
	if err := nightly.Run(t.Context(), env, rundatetest.Parse(t, date), redo, rec); err != nil {
		t.Fatalf("nightly %s: %v", date, err)
	}
	return rec
}

// runSample runs the whole DAG for date on the bundled sample, into a new
// local store, and returns the config and the store.
func runSample(t *testing.T, date string) (*config.Config, *store.Local) {
	t.Helper()
	cfg, st, env := sampleEnv(t)
	runNightly(t, env, date, false)
	return cfg, st
}

// sqlEnd is the end of day d as DuckDB timestamp text.
func sqlEnd(d rundate.Date) string {
	return d.End().Format("2006-01-02 15:04:05")
}

// dataParts maps the key of every data file named by a committed manifest
// of date to the sha256 of the bytes actually stored under it.
func dataParts(t *testing.T, st store.Store, cfg *config.Config, date string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, s := range nightly.Steps() {
		for _, p := range s.Outputs(cfg, rundatetest.Parse(t, date)) {
			m, err := dataset.ReadManifest(t.Context(), st, p)
			if err != nil {
				t.Fatalf("manifest of %s: %v", p, err)
			}
			for _, f := range m.Files {
				if f.Format == "html" {
					continue
				}
				b, err := store.GetBytes(t.Context(), st, p.Key(f.Name))
				if err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(b)
				got := hex.EncodeToString(sum[:])
				if got != f.SHA256 {
					t.Fatalf("%s: stored sha256 %s, manifest %s", p.Key(f.Name), got, f.SHA256)
				}
				out[p.Key(f.Name)] = got
			}
		}
	}
	return out
}

// identityIDs reads the identity map of date d: record key -> customer id.
func identityIDs(t testing.TB, st store.Store, d rundate.Date) map[string]string {
	t.Helper()
	rows, _, err := dataset.ReadParquet[contract.IdentityRow](t.Context(), st, dataset.Partition{Dataset: contract.IdentityMap, Date: d})
	if err != nil {
		t.Fatal(err)
	}
	ids := make(map[string]string, len(rows))
	for _, r := range rows {
		ids[r.RecordKey] = r.CustomerID
	}
	return ids
}

// eachRawRow calls fn with a field getter (string fields; "" for null) for
// every row of a committed partition.
func eachRawRow(t testing.TB, st store.Store, p dataset.Partition, fn func(get func(string) string)) {
	t.Helper()
	_, err := dataset.EachRows(t.Context(), st, p, func(sc *parquet.Schema, rows []parquet.Row) error {
		f := dataset.FieldsOf(sc)
		for _, row := range rows {
			fn(func(field string) string { return f.Text(row, field) })
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// runValid validates cfg and runs the nightly of the sample date with it on
// a fresh local store.
func runValid(t *testing.T, cfg *config.Config) (*store.Local, rundate.Date) {
	t.Helper()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	st := newLocal(t)
	runNightly(t, testEnv(t, st, cfg), sampleDate, false)
	return st, rundatetest.Parse(t, sampleDate)
}

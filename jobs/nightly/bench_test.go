package nightly_test

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/jobs/nightly"
	"github.com/segmint/segmint/lib/fixture"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/runlog"
)

// fullYear is the whole first sheet of Online Retail II (525,461 lines), a
// reference data set in ../shared/data (see fixture.Shared).
const fullYear = "online-retail-ii/online_retail_ii_2009_2010.csv.gz"

// BenchmarkNightlyFullYear runs the whole DAG (with --redo) over all of
// Online Retail II 2009-2010 on a local folder store.
func BenchmarkNightlyFullYear(b *testing.B) {
	src, err := os.Open(fixture.Shared(b, fullYear))
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	landing := b.TempDir()
	if err := os.MkdirAll(filepath.Join(landing, "orders"), 0o755); err != nil {
		b.Fatal(err)
	}
	dst, err := os.Create(filepath.Join(landing, "orders", "online_retail_ii_2009_2010.csv.gz"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		b.Fatal(err)
	}
	dst.Close()

	cfg := sampleConfig(b)
	cfg.Sources[0].Landing = landing
	env := testEnv(b, newLocal(b), cfg)
	env.Log = zerolog.Nop()
	d := rundatetest.Parse(b, sampleDate)
	var lines int64
	for b.Loop() {
		rec := &runlog.Record{}
		if err := nightly.Run(b.Context(), env, d, true, rec); err != nil {
			b.Fatal(err)
		}
		lines = rec.Steps[0].Stats["retail/orders.rows_read"]
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

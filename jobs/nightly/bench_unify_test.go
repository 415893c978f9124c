package nightly_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/jobs/features"
	"github.com/segmint/segmint/jobs/ingest"
	"github.com/segmint/segmint/jobs/unify"
	"github.com/segmint/segmint/jobs/unify/bench"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/fixture"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
)

// BenchmarkUnifyFeatures runs the unify and features steps with the
// default configuration (quality rules, identity resolution, engagement,
// daily KPIs) over all of Online Retail II 2009-2010 (x1) and over 20
// shifted copies of it (x20, 10.5 million lines, see bench.Scale), on a
// local folder store. Ingest runs once before the timer. It reports lines
// per second and the peak resident set size of the steps (VmHWM, reset
// after ingest).
//
//	go test -run '^$' -bench UnifyFeatures -benchtime 1x ./jobs/nightly
func BenchmarkUnifyFeatures(b *testing.B) {
	for _, copies := range []int{1, 20} {
		b.Run("x"+strconv.Itoa(copies), func(b *testing.B) { benchUnifyFeatures(b, copies) })
	}
}

func benchUnifyFeatures(b *testing.B, copies int) {
	landing := b.TempDir()
	if err := os.MkdirAll(filepath.Join(landing, "orders"), 0o755); err != nil {
		b.Fatal(err)
	}
	csvText := fixture.Open(b, fixture.Shared(b, fullYear))
	if err := bench.WriteGzip(filepath.Join(landing, "orders", "online_retail_ii.csv.gz"), csvText, copies); err != nil {
		b.Fatal(err)
	}
	env := unifyBenchEnv(b, landing)
	d := rundatetest.Parse(b, "2010-12-09")
	if _, err := ingest.Run(b.Context(), env, d); err != nil {
		b.Fatal(err)
	}
	debug.FreeOSMemory()
	resetPeakRSS(b)
	var lines int64
	for b.Loop() {
		stats, err := unify.Run(b.Context(), env, d)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := features.Run(b.Context(), env, d); err != nil {
			b.Fatal(err)
		}
		lines = stats["lines_read"]
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	if peak, ok := peakRSS(); ok {
		b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
	}
}

// unifyBenchEnv is configs/local.yaml with the orders landing at landing and a
// local store in a temporary folder.
func unifyBenchEnv(b *testing.B, landing string) step.Env {
	root, err := filepath.Abs("../..")
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(root, "configs/local.yaml"), nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := range cfg.Sources {
		cfg.Sources[i].Landing = filepath.Join(root, cfg.Sources[i].Landing)
	}
	cfg.Sources[0].Landing = landing
	st, err := store.NewLocal(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	return step.Env{Store: st, Config: cfg, Log: zerolog.Nop(), RunID: "bench", Now: time.Now,
		Opener: func(location string) (store.Store, string, error) {
			return store.OpenLocation(context.Background(), store.Options{}, location)
		}}
}

// resetPeakRSS resets the kernel's peak resident set size of the process
// (Linux: "5" to /proc/self/clear_refs), so that VmHWM measures what
// follows.
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("peak RSS not measured: %v", err)
	}
}

// peakRSS reads VmHWM from /proc/self/status, in bytes.
func peakRSS() (int64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

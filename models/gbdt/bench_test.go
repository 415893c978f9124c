package gbdt

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The full datasets are not part of a user's clone; these benchmarks skip
// when they are absent. The 10x table is written by bench/make10x.py.
const (
	bankFull  = "../../../shared/data/bank-marketing/bank-full.csv"
	ifoodFull = "../../../shared/data/ifood-crm/ml_project1_data.csv"
)

func bank10xDir() string {
	if d := os.Getenv("SEGMINT_GBDT_BENCH"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "segmint-gbdt-bench")
}

// benchFit trains with parameters p on the training rows of a split and reports the test AUC, fit seconds (wall and CPU), trees, the process's peak
// RSS and its peak during the fits alone (the table read before is resident
// and counted in both).
func benchFit(b *testing.B, p Params, data, split, label, pos string, drop ...string) {
	if _, err := os.Stat(data); err != nil {
		b.Skipf("%s is absent: %v", data, err)
	}
	tab := readTable(b, data, label, pos, drop...)
	train, test := splitRows(b, split, tab.x.Rows)
	xtr, xte := tab.x.Take(train), tab.x.Take(test)
	ytr, yte := take(tab.y, train), take(tab.y, test)
	var m *Model
	readPeak := peakRSSMB()
	resetPeakRSS()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	start := time.Now()
	for range b.N {
		var err error
		if m, err = Fit(b.Context(), xtr, ytr, p); err != nil {
			b.Fatal(err)
		}
	}
	secs := time.Since(start).Seconds() / float64(b.N)
	cpu := (cpuSeconds() - cpu0) / float64(b.N)
	b.StopTimer()
	fitPeak := peakRSSMB()
	pred, err := m.Predict(xte)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(rocAUC(yte, pred), "auc")
	b.ReportMetric(secs, "fit_s")
	b.ReportMetric(cpu, "fit_cpu_s")
	b.ReportMetric(float64(len(m.Trees)), "trees")
	b.ReportMetric(max(readPeak, fitPeak), "peak_rss_MB")
	b.ReportMetric(fitPeak, "fit_peak_rss_MB")
}

// cpuSeconds is the user and system CPU time of the process so far, all
// threads; on a shared machine it varies less than wall time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// resetPeakRSS resets the kernel's peak-RSS mark (VmHWM), so that a later
// peakRSSMB covers what happened since (Linux; a no-op elsewhere).
// The garbage of reading the table is returned to the OS first.
func resetPeakRSS() {
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

func BenchmarkFitBank(b *testing.B) {
	benchFit(b, DefaultParams(), bankFull, "bench/bank-split.csv", "y", "yes", "duration")
}

// BenchmarkFitBank100Rounds runs 100 rounds without early stopping, the
// work XGBoost's defaults do, for a per-round comparison.
func BenchmarkFitBank100Rounds(b *testing.B) {
	p := DefaultParams()
	p.EarlyStopping = EarlyStopOff
	benchFit(b, p, bankFull, "bench/bank-split.csv", "y", "yes", "duration")
}

func BenchmarkFitBank10x(b *testing.B) {
	dir := bank10xDir()
	benchFit(b, DefaultParams(), filepath.Join(dir, "bank10x.csv"), filepath.Join(dir, "bank10x-split.csv"), "y", "yes", "duration")
}

func BenchmarkFitIfood(b *testing.B) {
	benchFit(b, DefaultParams(), ifoodFull, "bench/ifood-split.csv", "Response", "1", "ID", "Z_CostContact", "Z_Revenue")
}

// peakRSSMB is the process's peak resident set (VmHWM) in MiB, 0 when
// /proc is not there. It covers everything the benchmark binary did so far,
// reading the table included.
func peakRSSMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

package gbdt

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

// benchFit trains with the default parameters on the training rows of a
// split and reports the test AUC, fit seconds, trees and peak RSS.
func benchFit(b *testing.B, data, split, label, pos string, drop ...string) {
	if _, err := os.Stat(data); err != nil {
		b.Skipf("%s is absent: %v", data, err)
	}
	tab := readTable(b, data, label, pos, drop...)
	train, test := splitRows(b, split, tab.x.Rows)
	xtr, xte := tab.x.Take(train), tab.x.Take(test)
	ytr, yte := take(tab.y, train), take(tab.y, test)
	p := DefaultParams()
	var m *Model
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		var err error
		if m, err = Fit(b.Context(), xtr, ytr, p); err != nil {
			b.Fatal(err)
		}
	}
	secs := time.Since(start).Seconds() / float64(b.N)
	b.StopTimer()
	pred, err := m.Predict(xte)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(rocAUC(yte, pred), "auc")
	b.ReportMetric(secs, "fit_s")
	b.ReportMetric(float64(len(m.Trees)), "trees")
	b.ReportMetric(peakRSSMB(), "peak_rss_MB")
}

func BenchmarkFitBank(b *testing.B) {
	benchFit(b, bankFull, "bench/bank-split.csv", "y", "yes", "duration")
}

func BenchmarkFitBank10x(b *testing.B) {
	dir := bank10xDir()
	benchFit(b, filepath.Join(dir, "bank10x.csv"), filepath.Join(dir, "bank10x-split.csv"), "y", "yes", "duration")
}

func BenchmarkFitIfood(b *testing.B) {
	benchFit(b, ifoodFull, "bench/ifood-split.csv", "Response", "1", "ID", "Z_CostContact", "Z_Revenue")
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

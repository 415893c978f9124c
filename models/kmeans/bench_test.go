package kmeans

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/segmint/segmint/lib/fixture"
	"github.com/segmint/segmint/models/frame"
)

// bankFull is the UCI bank marketing table, a reference data set in
// ../shared/data beside a checkout but not in a user's clone.
const bankFull = "bank-marketing/bank-full.csv"

// benchData is n rows of d columns around 8 centres, or the table named by
// $KMEANS_BENCH_CSV (written by bench/sklearn_bench.py, to time scikit-learn
// on the same rows).
func benchData(b *testing.B, n, d int) ([]string, [][]float64) {
	if path := os.Getenv("KMEANS_BENCH_CSV"); path != "" {
		names, rows, _ := readCSV(b, path)
		return names, rows
	}
	rows, _ := blobs(n, 8, d, 1)
	return names(d), rows
}

// BenchmarkAssign times one assignment step (the hot loop of Lloyd's
// iterations) with one and two workers, to see where going parallel pays.
func BenchmarkAssign(b *testing.B) {
	for _, n := range []int{2000, 10000, 100000} {
		rows, _ := blobs(n, 8, 10, 1)
		x, err := dense(rows, 10)
		if err != nil {
			b.Fatal(err)
		}
		cols, _ := fitColumns(names(10), x)
		standardise(cols, x)
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("rows=%d/workers=%d", n, workers), func(b *testing.B) {
				s := &space{x: x, workers: workers}
				centres := s.seed(rand.New(rand.NewPCG(1, 1)), 8)
				st := &step{k: 8, centres: centres, labels: make([]int32, n), dist: make([]float64, n)}
				st.parts = make([]partial, (n+chunkRows-1)/chunkRows)
				for c := range st.parts {
					st.parts[c] = partial{sums: make([]float64, 8*10), counts: make([]int, 8)}
				}
				b.SetBytes(int64(n * 10 * 8))
				for b.Loop() {
					s.assign(st, true)
				}
			})
		}
	}
}

// BenchmarkFit fits k = 8 with 10 restarts on 100,000 x 10 rows.
func BenchmarkFit(b *testing.B) {
	names, rows := benchData(b, 100000, 10)
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			var m *Model
			for b.Loop() {
				var err error
				if m, _, err = FitMatrix(context.Background(), names, rows, Config{K: 8, Seed: 1, Workers: workers}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(m.Inertia, "inertia")
			b.ReportMetric(float64(len(rows))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkChooseK fits every k from 2 to 8 (10 restarts each) on 100,000 x
// 10 rows and chooses by the silhouette on 2,000 rows: the default config.
func BenchmarkChooseK(b *testing.B) {
	names, rows := benchData(b, 100000, 10)
	var m *Model
	for b.Loop() {
		var err error
		if m, _, err = FitMatrix(context.Background(), names, rows, Config{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range m.Candidates {
		b.Logf("k=%d inertia %.2f silhouette %.4f", c.K, c.Inertia, c.Silhouette)
	}
	b.ReportMetric(float64(m.K), "k")
	b.ReportMetric(m.Silhouette, "silhouette")
}

// BenchmarkBankFull segments the 45,211 customers of UCI bank-full on all
// its columns but the campaign outcome (16 features, 9 of them categorical,
// 51 columns after one-hot), choosing k from 2 to 8.
func BenchmarkBankFull(b *testing.B) {
	table, err := frame.Read(fixture.Shared(b, bankFull), frame.Options{})
	if err != nil {
		b.Fatal(err)
	}
	f, _, err := table.Infer("y")
	if err != nil {
		b.Fatal(err)
	}
	var m *Model
	for b.Loop() {
		if m, _, err = Fit(context.Background(), f, Config{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range m.Candidates {
		b.Logf("k=%d inertia %.2f silhouette %.4f", c.K, c.Inertia, c.Silhouette)
	}
	b.ReportMetric(float64(len(m.Columns)), "columns")
	b.ReportMetric(float64(m.K), "k")
	b.ReportMetric(m.Silhouette, "silhouette")
}

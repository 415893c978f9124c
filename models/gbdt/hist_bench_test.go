package gbdt

import (
	"math/rand/v2"
	"testing"
)

// histInput is a column of n bin codes over nb bins, skewed as real
// low-cardinality columns are (about 1/skew of the rows spread over the
// bins, the others in bin 0), with gradients.
func histInput(n, nb, skew int) ([]uint8, []int32, []gpair) {
	rng := rand.New(rand.NewPCG(1, 2))
	col := make([]uint8, n)
	rows := make([]int32, n)
	gp := make([]gpair, n)
	for i := range col {
		if rng.IntN(skew) == 0 {
			col[i] = uint8(rng.IntN(nb))
		}
		rows[i] = int32(i)
		gp[i] = gpair{float32(rng.Float64() - 0.5), float32(rng.Float64() / 4)}
	}
	return col, rows, gp
}

func benchHist(b *testing.B, nb, skew int, build func([]hbin, []uint8, []int32, []gpair)) {
	const n = 1 << 18
	col, rows, gp := histInput(n, nb, skew)
	h := make([]hbin, nb+1)
	b.SetBytes(n)
	b.ResetTimer()
	for range b.N {
		clear(h)
		build(h, col, rows, gp)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/row")
}

func benchBuildHist(b *testing.B, nb, skew int) {
	scratch := make([]hbin, 3*(nb+1))
	benchHist(b, nb, skew, func(h []hbin, col []uint8, rows []int32, gp []gpair) { buildHist(h, scratch, col, rows, gp) })
}

func BenchmarkBuildHist2Bins(b *testing.B)   { benchBuildHist(b, 2, 2) }
func BenchmarkBuildHist255Bins(b *testing.B) { benchBuildHist(b, 255, 2) }

// BenchmarkBuildHistOneBin has 98% of the rows in one bin, as in bank's
// "default" column: the worst case for dependent additions.
func BenchmarkBuildHistOneBin(b *testing.B) { benchBuildHist(b, 2, 50) }

// benchPartition splits 2^18 rows on a numeric feature whose codes are
// random, so that each row's side is a coin toss, on workers goroutines.
func benchPartition(b *testing.B, workers int) {
	const n = 1 << 18
	col, rows, gp := histInput(n, 255, 1)
	d := &dataset{rows: n, bins: [][]uint8{col}, feats: []*binning{{nb: 255}}, off: []int{0, 256 + histPad}}
	p := DefaultParams()
	g := newGrower(d, &p, workers)
	g.rows = [2][]int32{rows, make([]int32, n)}
	g.gp = [2][]gpair{gp, make([]gpair, n)}
	g.flags = make([]uint8, n)
	l := &leaf{start: 0, end: n}
	s := split{feat: 0, thr: 127}
	b.ResetTimer()
	for range b.N {
		g.partition(l, &s) // reads rows, writes the other buffer
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/row")
}

func BenchmarkPartition1(b *testing.B) { benchPartition(b, 1) }
func BenchmarkPartition2(b *testing.B) { benchPartition(b, 2) }

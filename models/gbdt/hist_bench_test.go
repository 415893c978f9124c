package gbdt

import (
	"math/rand/v2"
	"testing"
)

// histInput is a column of n bin codes over nb bins, skewed as real
// low-cardinality columns are (half the rows in bin 0), with gradients.
func histInput(n, nb int) ([]uint8, []int32, []gpair) {
	rng := rand.New(rand.NewPCG(1, 2))
	col := make([]uint8, n)
	rows := make([]int32, n)
	gp := make([]gpair, n)
	for i := range col {
		if rng.IntN(2) == 0 {
			col[i] = uint8(rng.IntN(nb))
		}
		rows[i] = int32(i)
		gp[i] = gpair{float32(rng.Float64() - 0.5), float32(rng.Float64() / 4)}
	}
	return col, rows, gp
}

func benchHist(b *testing.B, nb int, build func([]hbin, []uint8, []int32, []gpair)) {
	const n = 1 << 18
	col, rows, gp := histInput(n, nb)
	h := make([]hbin, nb+1)
	b.SetBytes(n)
	b.ResetTimer()
	for range b.N {
		clear(h)
		build(h, col, rows, gp)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/row")
}

func benchBuildHist(b *testing.B, nb int) {
	scratch := make([]hbin, nb+1)
	benchHist(b, nb, func(h []hbin, col []uint8, rows []int32, gp []gpair) { buildHist(h, scratch, col, rows, gp) })
}

func BenchmarkBuildHist2Bins(b *testing.B)   { benchBuildHist(b, 2) }
func BenchmarkBuildHist255Bins(b *testing.B) { benchBuildHist(b, 255) }

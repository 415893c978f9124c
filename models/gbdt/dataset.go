package gbdt

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/segmint/segmint/models/frame"
)

// binSampleRows is the most rows that binning looks at per feature; larger
// tables are sampled (seeded), as scikit-learn does with 200,000 rows.
const binSampleRows = 200_000

// dataset is a frame turned into bin codes, one byte per row and feature,
// stored by column.
type dataset struct {
	rows  int
	bins  [][]uint8  // bins[f][row]
	feats []*binning // how feature f was binned
	// off[f] is where feature f's histogram starts in a leaf's histogram
	// (see hist); off[len(feats)] is the histogram's length.
	off []int
}

// newBinnings decides every feature's bins from the given rows of the frame
// (all rows when rows is nil), sampling binSampleRows of them when there
// are more.
func newBinnings(x *frame.Frame, rows []int32, maxBins int, seed uint64, workers int) []*binning {
	rows = binRows(x.Rows, rows, seed)
	out := make([]*binning, len(x.Cols))
	parallel(len(x.Cols), workers, func(f int) {
		c := x.Cols[f]
		if c.Kind == frame.Categorical {
			out[f] = categoricalBinning(c.Codes, rows, len(c.Levels), maxBins)
		} else {
			out[f] = numericBinning(c.Num, rows, maxBins)
		}
	})
	return out
}

// binRows are the rows binning looks at: the given rows (all n rows of the
// frame when rows is nil) or, when there are more than binSampleRows of
// them, a sample of that many drawn with the seed, ascending.
func binRows(n int, rows []int32, seed uint64) []int32 {
	if rows != nil {
		n = len(rows)
	}
	if n <= binSampleRows {
		return rows
	}
	if rows == nil {
		rows = allRows(n)
	}
	rng := rand.New(rand.NewPCG(seed, 0x62696e73))
	sample := make([]int32, binSampleRows)
	for i, k := range rng.Perm(n)[:binSampleRows] {
		sample[i] = rows[k]
	}
	slices.Sort(sample)
	return sample
}

// newDataset bins the given rows of the frame (all rows when rows is nil),
// in that order: row i of the dataset is rows[i] of the frame.
func newDataset(x *frame.Frame, rows []int32, feats []*binning, workers int) *dataset {
	n := x.Rows
	if rows != nil {
		n = len(rows)
	}
	d := &dataset{rows: n, bins: make([][]uint8, len(feats)), feats: feats, off: histOffsets(feats)}
	parallel(len(feats), workers, func(f int) {
		out := make([]uint8, n)
		c := x.Cols[f]
		if feats[f].categorical {
			feats[f].binCategorical(gather(c.Codes, rows), out)
		} else {
			feats[f].binNumeric(gather(c.Num, rows), out)
		}
		d.bins[f] = out
	})
	return d
}

// histOffsets are where each feature's histogram starts in a leaf's
// histogram, and its length (see dataset.off).
func histOffsets(feats []*binning) []int {
	off := make([]int, len(feats)+1)
	for f, b := range feats {
		off[f+1] = off[f] + b.nb + 1 + histPad
	}
	return off
}

// histPad is the number of unused slots after each feature's histogram,
// at least a cache line: features are summed on different goroutines, and
// two of them writing to the same line would stall each other on every
// row (a two-bin feature keeps all its slots in one or two lines).
const histPad = 3

// hist returns feature f's histogram in a leaf's histogram h, its value
// bins then the missing bin.
func (d *dataset) hist(h []hbin, f int) []hbin {
	return h[d.off[f] : d.off[f]+d.feats[f].nb+1]
}

// gather returns s[rows[0]], s[rows[1]], ..., or s itself when rows is nil.
func gather[T any](s []T, rows []int32) []T {
	if rows == nil {
		return s
	}
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = s[r]
	}
	return out
}

// checkFrame reports why a frame cannot be learned from or scored.
func checkFrame(x *frame.Frame) error {
	if x == nil {
		return fmt.Errorf("no frame")
	}
	return x.Validate()
}

// parallel calls fn(0..n-1) on up to workers goroutines. Each index is
// handled by exactly one call, so results written per index do not depend on
// scheduling.
func parallel(n, workers int, fn func(i int)) {
	if workers <= 1 || n <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	var next atomic.Int64
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

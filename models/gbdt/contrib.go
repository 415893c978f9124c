package gbdt

import (
	"runtime"

	"github.com/segmint/segmint/models/frame"
)

// Contributions explains each row's raw score by the path method (Saabas):
// at every split a row passes, the change in the expected output from the
// node to the child it goes to is credited to the split's feature, where a
// node's expected output is the row-weighted mean of its leaves. For every
// row, base plus the sum of its contributions is its raw score (the
// log-odds for Binary), up to floating-point rounding. Contributions are
// in feature order (m.Features), one slice per row.
func (m *Model) Contributions(x *frame.Frame) (base float64, contrib [][]float64, err error) {
	in, err := m.align(x)
	if err != nil {
		return 0, nil, err
	}
	base = m.BaseScore
	for _, root := range m.c.roots {
		base += m.c.nodes[root].mean
	}
	contrib = make([][]float64, x.Rows)
	flat := make([]float64, x.Rows*len(m.Features))
	parallel((x.Rows+predictChunk-1)/predictChunk, runtime.GOMAXPROCS(0), func(c int) {
		for r := c * predictChunk; r < min(x.Rows, (c+1)*predictChunk); r++ {
			row := flat[r*len(m.Features) : (r+1)*len(m.Features)]
			m.contribRow(in, r, row)
			contrib[r] = row
		}
	})
	return base, contrib, nil
}

// contribRow adds row r's contributions along its path in every tree.
func (m *Model) contribRow(in *inputs, r int, row []float64) {
	nodes := m.c.nodes
	for _, root := range m.c.roots {
		k := root
		for nodes[k].feat >= 0 {
			next := nodes[k].next(in, r)
			row[nodes[k].feat] += nodes[next].mean - nodes[k].mean
			k = next
		}
	}
}

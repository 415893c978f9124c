package segrule

import "math"

// chunkRows is how many rows an evaluator computes at a time: small enough
// for its buffers to stay in cache, large enough to amortise the calls.
const chunkRows = 1024

// planner turns a checked rule into a tree of evaluators over one table. It
// allocates their buffers, one chunk long, and computes each percentile
// once.
type planner struct {
	t      *Table
	size   int                  // buffer length: min(chunkRows, t.Rows)
	zeros  []bool               // a null mask without nulls; never written
	values map[string][]float64 // non-null values of a column, any order
	pcts   map[pctKey]evaluator // the constant of each percentile
}

// pctKey identifies a percentile: percentile(col, p).
type pctKey struct {
	col string
	p   float64
}

func newPlanner(t *Table) *planner {
	size := min(chunkRows, t.Rows)
	return &planner{
		t: t, size: size, zeros: make([]bool, size),
		values: map[string][]float64{}, pcts: map[pctKey]evaluator{},
	}
}

func (p *planner) bools() []bool              { return make([]bool, p.size) }
func (p *planner) nums() []float64            { return make([]float64, p.size) }
func (p *planner) column(name string) *Column { return p.t.Cols[name] }

// numConst returns an evaluator of the number v, or of null when !ok.
func (p *planner) numConst(v float64, ok bool) evaluator {
	c := &constEval{full: vec{num: p.nums(), null: p.bools()}}
	for i := range c.full.num {
		c.full.num[i], c.full.null[i] = v, !ok
	}
	return c
}

// percentile returns the constant evaluator of percentile(col, pct), the
// same one for every call with the same arguments.
func (p *planner) percentile(col string, pct float64) evaluator {
	k := pctKey{col, pct}
	if e, ok := p.pcts[k]; ok {
		return e
	}
	p.pcts[k] = p.numConst(quantileCont(p.nonNull(col), pct/100))
	return p.pcts[k]
}

// nonNull returns a copy of the non-null values of number column col, the
// same slice for every percentile of col (quantileCont reorders it, which
// leaves the values unchanged).
func (p *planner) nonNull(col string) []float64 {
	if s, ok := p.values[col]; ok {
		return s
	}
	c := p.column(col)
	s := make([]float64, 0, len(c.Num))
	for i, v := range c.Num {
		if !math.IsNaN(v) && (c.Null == nil || !c.Null[i]) {
			s = append(s, v)
		}
	}
	p.values[col] = s
	return s
}

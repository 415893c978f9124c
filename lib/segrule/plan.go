package segrule

import (
	"math"
	"slices"
)

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
	sorted map[string][]float64 // non-null values of a column, ascending
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
		sorted: map[string][]float64{}, pcts: map[pctKey]evaluator{},
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
	p.pcts[k] = p.numConst(quantileCont(p.sortedValues(col), pct/100))
	return p.pcts[k]
}

// sortedValues returns the non-null values of number column col, ascending.
func (p *planner) sortedValues(col string) []float64 {
	if s, ok := p.sorted[col]; ok {
		return s
	}
	c := p.column(col)
	s := make([]float64, 0, len(c.Num))
	for i, v := range c.Num {
		if !math.IsNaN(v) && (c.Null == nil || !c.Null[i]) {
			s = append(s, v)
		}
	}
	slices.Sort(s)
	p.sorted[col] = s
	return s
}

// quantileCont is DuckDB's quantile_cont(x, q) of the ascending values
// sorted: linear interpolation between the closest ranks, with the same
// float64 operations in the same order as DuckDB's Interpolator
// (RN = (n-1)*q, FRN = floor(RN), CRN = ceil(RN)) and its double
// specialisation of CastInterpolation::Interpolate, lo*(1-d) + hi*d, in
// src/core_functions/aggregate/holistic/quantile.cpp. The float64
// conversions keep Go from fusing a multiply and an add, which DuckDB does
// not do either. ok is false when there are no values, or when the result
// is NaN (only possible with infinite values).
func quantileCont(sorted []float64, q float64) (v float64, ok bool) {
	if len(sorted) == 0 {
		return 0, false
	}
	rn := float64(len(sorted)-1) * q
	lo, hi := math.Floor(rn), math.Ceil(rn)
	if lo == hi {
		return sorted[int(lo)], true
	}
	d := rn - lo
	v = float64(sorted[int(lo)]*(1-d)) + float64(sorted[int(hi)]*d)
	return v, !math.IsNaN(v)
}

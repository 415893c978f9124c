package segrule

// The plan methods build the evaluator of each checked node. They are only
// called on rules that compiled without errors, so nullLit and badExpr never
// reach them, and every typ field is set.

func (e *numLit) plan(p *planner) evaluator { return p.numConst(e.v, true) }

func (e *strLit) plan(p *planner) evaluator {
	c := &constEval{full: vec{str: make([]string, p.size), null: p.zeros}}
	for i := range c.full.str {
		c.full.str[i] = e.v
	}
	return c
}

func (e *boolLit) plan(p *planner) evaluator {
	c := &constEval{full: vec{b: p.bools(), null: p.zeros}}
	for i := range c.full.b {
		c.full.b[i] = e.v
	}
	return c
}

func (e *nullLit) plan(p *planner) evaluator { return p.numConst(0, false) }
func (e *badExpr) plan(p *planner) evaluator { return p.numConst(0, false) }

func (e *colRef) plan(p *planner) evaluator {
	c := &colEval{c: p.column(e.name), zeros: p.zeros}
	switch e.typ {
	case Number:
		c.fill, c.nullBuf = fillNum, p.bools()
	case String:
		c.fill = fillStr
	default:
		c.fill, c.boolBuf = fillBool, p.bools()
	}
	return c
}

func (e *pctCall) plan(p *planner) evaluator { return p.percentile(e.col.name, e.p.v) }

func (e *negExpr) plan(p *planner) evaluator {
	return &negEval{x: e.x.plan(p), buf: p.nums()}
}

func (e *arithExpr) plan(p *planner) evaluator {
	return &arithEval{op: e.op.kind, l: e.l.plan(p), r: e.r.plan(p), buf: p.nums(), nullBuf: p.bools()}
}

func (e *compareExpr) plan(p *planner) evaluator {
	return p.compare(e.op.kind, e.typ, e.l.plan(p), e.r.plan(p))
}

// compare returns the evaluator of l op r for operands of type t.
func (p *planner) compare(op tokKind, t Type, l, r evaluator) evaluator {
	kernel := compareBool
	switch t {
	case Number:
		kernel = compareNum
	case String:
		kernel = compareStr
	}
	return &compareEval{op: op, l: l, r: r, kernel: kernel, buf: p.bools(), nullBuf: p.bools()}
}

// plan evaluates x between lo and hi as x >= lo and x <= hi, computing x
// once per chunk.
func (e *betweenExpr) plan(p *planner) evaluator {
	x := &memoEval{e: e.x.plan(p)}
	ge := p.compare(tGe, e.typ, x, e.lo.plan(p))
	le := p.compare(tLe, e.typ, x, e.hi.plan(p))
	var b evaluator = &logicEval{and: true, l: ge, r: le, buf: p.bools(), nullBuf: p.bools()}
	if e.not {
		b = &notEval{x: b, buf: p.bools()}
	}
	return b
}

func (e *inExpr) plan(p *planner) evaluator {
	x := e.x.plan(p)
	switch e.typ {
	case Number:
		return newIn(p, e, x, func(v *vec) []float64 { return v.num }, func(l expr) float64 { return l.(*numLit).v })
	case String:
		return newIn(p, e, x, func(v *vec) []string { return v.str }, func(l expr) string { return l.(*strLit).v })
	}
	return newIn(p, e, x, func(v *vec) []bool { return v.b }, func(l expr) bool { return l.(*boolLit).v })
}

// newIn returns the evaluator of e over x: pick gets x's values, value an
// item's.
func newIn[T comparable](p *planner, e *inExpr, x evaluator, pick func(*vec) []T, value func(expr) T) evaluator {
	set := make(map[T]struct{}, len(e.items))
	for _, item := range e.items {
		set[value(item)] = struct{}{}
	}
	return &inEval[T]{x: x, set: set, not: e.not, pick: pick, buf: p.bools()}
}

func (e *isNullExpr) plan(p *planner) evaluator {
	return &isNullEval{x: e.x.plan(p), not: e.not, zeros: p.zeros, buf: p.bools()}
}

func (e *notExpr) plan(p *planner) evaluator {
	return &notEval{x: e.x.plan(p), buf: p.bools()}
}

func (e *logicExpr) plan(p *planner) evaluator {
	return &logicEval{and: e.op.kind == tAnd, l: e.l.plan(p), r: e.r.plan(p), buf: p.bools(), nullBuf: p.bools()}
}

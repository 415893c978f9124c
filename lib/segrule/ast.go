package segrule

// expr is a node of a parsed rule.
type expr interface {
	// span returns the node's byte span in the rule text.
	span() (pos, end int)
	// setSpan widens the span, to take in enclosing parentheses.
	setSpan(pos, end int)
	// check type-checks the node and its children, records problems in c,
	// and returns the node's type (0 when it has none).
	check(c *checker) Type
	// plan returns an evaluator of the node over p's table.
	plan(p *planner) evaluator
}

// sp is the byte span of a node; embedded in every node.
type sp struct{ pos, end int }

func (s *sp) span() (int, int)     { return s.pos, s.end }
func (s *sp) setSpan(pos, end int) { s.pos, s.end = pos, end }
func spanOf(a, b expr) sp          { p, _ := a.span(); _, e := b.span(); return sp{p, e} }
func tokSpan(t token) sp           { return sp{t.pos, t.end} }
func (s sp) to(e expr) sp          { _, end := e.span(); return sp{s.pos, end} }
func (s sp) toTok(t token) sp      { return sp{s.pos, t.end} }
func startOf(e expr) int           { p, _ := e.span(); return p }

// numLit is a number literal, its minus sign folded in.
type numLit struct {
	sp
	v float64
}

// strLit is a string literal, unescaped.
type strLit struct {
	sp
	v string
}

// boolLit is true or false.
type boolLit struct {
	sp
	v bool
}

// nullLit is a null outside "is null": always an error.
type nullLit struct{ sp }

// colRef names a column; check fills in its type.
type colRef struct {
	sp
	name string
	typ  Type
}

// pctCall is percentile(col, p).
type pctCall struct {
	sp
	col *colRef
	p   *numLit
}

// badExpr stands for text that did not parse. parts are the pieces that did,
// checked for their own errors (unknown columns) and otherwise ignored.
type badExpr struct {
	sp
	parts []expr
}

// negExpr is -x for a non-literal x.
type negExpr struct {
	sp
	opPos int
	x     expr
}

// arithExpr is l op r for op in + - * /.
type arithExpr struct {
	sp
	op   token
	l, r expr
}

// compareExpr is l op r for a comparison operator.
type compareExpr struct {
	sp
	op   token
	l, r expr
	typ  Type // of l and r, set by check
}

// betweenExpr is x [not] between lo and hi.
type betweenExpr struct {
	sp
	kw        token // the between keyword
	not       bool
	x, lo, hi expr
	typ       Type // of x, lo and hi, set by check
}

// inExpr is x [not] in (items…), the items literals.
type inExpr struct {
	sp
	kw    token // the in keyword
	not   bool
	x     expr
	items []expr
	typ   Type // of x and the items, set by check
}

// isNullExpr is x is [not] null.
type isNullExpr struct {
	sp
	not bool
	x   expr
}

// notExpr is not x.
type notExpr struct {
	sp
	x expr
}

// logicExpr is l and r, or l or r.
type logicExpr struct {
	sp
	op   token // tAnd or tOr
	l, r expr
}

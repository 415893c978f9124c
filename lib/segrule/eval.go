package segrule

// vec is the value of an expression over one chunk of rows: the values in
// num, str or b (by type) and the null mask. A bool vec is canonical: b[i]
// is false wherever null[i] is true, so b alone says where it is true.
//
// An evaluator writes only into buffers it allocated; a vec it returns may
// alias a child's mask or a table column, which nobody writes.
type vec struct {
	num  []float64
	str  []string
	b    []bool
	null []bool
}

// evaluator computes an expression for the rows [lo, hi) of the table, at
// most chunkRows of them. The vec it returns is valid until its next call.
type evaluator interface {
	eval(lo, hi int) *vec
}

// head returns the first n values of each non-nil slice of v.
func (v *vec) head(n int) vec {
	h := vec{null: v.null[:n]}
	if v.num != nil {
		h.num = v.num[:n]
	}
	if v.str != nil {
		h.str = v.str[:n]
	}
	if v.b != nil {
		h.b = v.b[:n]
	}
	return h
}

// constEval is a constant: full holds it for a whole chunk.
type constEval struct {
	full, out vec
}

func (e *constEval) eval(lo, hi int) *vec {
	e.out = e.full.head(hi - lo)
	return &e.out
}

// memoEval evaluates e once for repeated calls with the same rows, for an
// expression read twice (the x of x between lo and hi).
type memoEval struct {
	e      evaluator
	lo, hi int
	v      *vec
}

func (m *memoEval) eval(lo, hi int) *vec {
	if m.v == nil || lo != m.lo || hi != m.hi {
		m.v, m.lo, m.hi = m.e.eval(lo, hi), lo, hi
	}
	return m.v
}

// colEval reads a column; fill computes the chunk's values and null mask.
type colEval struct {
	c       *Column
	zeros   []bool
	nullBuf []bool
	boolBuf []bool
	out     vec
	fill    func(e *colEval, lo, hi int)
}

func (e *colEval) eval(lo, hi int) *vec {
	e.fill(e, lo, hi)
	return &e.out
}

// nullMask returns the column's own null mask for rows [lo, hi).
func (e *colEval) nullMask(lo, hi int) []bool {
	if e.c.Null == nil {
		return e.zeros[:hi-lo]
	}
	return e.c.Null[lo:hi]
}

// fillNum reads a number column, NaN counting as null.
func fillNum(e *colEval, lo, hi int) {
	num, own, null := e.c.Num[lo:hi], e.nullMask(lo, hi), e.nullBuf[:hi-lo]
	for i, v := range num {
		null[i] = own[i] || v != v
	}
	e.out = vec{num: num, null: null}
}

// fillStr reads a string column.
func fillStr(e *colEval, lo, hi int) {
	e.out = vec{str: e.c.Str[lo:hi], null: e.nullMask(lo, hi)}
}

// fillBool reads a bool column, made canonical.
func fillBool(e *colEval, lo, hi int) {
	vals, null, b := e.c.Bool[lo:hi], e.nullMask(lo, hi), e.boolBuf[:hi-lo]
	for i, v := range vals {
		b[i] = v && !null[i]
	}
	e.out = vec{b: b, null: null}
}

// negEval is -x.
type negEval struct {
	x   evaluator
	buf []float64
	out vec
}

func (e *negEval) eval(lo, hi int) *vec {
	x := e.x.eval(lo, hi)
	num := e.buf[:hi-lo]
	for i, v := range x.num {
		num[i] = -v
	}
	e.out = vec{num: num, null: x.null}
	return &e.out
}

// arithEval is l op r for op in + - * /.
type arithEval struct {
	op      tokKind
	l, r    evaluator
	buf     []float64
	nullBuf []bool
	out     vec
}

func (e *arithEval) eval(lo, hi int) *vec {
	l, r := e.l.eval(lo, hi), e.r.eval(lo, hi)
	n := hi - lo
	e.out = vec{num: e.buf[:n], null: e.nullBuf[:n]}
	arith(e.op, e.out.num, l.num, r.num)
	arithNulls(e.op == tSlash, e.out, l, r)
	return &e.out
}

// compareEval is l op r for a comparison operator; kernel compares the
// values of l and r, whatever their type.
type compareEval struct {
	op      tokKind
	l, r    evaluator
	kernel  func(op tokKind, dst []bool, l, r *vec)
	buf     []bool
	nullBuf []bool
	out     vec
}

func (e *compareEval) eval(lo, hi int) *vec {
	l, r := e.l.eval(lo, hi), e.r.eval(lo, hi)
	n := hi - lo
	e.out = vec{b: e.buf[:n], null: e.nullBuf[:n]}
	e.kernel(e.op, e.out.b, l, r)
	mergeNulls(e.out, l.null, r.null)
	return &e.out
}

// inEval is x [not] in set.
type inEval[T comparable] struct {
	x    evaluator
	set  map[T]struct{}
	not  bool
	pick func(*vec) []T
	buf  []bool
	out  vec
}

func (e *inEval[T]) eval(lo, hi int) *vec {
	x := e.x.eval(lo, hi)
	b := e.buf[:hi-lo]
	for i, v := range e.pick(x) {
		_, found := e.set[v]
		b[i] = found != e.not && !x.null[i]
	}
	e.out = vec{b: b, null: x.null}
	return &e.out
}

// isNullEval is x is [not] null.
type isNullEval struct {
	x     evaluator
	not   bool
	zeros []bool
	buf   []bool
	out   vec
}

func (e *isNullEval) eval(lo, hi int) *vec {
	x := e.x.eval(lo, hi)
	b := e.buf[:hi-lo]
	for i, null := range x.null {
		b[i] = null != e.not
	}
	e.out = vec{b: b, null: e.zeros[:hi-lo]}
	return &e.out
}

// notEval is not x: null stays null.
type notEval struct {
	x   evaluator
	buf []bool
	out vec
}

func (e *notEval) eval(lo, hi int) *vec {
	x := e.x.eval(lo, hi)
	b := e.buf[:hi-lo]
	for i, v := range x.b {
		b[i] = !v && !x.null[i]
	}
	e.out = vec{b: b, null: x.null}
	return &e.out
}

// logicEval is l and r, or l or r, in three-valued logic.
type logicEval struct {
	and     bool
	l, r    evaluator
	buf     []bool
	nullBuf []bool
	out     vec
}

func (e *logicEval) eval(lo, hi int) *vec {
	l, r := e.l.eval(lo, hi), e.r.eval(lo, hi)
	n := hi - lo
	e.out = vec{b: e.buf[:n], null: e.nullBuf[:n]}
	if e.and {
		and3(e.out, l, r)
	} else {
		or3(e.out, l, r)
	}
	return &e.out
}

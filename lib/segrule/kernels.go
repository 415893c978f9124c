package segrule

import "cmp"

// arith sets out[i] = l[i] op r[i].
func arith(op tokKind, out, l, r []float64) {
	l, r = l[:len(out)], r[:len(out)]
	switch op {
	case tPlus:
		for i := range out {
			out[i] = l[i] + r[i]
		}
	case tMinus:
		for i := range out {
			out[i] = l[i] - r[i]
		}
	case tStar:
		for i := range out {
			out[i] = l[i] * r[i]
		}
	case tSlash:
		for i := range out {
			out[i] = l[i] / r[i]
		}
	}
}

// arithNulls sets out's null mask: null when an operand is null, when the
// result is NaN, or, for a division (div), when the divisor is zero.
func arithNulls(div bool, out vec, l, r *vec) {
	for i, v := range out.num {
		out.null[i] = l.null[i] || r.null[i] || v != v || div && r.num[i] == 0
	}
}

// mergeNulls makes out null where a or b is null, and canonical.
func mergeNulls(out vec, a, b []bool) {
	for i := range out.b {
		null := a[i] || b[i]
		out.null[i] = null
		out.b[i] = out.b[i] && !null
	}
}

// compareNum, compareStr and compareBool are the kernels of compareEval.
func compareNum(op tokKind, dst []bool, l, r *vec) { compareOrdered(op, dst, l.num, r.num) }
func compareStr(op tokKind, dst []bool, l, r *vec) { compareOrdered(op, dst, l.str, r.str) }

func compareBool(op tokKind, dst []bool, l, r *vec) {
	ne := op == tNe
	for i := range dst {
		dst[i] = (l.b[i] == r.b[i]) != ne
	}
}

// compareOrdered sets dst[i] = l[i] op r[i]. A > B is computed as B < A.
func compareOrdered[T cmp.Ordered](op tokKind, dst []bool, l, r []T) {
	switch op {
	case tEq, tNe:
		equal(dst, l, r, op == tNe)
	case tLt:
		less(dst, l, r)
	case tGt:
		less(dst, r, l)
	case tLe:
		lessEq(dst, l, r)
	case tGe:
		lessEq(dst, r, l)
	}
}

func equal[T comparable](dst []bool, l, r []T, negate bool) {
	l, r = l[:len(dst)], r[:len(dst)]
	for i := range dst {
		dst[i] = (l[i] == r[i]) != negate
	}
}

func less[T cmp.Ordered](dst []bool, l, r []T) {
	l, r = l[:len(dst)], r[:len(dst)]
	for i := range dst {
		dst[i] = l[i] < r[i]
	}
}

func lessEq[T cmp.Ordered](dst []bool, l, r []T) {
	l, r = l[:len(dst)], r[:len(dst)]
	for i := range dst {
		dst[i] = l[i] <= r[i]
	}
}

// and3 is Kleene's and: false if either side is false, else null if either
// is null, else true.
func and3(out vec, l, r *vec) {
	for i := range out.b {
		lFalse := !l.b[i] && !l.null[i]
		rFalse := !r.b[i] && !r.null[i]
		out.b[i] = l.b[i] && r.b[i]
		out.null[i] = !lFalse && !rFalse && (l.null[i] || r.null[i])
	}
}

// or3 is Kleene's or: true if either side is true, else null if either is
// null, else false.
func or3(out vec, l, r *vec) {
	for i := range out.b {
		out.b[i] = l.b[i] || r.b[i]
		out.null[i] = !out.b[i] && (l.null[i] || r.null[i])
	}
}

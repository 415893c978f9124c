package segrule

import (
	"fmt"
	"slices"
	"strings"
)

// checker type-checks a parsed rule against a schema. Each node's check
// returns its type, or 0 when it has none because of an error already
// reported; a node with an untyped child reports nothing more about it, so
// one mistake gives one error.
type checker struct {
	src    string
	schema Schema
	names  []string        // the schema's column names, sorted
	used   map[string]Type // the known columns the rule reads
	errs   []Error

	afterSyntaxError bool // the text did not parse: see condition
}

// newChecker returns a checker of src against schema. Only the names a
// rule can write are offered as suggestions.
func newChecker(src string, schema Schema) *checker {
	names := make([]string, 0, len(schema))
	for n := range schema {
		if writable(n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return &checker{src: src, schema: schema, names: names, used: map[string]Type{}}
}

// errorf records a type error at byte offset off.
func (c *checker) errorf(off int, format string, args ...any) {
	c.errs = append(c.errs, Error{Offset: off, Msg: fmt.Sprintf(format, args...)})
}

// root checks the whole rule, which must be a condition.
func (c *checker) root(e expr) {
	c.condition(e, e.check(c), "")
}

// condition reports e, of type t, unless it is a condition or untyped.
// where says where the condition was needed ("" for the whole rule).
// After a syntax error it reports nothing: the and/or/not around e may be
// an artefact of recovery ("x between 1 or 2" parses on as "… or 2").
func (c *checker) condition(e expr, t Type, where string) {
	if t == 0 || t == Bool || c.afterSyntaxError {
		return
	}
	c.errorf(startOf(e), "expected a condition%s, found %s", where, c.describe(e, t))
}

// describe names a value for a message: "string column stage",
// "number 5", "number expression clv * 2".
func (c *checker) describe(e expr, t Type) string {
	pos, end := e.span()
	switch e := e.(type) {
	case *colRef:
		return t.String() + " column " + e.name
	case *numLit, *strLit, *boolLit:
		return t.String() + " " + c.src[pos:end]
	}
	return t.String() + " expression " + c.src[pos:end]
}

// mismatch reports a comparison of l and r, of types lt and rt, at off
// unless the types agree or one is unknown. It reports whether both are
// known and equal.
func (c *checker) mismatch(off int, l, r expr, lt, rt Type) bool {
	if lt == 0 || rt == 0 {
		return false
	}
	if lt != rt {
		c.errorf(off, "cannot compare %s with %s", c.describe(l, lt), c.describe(r, rt))
		return false
	}
	return true
}

// number reports e, of type t, at off unless it is a number or untyped:
// op names the operator that needs it. It reports whether t is Number.
func (c *checker) number(off int, e expr, t Type, op string) bool {
	if t != 0 && t != Number {
		c.errorf(off, "%s needs numbers, found %s", op, c.describe(e, t))
	}
	return t == Number
}

func (*numLit) check(*checker) Type  { return Number }
func (*strLit) check(*checker) Type  { return String }
func (*boolLit) check(*checker) Type { return Bool }

func (e *nullLit) check(c *checker) Type {
	c.errorf(e.pos, `null can only be tested with "is null" or "is not null"`)
	return 0
}

func (e *badExpr) check(c *checker) Type {
	for _, part := range e.parts {
		part.check(c)
	}
	return 0
}

// check looks the column up; an unknown name gets the nearest known one.
// Names have the pattern [a-z_][a-z0-9_]*: the lexer reads words in any
// case, for the keywords, so upper case is refused here.
func (e *colRef) check(c *checker) Type {
	if strings.ToLower(e.name) != e.name {
		c.errorf(e.pos, "column names are lower case, %q is not%s", e.name, didYouMean(e.name, c.names))
		return 0
	}
	t, ok := c.schema[e.name]
	if !ok {
		c.errorf(e.pos, "unknown column %q%s", e.name, didYouMean(e.name, c.names))
		return 0
	}
	if t < Number || t > Bool {
		c.errorf(e.pos, "column %q has no valid type in the schema (%d)", e.name, int(t))
		return 0
	}
	c.used[e.name] = t
	e.typ = t
	return t
}

// check requires a number column and 0 <= p <= 100. It is a number even
// when they are wrong, so that one error is reported, not two.
func (e *pctCall) check(c *checker) Type {
	if t := e.col.check(c); t != 0 && t != Number {
		c.errorf(e.col.pos, "percentile needs a number column, found %s", c.describe(e.col, t))
	}
	if !(e.p.v >= 0 && e.p.v <= 100) {
		c.errorf(e.p.pos, "percentile p must be between 0 and 100, found %s", c.src[e.p.pos:e.p.end])
	}
	return Number
}

// check of arithmetic gives a number, or no type when an operand is not
// a number, so that the mistake is not reported again by a comparison.
func (e *negExpr) check(c *checker) Type {
	if !c.number(e.opPos, e.x, e.x.check(c), `unary "-"`) {
		return 0
	}
	return Number
}

func (e *arithExpr) check(c *checker) Type {
	lt, rt := e.l.check(c), e.r.check(c)
	op := fmt.Sprintf("%q", c.src[e.op.pos:e.op.end])
	lok := c.number(e.op.pos, e.l, lt, op)
	if rok := c.number(e.op.pos, e.r, rt, op); !lok || !rok {
		return 0
	}
	return Number
}

func (e *compareExpr) check(c *checker) Type {
	lt, rt := e.l.check(c), e.r.check(c)
	e.typ = lt
	if c.mismatch(e.op.pos, e.l, e.r, lt, rt) && lt == Bool && e.op.kind != tEq && e.op.kind != tNe {
		c.errorf(e.op.pos, "cannot order bools with %q: compare them with = or !=", c.src[e.op.pos:e.op.end])
	}
	return Bool
}

// check requires x and both bounds to be numbers, or all strings. A
// mismatched bound is reported at the bound.
func (e *betweenExpr) check(c *checker) Type {
	xt, lt, ht := e.x.check(c), e.lo.check(c), e.hi.check(c)
	e.typ = xt
	if xt == Bool {
		c.errorf(e.kw.pos, "between needs numbers or strings, found %s", c.describe(e.x, xt))
		return Bool
	}
	c.mismatch(startOf(e.lo), e.x, e.lo, xt, lt)
	c.mismatch(startOf(e.hi), e.x, e.hi, xt, ht)
	return Bool
}

// check requires every item to have x's type; a wrong item is reported at
// the item.
func (e *inExpr) check(c *checker) Type {
	xt := e.x.check(c)
	e.typ = xt
	for _, item := range e.items {
		c.mismatch(startOf(item), e.x, item, xt, item.check(c))
	}
	return Bool
}

func (e *isNullExpr) check(c *checker) Type {
	e.x.check(c)
	return Bool
}

func (e *notExpr) check(c *checker) Type {
	c.condition(e.x, e.x.check(c), " after not")
	return Bool
}

func (e *logicExpr) check(c *checker) Type {
	where := fmt.Sprintf(" on each side of %s", strings.ToLower(c.src[e.op.pos:e.op.end]))
	c.condition(e.l, e.l.check(c), where)
	c.condition(e.r, e.r.check(c), where)
	return Bool
}

// writable reports whether a rule can name the column name: it has the
// pattern [a-z_][a-z0-9_]* and is not a keyword.
func writable(name string) bool {
	if name == "" || isDigit(name[0]) || keywords[name] != tEOF {
		return false
	}
	for i := range len(name) {
		if c := name[i]; !(c == '_' || isDigit(c) || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

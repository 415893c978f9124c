package segrule

import (
	"fmt"
	"strconv"
	"strings"
)

// parser is a recursive-descent parser over the tokens of one rule, one
// method per production of the grammar in the package comment.
//
// Recovery: a production that finds an unexpected token reports it and
// returns without consuming it, so the enclosing productions carry on; the
// top level then skips to the next "and" or "or" and parses what follows as
// a further fragment, so that its errors are reported too. A second error at
// the same offset as the previous one is dropped: it is the same mistake
// seen from an enclosing production.
type parser struct {
	src     string
	toks    []token
	i       int
	errs    []Error
	lastErr int // offset of the last syntax error, -1 before the first
}

// parse returns the tree of src and its lexical and syntax errors. With
// errors, the tree holds badExpr nodes where text did not parse.
func parse(src string) (expr, []Error) {
	toks, errs := lex(src)
	p := &parser{src: src, toks: toks, errs: errs, lastErr: -1}
	return p.rule(), p.errs
}

func (p *parser) tok() token { return p.toks[p.i] }

// advance consumes the current token (never the final tEOF) and returns it.
func (p *parser) advance() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// accept consumes the current token if it is of kind k.
func (p *parser) accept(k tokKind) (token, bool) {
	if t := p.tok(); t.kind == k {
		return p.advance(), true
	}
	return token{}, false
}

// expect consumes a token of kind k, or reports that want was expected.
func (p *parser) expect(k tokKind, want string) (token, bool) {
	if t, ok := p.accept(k); ok {
		return t, true
	}
	p.unexpected(want)
	return p.tok(), false
}

// text is the source text of t.
func (p *parser) text(t token) string { return p.src[t.pos:t.end] }

// unexpected reports the current token where want was expected.
func (p *parser) unexpected(want string) {
	t := p.tok()
	if t.kind == tIllegal {
		p.syntaxErr(t.pos, t.val)
		return
	}
	found := "the end of the rule"
	if t.kind != tEOF {
		found = strconv.Quote(p.text(t))
	}
	p.syntaxErr(t.pos, "expected "+want+", found "+found)
}

// syntaxErr records a syntax error unless one was recorded at off already.
func (p *parser) syntaxErr(off int, msg string) {
	if off == p.lastErr {
		return
	}
	p.lastErr = off
	p.errs = append(p.errs, Error{Offset: off, Msg: msg})
}

// errorAt records an error that is not a parse failure (the text parsed,
// but is not allowed where it is).
func (p *parser) errorAt(off int, format string, args ...any) {
	p.errs = append(p.errs, Error{Offset: off, Msg: fmt.Sprintf(format, args...)})
}

// rule = disjunction, then the end of the text. Text left over is reported
// once and parsed again from the next "and" or "or".
func (p *parser) rule() expr {
	e := p.disjunction()
	if p.tok().kind == tEOF {
		return e
	}
	parts := []expr{e}
	for p.tok().kind != tEOF {
		p.unexpected(`"and", "or" or the end of the rule`)
		p.skipToLogic()
		if p.tok().kind != tEOF {
			p.advance()
			parts = append(parts, p.disjunction())
		}
	}
	return &badExpr{sp: sp{0, len(p.src)}, parts: parts}
}

// skipToLogic consumes at least one token, then up to the next "and", "or"
// or the end.
func (p *parser) skipToLogic() {
	p.advance()
	for k := p.tok().kind; k != tEOF && k != tAnd && k != tOr; k = p.tok().kind {
		p.advance()
	}
}

// disjunction = conjunction { "or" conjunction }.
func (p *parser) disjunction() expr {
	x := p.conjunction()
	for op, ok := p.accept(tOr); ok; op, ok = p.accept(tOr) {
		r := p.conjunction()
		x = &logicExpr{sp: spanOf(x, r), op: op, l: x, r: r}
	}
	return x
}

// conjunction = negation { "and" negation }.
func (p *parser) conjunction() expr {
	x := p.negation()
	for op, ok := p.accept(tAnd); ok; op, ok = p.accept(tAnd) {
		r := p.negation()
		x = &logicExpr{sp: spanOf(x, r), op: op, l: x, r: r}
	}
	return x
}

// negation = "not" negation | predicate.
func (p *parser) negation() expr {
	t, ok := p.accept(tNot)
	if !ok {
		return p.predicate()
	}
	x := p.negation()
	return &notExpr{sp: tokSpan(t).to(x), x: x}
}

// predicate = sum [ compare_op sum | [not] between … | [not] in … | is … ].
func (p *parser) predicate() expr {
	x := p.sum()
	t := p.tok()
	switch t.kind {
	case tEq, tNe, tLt, tLe, tGt, tGe:
		p.advance()
		r := p.sum()
		return &compareExpr{sp: spanOf(x, r), op: t, l: x, r: r}
	case tIs:
		return p.isNull(x)
	case tBetween, tIn:
		return p.setTest(x, false)
	case tNot:
		if k := p.toks[p.i+1].kind; k == tBetween || k == tIn {
			p.advance()
			return p.setTest(x, true)
		}
	}
	return x
}

// setTest parses the rest of x [not] between … or x [not] in (…), at the
// between or in keyword.
func (p *parser) setTest(x expr, not bool) expr {
	if p.tok().kind == tBetween {
		return p.between(x, not)
	}
	return p.in(x, not)
}

// between parses "between" sum "and" sum after x.
func (p *parser) between(x expr, not bool) expr {
	kw := p.advance()
	lo := p.sum()
	if _, ok := p.expect(tAnd, `"and" after the lower bound of between`); !ok {
		return &badExpr{sp: spanOf(x, lo), parts: []expr{x, lo}}
	}
	hi := p.sum()
	return &betweenExpr{sp: spanOf(x, hi), kw: kw, not: not, x: x, lo: lo, hi: hi}
}

// in parses "in" "(" literal { "," literal } ")" after x.
func (p *parser) in(x expr, not bool) expr {
	kw := p.advance()
	if _, ok := p.expect(tLParen, `"(" after in`); !ok {
		return &badExpr{sp: spanOf(x, x), parts: []expr{x}}
	}
	items, end, ok := p.list()
	if !ok {
		return &badExpr{sp: sp{startOf(x), end.pos}, parts: append(items, x)}
	}
	if len(items) == 0 {
		p.errorAt(end.pos, "an in list needs at least one value")
	}
	p.literalsOnly(items)
	return &inExpr{sp: sp{startOf(x), end.end}, kw: kw, not: not, x: x, items: items}
}

// literalsOnly reports the items of an in list that are not literals, and
// replaces them by badExpr nodes so that they are not type-checked again.
func (p *parser) literalsOnly(items []expr) {
	for i, e := range items {
		switch e.(type) {
		case *numLit, *strLit, *boolLit, *nullLit, *badExpr:
			continue
		}
		p.errorAt(startOf(e), "the values of an in list must be literals (numbers, strings, true or false)")
		pos, end := e.span()
		items[i] = &badExpr{sp: sp{pos, end}, parts: []expr{e}}
	}
}

// list parses the rest of a parenthesised, comma-separated list after its
// "(", up to and including the ")".
func (p *parser) list() ([]expr, token, bool) {
	var items []expr
	if p.tok().kind != tRParen {
		items = append(items, p.disjunction())
		for _, ok := p.accept(tComma); ok; _, ok = p.accept(tComma) {
			items = append(items, p.disjunction())
		}
	}
	end, ok := p.expect(tRParen, `"," or ")"`)
	return items, end, ok
}

// isNull parses "is" [ "not" ] "null" after x.
func (p *parser) isNull(x expr) expr {
	p.advance()
	_, not := p.accept(tNot)
	end, ok := p.expect(tNull, `"null" or "not null" after is`)
	if !ok {
		return &badExpr{sp: spanOf(x, x), parts: []expr{x}}
	}
	return &isNullExpr{sp: sp{startOf(x), end.end}, not: not, x: x}
}

// sum = product { ( "+" | "-" ) product }.
func (p *parser) sum() expr {
	x := p.product()
	for t := p.tok(); t.kind == tPlus || t.kind == tMinus; t = p.tok() {
		p.advance()
		r := p.product()
		x = &arithExpr{sp: spanOf(x, r), op: t, l: x, r: r}
	}
	return x
}

// product = unary { ( "*" | "/" ) unary }.
func (p *parser) product() expr {
	x := p.unary()
	for t := p.tok(); t.kind == tStar || t.kind == tSlash; t = p.tok() {
		p.advance()
		r := p.unary()
		x = &arithExpr{sp: spanOf(x, r), op: t, l: x, r: r}
	}
	return x
}

// unary = "-" unary | primary. The minus of a literal is folded into it.
func (p *parser) unary() expr {
	t, ok := p.accept(tMinus)
	if !ok {
		return p.primary()
	}
	x := p.unary()
	if lit, isLit := x.(*numLit); isLit {
		return &numLit{sp: tokSpan(t).to(x), v: -lit.v}
	}
	return &negExpr{sp: tokSpan(t).to(x), opPos: t.pos, x: x}
}

// primary = literal | column | call | "(" disjunction ")".
func (p *parser) primary() expr {
	t := p.tok()
	switch t.kind {
	case tNumber:
		return p.number()
	case tIdent:
		return p.identifier()
	case tLParen:
		return p.parens()
	}
	if lit := literal(t); lit != nil {
		p.advance()
		return lit
	}
	p.unexpected("a value, a column or \"(\"")
	return &badExpr{sp: sp{t.pos, t.pos}}
}

// literal returns the string, bool or null literal of t, or nil.
func literal(t token) expr {
	switch t.kind {
	case tString:
		return &strLit{sp: tokSpan(t), v: t.val}
	case tTrue, tFalse:
		return &boolLit{sp: tokSpan(t), v: t.kind == tTrue}
	case tNull:
		return &nullLit{sp: tokSpan(t)}
	}
	return nil
}

// number parses a number literal.
func (p *parser) number() expr {
	t := p.advance()
	v, err := strconv.ParseFloat(p.text(t), 64)
	if err != nil {
		p.errorAt(t.pos, "number %s is out of range", p.text(t))
	}
	return &numLit{sp: tokSpan(t), v: v}
}

// parens parses "(" disjunction ")"; the span takes in the parentheses.
func (p *parser) parens() expr {
	open := p.advance()
	e := p.disjunction()
	if p.tok().kind != tRParen {
		ln := at(p.src, open.pos, "")
		p.unexpected(fmt.Sprintf(`")" to close the "(" at %d:%d`, ln.Line, ln.Col))
		return e
	}
	e.setSpan(open.pos, p.advance().end)
	return e
}

// identifier parses a column name, or a function call when "(" follows.
func (p *parser) identifier() expr {
	t := p.advance()
	if p.tok().kind == tLParen {
		return p.call(t)
	}
	return &colRef{sp: tokSpan(t), name: p.text(t)}
}

// call parses a call of the function name: only percentile exists.
func (p *parser) call(name token) expr {
	p.advance()
	args, end, ok := p.list()
	bad := &badExpr{sp: tokSpan(name).toTok(end), parts: args}
	fn := p.text(name)
	switch {
	case !strings.EqualFold(fn, "percentile"):
		p.errorAt(name.pos, "unknown function %q%s", fn, didYouMean(fn, []string{"percentile"}))
		return bad
	case !ok:
		return bad
	}
	return p.percentile(name, end, args)
}

// percentile checks the arguments of percentile(column, p).
func (p *parser) percentile(name, end token, args []expr) expr {
	whole := tokSpan(name).toTok(end)
	if len(args) != 2 {
		p.errorAt(name.pos, "percentile takes 2 arguments, a column and a number, not %d", len(args))
		return &badExpr{sp: whole, parts: args}
	}
	col, lit := p.percentileArgs(args[0], args[1])
	if col == nil || lit == nil {
		return &badExpr{sp: whole, parts: args}
	}
	return &pctCall{sp: whole, col: col, p: lit}
}

// percentileArgs returns the column and the number literal of a call of
// percentile, nil for one that is something else (reported).
func (p *parser) percentileArgs(a, b expr) (*colRef, *numLit) {
	col, isCol := a.(*colRef)
	if !isCol {
		p.errorAt(startOf(a), "the first argument of percentile must be a column name")
	}
	lit, isNum := b.(*numLit)
	if !isNum {
		p.errorAt(startOf(b), "the second argument of percentile must be a number literal, as in percentile(clv, 90)")
	}
	return col, lit
}

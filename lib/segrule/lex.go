package segrule

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// tokKind is the kind of a token.
type tokKind int

const (
	tEOF tokKind = iota
	tIllegal
	tNumber
	tString
	tIdent
	tAnd
	tOr
	tNot
	tIn
	tBetween
	tIs
	tNull
	tTrue
	tFalse
	tEq
	tNe
	tLt
	tLe
	tGt
	tGe
	tPlus
	tMinus
	tStar
	tSlash
	tLParen
	tRParen
	tComma
)

// keywords maps the lower-cased spelling of each keyword to its kind.
var keywords = map[string]tokKind{
	"and": tAnd, "or": tOr, "not": tNot, "in": tIn, "between": tBetween,
	"is": tIs, "null": tNull, "true": tTrue, "false": tFalse,
}

// operators lists the operator tokens, two-character ones first so that
// "<=" is not read as "<" and "=".
var operators = []struct {
	text string
	kind tokKind
}{
	{"!=", tNe}, {"<>", tNe}, {"<=", tLe}, {">=", tGe}, {"==", tEq},
	{"=", tEq}, {"<", tLt}, {">", tGt}, {"+", tPlus}, {"-", tMinus},
	{"*", tStar}, {"/", tSlash}, {"(", tLParen}, {")", tRParen}, {",", tComma},
}

// token is one token of a rule: its kind and its byte span in the source.
// val is a string literal's unescaped value, or an illegal token's message.
type token struct {
	kind     tokKind
	pos, end int
	val      string
}

// lexer splits a rule into tokens. Problems that still leave a usable token
// (an unterminated string, "==") are recorded in errs; a character that
// cannot start a token becomes a tIllegal token for the parser to report.
type lexer struct {
	src  string
	pos  int
	toks []token
	errs []Error
}

// lex returns the tokens of src, ending with tEOF, and the lexical errors.
func lex(src string) ([]token, []Error) {
	l := &lexer{src: src}
	for l.skipSpace() {
		l.toks = append(l.toks, l.next())
	}
	l.toks = append(l.toks, token{kind: tEOF, pos: len(src), end: len(src)})
	return l.toks, l.errs
}

// skipSpace skips white space and reports whether a token follows.
func (l *lexer) skipSpace() bool {
	for l.pos < len(l.src) && strings.IndexByte(" \t\r\n\f\v", l.src[l.pos]) >= 0 {
		l.pos++
	}
	return l.pos < len(l.src)
}

// next reads the token at l.pos.
func (l *lexer) next() token {
	c := l.src[l.pos]
	switch {
	case isDigit(c):
		return l.number()
	case isWordStart(c):
		return l.word()
	case c == '\'':
		return l.str()
	case c == '"':
		return l.doubleQuoted()
	}
	return l.operator()
}

func isDigit(c byte) bool     { return '0' <= c && c <= '9' }
func isWordStart(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isWordByte(c byte) bool  { return isWordStart(c) || isDigit(c) }

// number reads digits [ "." digits ]. A "." without digits after it is an
// error, but the token stays a number.
func (l *lexer) number() token {
	start := l.pos
	l.digits()
	if l.pos < len(l.src) && l.src[l.pos] == '.' {
		l.pos++
		if l.digits() == 0 {
			l.errorf(start, "number %q needs digits after the decimal point", l.src[start:l.pos])
		}
	}
	return token{kind: tNumber, pos: start, end: l.pos}
}

// digits skips a run of digits and returns its length.
func (l *lexer) digits() int {
	start := l.pos
	for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
		l.pos++
	}
	return l.pos - start
}

// word reads an identifier or a keyword (keywords in any case).
func (l *lexer) word() token {
	start := l.pos
	for l.pos < len(l.src) && isWordByte(l.src[l.pos]) {
		l.pos++
	}
	kind, ok := keywords[strings.ToLower(l.src[start:l.pos])]
	if !ok {
		kind = tIdent
	}
	return token{kind: kind, pos: start, end: l.pos}
}

// str reads a single-quoted string, two quotes in a row standing for one. An unterminated
// string is an error and runs to the end of the rule.
func (l *lexer) str() token {
	start := l.pos
	var b strings.Builder
	for l.pos++; l.pos < len(l.src); l.pos++ {
		c := l.src[l.pos]
		if c == '\'' && !l.doubledQuote() {
			l.pos++
			return token{kind: tString, pos: start, end: l.pos, val: b.String()}
		}
		b.WriteByte(c)
	}
	l.errorf(start, "string is not terminated: a closing ' is missing")
	return token{kind: tString, pos: start, end: l.pos, val: b.String()}
}

// doubledQuote reports whether the quote at l.pos is the first of two in a row,
// and if so steps onto the second.
func (l *lexer) doubledQuote() bool {
	if l.pos+1 < len(l.src) && l.src[l.pos+1] == '\'' {
		l.pos++
		return true
	}
	return false
}

// doubleQuoted reads a "…" run as one illegal token: a likely attempt at
// a string.
func (l *lexer) doubleQuoted() token {
	start := l.pos
	end := strings.IndexByte(l.src[start+1:], '"')
	if end < 0 {
		l.pos = len(l.src)
	} else {
		l.pos = start + 1 + end + 1
	}
	return token{kind: tIllegal, pos: start, end: l.pos, val: "strings are written in single quotes, not double quotes"}
}

// operator reads an operator, or one character that starts no token.
func (l *lexer) operator() token {
	start := l.pos
	for _, op := range operators {
		if strings.HasPrefix(l.src[start:], op.text) {
			l.pos += len(op.text)
			if op.text == "==" {
				l.errorf(start, `"==" is not an operator: compare with "="`)
			}
			return token{kind: op.kind, pos: start, end: l.pos}
		}
	}
	r, size := utf8.DecodeRuneInString(l.src[start:])
	l.pos += size
	return token{kind: tIllegal, pos: start, end: l.pos, val: "unexpected character " + strconv.QuoteRune(r)}
}

// errorf records a lexical error at byte offset off.
func (l *lexer) errorf(off int, format string, args ...any) {
	l.errs = append(l.errs, Error{Offset: off, Msg: fmt.Sprintf(format, args...)})
}

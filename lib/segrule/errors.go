package segrule

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Error is one problem in a rule's text, at the offending token.
type Error struct {
	Offset int    // byte offset of the token in the rule text
	Line   int    // 1-based line of Offset
	Col    int    // 1-based column of Offset, in characters
	Msg    string // what is wrong, without the position
}

// Error returns "line:col: msg".
func (e Error) Error() string {
	return strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Col) + ": " + e.Msg
}

// Errors is every problem Compile found in a rule, in the order of their
// offsets. Compile returns it as its error; use errors.As to get at it.
type Errors []Error

// Error joins the errors' "line:col: msg" with "; ".
func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// at returns an Error at byte offset off of src with its line and column.
func at(src string, off int, msg string) Error {
	before := src[:off]
	lineStart := strings.LastIndexByte(before, '\n') + 1
	return Error{
		Offset: off,
		Line:   strings.Count(before, "\n") + 1,
		Col:    utf8.RuneCountInString(before[lineStart:]) + 1,
		Msg:    msg,
	}
}

package segrule

import (
	"errors"
	"math"
	"slices"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"lifecycle_stage in ('dormant','churned') and clv >= 500",
	"recency_days <= 30 and monetary >= percentile(monetary, 90)",
	"email_consent != 'denied' and purchase_probability is not null",
	"NOT is_vip AND clv NOT BETWEEN -10.5 AND 3 OR clv IS NULL",
	"clv * 2 - -3 / (recency_days + 1) > percentile(clv, 0) and clv <> 1",
	"(is_vip = (clv > 3)) is not null",
	"lifecycle_stage = 'O''Brien'\n\tor lifecycle_stage = 'München'",
	"clvv > 3 and lifecycle_stage = 5 and percentile(lifecycle_stage, 150) > 1",
	"clv > > 3 and foo = 1 and is_vip < false",
	"clv @ 1 or lifecycle_stage in (1) or is_vip is nul",
	`lifecycle_stage = "new" or lifecycle_stage = 'new`,
	"((clv > 1)",
	"percentile(clv, 50) / 0 is null",
	"clv in (1, 2, -3.25) and not (clv between 1. and 2)",
	"",
	"-",
	"'",
	"(",
}

// FuzzCompile: Compile never panics; its errors lie within the text, at
// the line and column of their offset, in order; a rule that compiles
// gives back its source, names known columns only, and selects from a
// table without failing.
func FuzzCompile(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	tbl := fuzzTable()
	f.Fuzz(func(t *testing.T, src string) {
		r, err := Compile(src, testSchema)
		if err != nil {
			checkPositions(t, src, err)
			return
		}
		checkRule(t, r, src)
		if sel, err := r.Select(tbl); err != nil || len(sel) != tbl.Rows {
			t.Errorf("Select: %d rows, %v", len(sel), err)
		}
	})
}

// checkPositions checks every error of a failed Compile of src.
func checkPositions(t *testing.T, src string, err error) {
	t.Helper()
	var es Errors
	if !errors.As(err, &es) || len(es) == 0 {
		t.Fatalf("Compile(%q) error %v is not a non-empty Errors", src, err)
	}
	for i, e := range es {
		if e.Offset < 0 || e.Offset > len(src) || e.Msg == "" {
			t.Fatalf("Compile(%q): error %+v outside the text or empty", src, e)
		}
		if line, col := lineCol(src, e.Offset); e.Line != line || e.Col != col {
			t.Errorf("Compile(%q): error at offset %d says %d:%d, want %d:%d", src, e.Offset, e.Line, e.Col, line, col)
		}
		if i > 0 && e.Offset < es[i-1].Offset {
			t.Errorf("Compile(%q): errors out of order: %v", src, es)
		}
	}
}

// lineCol counts the line and column of byte offset off by decoding src
// a character at a time (an invalid byte is one character, as U+FFFD).
func lineCol(src string, off int) (line, col int) {
	line, col = 1, 1
	for i := 0; i < off; {
		r, size := utf8.DecodeRuneInString(src[i:])
		if r == '\n' {
			line, col = line+1, 0
		}
		i, col = i+size, col+1
	}
	return line, col
}

// checkRule checks what a compiled rule says about itself.
func checkRule(t *testing.T, r *Rule, src string) {
	t.Helper()
	if r.String() != src {
		t.Errorf("String() = %q, want %q", r.String(), src)
	}
	cols := r.Columns()
	if !slices.IsSorted(cols) || len(slices.Compact(slices.Clone(cols))) != len(cols) {
		t.Errorf("Columns() = %q: not sorted and distinct", cols)
	}
	for _, c := range cols {
		if _, ok := testSchema[c]; !ok {
			t.Errorf("Columns() = %q: %q is not in the schema", cols, c)
		}
	}
}

// fuzzTable has every column of testSchema, with nulls and a NaN.
func fuzzTable() *Table {
	num := func(v ...float64) *Column { return &Column{Type: Number, Num: v, Null: []bool{false, true, false}} }
	str := func(v ...string) *Column { return &Column{Type: String, Str: v, Null: []bool{false, false, true}} }
	return &Table{Rows: 3, Cols: map[string]*Column{
		"lifecycle_stage":      str("dormant", "churned", ""),
		"clv":                  num(500, 0, math.NaN()),
		"recency_days":         num(0, 30, 1),
		"monetary":             num(-1, 2, 1e300),
		"email_consent":        str("denied", "", "x"),
		"purchase_probability": num(0.5, 1, math.Inf(1)),
		"is_vip":               {Type: Bool, Bool: []bool{true, false, true}, Null: []bool{true, false, false}},
	}}
}

package segrule

import (
	"errors"
	"math"
	"slices"
	"testing"
)

// nums, strs and bools build columns from values, nil standing for null.
func nums(vals ...any) *Column {
	return column(Number, vals, func(c *Column, f float64) { c.Num = append(c.Num, f) })
}

func strs(vals ...any) *Column {
	return column(String, vals, func(c *Column, s string) { c.Str = append(c.Str, s) })
}

func bools(vals ...any) *Column {
	return column(Bool, vals, func(c *Column, b bool) { c.Bool = append(c.Bool, b) })
}

// column builds a column of type typ from vals: add appends each value (the
// zero T for a nil) to the column's values, and a nil is null.
func column[T any](typ Type, vals []any, add func(*Column, T)) *Column {
	c := &Column{Type: typ, Null: make([]bool, len(vals))}
	for i, v := range vals {
		x, _ := v.(T)
		add(c, x)
		c.Null[i] = v == nil
	}
	return c
}

// table makes a Table of the columns, which must have equal lengths, and
// the schema of their types.
func table(cols map[string]*Column) (*Table, Schema) {
	t, s := &Table{Cols: cols}, Schema{}
	for name, c := range cols {
		t.Rows, s[name] = c.length(), c.Type
	}
	return t, s
}

// selectedRows compiles src for t and returns the indices of the rows it
// selects.
func selectedRows(t *testing.T, src string, tbl *Table, s Schema) []int {
	t.Helper()
	r, err := Compile(src, s)
	if err != nil {
		t.Fatalf("Compile(%q): %v", src, err)
	}
	sel, err := r.Select(tbl)
	if err != nil {
		t.Fatalf("Select(%q): %v", src, err)
	}
	rows := []int{}
	for i, ok := range sel {
		if ok {
			rows = append(rows, i)
		}
	}
	return rows
}

// selCase is a rule and the rows it must select, worked out by hand.
type selCase struct {
	src  string
	rows []int
}

func runCases(t *testing.T, tbl *Table, s Schema, cases []selCase) {
	t.Helper()
	for _, c := range cases {
		if got := selectedRows(t, c.src, tbl, s); !slices.Equal(got, c.rows) {
			t.Errorf("%q selects rows %v, want %v", c.src, got, c.rows)
		}
	}
}

// TestThreeValuedLogic: and, or, not and = over every pair of true, false
// and null, by Kleene's truth tables (the rows, in order: TT TF TN FT FF
// FN NT NF NN).
func TestThreeValuedLogic(t *testing.T) {
	T, F := true, false
	tbl, s := table(map[string]*Column{
		"a": bools(T, T, T, F, F, F, nil, nil, nil),
		"b": bools(T, F, nil, T, F, nil, T, F, nil),
	})
	runCases(t, tbl, s, []selCase{
		{"a and b", []int{0}},                   // true only for TT
		{"(a and b) is null", []int{2, 6, 8}},   // TN NT NN: no false side
		{"not (a and b)", []int{1, 3, 4, 5, 7}}, // a false side: TF FT FF FN NF
		{"a or b", []int{0, 1, 2, 3, 6}},        // a true side
		{"(a or b) is null", []int{5, 7, 8}},    // FN NF NN
		{"not (a or b)", []int{4}},              // FF only
		{"not a", []int{3, 4, 5}},
		{"(not a) is null", []int{6, 7, 8}}, // not null is null
		{"a = b", []int{0, 4}},
		{"a != b", []int{1, 3}},
		{"(a = b) is null", []int{2, 5, 6, 7, 8}},
		{"a is not null and b is null", []int{2, 5}},
		{"a = true", []int{0, 1, 2}},
		{"a in (false)", []int{3, 4, 5}},
		{"a not in (false)", []int{0, 1, 2}},
		{"a or not a", []int{0, 1, 2, 3, 4, 5}}, // not true for null a
		{"true", []int{0, 1, 2, 3, 4, 5, 6, 7, 8}},
		{"false or a is null", []int{6, 7, 8}},
	})
}

// TestNumberNulls: a null or NaN number makes comparisons, in, between and
// arithmetic null, so only "is null" and or-ing can select its row.
func TestNumberNulls(t *testing.T) {
	tbl, s := table(map[string]*Column{
		"x": nums(1.0, nil, math.NaN(), 3.0),
		"y": nums(1.0, 1.0, 1.0, nil),
	})
	runCases(t, tbl, s, []selCase{
		{"x = 1", []int{0}},
		{"x != 1", []int{3}}, // not rows 1 and 2: their x is null
		{"not (x = 1)", []int{3}},
		{"x is null", []int{1, 2}}, // NaN is null
		{"x + y is null", []int{1, 2, 3}},
		{"x + y = 2", []int{0}},
		{"-x < 0", []int{0, 3}},
		{"x in (1, 3)", []int{0, 3}},
		{"x not in (1)", []int{3}},
		{"x between 0 and 2", []int{0}},
		{"x not between 0 and 2", []int{3}},
		{"x != 1 or x is null", []int{1, 2, 3}},
		{"x > percentile(y, 50)", []int{3}}, // percentile of y is 1
	})
}

// TestBetweenNullBound: x between lo and hi is x >= lo and x <= hi, so a
// null bound gives false when the other comparison fails, null otherwise.
func TestBetweenNullBound(t *testing.T) {
	tbl, s := table(map[string]*Column{
		"x":  nums(5.0, 5.0, 5.0, 5.0),
		"lo": nums(nil, nil, 1.0, 6.0),
		"hi": nums(3.0, 7.0, nil, nil),
	})
	runCases(t, tbl, s, []selCase{
		{"x between lo and hi", []int{}},
		{"x not between lo and hi", []int{0, 3}},       // 5 <= 3 and 5 >= 6 fail
		{"(x between lo and hi) is null", []int{1, 2}}, // the other side holds
	})
}

// TestDivision: dividing by zero, positive or negative, gives null, 0/0
// included; a NaN result (infinity minus infinity) is null too.
func TestDivision(t *testing.T) {
	inf := math.Inf(1)
	tbl, s := table(map[string]*Column{
		"x": nums(1.0, 0.0, -1.0, 4.0, inf, 6.0),
		"y": nums(0.0, 0.0, math.Copysign(0, -1), 2.0, inf, 4.0),
	})
	runCases(t, tbl, s, []selCase{
		{"(x / y) is null", []int{0, 1, 2, 4}}, // inf / inf is NaN
		{"x / y = 2", []int{3}},
		{"x / y = 1.5", []int{5}},
		{"x - y is null", []int{4}}, // inf - inf is NaN
		{"x * y > 1000", []int{4}},  // inf * inf is inf
		{"x / (y - y) is null", []int{0, 1, 2, 3, 4, 5}},
		{"x / 0 is not null", []int{}},
	})
}

// TestStrings: strings compare byte by byte, so 'B' < 'a' and ” is the
// smallest; the escaped quote is one quote.
func TestStrings(t *testing.T) {
	tbl, s := table(map[string]*Column{
		"s": strs("a", nil, "B", "", "O'Brien", "ä"),
	})
	runCases(t, tbl, s, []selCase{
		{"s < 'a'", []int{2, 3, 4}},
		{"s != 'a'", []int{2, 3, 4, 5}},
		{"s is null", []int{1}},
		{"s = 'O''Brien'", []int{4}},
		{"s > 'z'", []int{5}}, // ä is 0xC3 0xA4, after every ASCII byte
		{"s between 'B' and 'a'", []int{0, 2, 4}},
		{"s in ('', 'ä')", []int{3, 5}},
		{"s not in ('a')", []int{2, 3, 4, 5}},
	})
}

// TestPercentile: percentile interpolates between the closest ranks of
// the column's non-null values, over the whole table. The values are
// chosen so that every product is exact in float64.
func TestPercentile(t *testing.T) {
	tbl, s := table(map[string]*Column{
		"m":    nums(40.0, 10.0, 30.0, 20.0),
		"gaps": nums(math.NaN(), 10.0, nil, 40.0),
		"none": nums(nil, math.NaN(), nil, nil),
	})
	all := []int{0, 1, 2, 3}
	runCases(t, tbl, s, []selCase{
		// sorted 10 20 30 40, n = 4:
		{"percentile(m, 0) = 10", all},
		{"percentile(m, 100) = 40", all},
		{"percentile(m, 25) = 17.5", all}, // r = 3*0.25 = 0.75: 10*0.25 + 20*0.75
		{"percentile(m, 50) = 25", all},   // r = 1.5: 20*0.5 + 30*0.5
		{"percentile(m, 75) = 32.5", all}, // r = 2.25: 30*0.75 + 40*0.25
		{"m >= percentile(m, 50)", []int{0, 2}},
		{"m = percentile(m, 100)", []int{0}},
		// NaN and null skipped: 10 40, r = 0.5 at p = 50.
		{"percentile(gaps, 50) = 25", all},
		{"percentile(gaps, 0) = 10 and percentile(gaps, 100) = 40", all},
		// No value at all: null, so never compared true.
		{"percentile(none, 50) is null", all},
		{"m > percentile(none, 50) or m <= percentile(none, 50)", []int{}},
	})
}

// TestPercentileOverWholeTable: with more rows than one chunk, the
// percentile is still that of the whole column: rows 0…2999 have m = row,
// so the median is at r = 2999*0.5 = 1499.5, 1499*0.5 + 1500*0.5 = 1499.5,
// and the rows above it are 1500…2999.
func TestPercentileOverWholeTable(t *testing.T) {
	const n = 3000
	m := &Column{Type: Number, Num: make([]float64, n)}
	for i := range m.Num {
		m.Num[i] = float64(i)
	}
	tbl, s := table(map[string]*Column{"m": m})
	rows := selectedRows(t, "m > percentile(m, 50) and percentile(m, 50) = 1499.5", tbl, s)
	if len(rows) != 1500 || rows[0] != 1500 || rows[len(rows)-1] != 2999 {
		t.Errorf("selected %d rows (%v), want the 1500 from 1500 to 2999", len(rows), rows[:min(len(rows), 5)])
	}
}

// TestSelectChecksTable: a column the rule reads must be there, with the
// compiled type and one value (and null flag) per row.
func TestSelectChecksTable(t *testing.T) {
	r, err := Compile("clv > 1 and lifecycle_stage = 'x'", testSchema)
	if err != nil {
		t.Fatal(err)
	}
	good := func() *Table {
		return &Table{Rows: 2, Cols: map[string]*Column{
			"clv":             {Type: Number, Num: []float64{1, 2}},
			"lifecycle_stage": {Type: String, Str: []string{"x", "x"}},
		}}
	}
	cases := []struct {
		name   string
		break_ func(*Table)
		msg    string
	}{
		{"missing", func(t *Table) { delete(t.Cols, "clv") }, `column "clv" is missing: table does not fit the rule`},
		{"type", func(t *Table) { t.Cols["clv"] = &Column{Type: String, Str: []string{"", ""}} }, `column "clv" is string, the rule needs number: table does not fit the rule`},
		{"length", func(t *Table) { t.Cols["lifecycle_stage"].Str = []string{"x"} }, `column "lifecycle_stage" has 1 values for 2 rows: table does not fit the rule`},
		{"nulls", func(t *Table) { t.Cols["clv"].Null = []bool{true} }, `column "clv" has 1 null flags for 2 rows: table does not fit the rule`},
		{"rows", func(t *Table) { t.Rows = -1 }, `no table or a negative row count: table does not fit the rule`},
	}
	for _, c := range cases {
		tbl := good()
		c.break_(tbl)
		_, err := r.Select(tbl)
		if !errors.Is(err, ErrTable) || err.Error() != c.msg {
			t.Errorf("%s: Select error %v, want %q", c.name, err, c.msg)
		}
	}
	if _, err := r.Select(nil); !errors.Is(err, ErrTable) {
		t.Errorf("Select(nil) error %v, want ErrTable", err)
	}
	sel, err := r.Select(good())
	if err != nil || !slices.Equal(sel, []bool{false, true}) {
		t.Errorf("Select = %v, %v; want [false true]", sel, err)
	}
}

// TestSelectEmptyTable: no rows, no selection, no error.
func TestSelectEmptyTable(t *testing.T) {
	tbl, s := table(map[string]*Column{"x": nums()})
	if rows := selectedRows(t, "x > percentile(x, 50) or x is null", tbl, s); len(rows) != 0 {
		t.Errorf("selected %v from an empty table", rows)
	}
}

// TestSelectConcurrentAndReadOnly: one Rule selects from several tables at
// once (run with -race), and leaves the tables as they were.
func TestSelectConcurrentAndReadOnly(t *testing.T) {
	r, err := Compile("b and x between percentile(x, 10) and 5 or not b", Schema{"b": Bool, "x": Number})
	if err != nil {
		t.Fatal(err)
	}
	const n = 5000
	done := make(chan []bool)
	tables := make([]*Table, 4)
	for k := range tables {
		x := &Column{Type: Number, Num: make([]float64, n)}
		b := &Column{Type: Bool, Bool: make([]bool, n), Null: make([]bool, n)}
		for i := range n {
			x.Num[i], b.Bool[i], b.Null[i] = float64((i*7+k)%11), i%3 == 0, i%5 == 0
		}
		tables[k] = &Table{Rows: n, Cols: map[string]*Column{"x": x, "b": b}}
	}
	for _, tbl := range tables {
		go func() {
			sel, _ := r.Select(tbl)
			done <- sel
		}()
	}
	for range tables {
		if sel := <-done; len(sel) != n {
			t.Errorf("Select returned %d rows, want %d", len(sel), n)
		}
	}
	for k, tbl := range tables {
		b, x := tbl.Cols["b"], tbl.Cols["x"]
		for i := range n {
			if b.Bool[i] != (i%3 == 0) || b.Null[i] != (i%5 == 0) || x.Num[i] != float64((i*7+k)%11) {
				t.Fatalf("table %d row %d changed by Select", k, i)
			}
		}
	}
}

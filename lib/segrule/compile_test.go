package segrule

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// testSchema is the customer table of the examples in the brief.
var testSchema = Schema{
	"lifecycle_stage":      String,
	"clv":                  Number,
	"recency_days":         Number,
	"monetary":             Number,
	"email_consent":        String,
	"purchase_probability": Number,
	"is_vip":               Bool,
}

func TestCompileAcceptsExamples(t *testing.T) {
	cases := []struct {
		src  string
		cols []string
	}{
		{"lifecycle_stage in ('dormant','churned') and clv >= 500", []string{"clv", "lifecycle_stage"}},
		{"recency_days <= 30 and monetary >= percentile(monetary, 90)", []string{"monetary", "recency_days"}},
		{"email_consent != 'denied' and purchase_probability is not null", []string{"email_consent", "purchase_probability"}},
		{"is_vip", []string{"is_vip"}},
		{"NOT is_vip AND clv BETWEEN -10.5 AND 3 OR Clv_x_1 IS NULL", nil}, // Clv_x_1 unknown: see below
		{"clv * 2 - -3 / (recency_days + 1) > percentile(clv, 0) and clv <> 1", []string{"clv", "recency_days"}},
		{"(is_vip = (clv > 3)) is not null", []string{"clv", "is_vip"}},
		{"lifecycle_stage not in ('a', 'O''Brien')\n\tand clv not between 1 and 2", []string{"clv", "lifecycle_stage"}},
		{"true or false", []string{}},
		{"PERCENTILE(clv, 100) >= clv", []string{"clv"}},
	}
	for _, c := range cases {
		r, err := Compile(c.src, testSchema)
		if c.cols == nil {
			if err == nil {
				t.Errorf("Compile(%q) accepted an unknown column", c.src)
			}
			continue
		}
		if err != nil {
			t.Errorf("Compile(%q): %v", c.src, err)
			continue
		}
		if got := r.Columns(); !slices.Equal(got, c.cols) {
			t.Errorf("Compile(%q).Columns() = %q, want %q", c.src, got, c.cols)
		}
		if r.String() != c.src {
			t.Errorf("String() = %q, want the source %q", r.String(), c.src)
		}
	}
}

// errCase is a rule and every error Compile must report for it, as
// "line:col: msg" with the byte offset.
type errCase struct {
	src  string
	want []wantErr
}

type wantErr struct {
	off  int
	text string // "line:col: msg"
}

func TestCompileErrorPositions(t *testing.T) {
	cases := []errCase{
		// Unknown columns, with and without a close name.
		{"clvv > 3", []wantErr{{0, `1:1: unknown column "clvv" (did you mean "clv"?)`}}},
		{"CLV > 3", []wantErr{{0, `1:1: column names are lower case, "CLV" is not (did you mean "clv"?)`}}},
		{"recncy_dys < 3", []wantErr{{0, `1:1: unknown column "recncy_dys" (did you mean "recency_days"?)`}}},
		{"x > 3", []wantErr{{0, `1:1: unknown column "x"`}}},
		// Type mismatches: at the operator, or at the list item or bound.
		{"lifecycle_stage = 5", []wantErr{{16, "1:17: cannot compare string column lifecycle_stage with number 5"}}},
		{"clv > 5\n  and lifecycle_stage >= -5", []wantErr{{30, "2:23: cannot compare string column lifecycle_stage with number -5"}}},
		{"clv * 2 = 'x'", []wantErr{{8, "1:9: cannot compare number expression clv * 2 with string 'x'"}}},
		{"is_vip < true", []wantErr{{7, `1:8: cannot order bools with "<": compare them with = or !=`}}},
		{"lifecycle_stage + 1 > 2", []wantErr{{16, `1:17: "+" needs numbers, found string column lifecycle_stage`}}},
		{"-lifecycle_stage = 'a'", []wantErr{{0, `1:1: unary "-" needs numbers, found string column lifecycle_stage`}}},
		{"lifecycle_stage in ('a', 5)", []wantErr{{25, "1:26: cannot compare string column lifecycle_stage with number 5"}}},
		{"clv between 1 and 'z'", []wantErr{{18, "1:19: cannot compare number column clv with string 'z'"}}},
		{"is_vip between true and false", []wantErr{{7, "1:8: between needs numbers or strings, found bool column is_vip"}}},
		// Conditions where they are needed.
		{"clv and is_vip", []wantErr{{0, "1:1: expected a condition on each side of and, found number column clv"}}},
		{"is_vip OR 'yes'", []wantErr{{10, "1:11: expected a condition on each side of or, found string 'yes'"}}},
		{"not clv", []wantErr{{4, "1:5: expected a condition after not, found number column clv"}}},
		{"clv * (2)", []wantErr{{0, "1:1: expected a condition, found number expression clv * (2)"}}},
		// percentile.
		{"percentile(lifecycle_stage, 50) > 1", []wantErr{{11, "1:12: percentile needs a number column, found string column lifecycle_stage"}}},
		{"clv > percentile(clv, 101)", []wantErr{{22, "1:23: percentile p must be between 0 and 100, found 101"}}},
		{"clv > percentile(clv, -0.5)", []wantErr{{22, "1:23: percentile p must be between 0 and 100, found -0.5"}}},
		{"clv > percentile(clv, recency_days)", []wantErr{{22, "1:23: the second argument of percentile must be a number literal, as in percentile(clv, 90)"}}},
		{"clv > percentile(1, 50)", []wantErr{{17, "1:18: the first argument of percentile must be a column name"}}},
		{"clv > percentile(clv)", []wantErr{{6, "1:7: percentile takes 2 arguments, a column and a number, not 1"}}},
		{"percentil(clv, 5) > 1", []wantErr{{0, `1:1: unknown function "percentil" (did you mean "percentile"?)`}}},
		{"sum(clv) > 1", []wantErr{{0, `1:1: unknown function "sum"`}}},
		// null outside is null.
		{"clv = null", []wantErr{{6, `1:7: null can only be tested with "is null" or "is not null"`}}},
		{"clv in (1, NULL)", []wantErr{{11, `1:12: null can only be tested with "is null" or "is not null"`}}},
		// Syntax.
		{"", []wantErr{{0, `1:1: expected a value, a column or "(", found the end of the rule`}}},
		{"clv >", []wantErr{{5, `1:6: expected a value, a column or "(", found the end of the rule`}}},
		{"(clv > 1 or\n is_vip", []wantErr{{19, `2:8: expected ")" to close the "(" at 1:1, found the end of the rule`}}},
		{"clv # 5", []wantErr{{4, `1:5: unexpected character '#'`}}},
		{`lifecycle_stage = "new"`, []wantErr{{18, "1:19: strings are written in single quotes, not double quotes"}}},
		{"lifecycle_stage = 'new", []wantErr{{18, "1:19: string is not terminated: a closing ' is missing"}}},
		{"clv == 5", []wantErr{{4, `1:5: "==" is not an operator: compare with "="`}}},
		{"clv > 1.", []wantErr{{6, `1:7: number "1." needs digits after the decimal point`}}},
		{"clv > 5 recency_days < 3", []wantErr{{8, `1:9: expected "and", "or" or the end of the rule, found "recency_days"`}}},
		{"1 < clv < 5", []wantErr{{8, `1:9: expected "and", "or" or the end of the rule, found "<"`}}},
		{"clv in 1", []wantErr{{7, `1:8: expected "(" after in, found "1"`}}},
		{"clv in ()", []wantErr{{8, "1:9: an in list needs at least one value"}}},
		{"clv in (1, recency_days)", []wantErr{{11, "1:12: the values of an in list must be literals (numbers, strings, true or false)"}}},
		{"clv is 5", []wantErr{{7, `1:8: expected "null" or "not null" after is, found "5"`}}},
		{"clv between 1 or 2", []wantErr{{14, `1:15: expected "and" after the lower bound of between, found "or"`}}},
		{"clv > 1" + strings.Repeat("0", 400), []wantErr{{6, "1:7: number 1" + strings.Repeat("0", 400) + " is out of range"}}},
		// Columns count characters, not bytes: ü is two bytes.
		{"lifecycle_stage = 'München' and clvv > 1", []wantErr{{33, `1:33: unknown column "clvv" (did you mean "clv"?)`}}},
	}
	for _, c := range cases {
		checkErrors(t, c)
	}
}

// TestCompileReportsAllErrors: several independent mistakes in one rule,
// syntax errors included, are all reported, in text order.
func TestCompileReportsAllErrors(t *testing.T) {
	cases := []errCase{
		{"clvv > 3 and lifecycle_stage = 5 and percentile(lifecycle_stage, 150) > 1\nor monetary = null", []wantErr{
			{0, `1:1: unknown column "clvv" (did you mean "clv"?)`},
			{29, "1:30: cannot compare string column lifecycle_stage with number 5"},
			{48, "1:49: percentile needs a number column, found string column lifecycle_stage"},
			{65, "1:66: percentile p must be between 0 and 100, found 150"},
			{88, `2:15: null can only be tested with "is null" or "is not null"`},
		}},
		// After a syntax error, parsing resumes at the next and/or.
		{"clv > > 3 and foo = 1 and is_vip < false", []wantErr{
			{6, `1:7: expected a value, a column or "(", found ">"`},
			{14, `1:15: unknown column "foo"`},
			{33, `1:34: cannot order bools with "<": compare them with = or !=`},
		}},
		{"clv @ 1 or lifecycle_stage in (1) or is_vip is nul", []wantErr{
			{4, `1:5: unexpected character '@'`},
			{31, "1:32: cannot compare string column lifecycle_stage with number 1"},
			{47, `1:48: expected "null" or "not null" after is, found "nul"`},
		}},
		// Both operands of one operator are wrong: two errors at it.
		{"'a' * 'b' > 1", []wantErr{
			{4, `1:5: "*" needs numbers, found string 'a'`},
			{4, `1:5: "*" needs numbers, found string 'b'`},
		}},
		// A wrong operand of arithmetic is reported once, not again by the
		// comparison it is part of.
		{"recency_days - lifecycle_stage * 2 < 'x'", []wantErr{
			{31, `1:32: "*" needs numbers, found string column lifecycle_stage`},
		}},
	}
	for _, c := range cases {
		checkErrors(t, c)
	}
}

// checkErrors compiles c.src and compares every reported error with c.want.
func checkErrors(t *testing.T, c errCase) {
	t.Helper()
	r, err := Compile(c.src, testSchema)
	var es Errors
	if !errors.As(err, &es) || r != nil {
		t.Errorf("Compile(%q) = %v, %v; want Errors", c.src, r, err)
		return
	}
	var got, want []string
	for _, e := range es {
		got = append(got, e.Error()+" @"+strconv.Itoa(e.Offset))
	}
	for _, w := range c.want {
		want = append(want, w.text+" @"+strconv.Itoa(w.off))
	}
	if !slices.Equal(got, want) {
		t.Errorf("Compile(%q) errors:\n got %q\nwant %q", c.src, got, want)
	}
}

func TestErrorsJoin(t *testing.T) {
	es := Errors{{Offset: 0, Line: 1, Col: 1, Msg: "a"}, {Offset: 9, Line: 2, Col: 3, Msg: "b"}}
	if got, want := es.Error(), "1:1: a; 2:3: b"; got != want {
		t.Errorf("Errors.Error() = %q, want %q", got, want)
	}
}

func TestColumnsIsACopy(t *testing.T) {
	r, err := Compile("clv > 1 and clv < percentile(clv, 50) and recency_days = 1", testSchema)
	if err != nil {
		t.Fatal(err)
	}
	cols := r.Columns()
	cols[0] = "changed"
	if got := r.Columns(); !slices.Equal(got, []string{"clv", "recency_days"}) {
		t.Errorf("Columns() = %q after changing a returned slice", got)
	}
}

func TestSchemaWithInvalidType(t *testing.T) {
	_, err := Compile("x > 1", Schema{"x": 0})
	if err == nil || err.Error() != `1:1: column "x" has no valid type in the schema (0)` {
		t.Errorf("got %v", err)
	}
}

// TestSuggestionsAreWritable: a schema name a rule cannot write (upper
// case, a keyword, a leading digit) is never suggested.
func TestSuggestionsAreWritable(t *testing.T) {
	s := Schema{"CLV": Number, "in": Number, "1clv": Number, "clv_": Number}
	cases := map[string]string{
		"CLV > 1": `1:1: column names are lower case, "CLV" is not (did you mean "clv_"?)`,
		"clv > 1": `1:1: unknown column "clv" (did you mean "clv_"?)`,
		"inn > 1": `1:1: unknown column "inn"`,
	}
	for src, want := range cases {
		if _, err := Compile(src, s); err == nil || err.Error() != want {
			t.Errorf("Compile(%q) = %v, want %s", src, err, want)
		}
	}
}

package segrule

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/segmint/segmint/lib/duckdbtest"
)

// TestSelectMatchesDuckDB generates random tables and random rules from
// the grammar, and checks that Select picks exactly the rows DuckDB returns
// for SELECT i FROM t WHERE (rule in SQL) IS TRUE. The SQL is fully
// parenthesised from the generated tree while the rule is written with as
// few parentheses as its precedence allows (plus some at random), so the
// parser's precedence is checked too. DuckDB divides by zero to infinity
// or NaN where segrule gives null, so a divisor d is written NULLIF(d, 0)
// in the SQL; TestDivision checks division by zero by hand.
func TestSelectMatchesDuckDB(t *testing.T) {
	db := openDuckDB(t)
	sizes := []int{0, 1, 2, 3, 7, 40, 40, 150, 150, 150, 600, 2500}
	var stats genStats
	for round := range 36 {
		r := rand.New(rand.NewPCG(uint64(round), 2024))
		tbl := randomTable(r, sizes[round%len(sizes)])
		loadTable(t, db, tbl)
		for range 60 {
			stats.add(checkAgainstDuckDB(t, db, tbl, (&ruleGen{r: r}).condition(3)))
		}
	}
	stats.check(t)
}

// TestPercentileMatchesDuckDB: percentile(x, p) is, to the last bit,
// DuckDB's quantile_cont(x, p/100), for columns of arbitrary doubles (with
// nulls, and sometimes many ties) and p with up to three decimals. DuckDB's
// value, written with the fewest digits that read back as the same double,
// is compared with the percentile by a rule, so the check goes through
// Compile and Select.
func TestPercentileMatchesDuckDB(t *testing.T) {
	db := openDuckDB(t)
	for round := range 40 {
		r := rand.New(rand.NewPCG(uint64(round), 7))
		x := arbitraryColumn(r, []int{0, 1, 2, 3, 10, 99, 1000, 3001}[round%8])
		loadColumn(t, db, x)
		for range 25 {
			p := strconv.FormatFloat(float64(r.IntN(100001))/1000, 'f', -1, 64)
			checkPercentile(t, db, x, p)
		}
		checkPercentile(t, db, x, "0")
		checkPercentile(t, db, x, "100")
	}
}

// arbitraryColumn is a number column of n arbitrary doubles, with nulls.
// Half the columns draw from few values, for ties.
func arbitraryColumn(r *rand.Rand, n int) *Column {
	c := &Column{Type: Number, Null: make([]bool, n)}
	ties := r.IntN(2) == 0
	for i := range n {
		v := r.NormFloat64() * 1000
		if ties {
			v = float64(r.IntN(5)) / 3
		}
		c.Num, c.Null[i] = append(c.Num, v), r.IntN(10) == 0
	}
	return c
}

// loadColumn replaces DuckDB's table v with column x.
func loadColumn(t *testing.T, db *sql.DB, c *Column) {
	t.Helper()
	exec(t, db, "DROP TABLE IF EXISTS v")
	exec(t, db, "CREATE TABLE v (x DOUBLE)")
	for lo := 0; lo < len(c.Num); lo += 500 {
		hi := min(lo+500, len(c.Num))
		var args []any
		for i := lo; i < hi; i++ {
			args = append(args, cellValue(c, i))
		}
		exec(t, db, "INSERT INTO v VALUES (?)"+strings.Repeat(", (?)", hi-lo-1), args...)
	}
}

// checkPercentile checks percentile(x, p) against DuckDB's value.
func checkPercentile(t *testing.T, db *sql.DB, x *Column, p string) {
	t.Helper()
	var want sql.NullFloat64
	q := "SELECT quantile_cont(x, CAST('" + p + "' AS DOUBLE) / 100) FROM v"
	if err := db.QueryRowContext(t.Context(), q).Scan(&want); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	rule := "percentile(x, " + p + ") is null"
	if want.Valid {
		rule = "percentile(x, " + p + ") = " + strconv.FormatFloat(want.Float64, 'f', -1, 64)
	}
	r, err := Compile(rule, Schema{"x": Number})
	if err != nil {
		t.Fatalf("Compile(%q): %v", rule, err)
	}
	tbl := &Table{Rows: len(x.Num), Cols: map[string]*Column{"x": x}}
	if sel, err := r.Select(tbl); err != nil || len(sel) > 0 && !sel[0] {
		got, ok := quantileCont(sortedNonNull(x), mustFloat(t, p)/100)
		t.Errorf("%d values: %q is false (%v); percentile is %v (%v), DuckDB %v", len(x.Num), rule, err, got, ok, want)
	}
}

// sortedNonNull returns the non-null values of c, ascending, for messages.
func sortedNonNull(c *Column) []float64 {
	var s []float64
	for i, v := range c.Num {
		if !c.Null[i] {
			s = append(s, v)
		}
	}
	slices.Sort(s)
	return s
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// openDuckDB opens an in-memory DuckDB on one connection.
func openDuckDB(t *testing.T) *sql.DB {
	t.Helper()
	db := duckdbtest.Open(t)
	db.SetMaxOpenConns(1) // one in-memory database for every statement
	return db
}

// genCols are the columns of the random tables.
var genCols = []struct {
	name string
	typ  Type
	sql  string
}{
	{"n1", Number, "DOUBLE"}, {"n2", Number, "DOUBLE"}, {"n3", Number, "DOUBLE"},
	{"s1", String, "VARCHAR"}, {"s2", String, "VARCHAR"},
	{"b1", Bool, "BOOLEAN"}, {"b2", Bool, "BOOLEAN"},
}

// genStrings are the strings values and literals are drawn from: an
// escaped quote, upper before lower case, a multi-byte character.
var genStrings = []string{"", "a", "b", "ab", "B", "dormant", "churned", "o'neil", "é"}

func genSchema() Schema {
	s := Schema{}
	for _, c := range genCols {
		s[c.name] = c.typ
	}
	return s
}

// genNumber is a number from a small pool (quarters from -3 to 11.75), so
// that equalities and in lists hit, and sums and products stay exact.
func genNumber(r *rand.Rand) float64 { return float64(r.IntN(60)-12) / 4 }

// wideNumber is a number from a wide pool (64ths from -1000 to 1000), so
// that a percentile one rank off, or over the wrong values, differs.
func wideNumber(r *rand.Rand) float64 { return float64(r.IntN(128001)-64000) / 64 }

// randomTable makes a table of rows rows; each column has its own share
// of nulls, from none (and a nil Null) to all, and each number column its
// pool of values, narrow or wide.
func randomTable(r *rand.Rand, rows int) *Table {
	t := &Table{Rows: rows, Cols: map[string]*Column{}}
	for _, gc := range genCols {
		c := &Column{Type: gc.typ}
		nullShare := []float64{0, 0.1, 0.3, 1}[r.IntN(4)]
		if nullShare > 0 {
			c.Null = make([]bool, rows)
		}
		number := []func(*rand.Rand) float64{genNumber, wideNumber}[r.IntN(2)]
		for i := range rows {
			c.Num = append(c.Num, number(r))
			c.Str = append(c.Str, genStrings[r.IntN(len(genStrings))])
			c.Bool = append(c.Bool, r.IntN(2) == 0)
			if c.Null != nil {
				c.Null[i] = r.Float64() < nullShare
			}
		}
		t.Cols[gc.name] = c
	}
	return t
}

// loadTable replaces DuckDB's table t with tbl, plus the row index i.
func loadTable(t *testing.T, db *sql.DB, tbl *Table) {
	t.Helper()
	defs := []string{"i INTEGER"}
	for _, c := range genCols {
		defs = append(defs, c.name+" "+c.sql)
	}
	exec(t, db, "DROP TABLE IF EXISTS t")
	exec(t, db, "CREATE TABLE t ("+strings.Join(defs, ", ")+")")
	for lo := 0; lo < tbl.Rows; lo += 200 {
		insertRows(t, db, tbl, lo, min(lo+200, tbl.Rows))
	}
}

func exec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(t.Context(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// insertRows inserts the rows [lo, hi) of tbl in one statement.
func insertRows(t *testing.T, db *sql.DB, tbl *Table, lo, hi int) {
	t.Helper()
	marks := "(?" + strings.Repeat(", ?", len(genCols)) + ")"
	var args []any
	for i := lo; i < hi; i++ {
		args = append(args, i)
		for _, gc := range genCols {
			args = append(args, cellValue(tbl.Cols[gc.name], i))
		}
	}
	exec(t, db, "INSERT INTO t VALUES "+strings.Repeat(marks+", ", hi-lo-1)+marks, args...)
}

// cellValue is row i of c as a database/sql argument, nil for null.
func cellValue(c *Column, i int) any {
	switch {
	case c.Null != nil && c.Null[i]:
		return nil
	case c.Type == Number:
		return c.Num[i]
	case c.Type == String:
		return c.Str[i]
	}
	return c.Bool[i]
}

// checkAgainstDuckDB compares the rows Select and DuckDB pick for one rule,
// and returns how many Select picked.
func checkAgainstDuckDB(t *testing.T, db *sql.DB, tbl *Table, f frag) int {
	t.Helper()
	rule, err := Compile(f.rule, genSchema())
	if err != nil {
		t.Fatalf("generated rule %q: %v", f.rule, err)
	}
	sel, err := rule.Select(tbl)
	if err != nil {
		t.Fatalf("Select(%q): %v", f.rule, err)
	}
	var got []int
	for i, ok := range sel {
		if ok {
			got = append(got, i)
		}
	}
	if want := duckRows(t, db, f.sql); !slices.Equal(got, want) {
		t.Errorf("rule %q\nSQL %s\nsegrule picks %d rows, DuckDB %d; first differing row: %s",
			f.rule, f.sql, len(got), len(want), firstDiff(tbl, got, want))
	}
	return len(got)
}

// duckRows returns the rows for which cond is true in DuckDB.
func duckRows(t *testing.T, db *sql.DB, cond string) []int {
	t.Helper()
	q := "SELECT i FROM t WHERE (" + cond + ") IS TRUE ORDER BY i"
	rows, err := db.QueryContext(t.Context(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var i int
		if err := rows.Scan(&i); err != nil {
			t.Fatal(err)
		}
		out = append(out, i)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// firstDiff describes the first row in only one of a and b.
func firstDiff(tbl *Table, a, b []int) string {
	for i := 0; ; i++ {
		if i >= len(a) || i >= len(b) || a[i] != b[i] {
			row := slices.Min(append(slices.Clone(a[i:min(i+1, len(a))]), b[i:min(i+1, len(b))]...))
			var cells []string
			for _, gc := range genCols {
				cells = append(cells, fmt.Sprintf("%s=%v", gc.name, cellValue(tbl.Cols[gc.name], row)))
			}
			return fmt.Sprintf("%d (%s)", row, strings.Join(cells, " "))
		}
	}
}

// genStats counts how many rules picked no row, every row, or some.
type genStats struct{ rules, some int }

func (s *genStats) add(picked int) {
	s.rules++
	if picked > 0 {
		s.some++
	}
}

// check fails when too few rules picked any row: the comparison would
// then say little.
func (s *genStats) check(t *testing.T) {
	t.Logf("%d rules, %d picked some row", s.rules, s.some)
	if s.some*4 < s.rules {
		t.Errorf("only %d of %d rules picked any row", s.some, s.rules)
	}
}

// frag is a generated expression: its text in the rule language, in SQL,
// and the precedence level of its rule text (lv* below).
type frag struct {
	rule, sql string
	lvl       int
}

// Precedence levels of the grammar, loosest first.
const (
	lvOr = iota + 1
	lvAnd
	lvNot
	lvPred
	lvSum
	lvProd
	lvUnary
	lvPrimary
)

// ruleGen generates random rules over genCols.
type ruleGen struct{ r *rand.Rand }

// in returns f's rule text fit for a place that needs level lvl:
// parenthesised when it binds more loosely, and sometimes anyway.
func (g *ruleGen) in(f frag, lvl int) string {
	if f.lvl < lvl || g.r.IntN(12) == 0 {
		return "(" + f.rule + ")"
	}
	return f.rule
}

// kw writes a keyword in a random case.
func (g *ruleGen) kw(word string) string {
	switch g.r.IntN(4) {
	case 0:
		return strings.ToUpper(word)
	case 1:
		return strings.ToUpper(word[:1]) + word[1:]
	}
	return word
}

// sp is white space between tokens, sometimes a line break.
func (g *ruleGen) sp() string {
	return []string{" ", " ", " ", "  ", "\n\t", "\n"}[g.r.IntN(6)]
}

func (g *ruleGen) pick(options ...string) string { return options[g.r.IntN(len(options))] }

// condition generates a condition of nesting depth at most depth.
func (g *ruleGen) condition(depth int) frag {
	if depth == 0 || g.r.IntN(4) == 0 {
		return g.predicate(depth)
	}
	switch g.r.IntN(5) {
	case 0:
		x := g.condition(depth - 1)
		return frag{g.kw("not") + " " + g.in(x, lvNot), "(NOT " + x.sql + ")", lvNot}
	case 1, 2:
		return g.logic("and", lvAnd, depth)
	}
	return g.logic("or", lvOr, depth)
}

// logic generates l op r for op and or or, at level lvl.
func (g *ruleGen) logic(op string, lvl, depth int) frag {
	l, r := g.condition(depth-1), g.condition(depth-1)
	return frag{
		g.in(l, lvl) + g.sp() + g.kw(op) + g.sp() + g.in(r, lvl+1),
		"(" + l.sql + " " + strings.ToUpper(op) + " " + r.sql + ")",
		lvl,
	}
}

// predicate generates a comparison, between, in, is null, or a bool.
func (g *ruleGen) predicate(depth int) frag {
	sub := max(depth-1, 0)
	switch g.r.IntN(9) {
	case 0, 1:
		return g.compare(g.number(sub), g.number(sub), "= != <> < <= > >=")
	case 2:
		return g.compare(g.str(), g.str(), "= != <> < <= > >=")
	case 3:
		return g.compare(g.boolValue(sub), g.boolValue(sub), "= != <>")
	case 4:
		return g.between(sub)
	case 5:
		return g.inList(sub)
	case 6:
		return g.isNull(sub)
	}
	return g.boolValue(sub)
}

// boolValue is a bool column, a literal, or a parenthesised condition.
func (g *ruleGen) boolValue(depth int) frag {
	switch g.r.IntN(6) {
	case 0:
		v := g.pick("true", "false")
		return frag{g.kw(v), strings.ToUpper(v), lvPrimary}
	case 1, 2:
		if depth > 0 {
			return g.condition(depth - 1)
		}
	}
	c := g.pick("b1", "b2")
	return frag{c, c, lvPrimary}
}

// compare generates l op r with op one of ops.
func (g *ruleGen) compare(l, r frag, ops string) frag {
	op := g.pick(strings.Fields(ops)...)
	sqlOp := strings.Replace(op, "!=", "<>", 1)
	return frag{
		g.in(l, lvSum) + g.sp() + op + g.sp() + g.in(r, lvSum),
		"(" + l.sql + " " + sqlOp + " " + r.sql + ")",
		lvPred,
	}
}

// between generates x [not] between lo and hi over numbers or strings.
func (g *ruleGen) between(depth int) frag {
	x, lo, hi := g.number(depth), g.number(depth), g.number(depth)
	if g.r.IntN(3) == 0 {
		x, lo, hi = g.str(), g.str(), g.str()
	}
	not, sqlNot := g.maybeNot()
	return frag{
		g.in(x, lvSum) + not + " " + g.kw("between") + " " + g.in(lo, lvSum) + " " + g.kw("and") + " " + g.in(hi, lvSum),
		"(" + x.sql + sqlNot + " BETWEEN " + lo.sql + " AND " + hi.sql + ")",
		lvPred,
	}
}

// maybeNot returns " not" (in a random case) and " NOT", or two "".
func (g *ruleGen) maybeNot() (string, string) {
	if g.r.IntN(2) == 0 {
		return "", ""
	}
	return " " + g.kw("not"), " NOT"
}

// inList generates x [not] in (literals…) for a number, string or bool x.
func (g *ruleGen) inList(depth int) frag {
	var x frag
	var items []frag
	n := 1 + g.r.IntN(4)
	switch g.r.IntN(3) {
	case 0:
		x = g.number(depth)
		for range n {
			items = append(items, g.numLit())
		}
	case 1:
		x = g.str()
		for range n {
			items = append(items, g.strLit())
		}
	default:
		x = g.boolValue(depth)
		items = append(items, frag{"true", "TRUE", lvPrimary})
	}
	return g.inFrag(x, items)
}

// inFrag writes x [not] in (items).
func (g *ruleGen) inFrag(x frag, items []frag) frag {
	var rs, ss []string
	for _, it := range items {
		rs, ss = append(rs, it.rule), append(ss, it.sql)
	}
	not, sqlNot := g.maybeNot()
	return frag{
		g.in(x, lvSum) + not + " " + g.kw("in") + " (" + strings.Join(rs, ","+g.sp()) + ")",
		"(" + x.sql + sqlNot + " IN (" + strings.Join(ss, ", ") + "))",
		lvPred,
	}
}

// isNull generates x is [not] null for x of any type.
func (g *ruleGen) isNull(depth int) frag {
	x := g.number(depth)
	switch g.r.IntN(3) {
	case 0:
		x = g.str()
	case 1:
		x = g.boolValue(depth)
	}
	not, sqlNot := g.maybeNot()
	return frag{
		g.in(x, lvSum) + " " + g.kw("is") + not + " " + g.kw("null"),
		"(" + x.sql + " IS" + sqlNot + " NULL)",
		lvPred,
	}
}

// number generates a number expression of nesting depth at most depth.
func (g *ruleGen) number(depth int) frag {
	if depth == 0 || g.r.IntN(3) == 0 {
		return g.numberLeaf()
	}
	x := g.number(depth - 1)
	if g.r.IntN(4) == 0 {
		return frag{"-" + g.in(x, lvUnary), "(- " + x.sql + ")", lvUnary}
	}
	op := g.pick("+", "-", "*", "/")
	lvl := map[string]int{"+": lvSum, "-": lvSum, "*": lvProd, "/": lvProd}[op]
	y := g.number(depth - 1)
	ysql := y.sql
	if op == "/" {
		ysql = "NULLIF(" + y.sql + ", 0)" // DuckDB divides by zero to ±inf or NaN
	}
	return frag{
		g.in(x, lvl) + g.sp() + op + g.sp() + g.in(y, lvl+1),
		"(" + x.sql + " " + op + " " + ysql + ")",
		lvl,
	}
}

// numberLeaf is a number column, literal or percentile.
func (g *ruleGen) numberLeaf() frag {
	switch g.r.IntN(4) {
	case 0:
		return g.numLit()
	case 1:
		c := g.pick("n1", "n2", "n3")
		p := g.pick("0", "1", "10", "25", "33.3", "50", "66.7", "90", "99", "100", strconv.Itoa(g.r.IntN(101)))
		return frag{
			g.kw("percentile") + "(" + c + "," + g.sp() + p + ")",
			"(SELECT quantile_cont(" + c + ", CAST('" + p + "' AS DOUBLE) / 100) FROM t)",
			lvPrimary,
		}
	}
	c := g.pick("n1", "n2", "n3")
	return frag{c, c, lvPrimary}
}

// numLit is a number literal, negative ones included.
func (g *ruleGen) numLit() frag {
	s := strconv.FormatFloat(genNumber(g.r), 'f', -1, 64)
	lvl := lvPrimary
	if strings.HasPrefix(s, "-") {
		lvl = lvUnary
	}
	return frag{s, "CAST('" + s + "' AS DOUBLE)", lvl}
}

// str is a string column or literal.
func (g *ruleGen) str() frag {
	if g.r.IntN(2) == 0 {
		c := g.pick("s1", "s2")
		return frag{c, c, lvPrimary}
	}
	return g.strLit()
}

// strLit is a string literal, quotes doubled in both languages.
func (g *ruleGen) strLit() frag {
	q := "'" + strings.ReplaceAll(genStrings[g.r.IntN(len(genStrings))], "'", "''") + "'"
	return frag{q, q, lvPrimary}
}

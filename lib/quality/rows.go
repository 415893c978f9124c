package quality

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Rows is the tabular input of Evaluate: a number of rows and a getter per
// column. Values are string, int64, float64, bool, time.Time or nil (int,
// int32 and float32 are accepted too; anything else is compared by its
// fmt.Sprint text).
type Rows interface {
	// Len is the number of rows; rows are numbered 0..Len()-1.
	Len() int
	// Column returns the getter of the named column, or false when the
	// rows have no such column.
	Column(name string) (Getter, bool)
}

// Getter returns the value of one column in row i.
type Getter func(i int) any

// MapRows are rows as maps from column name to value. A column exists
// when at least one row has its key; a row without the key holds nil.
type MapRows []map[string]any

// Len is the number of rows.
func (m MapRows) Len() int { return len(m) }

// Column returns the getter of a column, false when no row has the key.
func (m MapRows) Column(name string) (Getter, bool) {
	for _, r := range m {
		if _, ok := r[name]; ok {
			return func(i int) any { return m[i][name] }, true
		}
	}
	return nil, false
}

// Table is rows as a header and positional records, as read from a CSV
// file. A record shorter than the header holds nil in its missing columns.
type Table struct {
	// Header names the columns, in record order.
	Header []string
	// Records hold one value per header column.
	Records [][]any
}

// Len is the number of records.
func (t *Table) Len() int { return len(t.Records) }

// Column returns the getter of the first header column with this name.
func (t *Table) Column(name string) (Getter, bool) {
	for j, h := range t.Header {
		if h == name {
			return func(i int) any {
				if r := t.Records[i]; j < len(r) {
					return r[j]
				}
				return nil
			}, true
		}
	}
	return nil, false
}

// IsNull reports whether v is null: nil, a float NaN, or a string that is
// empty once leading and trailing white space is trimmed.
func IsNull(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case float64:
		return math.IsNaN(x)
	case float32:
		return math.IsNaN(float64(x))
	}
	return false
}

// Format is the text of a value that accepted_values, pattern,
// relationships, unique keys and samples compare and show: a string as
// is, integers in decimal, floats in the shortest form that parses back
// (strconv 'g', -1), booleans as true/false, times in UTC as RFC 3339
// with nanoseconds as needed, nil as "".
func Format(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// errNoTime says a string is in none of the layouts parseTime reads.
var errNoTime = errors.New("not a time (RFC 3339, 2006-01-02 15:04:05 or 2006-01-02)")

// parseTime reads s as RFC 3339, "2006-01-02 15:04:05",
// "2006-01-02T15:04:05" or "2006-01-02" (the last three in UTC).
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	// Pick the layouts by the text's shape, so that the usual case parses
	// at the first attempt.
	var layouts []string
	switch {
	case len(s) == len(time.DateOnly):
		layouts = []string{time.DateOnly}
	case len(s) > 10 && s[10] == ' ':
		layouts = []string{"2006-01-02 15:04:05"}
	case len(s) > 10 && s[10] == 'T':
		layouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05"}
	}
	for _, layout := range layouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("parse %q: %w", s, errNoTime)
}

// asTime is v as a time: a time.Time, or a string parseTime reads.
func asTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x, true
	case string:
		t, err := parseTime(x)
		return t, err == nil
	}
	return time.Time{}, false
}

// number is an int64 kept exact or a float64.
type number struct {
	isInt bool
	i     int64
	f     float64
}

// asNumber is v as a number: an integer or float value, or a string that
// strconv reads as one after trimming spaces. NaN is not a number.
func asNumber(v any) (number, bool) {
	switch x := v.(type) {
	case int64:
		return number{isInt: true, i: x, f: float64(x)}, true
	case int:
		return number{isInt: true, i: int64(x), f: float64(x)}, true
	case int32:
		return number{isInt: true, i: int64(x), f: float64(x)}, true
	case float64:
		return number{f: x}, !math.IsNaN(x)
	case float32:
		return number{f: float64(x)}, !math.IsNaN(float64(x))
	case string:
		s := strings.TrimSpace(x)
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return number{isInt: true, i: i, f: float64(i)}, true
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) {
			return number{f: f}, true
		}
	}
	return number{}, false
}

// cmpNumber compares a and b exactly when both are integers.
func cmpNumber(a, b number) int {
	if a.isInt && b.isInt {
		return compare(a.i, b.i)
	}
	return compare(a.f, b.f)
}

// compare returns -1, 0 or 1 as a is below, equal to or above b; a NaN
// compares equal to anything (unlike cmp.Compare).
func compare[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// bound is one end of a range rule: a number or a time.
type bound struct {
	isTime bool
	t      time.Time
	n      number
}

// parseBound reads a range bound: empty (open end, nil), a number, or a
// time in a layout parseTime accepts.
func parseBound(s string) (*bound, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	if n, ok := asNumber(s); ok {
		if !n.isInt && math.IsInf(n.f, 0) {
			return nil, fmt.Errorf("parse bound %q: infinite", s)
		}
		return &bound{n: n}, nil
	}
	t, err := parseTime(s)
	if err != nil {
		return nil, fmt.Errorf("parse bound: %w", err)
	}
	return &bound{isTime: true, t: t}, nil
}

// compare orders two bounds of the same kind.
func (b *bound) compare(o *bound) int {
	if b.isTime {
		return b.t.Compare(o.t)
	}
	return cmpNumber(b.n, o.n)
}

package frame

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Rules for reading values as text. A value is missing when it is blank or
// one of missingText. A column is numeric when at least numericShare of its
// present values parse as numbers, or when most do and the others are at
// most markerTexts distinct words ("n/a", "-", "unknown"); values that are
// not numbers become missing. A column is a date
// column when all its present values parse as dates or timestamps (it then
// holds days since 1970-01-01 UTC). Other columns are categorical, unless
// nearly every row has its own value (an identifier: more than idLevels
// distinct values and more than half the rows), which Infer leaves out.
var missingText = []string{"", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "?"}

const (
	numericShare = 0.9
	markerTexts  = 3
	idLevels     = 1000
)

var dateLayouts = []string{time.DateOnly, time.DateTime, "2006-01-02T15:04:05", time.RFC3339Nano}

func isMissing(s string) bool { return slices.Contains(missingText, s) }

func parseNumber(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return math.NaN(), false
	}
	return v, true
}

func parseDate(s string) (float64, bool) {
	// Every layout starts YYYY-MM-DD: skip time.Parse (and its error
	// allocations) for the text values of categorical columns.
	if len(s) < 10 || s[4] != '-' || s[7] != '-' || s[0] < '0' || s[0] > '9' {
		return math.NaN(), false
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return float64(t.Unix()) / 86400, true
		}
	}
	return math.NaN(), false
}

// Skipped is a column Infer left out, with the reason.
type Skipped struct {
	Name   string
	Reason string
}

// Infer turns the table into a frame, leaving out the columns named in drop
// (a label, identifiers). It returns the columns it left out of its own
// accord: those with no value at all and identifier-like text columns.
func (t *Table) Infer(drop ...string) (*Frame, []Skipped, error) {
	for _, d := range drop {
		if t.index(d) < 0 {
			return nil, nil, fmt.Errorf("drop: %w", t.noColumn(d))
		}
	}
	f := &Frame{Rows: t.Rows}
	var skipped []Skipped
	for i, name := range t.Names {
		if slices.Contains(drop, name) {
			continue
		}
		c, reason := inferColumn(name, t.text[i])
		if c == nil {
			skipped = append(skipped, Skipped{Name: name, Reason: reason})
			continue
		}
		f.Cols = append(f.Cols, c)
	}
	if len(f.Cols) == 0 {
		return nil, skipped, fmt.Errorf("no feature columns left (of %s)", strings.Join(t.Names, ", "))
	}
	return f, skipped, nil
}

func inferColumn(name string, text []string) (*Column, string) {
	var present, numbers, dates int
	distinct := map[string]struct{}{}
	markers := map[string]struct{}{}
	for _, s := range text {
		if isMissing(s) {
			continue
		}
		present++
		if _, ok := parseNumber(s); ok {
			numbers++
		} else if _, ok := parseDate(s); ok {
			dates++
		} else if len(markers) <= markerTexts {
			markers[s] = struct{}{}
		}
		if len(distinct) <= present/2+idLevels {
			distinct[s] = struct{}{}
		}
	}
	switch {
	case present == 0:
		return nil, "no values"
	case float64(numbers) >= numericShare*float64(present),
		2*numbers > present && dates == 0 && len(markers) <= markerTexts:
		return numericColumn(name, text, false), ""
	case dates == present:
		return numericColumn(name, text, true), ""
	case len(distinct) > idLevels && len(distinct) > present/2:
		return nil, fmt.Sprintf("identifier-like: more than %d distinct values in %d rows", len(distinct)-1, present)
	}
	levels := make([]string, 0, len(distinct))
	for s := range distinct {
		levels = append(levels, s)
	}
	sort.Strings(levels)
	return categoricalColumn(name, text, levels), ""
}

func numericColumn(name string, text []string, date bool) *Column {
	c := &Column{Name: name, Kind: Numeric, Date: date, Num: make([]float64, len(text))}
	parse := parseNumber
	if date {
		parse = parseDate
	}
	for i, s := range text {
		c.Num[i] = math.NaN()
		if !isMissing(s) {
			c.Num[i], _ = parse(s)
		}
	}
	return c
}

func categoricalColumn(name string, text []string, levels []string) *Column {
	c := &Column{Name: name, Kind: Categorical, Levels: levels, Codes: make([]int32, len(text))}
	index := make(map[string]int32, len(levels))
	for i, l := range levels {
		index[l] = int32(i)
	}
	for i, s := range text {
		code, ok := index[s]
		if !ok || isMissing(s) {
			code = -1
		}
		c.Codes[i] = code
	}
	return c
}

// Align reads the table as the given features, in their order: numeric
// features are parsed (unparseable values become missing), categorical
// values are coded by the feature's levels (a level the model never saw
// becomes missing). A feature the table lacks is an error.
func (t *Table) Align(feats []Feature) (*Frame, error) {
	f := &Frame{Rows: t.Rows, Cols: make([]*Column, len(feats))}
	var absent []string
	for j, ft := range feats {
		i := t.index(ft.Name)
		if i < 0 {
			absent = append(absent, strconv.Quote(ft.Name))
			continue
		}
		switch ft.Kind {
		case "numeric":
			f.Cols[j] = numericColumn(ft.Name, t.text[i], ft.Date)
		case "categorical":
			if !sort.StringsAreSorted(ft.Levels) {
				return nil, fmt.Errorf("feature %q: levels are not sorted", ft.Name)
			}
			f.Cols[j] = categoricalColumn(ft.Name, t.text[i], ft.Levels)
		default:
			return nil, fmt.Errorf("feature %q: unknown kind %q", ft.Name, ft.Kind)
		}
	}
	if len(absent) > 0 {
		return nil, fmt.Errorf("the table lacks the model's feature columns %s", strings.Join(absent, ", "))
	}
	return f, nil
}

// positiveText are the values taken as the positive class of a two-valued
// label when none is named.
var positiveText = []string{"1", "true", "yes", "y", "t"}

// Label reads a binary label: 1 where the value equals positive, 0 where it
// is another value, NaN where it is missing. With positive empty, the column
// must hold two values, one of them 1 (as any number text: "1", "1.0"),
// true, yes, y or t (any case).
func (t *Table) Label(col, positive string) ([]float64, error) {
	text, err := t.Text(col)
	if err != nil {
		return nil, fmt.Errorf("label: %w", err)
	}
	seen := map[string]int{}
	for _, s := range text {
		if !isMissing(s) {
			seen[s]++
		}
	}
	if positive == "" {
		if positive, err = guessPositive(col, seen); err != nil {
			return nil, err
		}
	}
	if seen[positive] == 0 {
		return nil, fmt.Errorf("label %q never has the positive value %q", col, positive)
	}
	if len(seen) < 2 {
		return nil, fmt.Errorf("label %q has only the value %q", col, positive)
	}
	return binary(text, positive), nil
}

// guessPositive picks the positive value of a label with two values (seen
// counts them): the one that is 1 (as any number text), true, yes, y or t.
func guessPositive(col string, seen map[string]int) (string, error) {
	vals := make([]string, 0, len(seen))
	for s := range seen {
		vals = append(vals, s)
	}
	sort.Strings(vals)
	if len(vals) != 2 {
		return "", fmt.Errorf("label %q has %d distinct values; name the positive one (--positive), or predict the number (--regression)", col, len(vals))
	}
	positive := ""
	for _, v := range vals {
		if n, ok := parseNumber(v); slices.Contains(positiveText, strings.ToLower(v)) || ok && n == 1 {
			positive = v
		}
	}
	if positive == "" {
		return "", fmt.Errorf("label %q has values %q and %q; name the positive one (--positive)", col, vals[0], vals[1])
	}
	return positive, nil
}

// binary is 1 where text is positive, NaN where it is missing and 0
// elsewhere.
func binary(text []string, positive string) []float64 {
	y := make([]float64, len(text))
	for i, s := range text {
		switch {
		case isMissing(s):
			y[i] = math.NaN()
		case s == positive:
			y[i] = 1
		}
	}
	return y
}

// Target reads a numeric target (for regression): NaN where a value is
// missing or not a number. A column without any number is an error.
func (t *Table) Target(col string) ([]float64, error) {
	text, err := t.Text(col)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	c := numericColumn(col, text, false)
	for _, v := range c.Num {
		if !math.IsNaN(v) {
			return c.Num, nil
		}
	}
	return nil, fmt.Errorf("target %q has no numeric values", col)
}

// Conform returns the frame's columns as the given features, in their
// order, for a frame built in code rather than read from a file: a
// categorical column is recoded by the feature's levels (a level the
// feature lacks becomes missing), a numeric one is shared. A feature the
// frame lacks, or one of another kind, is an error.
func (f *Frame) Conform(feats []Feature) (*Frame, error) {
	out := &Frame{Rows: f.Rows, Cols: make([]*Column, len(feats))}
	for j, ft := range feats {
		c := f.Col(ft.Name)
		if c == nil {
			return nil, fmt.Errorf("the frame lacks the feature %q", ft.Name)
		}
		if c.Kind.String() != ft.Kind {
			return nil, fmt.Errorf("feature %q is %s, the frame's column is %s", ft.Name, ft.Kind, c.Kind)
		}
		if c.Kind == Numeric {
			out.Cols[j] = c
			continue
		}
		index := make(map[string]int32, len(ft.Levels))
		for i, l := range ft.Levels {
			index[l] = int32(i)
		}
		nc := &Column{Name: c.Name, Kind: Categorical, Levels: ft.Levels, Codes: make([]int32, f.Rows)}
		for i, code := range c.Codes {
			nc.Codes[i] = -1
			if code >= 0 {
				if k, ok := index[c.Levels[code]]; ok {
					nc.Codes[i] = k
				}
			}
		}
		out.Cols[j] = nc
	}
	return out, nil
}

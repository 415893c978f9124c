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

// inferColumn reads a column's text by the rules above: it returns the
// column, or nil and why it was left out.
func inferColumn(name string, text []string) (*Column, string) {
	tl := tallyText(text)
	switch {
	case tl.present == 0:
		return nil, "no values"
	case float64(tl.numbers) >= numericShare*float64(tl.present),
		2*tl.numbers > tl.present && tl.dates == 0 && len(tl.markers) <= markerTexts:
		return numericColumn(name, text, false), ""
	case tl.dates == tl.present:
		return numericColumn(name, text, true), ""
	case len(tl.distinct) > idLevels && len(tl.distinct) > tl.present/2:
		return nil, fmt.Sprintf("identifier-like: more than %d distinct values in %d rows", len(tl.distinct)-1, tl.present)
	}
	return categoricalColumn(name, text, sortedKeys(tl.distinct)), ""
}

// textTally counts what the present values of a column's text are.
type textTally struct {
	present, numbers, dates int
	// distinct holds the values while there are at most present/2+idLevels
	// of them (one more is enough to tell an identifier); markers the
	// values that are neither numbers nor dates, up to markerTexts+1.
	distinct, markers map[string]struct{}
}

// tallyText counts the values of a column's text.
func tallyText(text []string) textTally {
	tl := textTally{distinct: map[string]struct{}{}, markers: map[string]struct{}{}}
	for _, s := range text {
		if !isMissing(s) {
			tl.add(s)
		}
	}
	return tl
}

// add counts one present value.
func (tl *textTally) add(s string) {
	tl.present++
	if _, ok := parseNumber(s); ok {
		tl.numbers++
	} else if _, ok := parseDate(s); ok {
		tl.dates++
	} else if len(tl.markers) <= markerTexts {
		tl.markers[s] = struct{}{}
	}
	if len(tl.distinct) <= tl.present/2+idLevels {
		tl.distinct[s] = struct{}{}
	}
}

// sortedKeys are the keys of m in order.
func sortedKeys(m map[string]struct{}) []string {
	keys := make([]string, 0, len(m))
	for s := range m {
		keys = append(keys, s)
	}
	sort.Strings(keys)
	return keys
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
	index := levelIndex(levels)
	for i, s := range text {
		code, ok := index[s]
		if !ok || isMissing(s) {
			code = -1
		}
		c.Codes[i] = code
	}
	return c
}

// levelIndex maps each level to its code.
func levelIndex(levels []string) map[string]int32 {
	index := make(map[string]int32, len(levels))
	for i, l := range levels {
		index[l] = int32(i)
	}
	return index
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
		c, err := alignColumn(ft, t.text[i])
		if err != nil {
			return nil, err
		}
		f.Cols[j] = c
	}
	if len(absent) > 0 {
		return nil, fmt.Errorf("the table lacks the model's feature columns %s", strings.Join(absent, ", "))
	}
	return f, nil
}

// alignColumn reads a column's text as the feature ft.
func alignColumn(ft Feature, text []string) (*Column, error) {
	switch ft.Kind {
	case "numeric":
		return numericColumn(ft.Name, text, ft.Date), nil
	case "categorical":
		if !sort.StringsAreSorted(ft.Levels) {
			return nil, fmt.Errorf("feature %q: levels are not sorted", ft.Name)
		}
		return categoricalColumn(ft.Name, text, ft.Levels), nil
	}
	return nil, fmt.Errorf("feature %q: unknown kind %q", ft.Name, ft.Kind)
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
	seen := valueCounts(text)
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

// valueCounts counts the rows of each present value.
func valueCounts(text []string) map[string]int {
	seen := map[string]int{}
	for _, s := range text {
		if !isMissing(s) {
			seen[s]++
		}
	}
	return seen
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
		out.Cols[j] = c
		if c.Kind == Categorical {
			out.Cols[j] = recoded(c, ft.Levels, f.Rows)
		}
	}
	return out, nil
}

// recoded is the categorical column c of a frame of rows rows coded by
// levels instead of its own: a level not among them is missing.
func recoded(c *Column, levels []string, rows int) *Column {
	index := levelIndex(levels)
	nc := &Column{Name: c.Name, Kind: Categorical, Levels: levels, Codes: make([]int32, rows)}
	for i, code := range c.Codes {
		nc.Codes[i] = -1
		if code >= 0 {
			if k, ok := index[c.Levels[code]]; ok {
				nc.Codes[i] = k
			}
		}
	}
	return nc
}

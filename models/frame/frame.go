// Package frame holds the column tables that segmint's models learn from and
// score: numeric columns as float64 with NaN for a missing value, categorical
// columns as dense codes into sorted levels with -1 for a missing value.
//
// A Table is a file as read (CSV, gzip'd CSV or Parquet), its values kept as
// text. Infer turns it into a Frame, deciding each column's kind from its
// values; Align turns a new table into a Frame with exactly the features a
// trained model expects, so a model scores tables it has never seen.
package frame

import (
	"fmt"
	"math"
)

// Kind is how a column enters a model.
type Kind uint8

const (
	// Numeric columns hold numbers; NaN is a missing value.
	Numeric Kind = iota
	// Categorical columns hold codes into Levels; -1 is a missing value.
	Categorical
)

// String names the kind as it is written in model files.
func (k Kind) String() string {
	if k == Categorical {
		return "categorical"
	}
	return "numeric"
}

// Column is one feature column.
type Column struct {
	Name string
	Kind Kind
	// Num holds a numeric column's values, one per row, NaN when missing.
	Num []float64
	// Codes holds a categorical column's values as indexes into Levels, -1
	// when missing.
	Codes []int32
	// Levels are a categorical column's distinct values, sorted.
	Levels []string
	// Date marks a numeric column read from dates or timestamps: its values
	// are days since 1970-01-01 UTC.
	Date bool
}

// Missing reports whether row i of the column is missing.
func (c *Column) Missing(i int) bool {
	if c.Kind == Categorical {
		return c.Codes[i] < 0
	}
	return math.IsNaN(c.Num[i])
}

// Frame is a set of feature columns of equal length.
type Frame struct {
	Cols []*Column
	Rows int
}

// Col returns the column named name, or nil.
func (f *Frame) Col(name string) *Column {
	for _, c := range f.Cols {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Take returns a new frame of the rows at idx, in that order. Categorical
// columns keep their levels.
func (f *Frame) Take(idx []int) *Frame {
	out := &Frame{Rows: len(idx), Cols: make([]*Column, len(f.Cols))}
	for j, c := range f.Cols {
		out.Cols[j] = c.take(idx)
	}
	return out
}

// take returns a new column of the values at idx, in that order.
func (c *Column) take(idx []int) *Column {
	nc := &Column{Name: c.Name, Kind: c.Kind, Levels: c.Levels, Date: c.Date}
	if c.Kind == Categorical {
		nc.Codes = pick(c.Codes, idx)
	} else {
		nc.Num = pick(c.Num, idx)
	}
	return nc
}

// pick returns s[idx[0]], s[idx[1]], ...
func pick[T any](s []T, idx []int) []T {
	out := make([]T, len(idx))
	for k, i := range idx {
		out[k] = s[i]
	}
	return out
}

// Feature describes one model input as model files record it.
type Feature struct {
	Name   string   `json:"name"`
	Kind   string   `json:"kind"` // "numeric" or "categorical"
	Levels []string `json:"levels,omitempty"`
	// Date marks a numeric feature read from dates: days since 1970-01-01.
	Date bool `json:"date,omitempty"`
}

// Features describes the frame's columns, in order.
func (f *Frame) Features() []Feature {
	out := make([]Feature, len(f.Cols))
	for i, c := range f.Cols {
		out[i] = Feature{Name: c.Name, Kind: c.Kind.String(), Levels: c.Levels, Date: c.Date}
	}
	return out
}

// Validate checks that every column has Rows values and that codes are in
// range; models call it before they learn from a frame built by hand.
func (f *Frame) Validate() error {
	if f.Rows == 0 {
		return fmt.Errorf("frame has no rows")
	}
	if len(f.Cols) == 0 {
		return fmt.Errorf("frame has no columns")
	}
	for _, c := range f.Cols {
		if err := c.check(f.Rows); err != nil {
			return err
		}
	}
	return nil
}

// check reports a column without rows values or with a code outside its
// levels.
func (c *Column) check(rows int) error {
	switch c.Kind {
	case Numeric:
		if len(c.Num) != rows {
			return fmt.Errorf("column %q has %d values, frame has %d rows", c.Name, len(c.Num), rows)
		}
	case Categorical:
		if len(c.Codes) != rows {
			return fmt.Errorf("column %q has %d values, frame has %d rows", c.Name, len(c.Codes), rows)
		}
		return c.checkCodes()
	default:
		return fmt.Errorf("column %q has unknown kind %d", c.Name, c.Kind)
	}
	return nil
}

// checkCodes reports a categorical code outside the column's levels.
func (c *Column) checkCodes() error {
	for i, v := range c.Codes {
		if v < -1 || int(v) >= len(c.Levels) {
			return fmt.Errorf("column %q row %d: code %d outside its %d levels", c.Name, i, v, len(c.Levels))
		}
	}
	return nil
}

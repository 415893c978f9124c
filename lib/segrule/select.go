package segrule

import (
	"errors"
	"fmt"
)

// ErrTable means a table cannot be evaluated by a rule: a column the rule
// reads is missing, of another type, or of the wrong length.
var ErrTable = errors.New("table does not fit the rule")

// Select evaluates the rule for every row of t and returns, per row,
// whether the rule is true for it (false and null both give false). It
// fails, with ErrTable, when t lacks a column the rule reads or has one of
// another type than the schema given to Compile, or of another length
// than t.Rows.
func (r *Rule) Select(t *Table) ([]bool, error) {
	if err := r.fits(t); err != nil {
		return nil, err
	}
	out := make([]bool, t.Rows)
	if t.Rows == 0 {
		return out, nil
	}
	root := r.root.plan(newPlanner(t))
	for lo := 0; lo < t.Rows; lo += chunkRows {
		hi := min(lo+chunkRows, t.Rows)
		copy(out[lo:hi], root.eval(lo, hi).b)
	}
	return out, nil
}

// fits checks that t has every column r reads, with its type and length.
func (r *Rule) fits(t *Table) error {
	if t == nil || t.Rows < 0 {
		return fmt.Errorf("no table or a negative row count: %w", ErrTable)
	}
	for _, name := range r.cols {
		if err := fitColumn(t, t.Cols[name], r.typs[name]); err != nil {
			return fmt.Errorf("column %q %w", name, err)
		}
	}
	return nil
}

// fitColumn checks c, a column of t, against the type the rule needs.
func fitColumn(t *Table, c *Column, want Type) error {
	switch {
	case c == nil:
		return fmt.Errorf("is missing: %w", ErrTable)
	case c.Type != want:
		return fmt.Errorf("is %s, the rule needs %s: %w", c.Type, want, ErrTable)
	case c.length() != t.Rows:
		return fmt.Errorf("has %d values for %d rows: %w", c.length(), t.Rows, ErrTable)
	case c.Null != nil && len(c.Null) != t.Rows:
		return fmt.Errorf("has %d null flags for %d rows: %w", len(c.Null), t.Rows, ErrTable)
	}
	return nil
}

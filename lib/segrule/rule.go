package segrule

import (
	"slices"
	"sort"
)

// Rule is a compiled rule: parsed, and type-checked against a schema.
type Rule struct {
	src  string
	root expr
	cols []string        // the columns read, sorted
	typs map[string]Type // their types in the schema
}

// Compile parses src and type-checks it against schema. When src has
// problems, the error is an Errors holding every one found (see the package
// comment), sorted by offset, and the Rule is nil.
func Compile(src string, schema Schema) (*Rule, error) {
	root, errs := parse(src)
	c := newChecker(src, schema)
	c.afterSyntaxError = len(errs) > 0
	c.root(root)
	if errs = append(errs, c.errs...); len(errs) > 0 {
		return nil, positioned(src, errs)
	}
	cols := make([]string, 0, len(c.used))
	for name := range c.used {
		cols = append(cols, name)
	}
	slices.Sort(cols)
	return &Rule{src: src, root: root, cols: cols, typs: c.used}, nil
}

// positioned sorts errs by offset and fills in their lines and columns.
func positioned(src string, errs []Error) Errors {
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Offset < errs[j].Offset })
	for i, e := range errs {
		errs[i] = at(src, e.Offset, e.Msg)
	}
	return Errors(errs)
}

// Columns returns the names of the columns the rule reads, sorted and
// distinct (a new slice each call).
func (r *Rule) Columns() []string { return slices.Clone(r.cols) }

// String returns the rule's source text as given to Compile.
func (r *Rule) String() string { return r.src }

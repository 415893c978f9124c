package segrule

// Type is the type of a column or of a value in a rule.
type Type int

// The three types of the language. The zero Type is none of them: a value
// that could not be typed, or a Column whose Type was left unset.
const (
	Number Type = iota + 1 // float64
	String                 // string
	Bool                   // bool
)

// String returns the type's name as it appears in messages: "number",
// "string" or "bool".
func (t Type) String() string {
	switch t {
	case Number:
		return "number"
	case String:
		return "string"
	case Bool:
		return "bool"
	}
	return "invalid"
}

// Schema gives the type of each column a rule may read, by column name.
type Schema map[string]Type

// Column is one column of a Table. Type says which of Num, Str and Bool
// holds the values, one per row; the other two are ignored. Null, when not
// nil, has one entry per row and marks the rows whose value is null (their
// value is ignored); nil means no row is null. In a Number column a NaN is
// null too.
type Column struct {
	Type Type
	Num  []float64
	Str  []string
	Bool []bool
	Null []bool
}

// Table is a columnar table of Rows rows: the columns by name, each with
// Rows values. A rule reads only the columns it names; others are ignored.
type Table struct {
	Rows int
	Cols map[string]*Column
}

// length is the number of values c holds for its type.
func (c *Column) length() int {
	switch c.Type {
	case Number:
		return len(c.Num)
	case String:
		return len(c.Str)
	case Bool:
		return len(c.Bool)
	}
	return -1
}

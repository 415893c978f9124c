package audience

import (
	"reflect"
	"strings"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/featureset"
	"github.com/segmint/segmint/lib/money"
	"github.com/segmint/segmint/lib/segrule"
)

// The columns segment rules read are those of unified/customers, then the
// columns of features/customers and of scores that unified/customers does
// not name, under their Parquet names. Money is in the reporting currency's
// units; times, maps and lists are not columns of the rule language.

// field is one column of a row type.
type field struct {
	name  string
	typ   segrule.Type
	index int
	scale float64 // money: the divisor to currency units; 0 otherwise
}

var (
	centsType  = reflect.TypeOf(money.Cents(0))
	microsType = reflect.TypeOf(money.Micros(0))
)

// fieldsOf lists the rule columns of a row type.
func fieldsOf(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("parquet"), ",")
		if name == "" || name == "-" {
			continue
		}
		if typ, scale, ok := ruleType(f.Type); ok {
			out = append(out, field{name: name, typ: typ, index: i, scale: scale})
		}
	}
	return out
}

// ruleType is the rule language's type of a Go field type (pointers are
// nullable columns), with the divisor of a money type.
func ruleType(t reflect.Type) (segrule.Type, float64, bool) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == centsType:
		return segrule.Number, 100, true
	case t == microsType:
		return segrule.Number, 1e6, true
	}
	switch t.Kind() {
	case reflect.String:
		return segrule.String, 0, true
	case reflect.Bool:
		return segrule.Bool, 0, true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Float32, reflect.Float64:
		return segrule.Number, 0, true
	}
	return 0, 0, false
}

// sources are the row types in the order their columns are taken.
func sources() []reflect.Type {
	return []reflect.Type{reflect.TypeOf(customerview.Customer{}), reflect.TypeOf(featureset.Customer{}),
		reflect.TypeOf(contract.Score{})}
}

// FirstOrderValue is a column derived from unified/orders: the value of
// the customer's first non-cancelled order (ties: the smallest order id).
const FirstOrderValue = "first_order_value"

// Schema is every column a segment rule may read, with its type.
func Schema() segrule.Schema {
	s := segrule.Schema{FirstOrderValue: segrule.Number}
	for _, t := range sources() {
		for _, f := range fieldsOf(t) {
			if _, ok := s[f.name]; !ok {
				s[f.name] = f.typ
			}
		}
	}
	return s
}

// Table is the customers as a rule table, one row per row of
// unified/customers in the given order (a person with several source
// customer numbers has several), each with the features and scores of its
// customer id (null where it has none) and the columns derived from orders.
func Table(customers []customerview.Customer, features []featureset.Customer, scores []contract.Score, orders []customerview.Order) *segrule.Table {
	t := &segrule.Table{Rows: len(customers), Cols: map[string]*segrule.Column{}}
	pos := make(map[string][]int, len(customers))
	for i, c := range customers {
		pos[c.CustomerID] = append(pos[c.CustomerID], i)
	}
	t.Cols[FirstOrderValue] = firstOrderValues(orders, pos, len(customers))
	addColumns(t, customers, pos, func(c customerview.Customer) string { return c.CustomerID })
	addColumns(t, features, pos, func(f featureset.Customer) string { return f.CustomerID })
	addColumns(t, scores, pos, func(s contract.Score) string { return s.CustomerID })
	return t
}

// addColumns adds the columns of rows that t does not have yet, each row
// at the positions of its customer id (rows of unknown ids are ignored).
func addColumns[T any](t *segrule.Table, rows []T, pos map[string][]int, id func(T) string) {
	var fresh []field
	for _, f := range fieldsOf(reflect.TypeOf(*new(T))) {
		if _, ok := t.Cols[f.name]; !ok {
			fresh = append(fresh, f)
			t.Cols[f.name] = newColumn(f.typ, t.Rows)
		}
	}
	for _, r := range rows {
		v := reflect.ValueOf(r)
		for _, i := range pos[id(r)] {
			for _, f := range fresh {
				set(t.Cols[f.name], i, v.Field(f.index), f.scale)
			}
		}
	}
}

// newColumn is a column of n rows, all null.
func newColumn(typ segrule.Type, n int) *segrule.Column {
	c := &segrule.Column{Type: typ, Null: make([]bool, n)}
	for i := range c.Null {
		c.Null[i] = true
	}
	switch typ {
	case segrule.Number:
		c.Num = make([]float64, n)
	case segrule.String:
		c.Str = make([]string, n)
	case segrule.Bool:
		c.Bool = make([]bool, n)
	}
	return c
}

// set puts value v into row i of c (a nil pointer stays null).
func set(c *segrule.Column, i int, v reflect.Value, scale float64) {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	c.Null[i] = false
	switch c.Type {
	case segrule.String:
		c.Str[i] = v.String()
	case segrule.Bool:
		c.Bool[i] = v.Bool()
	case segrule.Number:
		c.Num[i] = number(v, scale)
	}
}

// number is a numeric value as a float64, money divided to currency units.
func number(v reflect.Value, scale float64) float64 {
	switch {
	case v.CanInt() && scale != 0:
		return float64(v.Int()) / scale
	case v.CanInt():
		return float64(v.Int())
	}
	return v.Float()
}

// firstOrderValues is the FirstOrderValue column.
func firstOrderValues(orders []customerview.Order, pos map[string][]int, n int) *segrule.Column {
	c := newColumn(segrule.Number, n)
	first := make([]*customerview.Order, n)
	for k := range orders {
		o := &orders[k]
		if o.CustomerID == nil || o.IsCancellation {
			continue
		}
		for _, i := range pos[*o.CustomerID] {
			if first[i] == nil || earlier(o, first[i]) {
				first[i] = o
			}
		}
	}
	for i, o := range first {
		if o != nil {
			c.Num[i], c.Null[i] = o.Value.Float(), false
		}
	}
	return c
}

// earlier orders by time, then order id.
func earlier(a, b *customerview.Order) bool {
	if !a.OrderedAt.Equal(b.OrderedAt) {
		return a.OrderedAt.Before(b.OrderedAt)
	}
	return a.OrderID < b.OrderID
}

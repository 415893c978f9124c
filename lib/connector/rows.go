package connector

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/parquet-go/parquet-go"
)

// Columns segmint adds to every raw row of an API stream.
const (
	ColID       = "_id"
	ColModified = "_modified_at"
	ColDay      = "_day"
	ColDeleted  = "_deleted"
)

// ErrSchema marks a schema change a stream cannot absorb: a field that
// disappeared or whose type narrowed.
var ErrSchema = errors.New("incompatible schema change")

// widens reports whether values of type from fit a column of type to.
func widens(from, to Type) bool {
	switch from {
	case Int:
		return to == Float || to == String
	case Float, Bool, Timestamp:
		return to == String
	case Date:
		return to == Timestamp || to == String
	}
	return false
}

// typeOf infers the type of a value.
func typeOf(v any) (Type, bool) {
	switch x := v.(type) {
	case string:
		return String, true
	case int64, int, int32:
		return Int, true
	case float64, float32:
		return Float, true
	case bool:
		return Bool, true
	case time.Time:
		if x.Equal(x.Truncate(24 * time.Hour)) {
			return Date, true
		}
		return Timestamp, true
	}
	return "", false
}

// Observe returns the schema of a batch: the declared fields, then any
// other field some record carries, with its type inferred from its values
// (the widest seen). A declared field whose value has another type is an
// error: the platform changed the field.
func Observe(declared []Field, records []Record) ([]Field, error) {
	decl := typesByName(declared)
	extra := map[string]Type{}
	for _, r := range records {
		for name, v := range r.Fields {
			if err := observe(decl, extra, r.ID, name, v); err != nil {
				return nil, err
			}
		}
	}
	return append(slices.Clone(declared), extraFields(extra)...), nil
}

// typesByName maps the names of fields to their types.
func typesByName(fields []Field) map[string]Type {
	types := map[string]Type{}
	for _, f := range fields {
		types[f.Name] = f.Type
	}
	return types
}

// observe checks the value v of field name of record id against the
// declared type, or widens the type noted in extra of a field not declared
// ("" while only nulls were seen).
func observe(decl, extra map[string]Type, id, name string, v any) error {
	if v == nil {
		if _, ok := decl[name]; !ok {
			if _, seen := extra[name]; !seen {
				extra[name] = "" // present, type not known yet
			}
		}
		return nil
	}
	t, ok := typeOf(v)
	if !ok {
		return fmt.Errorf("field %s of record %s: unsupported value type %T", name, id, v)
	}
	if want, ok := decl[name]; ok {
		if t != want && !(want == Timestamp && t == Date) && !(want == Float && t == Int) {
			return fmt.Errorf("%w: field %s of record %s is %s, declared %s", ErrSchema, name, id, t, want)
		}
		return nil
	}
	if t == Int {
		// An undeclared number is a float: a pull of whole numbers
		// after one with fractions must not look like a narrowing.
		t = Float
	}
	extra[name] = widest(extra[name], t)
	return nil
}

// widest is the type of a field seen as cur so far ("" for not yet) and
// now as t: the wider of the two, or String when neither widens to the
// other.
func widest(cur, t Type) Type {
	switch {
	case cur == "" || cur == t:
		return t
	case widens(cur, t):
		return t
	case widens(t, cur):
		return cur
	default:
		return String
	}
}

// extraFields are the undeclared fields by name, a String when only nulls
// were seen.
func extraFields(extra map[string]Type) []Field {
	names := make([]string, 0, len(extra))
	for name := range extra {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []Field
	for _, name := range names {
		t := extra[name]
		if t == "" {
			t = String
		}
		out = append(out, Field{Name: name, Type: t})
	}
	return out
}

// Reconcile compares a pull's observed schema with the committed one. New
// fields become new columns (returned in added); a type that widens (int to
// float, anything to string) takes the wider type; a field that disappeared
// (when the pull had records) or whose type narrowed (string to bool, float
// to int) is an ErrSchema: the platform changed what the field means.
func Reconcile(committed, observed []Field, hadRecords bool) (merged []Field, added []string, err error) {
	obs := typesByName(observed)
	seen := map[string]bool{}
	for _, f := range committed {
		seen[f.Name] = true
		t, ok := obs[f.Name]
		m, err := reconcileField(f, t, ok, hadRecords)
		if err != nil {
			return nil, nil, err
		}
		merged = append(merged, m)
	}
	for _, f := range observed {
		if !seen[f.Name] {
			merged = append(merged, f)
			added = append(added, f.Name)
		}
	}
	return merged, added, nil
}

// reconcileField is the committed field f as a pull observed it, with
// type t (ok false when the pull did not see it): kept, widened, or an
// ErrSchema when it disappeared from a pull with records or changed its
// type otherwise.
func reconcileField(f Field, t Type, ok, hadRecords bool) (Field, error) {
	switch {
	case !ok && hadRecords:
		return Field{}, fmt.Errorf("%w: field %s disappeared", ErrSchema, f.Name)
	case !ok, t == f.Type:
		return f, nil
	case widens(f.Type, t):
		return Field{Name: f.Name, Type: t}, nil
	case widens(t, f.Type):
		return Field{}, fmt.Errorf("%w: field %s narrowed from %s to %s", ErrSchema, f.Name, f.Type, t)
	default:
		return Field{}, fmt.Errorf("%w: field %s was %s, is now %s", ErrSchema, f.Name, f.Type, t)
	}
}

// Schema is the raw Parquet schema of an API stream's fields plus segmint's
// columns (_id, _deleted, and _modified_at or _day).
func Schema(name string, fields []Field, daily bool) *parquet.Schema {
	g := parquet.Group{
		ColID:      parquet.String(),
		ColDeleted: parquet.Leaf(parquet.BooleanType),
	}
	if daily {
		g[ColDay] = parquet.Date()
	} else {
		g[ColModified] = parquet.Timestamp(parquet.Microsecond)
	}
	for _, f := range fields {
		g[f.Name] = parquet.Optional(node(f.Type))
	}
	return parquet.NewSchema(name, g)
}

func node(t Type) parquet.Node {
	switch t {
	case Int:
		return parquet.Int(64)
	case Float:
		return parquet.Leaf(parquet.DoubleType)
	case Bool:
		return parquet.Leaf(parquet.BooleanType)
	case Timestamp:
		return parquet.Timestamp(parquet.Microsecond)
	case Date:
		return parquet.Date()
	default:
		return parquet.String()
	}
}

// Rows converts records into rows of schema (from Schema with the same
// fields). Values of a narrower type are widened to the column's type.
func Rows(schema *parquet.Schema, fields []Field, records []Record, daily bool) ([]parquet.Row, error) {
	l := newRowLayout(schema, fields, daily)
	// One backing array for all rows: one allocation instead of one a row.
	values := make([]parquet.Value, l.width*len(records))
	rows := make([]parquet.Row, len(records))
	err := inChunks(len(records), func(lo, hi int) error {
		for n := lo; n < hi; n++ {
			row := parquet.Row(values[n*l.width : (n+1)*l.width : (n+1)*l.width])
			if err := l.fill(row, &records[n]); err != nil {
				return err
			}
			rows[n] = row
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// rowLayout places a record's values in a row of a schema.
type rowLayout struct {
	fields                 []Field
	at                     []int // column of each field, looked up once
	colID, colDel, colTime int
	width                  int // columns in a row
	daily                  bool
}

// newRowLayout looks up the columns of fields and of the record's id,
// deletion flag and time (the day for a daily stream) in schema.
func newRowLayout(schema *parquet.Schema, fields []Field, daily bool) *rowLayout {
	idx := map[string]int{}
	for i, path := range schema.Columns() {
		idx[path[0]] = i
	}
	l := &rowLayout{fields: fields, at: make([]int, len(fields)), daily: daily, width: len(idx)}
	for i, f := range fields {
		l.at[i] = idx[f.Name]
	}
	l.colID, l.colDel = idx[ColID], idx[ColDeleted]
	l.colTime = idx[ColModified]
	if daily {
		l.colTime = idx[ColDay]
	}
	return l
}

// fill sets the values of record r in row: segmint's columns, then the
// fields.
func (l *rowLayout) fill(row parquet.Row, r *Record) error {
	l.fillOwn(row, r)
	for i, f := range l.fields {
		c := l.at[i]
		v := r.Fields[f.Name]
		if v == nil {
			row[c] = parquet.NullValue().Level(0, 0, c)
			continue
		}
		pv, err := value(f.Type, v)
		if err != nil {
			return fmt.Errorf("record %s field %s: %w", r.ID, f.Name, err)
		}
		row[c] = pv.Level(0, 1, c)
	}
	return nil
}

// fillOwn sets segmint's columns of record r in row: its id, deletion
// flag and time (the day for a daily stream).
func (l *rowLayout) fillOwn(row parquet.Row, r *Record) {
	row[l.colID] = parquet.ByteArrayValue([]byte(r.ID)).Level(0, 0, l.colID)
	row[l.colDel] = parquet.BooleanValue(r.Deleted).Level(0, 0, l.colDel)
	if l.daily {
		row[l.colTime] = parquet.Int32Value(int32(r.Day.Unix()/86400)).Level(0, 0, l.colTime)
	} else {
		row[l.colTime] = parquet.Int64Value(r.Modified.UTC().UnixMicro()).Level(0, 0, l.colTime)
	}
}

// inChunks runs convert over [0, n): large batches on every core, in
// contiguous chunks. It returns the errors of all chunks joined.
func inChunks(n int, convert func(lo, hi int) error) error {
	workers := 1
	if n >= 8192 {
		workers = runtime.GOMAXPROCS(0)
	}
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*n/workers, (w+1)*n/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = convert(lo, hi)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func value(t Type, v any) (parquet.Value, error) {
	switch t {
	case String:
		switch x := v.(type) {
		case string:
			return parquet.ByteArrayValue([]byte(x)), nil
		case time.Time:
			return parquet.ByteArrayValue([]byte(x.UTC().Format(time.RFC3339Nano))), nil
		default:
			return parquet.ByteArrayValue([]byte(fmt.Sprint(x))), nil
		}
	case Int:
		switch x := v.(type) {
		case int64:
			return parquet.Int64Value(x), nil
		case int:
			return parquet.Int64Value(int64(x)), nil
		case int32:
			return parquet.Int64Value(int64(x)), nil
		}
	case Float:
		switch x := v.(type) {
		case float64:
			return parquet.DoubleValue(x), nil
		case float32:
			return parquet.DoubleValue(float64(x)), nil
		case int64:
			return parquet.DoubleValue(float64(x)), nil
		case int:
			return parquet.DoubleValue(float64(x)), nil
		}
	case Bool:
		if x, ok := v.(bool); ok {
			return parquet.BooleanValue(x), nil
		}
	case Timestamp:
		if x, ok := v.(time.Time); ok {
			return parquet.Int64Value(x.UTC().UnixMicro()), nil
		}
	case Date:
		if x, ok := v.(time.Time); ok {
			return parquet.Int32Value(int32(x.Unix() / 86400)), nil
		}
	}
	return parquet.Value{}, fmt.Errorf("value %v (%T) does not fit a %s column", v, v, t)
}

// FormatCursor renders a cursor for logs ("2024-01-02T03:04:05Z/123").
func FormatCursor(c Cursor) string {
	if c.Modified.IsZero() {
		return "start"
	}
	return c.Modified.UTC().Format(time.RFC3339Nano) + "/" + strconv.Quote(c.ID)
}

package hubspot

import (
	"bytes"
	"fmt"
	"time"

	"github.com/segmint/segmint/lib/jsonscan"
)

// A small JSON reader for list pages: encoding/json's reflection (and a map
// per record for its properties) was the largest single cost of a pull. It
// reads exactly the v3 list shape
//
//	{"results":[{"id":..,"properties":{name: value},"updatedAt":..,
//	  "archived":..,"archivedAt":..}, ...],"paging":{"next":{"after":..}}}
//
// and skips, validating, anything else. Its result is what json.Unmarshal
// into the former page type gave, as FuzzDecodePageMatchesJSON checks:
// keys match field names case-insensitively, a repeated key merges into
// what the earlier one decoded, null leaves a field as it was, a value of
// the wrong type fails the page, and invalid UTF-8 in a decoded string
// becomes U+FFFD. The one difference is that only the properties the
// stream asks for are kept, in the stream's order.

// page is one answer of the list endpoint.
type page struct {
	Results []object
	Paging  struct {
		Next struct {
			After string
		}
	}
}

// object is one CRM record as the v3 API returns it.
type object struct {
	ID string
	// values holds the stream's properties, indexed like stream.props; nil
	// when the record had no properties object (all null).
	values     []propValue
	UpdatedAt  time.Time
	Archived   bool
	ArchivedAt *time.Time
}

// value is the JSON value of property i of o (null when o had no
// properties object).
func (o *object) value(i int) propValue {
	if i < len(o.values) {
		return o.values[i]
	}
	return propValue{}
}

// propValue is one property's JSON value: HubSpot sends strings or null,
// and now and then a bare number or bool, kept here as its text.
type propValue struct {
	text string
	set  bool // false for null
	bad  bool // an object or array: not a property value
}

// decodePage reads a list answer, keeping the properties props names;
// numbers in properties stay as written.
func decodePage(body []byte, props []property) (*page, error) {
	d := &decoder{Scanner: jsonscan.Scanner{B: body, ShareInput: true}, props: props}
	p, err := d.page()
	if err != nil {
		return nil, fmt.Errorf("decode the list answer: %w", err)
	}
	return p, nil
}

// decoder reads one page for a stream's properties.
type decoder struct {
	jsonscan.Scanner
	props []property
	index map[string]int // property name to index, for long property lists
	next  int            // the property expected next: they come in order
	slab  []propValue    // backs the records' values
}

// field reports whether key names the field of a Go struct field named
// name, as encoding/json matches them: exactly, else case-insensitively.
func field(key []byte, name string) bool {
	return string(key) == name || bytes.EqualFold(key, []byte(name))
}

// page reads the whole answer, which must be an object (or null).
func (d *decoder) page() (*page, error) {
	p := &page{}
	switch c := d.Peek(); {
	case c == '{':
		if err := d.Object(func(k []byte) error { return d.pageField(p, k) }); err != nil {
			return nil, err
		}
	case d.Null():
	case d.Pos >= len(d.B):
		return nil, d.Fail("no JSON value")
	default:
		return nil, d.TypeError("the answer", "an object")
	}
	if d.Peek(); d.Pos < len(d.B) {
		return nil, d.Fail("data after the answer")
	}
	return p, nil
}

// pageField reads the value of the answer's key k into p.
func (d *decoder) pageField(p *page, k []byte) error {
	switch {
	case field(k, "results"):
		return d.results(p)
	case field(k, "paging"):
		return d.paging(p)
	}
	_, err := d.Skip()
	return err
}

// paging reads the answer's paging object; only paging.next.after matters.
func (d *decoder) paging(p *page) error {
	return d.oneKey("paging", "next", func() error {
		return d.oneKey("paging.next", "after", func() error {
			return d.strField(&p.Paging.Next.After, "paging.next.after")
		})
	})
}

// oneKey reads an object, named what in errors, of which only the key
// name matters: read reads its value, the other keys are skipped. Null
// leaves everything as it was.
func (d *decoder) oneKey(what, name string, read func() error) error {
	switch d.Peek() {
	case 'n':
		if d.Null() {
			return nil
		}
	case '{':
		return d.Object(func(k []byte) error {
			if !field(k, name) {
				_, err := d.Skip()
				return err
			}
			return read()
		})
	}
	return d.TypeError(what, "an object")
}

// strField reads a string into dst; null leaves it as it was.
func (d *decoder) strField(dst *string, name string) error {
	switch d.Peek() {
	case 'n':
		if d.Null() {
			return nil
		}
	case '"':
		v, err := d.Str()
		if err != nil {
			return err
		}
		*dst = v
		return nil
	}
	return d.TypeError(name, "a string")
}

// results reads the results array. Like encoding/json, a repeated results
// key decodes into the elements the earlier one left (up to the slice's
// capacity), merging.
func (d *decoder) results(p *page) error {
	switch d.Peek() {
	case 'n':
		if d.Null() {
			p.Results = nil
			return nil
		}
	case '[':
		if p.Results == nil {
			p.Results = make([]object, 0, MaxPageSize)
		}
		rs := p.Results
		i := 0
		err := d.Array(func() error {
			if i < cap(rs) {
				rs = rs[:i+1]
			} else {
				rs = append(rs, object{})
			}
			i++
			return d.object1(&rs[i-1])
		})
		if err != nil {
			return err
		}
		p.Results = rs[:i]
		if i == 0 {
			p.Results = []object{}
		}
		return nil
	}
	return d.TypeError("results", "an array")
}

// object1 reads one record into o.
func (d *decoder) object1(o *object) error {
	switch d.Peek() {
	case 'n':
		if d.Null() {
			return nil
		}
	case '{':
		return d.Object(func(k []byte) error { return d.objectField(o, k) })
	}
	return d.TypeError("a result", "an object")
}

// objectField reads the value of a record's key k into o.
func (d *decoder) objectField(o *object, k []byte) error {
	switch {
	case field(k, "id"):
		return d.strField(&o.ID, "id")
	case field(k, "properties"):
		return d.properties(o)
	case field(k, "updatedAt"):
		return d.timeField(&o.UpdatedAt, "updatedAt")
	case field(k, "archived"):
		return d.boolField(&o.Archived, "archived")
	case field(k, "archivedAt"):
		return d.archivedAt(o)
	}
	_, err := d.Skip()
	return err
}

// boolField reads a bool into dst; null leaves it as it was.
func (d *decoder) boolField(dst *bool, name string) error {
	switch d.Peek() {
	case 'n':
		if d.Null() {
			return nil
		}
	case 't':
		if d.Literal("true") {
			*dst = true
			return nil
		}
	case 'f':
		if d.Literal("false") {
			*dst = false
			return nil
		}
	}
	return d.TypeError(name, "a bool")
}

// archivedAt reads a record's archive time; null clears it.
func (d *decoder) archivedAt(o *object) error {
	if d.Null() {
		o.ArchivedAt = nil
		return nil
	}
	if o.ArchivedAt == nil {
		o.ArchivedAt = new(time.Time)
	}
	return d.timeField(o.ArchivedAt, "archivedAt")
}

// timeField reads a time as time.Time's UnmarshalJSON does; null leaves it
// as it was.
func (d *decoder) timeField(t *time.Time, name string) error {
	switch d.Peek() {
	case 'n':
		if d.Null() {
			return nil
		}
	case '"':
		start, end, _, err := d.RawString()
		if err != nil {
			return err
		}
		if v, ok := parseRFC3339(d.B[start:end]); ok {
			*t = v
			return nil
		}
		if err := t.UnmarshalJSON(d.B[start-1 : end+1]); err != nil {
			return fmt.Errorf("%s at byte %d: %w", name, start-1, err)
		}
		return nil
	}
	return d.TypeError(name, "a string")
}

// properties reads a record's properties object; null clears them.
func (d *decoder) properties(o *object) error {
	switch d.Peek() {
	case 'n':
		if d.Null() {
			o.values = nil
			return nil
		}
	case '{':
		if o.values == nil {
			o.values = d.newValues()
		}
		return d.Object(func(k []byte) error {
			i := d.lookup(k)
			if i < 0 {
				_, err := d.Skip()
				return err
			}
			return d.value(&o.values[i])
		})
	}
	return d.TypeError("properties", "an object")
}

// newValues is room for the values of a record's properties, cut from
// the decoder's slab.
func (d *decoder) newValues() []propValue {
	n := len(d.props)
	if len(d.slab) < n {
		d.slab = make([]propValue, n*MaxPageSize)
	}
	v := d.slab[:n:n]
	d.slab = d.slab[n:]
	return v
}

// lookup returns the index of the property named k, or -1: the property
// expected next, else whichever search finds.
func (d *decoder) lookup(k []byte) int {
	n := len(d.props)
	if n == 0 {
		return -1
	}
	if d.next >= n {
		d.next = 0
	}
	if d.props[d.next].name == string(k) {
		d.next++
		return d.next - 1
	}
	i := d.search(k)
	if i >= 0 {
		d.next = i + 1
	}
	return i
}

// search returns the index of the property named k, or -1: from an index
// for a long list of properties, else by a scan.
func (d *decoder) search(k []byte) int {
	if len(d.props) > 16 {
		return d.indexed(k)
	}
	for i := range d.props {
		if d.props[i].name == string(k) {
			return i
		}
	}
	return -1
}

// indexed looks the property named k up in an index of the properties,
// made on first use; -1 when there is none.
func (d *decoder) indexed(k []byte) int {
	if d.index == nil {
		d.index = make(map[string]int, len(d.props))
		for i, p := range d.props {
			d.index[p.name] = i
		}
	}
	if i, ok := d.index[string(k)]; ok {
		return i
	}
	return -1
}

// value reads a property value. A string without escapes is kept as
// written (as the former decoder did, invalid UTF-8 included).
func (d *decoder) value(v *propValue) error {
	switch c := d.Peek(); {
	case c == '"':
		start, end, escaped, err := d.RawString()
		if err != nil {
			return err
		}
		if escaped {
			*v = propValue{text: string(jsonscan.Unquote(d.B[start:end])), set: true}
		} else {
			*v = propValue{text: d.Sub(start, end), set: true}
		}
		return nil
	case c == 'n' && d.Null():
		*v = propValue{}
		return nil
	case c == '{' || c == '[':
		if _, err := d.Skip(); err != nil {
			return err
		}
		*v = propValue{bad: true}
		return nil
	}
	b, err := d.Skip()
	if err != nil {
		return err
	}
	*v = propValue{text: d.Sub(d.Pos-len(b), d.Pos), set: true}
	return nil
}

// parseRFC3339 reads the usual shape of HubSpot's times,
// 2006-01-02T15:04:05Z with 0 to 9 digits of fraction, without
// time.Parse's layout machinery; ok is false for anything else (which
// time.Parse then reads, or rejects).
func parseRFC3339[T string | []byte](b T) (time.Time, bool) {
	n := len(b)
	if n < 20 || n > 30 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[n-1] != 'Z' {
		return time.Time{}, false
	}
	year, month, day := num(b, 0, 4), num(b, 5, 7), num(b, 8, 10)
	hour, minute, sec := num(b, 11, 13), num(b, 14, 16), num(b, 17, 19)
	if year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
		minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	nsec, ok := fraction(b)
	if !ok {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day { // past the month's end
		return time.Time{}, false
	}
	return t, true
}

// num reads the decimal digits b[i:j]; -1 when one is not a digit.
func num[T string | []byte](b T, i, j int) int {
	v := 0
	for ; i < j; i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return -1
		}
		v = v*10 + int(c-'0')
	}
	return v
}

// fraction reads the fraction of a second of a time parseRFC3339 reads,
// in nanoseconds (0 without one); ok is false when it is malformed.
func fraction[T string | []byte](b T) (nsec int, ok bool) {
	n := len(b)
	if n == 20 {
		return 0, true
	}
	if b[19] != '.' || n == 21 {
		return 0, false
	}
	if nsec = num(b, 20, n-1); nsec < 0 {
		return 0, false
	}
	for i := n - 21; i < 9; i++ {
		nsec *= 10
	}
	return nsec, true
}

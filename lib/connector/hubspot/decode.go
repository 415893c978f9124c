package hubspot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
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
	d := &decoder{scanner: scanner{b: body}, props: props}
	p, err := d.page()
	if err != nil {
		return nil, fmt.Errorf("decode the list answer: %w", err)
	}
	return p, nil
}

// scanner reads JSON from b. Strings it returns that need no unescaping
// are substrings of src, one copy of b made on first use, so that the many
// short values of a page cost no allocation each.
type scanner struct {
	b   []byte
	src string
	pos int
}

var errSyntax = errors.New("invalid JSON")

func (s *scanner) fail(what string) error {
	if s.pos >= len(s.b) {
		return fmt.Errorf("%w: %s at byte %d (the end of the input)", errSyntax, what, s.pos)
	}
	return fmt.Errorf("%w: %s at byte %d", errSyntax, what, s.pos)
}

// typeError reports a valid value of the wrong JSON type for field; the
// scanner is at the value.
func (s *scanner) typeError(field, want string) error {
	at := s.pos
	if _, err := s.skip(); err != nil {
		return err
	}
	return fmt.Errorf("%s: want %s, got %s at byte %d", field, want, kind(s.b[at]), at)
}

func kind(c byte) string {
	switch c {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a bool"
	case 'n':
		return "null"
	}
	return "a number"
}

func (s *scanner) ws() {
	for s.pos < len(s.b) {
		switch s.b[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte (0 at the end; check s.pos to tell
// it from a NUL byte).
func (s *scanner) peek() byte {
	s.ws()
	if s.pos >= len(s.b) {
		return 0
	}
	return s.b[s.pos]
}

func (s *scanner) expect(c byte) error {
	if s.peek() != c {
		return s.fail("expected " + strconv.QuoteRune(rune(c)))
	}
	s.pos++
	return nil
}

// literal consumes null, true or false.
func (s *scanner) literal(word string) bool {
	if len(s.b)-s.pos >= len(word) && string(s.b[s.pos:s.pos+len(word)]) == word {
		s.pos += len(word)
		return true
	}
	return false
}

// null consumes a null if one is next.
func (s *scanner) null() bool {
	return s.peek() == 'n' && s.literal("null")
}

func (s *scanner) sub(i, j int) string {
	if s.src == "" {
		s.src = string(s.b)
	}
	return s.src[i:j]
}

// rawString reads a string without decoding it: it returns the bytes
// between the quotes and whether they hold an escape. The scanner must be
// at the opening quote.
func (s *scanner) rawString() (start, end int, escaped bool, err error) {
	if err := s.expect('"'); err != nil {
		return 0, 0, false, err
	}
	start = s.pos
	for s.pos < len(s.b) {
		switch c := s.b[s.pos]; {
		case c == '"':
			s.pos++
			return start, s.pos - 1, escaped, nil
		case c == '\\':
			if s.pos+1 >= len(s.b) {
				s.pos++
				return 0, 0, false, s.fail("unterminated string")
			}
			switch s.b[s.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos += 2
			case 'u':
				if s.pos += 2; s.pos+4 > len(s.b) || hexRune(s.b[s.pos:s.pos+4]) < 0 {
					s.pos -= 2
					return 0, 0, false, s.fail(`bad \u escape`)
				}
				s.pos += 4
			default:
				return 0, 0, false, s.fail("bad escape")
			}
			escaped = true
		case c < 0x20:
			return 0, 0, false, s.fail("control character in string")
		default:
			s.pos++
		}
	}
	return 0, 0, false, s.fail("unterminated string")
}

// str reads a string as encoding/json does: escapes decoded, and invalid
// UTF-8 replaced by U+FFFD.
func (s *scanner) str() (string, error) {
	start, end, escaped, err := s.rawString()
	if err != nil {
		return "", err
	}
	if !escaped {
		ascii := true
		for _, c := range s.b[start:end] {
			if c >= utf8.RuneSelf {
				ascii = false
				break
			}
		}
		if ascii || utf8.Valid(s.b[start:end]) {
			return s.sub(start, end), nil
		}
	}
	return string(unquote(s.b[start:end])), nil
}

// unquote decodes the inside of a string already checked by rawString.
func unquote(b []byte) []byte {
	out := make([]byte, 0, len(b)+8)
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '\\':
			e := b[i+1]
			i += 2
			switch e {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r := hexRune(b[i : i+4])
				i += 4
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if i+6 <= len(b) && b[i] == '\\' && b[i+1] == 'u' {
						r2 = hexRune(b[i+2 : i+6])
					}
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						out = utf8.AppendRune(out, d)
						i += 6
						break
					}
					r = utf8.RuneError
				}
				out = utf8.AppendRune(out, r)
			default: // " \ /
				out = append(out, e)
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, n := utf8.DecodeRune(b[i:])
			out = utf8.AppendRune(out, r)
			i += n
		}
	}
	return out
}

// hexRune reads 4 hex digits (or -1 if they are not).
func hexRune(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// skip consumes any value and returns its bytes.
func (s *scanner) skip() ([]byte, error) {
	c := s.peek()
	start := s.pos
	switch {
	case c == '"':
		if _, _, _, err := s.rawString(); err != nil {
			return nil, err
		}
	case c == '{':
		err := s.object(func([]byte) error {
			_, err := s.skip()
			return err
		})
		if err != nil {
			return nil, err
		}
	case c == '[':
		err := s.array(func() error {
			_, err := s.skip()
			return err
		})
		if err != nil {
			return nil, err
		}
	case c == '-' || c >= '0' && c <= '9':
		for s.pos < len(s.b) && (s.b[s.pos] == '-' || s.b[s.pos] == '+' || s.b[s.pos] == '.' ||
			s.b[s.pos] == 'e' || s.b[s.pos] == 'E' || s.b[s.pos] >= '0' && s.b[s.pos] <= '9') {
			s.pos++
		}
		if !json.Valid(s.b[start:s.pos]) {
			return nil, s.fail("bad number")
		}
	case s.pos < len(s.b) && (s.literal("null") || s.literal("true") || s.literal("false")):
	default:
		return nil, s.fail("unexpected character")
	}
	return s.b[start:s.pos], nil
}

// key reads an object key; a key without escapes is not copied.
func (s *scanner) key() ([]byte, error) {
	start, end, escaped, err := s.rawString()
	if err != nil {
		return nil, err
	}
	if escaped {
		return unquote(s.b[start:end]), nil
	}
	return s.b[start:end], nil
}

// object calls field for each key of an object; field consumes the value.
func (s *scanner) object(field func(key []byte) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	if s.peek() == '}' {
		s.pos++
		return nil
	}
	for {
		if s.peek() != '"' {
			return s.fail("expected a key")
		}
		k, err := s.key()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := field(k); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return s.fail("expected ',' or '}'")
		}
	}
}

// array calls elem for each element of an array; elem consumes it.
func (s *scanner) array(elem func() error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	if s.peek() == ']' {
		s.pos++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return nil
		default:
			return s.fail("expected ',' or ']'")
		}
	}
}

// decoder reads one page for a stream's properties.
type decoder struct {
	scanner
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

func (d *decoder) page() (*page, error) {
	p := &page{}
	switch c := d.peek(); {
	case c == '{':
		err := d.object(func(k []byte) error {
			switch {
			case field(k, "results"):
				return d.results(p)
			case field(k, "paging"):
				return d.paging(p)
			}
			_, err := d.skip()
			return err
		})
		if err != nil {
			return nil, err
		}
	case d.null():
	case d.pos >= len(d.b):
		return nil, d.fail("no JSON value")
	default:
		return nil, d.typeError("the answer", "an object")
	}
	if d.peek(); d.pos < len(d.b) {
		return nil, d.fail("data after the answer")
	}
	return p, nil
}

func (d *decoder) paging(p *page) error {
	switch d.peek() {
	case 'n':
		if d.null() {
			return nil
		}
	case '{':
		return d.object(func(k []byte) error {
			if !field(k, "next") {
				_, err := d.skip()
				return err
			}
			switch d.peek() {
			case 'n':
				if d.null() {
					return nil
				}
			case '{':
				return d.object(func(k []byte) error {
					if !field(k, "after") {
						_, err := d.skip()
						return err
					}
					return d.strField(&p.Paging.Next.After, "paging.next.after")
				})
			}
			return d.typeError("paging.next", "an object")
		})
	}
	return d.typeError("paging", "an object")
}

// strField reads a string into dst; null leaves it as it was.
func (d *decoder) strField(dst *string, name string) error {
	switch d.peek() {
	case 'n':
		if d.null() {
			return nil
		}
	case '"':
		v, err := d.str()
		if err != nil {
			return err
		}
		*dst = v
		return nil
	}
	return d.typeError(name, "a string")
}

// results reads the results array. Like encoding/json, a repeated results
// key decodes into the elements the earlier one left (up to the slice's
// capacity), merging.
func (d *decoder) results(p *page) error {
	switch d.peek() {
	case 'n':
		if d.null() {
			p.Results = nil
			return nil
		}
	case '[':
		if p.Results == nil {
			p.Results = make([]object, 0, MaxPageSize)
		}
		rs := p.Results
		i := 0
		err := d.array(func() error {
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
	return d.typeError("results", "an array")
}

// object1 reads one record into o.
func (d *decoder) object1(o *object) error {
	switch d.peek() {
	case 'n':
		if d.null() {
			return nil
		}
	case '{':
		return d.object(func(k []byte) error {
			switch {
			case field(k, "id"):
				return d.strField(&o.ID, "id")
			case field(k, "properties"):
				return d.properties(o)
			case field(k, "updatedAt"):
				return d.timeField(&o.UpdatedAt, "updatedAt")
			case field(k, "archived"):
				switch d.peek() {
				case 'n':
					if d.null() {
						return nil
					}
				case 't':
					if d.literal("true") {
						o.Archived = true
						return nil
					}
				case 'f':
					if d.literal("false") {
						o.Archived = false
						return nil
					}
				}
				return d.typeError("archived", "a bool")
			case field(k, "archivedAt"):
				if d.null() {
					o.ArchivedAt = nil
					return nil
				}
				if o.ArchivedAt == nil {
					o.ArchivedAt = new(time.Time)
				}
				return d.timeField(o.ArchivedAt, "archivedAt")
			}
			_, err := d.skip()
			return err
		})
	}
	return d.typeError("a result", "an object")
}

// timeField reads a time as time.Time's UnmarshalJSON does; null leaves it
// as it was.
func (d *decoder) timeField(t *time.Time, name string) error {
	switch d.peek() {
	case 'n':
		if d.null() {
			return nil
		}
	case '"':
		start, end, _, err := d.rawString()
		if err != nil {
			return err
		}
		if v, ok := parseRFC3339(d.b[start:end]); ok {
			*t = v
			return nil
		}
		if err := t.UnmarshalJSON(d.b[start-1 : end+1]); err != nil {
			return fmt.Errorf("%s at byte %d: %w", name, start-1, err)
		}
		return nil
	}
	return d.typeError(name, "a string")
}

// properties reads a record's properties object; null clears them.
func (d *decoder) properties(o *object) error {
	switch d.peek() {
	case 'n':
		if d.null() {
			o.values = nil
			return nil
		}
	case '{':
		if o.values == nil {
			n := len(d.props)
			if len(d.slab) < n {
				d.slab = make([]propValue, n*MaxPageSize)
			}
			o.values, d.slab = d.slab[:n:n], d.slab[n:]
		}
		return d.object(func(k []byte) error {
			i := d.lookup(k)
			if i < 0 {
				_, err := d.skip()
				return err
			}
			return d.value(&o.values[i])
		})
	}
	return d.typeError("properties", "an object")
}

// lookup returns the index of the property named k, or -1.
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
	if n > 16 {
		if d.index == nil {
			d.index = make(map[string]int, n)
			for i, p := range d.props {
				d.index[p.name] = i
			}
		}
		if i, ok := d.index[string(k)]; ok {
			d.next = i + 1
			return i
		}
		return -1
	}
	for i := range d.props {
		if d.props[i].name == string(k) {
			d.next = i + 1
			return i
		}
	}
	return -1
}

// value reads a property value. A string without escapes is kept as
// written (as the former decoder did, invalid UTF-8 included).
func (d *decoder) value(v *propValue) error {
	switch c := d.peek(); {
	case c == '"':
		start, end, escaped, err := d.rawString()
		if err != nil {
			return err
		}
		if escaped {
			*v = propValue{text: string(unquote(d.b[start:end])), set: true}
		} else {
			*v = propValue{text: d.sub(start, end), set: true}
		}
		return nil
	case c == 'n' && d.null():
		*v = propValue{}
		return nil
	case c == '{' || c == '[':
		if _, err := d.skip(); err != nil {
			return err
		}
		*v = propValue{bad: true}
		return nil
	}
	b, err := d.skip()
	if err != nil {
		return err
	}
	*v = propValue{text: d.sub(d.pos-len(b), d.pos), set: true}
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
	num := func(i, j int) int {
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
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, sec := num(11, 13), num(14, 16), num(17, 19)
	if year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
		minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	nsec := 0
	if n > 20 {
		if b[19] != '.' || n == 21 {
			return time.Time{}, false
		}
		nsec = num(20, n-1)
		if nsec < 0 {
			return time.Time{}, false
		}
		for i := n - 21; i < 9; i++ {
			nsec *= 10
		}
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day { // past the month's end
		return time.Time{}, false
	}
	return t, true
}

package meta

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A small JSON reader for insights pages: encoding/json's reflection was
// most of a pull's CPU time. It reads exactly the page shape
// {"data":[{...}],"paging":{"next":...}} and skips, validating, anything
// else.

// scanner reads JSON from b.
type scanner struct {
	b      []byte
	pos    int
	intern map[string]any
}

var errSyntax = errors.New("invalid JSON")

func (s *scanner) fail(what string) error {
	return fmt.Errorf("%w: %s at byte %d", errSyntax, what, s.pos)
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

// peek returns the next non-space byte (0 at the end).
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

// str reads a string; the scanner must be at its opening quote.
func (s *scanner) str() (string, error) {
	if err := s.expect('"'); err != nil {
		return "", err
	}
	start := s.pos
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		switch {
		case c == '"':
			v := string(s.b[start:s.pos])
			s.pos++
			return v, nil
		case c == '\\':
			return s.strSlow(start)
		case c < 0x20:
			return "", s.fail("control character in string")
		}
		s.pos++
	}
	return "", s.fail("unterminated string")
}

// strSlow reads a string with escapes from start.
func (s *scanner) strSlow(start int) (string, error) {
	out := append([]byte(nil), s.b[start:s.pos]...)
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		switch {
		case c == '"':
			s.pos++
			return string(out), nil
		case c < 0x20:
			return "", s.fail("control character in string")
		case c != '\\':
			out = append(out, c)
			s.pos++
			continue
		}
		if s.pos+1 >= len(s.b) {
			break
		}
		e := s.b[s.pos+1]
		s.pos += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
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
			r, ok := s.hex4()
			if !ok {
				return "", s.fail("bad \\u escape")
			}
			if utf16.IsSurrogate(r) {
				save := s.pos
				if s.pos+1 < len(s.b) && s.b[s.pos] == '\\' && s.b[s.pos+1] == 'u' {
					s.pos += 2
					if r2, ok := s.hex4(); ok {
						if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
							out = utf8.AppendRune(out, d)
							continue
						}
					}
				}
				s.pos = save
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", s.fail("bad escape")
		}
	}
	return "", s.fail("unterminated string")
}

func (s *scanner) hex4() (rune, bool) {
	if s.pos+4 > len(s.b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(s.b[s.pos:s.pos+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	s.pos += 4
	return rune(n), true
}

// skip consumes any value and returns its bytes.
func (s *scanner) skip() ([]byte, error) {
	c := s.peek()
	start := s.pos
	switch {
	case c == '"':
		if _, err := s.str(); err != nil {
			return nil, err
		}
	case c == '{':
		s.pos++
		if s.peek() == '}' {
			s.pos++
			break
		}
		for {
			if _, err := s.str(); err != nil {
				return nil, err
			}
			if err := s.expect(':'); err != nil {
				return nil, err
			}
			if _, err := s.skip(); err != nil {
				return nil, err
			}
			if s.peek() == ',' {
				s.pos++
				continue
			}
			if err := s.expect('}'); err != nil {
				return nil, err
			}
			break
		}
	case c == '[':
		s.pos++
		if s.peek() == ']' {
			s.pos++
			break
		}
		for {
			if _, err := s.skip(); err != nil {
				return nil, err
			}
			if s.peek() == ',' {
				s.pos++
				continue
			}
			if err := s.expect(']'); err != nil {
				return nil, err
			}
			break
		}
	case c == '-' || c >= '0' && c <= '9':
		for s.pos < len(s.b) && (s.b[s.pos] == '-' || s.b[s.pos] == '+' || s.b[s.pos] == '.' ||
			s.b[s.pos] == 'e' || s.b[s.pos] == 'E' || s.b[s.pos] >= '0' && s.b[s.pos] <= '9') {
			s.pos++
		}
		if !json.Valid(s.b[start:s.pos]) {
			return nil, s.fail("bad number")
		}
	case s.literal("null"), s.literal("true"), s.literal("false"):
	default:
		return nil, s.fail("unexpected character")
	}
	return s.b[start:s.pos], nil
}

// key reads an object key; a key without escapes is not copied.
func (s *scanner) key() ([]byte, error) {
	if err := s.expect('"'); err != nil {
		return nil, err
	}
	start := s.pos
	for s.pos < len(s.b) {
		switch c := s.b[s.pos]; {
		case c == '"':
			s.pos++
			return s.b[start : s.pos-1], nil
		case c == '\\' || c < 0x20:
			s.pos = start - 1
			v, err := s.str()
			return []byte(v), err
		}
		s.pos++
	}
	return nil, s.fail("unterminated string")
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
		if s.peek() == ',' {
			s.pos++
			continue
		}
		return s.expect('}')
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
		if s.peek() == ',' {
			s.pos++
			continue
		}
		return s.expect(']')
	}
}

// optStr reads a string or null (nil).
func (s *scanner) optStr() (*string, error) {
	if s.peek() == 'n' && s.literal("null") {
		return nil, nil
	}
	v, err := s.str()
	return &v, err
}

// maxIntern bounds the distinct values one scanner interns.
const maxIntern = 4096

// text reads a string or null as an any, boxing each distinct value once
// (ids and names repeat across the rows of a page).
func (s *scanner) text() (any, error) {
	switch s.peek() {
	case 'n':
		if s.literal("null") {
			return nil, nil
		}
	case '"':
		start := s.pos + 1
		end := start
		for end < len(s.b) && s.b[end] != '"' && s.b[end] != '\\' && s.b[end] >= 0x20 {
			end++
		}
		if end < len(s.b) && s.b[end] == '"' {
			if v, ok := s.intern[string(s.b[start:end])]; ok {
				s.pos = end + 1
				return v, nil
			}
		}
	}
	v, err := s.str()
	if err != nil {
		return nil, err
	}
	var boxed any = v
	if s.intern == nil {
		s.intern = map[string]any{}
	}
	if len(s.intern) < maxIntern {
		s.intern[v] = boxed
	}
	return boxed, nil
}

// parsePage reads one insights page; raw, when set, also keeps every
// field's raw value per row (for extra fields).
func parsePage(body []byte, raw bool) (page, []map[string]json.RawMessage, error) {
	var p page
	var raws []map[string]json.RawMessage
	s := &scanner{b: body}
	sawData := false
	err := s.object(func(k []byte) error {
		switch string(k) {
		case "data":
			if s.peek() == 'n' && s.literal("null") {
				return nil
			}
			sawData = true
			p.Data = make([]row, 0, 64)
			return s.array(func() error {
				var r row
				var m map[string]json.RawMessage
				if raw {
					m = map[string]json.RawMessage{}
				}
				if err := s.row(&r, m); err != nil {
					return err
				}
				p.Data = append(p.Data, r)
				if raw {
					raws = append(raws, m)
				}
				return nil
			})
		case "paging":
			if s.peek() == 'n' && s.literal("null") {
				return nil
			}
			return s.object(func(k []byte) error {
				if string(k) != "next" {
					_, err := s.skip()
					return err
				}
				var err error
				p.Next, err = s.strOrNull()
				return err
			})
		}
		_, err := s.skip()
		return err
	})
	if err == nil && s.peek() != 0 {
		err = s.fail("data after the page")
	}
	if err != nil {
		return page{}, nil, err
	}
	if !sawData {
		p.Data = nil
	}
	return p, raws, nil
}

// row reads one insights row.
func (s *scanner) row(r *row, raw map[string]json.RawMessage) error {
	return s.object(func(k []byte) error {
		var err error
		var txt *any
		var num *json.RawMessage
		switch string(k) {
		case "date_start":
			r.DateStart, err = s.internStr()
			return err
		case "date_stop":
			r.DateStop, err = s.internStr()
			return err
		case "ad_id":
			if r.AdIDAny, err = s.text(); err == nil && r.AdIDAny != nil {
				r.AdID = r.AdIDAny.(string)
			}
			return err
		case "account_currency":
			txt = &r.Currency
		case "campaign_id":
			txt = &r.CampaignID
		case "campaign_name":
			txt = &r.CampaignName
		case "adset_id":
			txt = &r.AdsetID
		case "ad_name":
			txt = &r.AdName
		case "impressions":
			num = &r.Impressions
		case "reach":
			num = &r.Reach
		case "clicks":
			num = &r.Clicks
		case "spend":
			num = &r.Spend
		case "actions":
			r.Actions, err = s.actions()
			return err
		case "action_values":
			r.ActionValues, err = s.actions()
			return err
		}
		if txt != nil {
			*txt, err = s.text()
			return err
		}
		v, err := s.skip()
		if err != nil {
			return err
		}
		if num != nil {
			*num = v
		}
		if raw != nil {
			raw[string(k)] = v
		}
		return nil
	})
}

// internStr reads a string or null ("") through the intern table.
func (s *scanner) internStr() (string, error) {
	v, err := s.text()
	if v == nil {
		return "", err
	}
	return v.(string), err
}

func (s *scanner) strOrNull() (string, error) {
	p, err := s.optStr()
	if p == nil {
		return "", err
	}
	return *p, err
}

// actions reads [{"action_type":..,"value":..}, ...].
func (s *scanner) actions() ([]action, error) {
	if s.peek() == 'n' && s.literal("null") {
		return nil, nil
	}
	var out []action
	err := s.array(func() error {
		var a action
		err := s.object(func(k []byte) error {
			var err error
			switch string(k) {
			case "action_type":
				a.Type, err = s.internStr()
			case "value":
				if c := s.peek(); c == '"' || c == 'n' {
					a.Value, err = s.strOrNull()
				} else {
					var v []byte
					v, err = s.skip()
					a.Value = string(v)
				}
			default:
				_, err = s.skip()
			}
			return err
		})
		out = append(out, a)
		return err
	})
	return out, err
}

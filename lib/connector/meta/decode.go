package meta

import (
	"encoding/json"

	"github.com/segmint/segmint/lib/jsonscan"
)

// A small JSON reader for insights pages: encoding/json's reflection was
// most of a pull's CPU time. It reads exactly the page shape
// {"data":[{...}],"paging":{"next":...}} and skips, validating, anything
// else.

// scanner reads JSON, interning repeated values.
type scanner struct {
	jsonscan.Scanner
	intern map[string]any
}

// maxIntern bounds the distinct values one scanner interns.
const maxIntern = 4096

// text reads a string or null as an any, boxing each distinct value once
// (ids and names repeat across the rows of a page).
func (s *scanner) text() (any, error) {
	switch s.Peek() {
	case 'n':
		if s.Literal("null") {
			return nil, nil
		}
	case '"':
		if v, ok := s.interned(); ok {
			return v, nil
		}
	}
	v, err := s.Str()
	if err != nil {
		return nil, err
	}
	return s.box(v), nil
}

// interned consumes the string at Pos if it is plain (no escapes) and
// interned: its boxed value, and whether it was.
func (s *scanner) interned() (any, bool) {
	start := s.Pos + 1
	end := start
	for end < len(s.B) && s.B[end] != '"' && s.B[end] != '\\' && s.B[end] >= 0x20 {
		end++
	}
	if end < len(s.B) && s.B[end] == '"' {
		if v, ok := s.intern[string(s.B[start:end])]; ok {
			s.Pos = end + 1
			return v, true
		}
	}
	return nil, false
}

// box boxes v, interning it while the table has room.
func (s *scanner) box(v string) any {
	var boxed any = v
	if s.intern == nil {
		s.intern = map[string]any{}
	}
	if len(s.intern) < maxIntern {
		s.intern[v] = boxed
	}
	return boxed
}

// parsePage reads one insights page; raw, when set, also keeps every
// field's raw value per row (for extra fields).
func parsePage(body []byte, raw bool) (page, []map[string]json.RawMessage, error) {
	pr := &pageReader{scanner: scanner{Scanner: jsonscan.Scanner{B: body}}, keepRaw: raw}
	err := pr.Object(pr.field)
	if err == nil {
		// Peek skips white space; it returns 0 both at the end and on a NUL
		// byte, so the position tells them apart.
		if pr.Peek(); pr.Pos < len(pr.B) {
			err = pr.Fail("data after the page")
		}
	}
	if err != nil {
		return page{}, nil, err
	}
	if !pr.sawData {
		pr.p.Data = nil
	}
	return pr.p, pr.raws, nil
}

// pageReader reads one insights page into p.
type pageReader struct {
	scanner
	keepRaw bool // keep every field's raw value per row in raws
	p       page
	raws    []map[string]json.RawMessage
	sawData bool
}

// field reads the value of the page's key k.
func (pr *pageReader) field(k []byte) error {
	switch string(k) {
	case "data":
		if pr.Null() {
			return nil
		}
		pr.sawData = true
		pr.p.Data = make([]row, 0, 64)
		return pr.Array(pr.element)
	case "paging":
		if pr.Null() {
			return nil
		}
		return pr.Object(pr.pagingField)
	}
	_, err := pr.Skip()
	return err
}

// element reads one row of the data array.
func (pr *pageReader) element() error {
	var r row
	var m map[string]json.RawMessage
	if pr.keepRaw {
		m = map[string]json.RawMessage{}
	}
	if err := pr.row(&r, m); err != nil {
		return err
	}
	pr.p.Data = append(pr.p.Data, r)
	if pr.keepRaw {
		pr.raws = append(pr.raws, m)
	}
	return nil
}

// pagingField reads the value of the paging object's key k, of which only
// next matters.
func (pr *pageReader) pagingField(k []byte) error {
	if string(k) != "next" {
		_, err := pr.Skip()
		return err
	}
	var err error
	pr.p.Next, err = pr.strOrNull()
	return err
}

// row reads one insights row.
func (s *scanner) row(r *row, raw map[string]json.RawMessage) error {
	return s.Object(func(k []byte) error {
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
		v, err := s.Skip()
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

// strOrNull reads a string or null ("").
func (s *scanner) strOrNull() (string, error) {
	if s.Null() {
		return "", nil
	}
	return s.Str()
}

// actions reads [{"action_type":..,"value":..}, ...].
func (s *scanner) actions() ([]action, error) {
	if s.Null() {
		return nil, nil
	}
	var out []action
	err := s.Array(func() error {
		a, err := s.action()
		out = append(out, a)
		return err
	})
	return out, err
}

// action reads one {"action_type":..,"value":..}: the action, as far as
// it was read when it fails.
func (s *scanner) action() (action, error) {
	var a action
	err := s.Object(func(k []byte) error {
		var err error
		switch string(k) {
		case "action_type":
			a.Type, err = s.internStr()
		case "value":
			a.Value, err = s.actionText()
		default:
			_, err = s.Skip()
		}
		return err
	})
	return a, err
}

// actionText reads an action's value: a string or null as it is, another
// value as its JSON text.
func (s *scanner) actionText() (string, error) {
	if c := s.Peek(); c == '"' || c == 'n' {
		return s.strOrNull()
	}
	v, err := s.Skip()
	return string(v), err
}

package jsonscan

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestStrMatchesEncodingJSON: strings decode as encoding/json decodes them.
func TestStrMatchesEncodingJSON(t *testing.T) {
	for _, in := range []string{`"plain"`, `"a\"b\\c\/d"`, `"\n\t\r\b\f"`, `"\u00e9\u20ac"`, `"\ud83d\ude00"`,
		`"\ud83d x"`, "\"bad \xff utf8\"", `""`} {
		for _, share := range []bool{false, true} {
			s := &Scanner{B: []byte(in), ShareInput: share}
			got, err := s.Str()
			var want string
			if jerr := json.Unmarshal([]byte(in), &want); jerr != nil || err != nil || got != want {
				t.Errorf("Str(%s) = %q, %v; encoding/json %q, %v", in, got, err, want, jerr)
			}
		}
	}
}

// TestSkipValidates: Skip consumes exactly one valid value and refuses
// what encoding/json refuses.
func TestSkipValidates(t *testing.T) {
	for _, c := range []struct {
		in  string
		ok  bool
		end int
	}{
		{`{"a":[1,2.5e3,-0,true,null,{"b":"c"}]} rest`, true, 38},
		{`[]`, true, 2},
		{`{"a":}`, false, 0},
		{`[1,]`, false, 0},
		{`01`, false, 0},
		{`"\q"`, false, 0},
		{`tru`, false, 0},
	} {
		s := &Scanner{B: []byte(c.in)}
		_, err := s.Skip()
		if (err == nil) != c.ok || c.ok && s.Pos != c.end {
			t.Errorf("Skip(%s): err %v at %d", c.in, err, s.Pos)
		}
		if err != nil && !errors.Is(err, ErrSyntax) {
			t.Errorf("Skip(%s): %v is not ErrSyntax", c.in, err)
		}
	}
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\r", "\x00\x1f ctrl", "héllo wörld ✓", "bad \xff utf8", "<a&b>"} {
		var got any
		if err := json.Unmarshal(AppendString(nil, s), &got); err != nil {
			t.Errorf("%q: %v", s, err)
			continue
		}
		want := strings.ToValidUTF8(s, "\ufffd")
		if got != want {
			t.Errorf("%q decodes to %q", s, got)
		}
	}
}

// Package jsonscan is a small JSON scanner for the connectors' hot paths:
// it walks a page already in memory, hands keys and values to callbacks,
// and skips, validating, whatever the caller does not read. Strings decode
// as encoding/json decodes them (escapes, surrogate pairs, invalid UTF-8 as
// U+FFFD), so that a hand-written page reader can promise to read what
// json.Unmarshal would.
package jsonscan

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// ErrSyntax marks input that is not valid JSON.
var ErrSyntax = errors.New("invalid JSON")

// Scanner reads JSON from B; Pos is the next byte to read.
type Scanner struct {
	B   []byte
	Pos int
	// ShareInput makes Str return substrings of one copy of B, made on
	// first use, instead of a copy per string: many short values then cost
	// no allocation each, but every string keeps the whole copy alive.
	ShareInput bool
	src        string
}

// Fail reports a syntax error at the current position.
func (s *Scanner) Fail(what string) error {
	if s.Pos >= len(s.B) {
		return fmt.Errorf("%w: %s at byte %d (the end of the input)", ErrSyntax, what, s.Pos)
	}
	return fmt.Errorf("%w: %s at byte %d", ErrSyntax, what, s.Pos)
}

// TypeError reports a valid value of the wrong JSON type for field; the
// scanner is at the value.
func (s *Scanner) TypeError(field, want string) error {
	at := s.Pos
	if _, err := s.Skip(); err != nil {
		return err
	}
	return fmt.Errorf("%s: want %s, got %s at byte %d", field, want, Kind(s.B[at]), at)
}

// Kind names the JSON type of a value starting with c.
func Kind(c byte) string {
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

// WS skips white space.
func (s *Scanner) WS() {
	for s.Pos < len(s.B) {
		switch s.B[s.Pos] {
		case ' ', '\t', '\n', '\r':
			s.Pos++
		default:
			return
		}
	}
}

// Peek returns the next non-space byte (0 at the end; check Pos to tell
// it from a NUL byte).
func (s *Scanner) Peek() byte {
	s.WS()
	if s.Pos >= len(s.B) {
		return 0
	}
	return s.B[s.Pos]
}

// Expect consumes c or fails.
func (s *Scanner) Expect(c byte) error {
	if s.Peek() != c {
		return s.Fail("expected " + strconv.QuoteRune(rune(c)))
	}
	s.Pos++
	return nil
}

// Literal consumes null, true or false.
func (s *Scanner) Literal(word string) bool {
	if len(s.B)-s.Pos >= len(word) && string(s.B[s.Pos:s.Pos+len(word)]) == word {
		s.Pos += len(word)
		return true
	}
	return false
}

// Null consumes a null if one is next.
func (s *Scanner) Null() bool {
	return s.Peek() == 'n' && s.Literal("null")
}

// Sub returns B[i:j] as a string (shared with other strings when
// ShareInput is set).
func (s *Scanner) Sub(i, j int) string {
	if !s.ShareInput {
		return string(s.B[i:j])
	}
	if s.src == "" {
		s.src = string(s.B)
	}
	return s.src[i:j]
}

// RawString reads a string without decoding it: it returns the bytes
// between the quotes and whether they hold an escape. The scanner must be
// at the opening quote.
func (s *Scanner) RawString() (start, end int, escaped bool, err error) {
	if err := s.Expect('"'); err != nil {
		return 0, 0, false, err
	}
	start = s.Pos
	for s.Pos < len(s.B) {
		switch c := s.B[s.Pos]; {
		case c == '"':
			s.Pos++
			return start, s.Pos - 1, escaped, nil
		case c == '\\':
			if err := s.escape(); err != nil {
				return 0, 0, false, err
			}
			escaped = true
		case c < 0x20:
			return 0, 0, false, s.Fail("control character in string")
		default:
			s.Pos++
		}
	}
	return 0, 0, false, s.Fail("unterminated string")
}

// escape consumes the escape at Pos, its backslash, checking it.
func (s *Scanner) escape() error {
	if s.Pos+1 >= len(s.B) {
		s.Pos++
		return s.Fail("unterminated string")
	}
	switch s.B[s.Pos+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.Pos += 2
	case 'u':
		if s.Pos += 2; s.Pos+4 > len(s.B) || hexRune(s.B[s.Pos:s.Pos+4]) < 0 {
			s.Pos -= 2
			return s.Fail(`bad \u escape`)
		}
		s.Pos += 4
	default:
		return s.Fail("bad escape")
	}
	return nil
}

// Str reads a string as encoding/json does: escapes decoded, and invalid
// UTF-8 replaced by U+FFFD.
func (s *Scanner) Str() (string, error) {
	start, end, escaped, err := s.RawString()
	if err != nil {
		return "", err
	}
	if !escaped && validUTF8(s.B[start:end]) {
		return s.Sub(start, end), nil
	}
	return string(Unquote(s.B[start:end])), nil
}

// validUTF8 is utf8.Valid with a shortcut for the usual all-ASCII string.
func validUTF8(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return utf8.Valid(b)
		}
	}
	return true
}

// Unquote decodes the inside of a string already checked by RawString.
func Unquote(b []byte) []byte {
	out := make([]byte, 0, len(b)+8)
	for i := 0; i < len(b); {
		switch c := b[i]; {
		case c == '\\' && b[i+1] == 'u':
			out, i = appendUnicode(out, b, i+2)
		case c == '\\':
			out, i = append(out, unescape(b[i+1])), i+2
		case c < utf8.RuneSelf:
			out, i = append(out, c), i+1
		default:
			r, n := utf8.DecodeRune(b[i:])
			out, i = utf8.AppendRune(out, r), i+n
		}
	}
	return out
}

// unescape is the byte the one-letter escape \e stands for.
func unescape(e byte) byte {
	switch e {
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return e // " \ /
}

// appendUnicode appends the rune of the \u escape whose hex digits start
// at b[i], joined with the \u escape of the low half when it is the high
// half of a surrogate pair (U+FFFD for a lone half): out and the index
// after the escapes read.
func appendUnicode(out, b []byte, i int) ([]byte, int) {
	r := hexRune(b[i : i+4])
	i += 4
	if !utf16.IsSurrogate(r) {
		return utf8.AppendRune(out, r), i
	}
	r2 := rune(-1)
	if i+6 <= len(b) && b[i] == '\\' && b[i+1] == 'u' {
		r2 = hexRune(b[i+2 : i+6])
	}
	if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
		return utf8.AppendRune(out, d), i + 6
	}
	return utf8.AppendRune(out, utf8.RuneError), i
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

// Skip consumes any value and returns its bytes.
func (s *Scanner) Skip() ([]byte, error) {
	c := s.Peek()
	start := s.Pos
	var err error
	switch {
	case c == '"':
		_, _, _, err = s.RawString()
	case c == '{':
		err = s.Object(func([]byte) error {
			_, err := s.Skip()
			return err
		})
	case c == '[':
		err = s.Array(func() error {
			_, err := s.Skip()
			return err
		})
	case c == '-' || c >= '0' && c <= '9':
		err = s.skipNumber()
	case s.Pos < len(s.B) && (s.Literal("null") || s.Literal("true") || s.Literal("false")):
	default:
		err = s.Fail("unexpected character")
	}
	if err != nil {
		return nil, err
	}
	return s.B[start:s.Pos], nil
}

// skipNumber consumes the number at Pos, checking it.
func (s *Scanner) skipNumber() error {
	start := s.Pos
	for s.Pos < len(s.B) && (s.B[s.Pos] == '-' || s.B[s.Pos] == '+' || s.B[s.Pos] == '.' ||
		s.B[s.Pos] == 'e' || s.B[s.Pos] == 'E' || s.B[s.Pos] >= '0' && s.B[s.Pos] <= '9') {
		s.Pos++
	}
	if !json.Valid(s.B[start:s.Pos]) {
		return s.Fail("bad number")
	}
	return nil
}

// Key reads an object key; a key without escapes is not copied.
func (s *Scanner) Key() ([]byte, error) {
	start, end, escaped, err := s.RawString()
	if err != nil {
		return nil, err
	}
	if escaped {
		return Unquote(s.B[start:end]), nil
	}
	return s.B[start:end], nil
}

// Object calls field for each key of an object; field consumes the value.
func (s *Scanner) Object(field func(key []byte) error) error {
	more, err := s.open('{', '}')
	for more && err == nil {
		if err = s.member(field); err == nil {
			more, err = s.next('}')
		}
	}
	return err
}

// member reads one member of an object: its key and colon, then its value
// with field.
func (s *Scanner) member(field func(key []byte) error) error {
	if s.Peek() != '"' {
		return s.Fail("expected a key")
	}
	k, err := s.Key()
	if err != nil {
		return err
	}
	if err := s.Expect(':'); err != nil {
		return err
	}
	return field(k)
}

// Array calls elem for each element of an array; elem consumes it.
func (s *Scanner) Array(elem func() error) error {
	more, err := s.open('[', ']')
	for more && err == nil {
		if err = elem(); err == nil {
			more, err = s.next(']')
		}
	}
	return err
}

// open consumes the opening byte of an object or array, and its closing
// byte when it is empty: whether members or elements follow.
func (s *Scanner) open(opening, closing byte) (bool, error) {
	if err := s.Expect(opening); err != nil {
		return false, err
	}
	if s.Peek() == closing {
		s.Pos++
		return false, nil
	}
	return true, nil
}

// next consumes the comma or the closing byte after a member or element:
// whether another follows.
func (s *Scanner) next(closing byte) (bool, error) {
	switch s.Peek() {
	case ',':
		s.Pos++
		return true, nil
	case closing:
		s.Pos++
		return false, nil
	}
	return false, s.Fail("expected ',' or '" + string(closing) + "'")
}

// AppendString appends s as a JSON string that decodes to what
// encoding/json's encoding of s decodes to (invalid UTF-8 as \ufffd). The
// bytes differ from json.Marshal's: <, >, & and U+2028/U+2029 are not
// escaped, and \b, \f are written \u0008, \u000c. It is the writer side,
// for the fakes of the APIs the scanner reads.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			if r, size := utf8.DecodeRuneInString(s[i:]); r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
		}
		b = appendEscaped(append(b, s[start:i]...), c)
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendEscaped appends the escape of the byte c, which a JSON string
// cannot hold as it is: a quote, a backslash, a control character, or a
// byte of invalid UTF-8 (as \ufffd).
func appendEscaped(b []byte, c byte) []byte {
	const hex = "0123456789abcdef"
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	if c >= utf8.RuneSelf {
		return append(b, `\ufffd`...)
	}
	return append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
}

package audiencefile

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/segmint/segmint/lib/normalize"
)

// Person is one customer's raw identifiers, as a source holds them. Any
// field may be empty. Country is a country name or an ISO 3166-1 code in
// any spelling normalize.Countries knows ("United Kingdom", "GB", "gbr",
// "U.K."); State is a state or province name or code. City and State go
// only into Meta files: Google's Customer Match file has no such columns.
type Person struct {
	Email, Phone        string
	FirstName, LastName string
	City, State, Zip    string
	Country             string
}

// Encoder turns a Person into one row of a Format. Build it with
// NewEncoder; it is read-only afterwards and safe for concurrent use.
type Encoder struct {
	format    Format
	region    string
	countries *normalize.Countries
	states    map[string]stateName // by folded name
}

// NewEncoder returns an Encoder for f. defaultRegion (an ISO 3166-1 alpha-2
// code, any case, or "") is the region a phone number written without a
// country code is read in when the person's own country does not make it a
// valid number; with "" such numbers are dropped.
//
// It fails for a zero or unknown Format and for a defaultRegion that
// normalize.PhoneRegionSupported refuses.
func NewEncoder(f Format, defaultRegion string) (*Encoder, error) {
	if !f.valid() {
		return nil, fmt.Errorf("new audience encoder: unknown format %d", int(f))
	}
	if defaultRegion != "" && !normalize.PhoneRegionSupported(defaultRegion) {
		return nil, fmt.Errorf("new %s audience encoder: default phone region %q is not supported", f, defaultRegion)
	}
	return &Encoder{
		format: f, region: strings.ToUpper(defaultRegion),
		countries: normalize.NewCountries(), states: stateIndex(),
	}, nil
}

// Format is the format e writes.
func (e *Encoder) Format() Format { return e.format }

// Row returns p as a row of e's format, its cells in the order of
// Format.Header: hashed columns hold the lower-case hex SHA-256 of the
// normalised value, or "" when the raw value is empty or does not
// normalise; plain columns hold the normalised value or "".
//
// ok is false, and row nil, when p has none of the identifiers the
// platform matches on:
//   - Google: an e-mail address, a phone number, or all four of first
//     name, last name, country and zip (Google's mailing-address match);
//   - Meta: an e-mail address or a phone number. Meta's documents list
//     names, city, state, zip and country as identifiers but say nothing
//     of which combination matches a person without e-mail or phone, so a
//     row needs one of the two.
//
// A phone number written without its country code is read as a number of
// p's country, and when that fails (no country, or not a valid number
// there) as one of the Encoder's default region.
func (e *Encoder) Row(p Person) (row []string, ok bool) {
	if e.format == Meta {
		return e.metaRow(p)
	}
	return e.googleRow(p)
}

// country returns the ISO 3166-1 alpha-2 code (upper case) of the country
// raw names, or "" when it names no single ISO country.
func (e *Encoder) country(raw string) string {
	c, ok := e.countries.Lookup(raw)
	if !ok {
		return ""
	}
	return c.Code
}

// phone returns raw in E.164 ("+447400436044"), read in the person's
// country cc first and then in the default region, or "". A number written
// with its "+" or international prefix reads the same in any region, even
// "" (normalize.Phone).
func (e *Encoder) phone(raw, cc string) string {
	for _, region := range []string{cc, e.region} {
		if n, ok := normalize.Phone(raw, region); ok {
			return n
		}
	}
	return ""
}

// hashed returns the SHA-256 hex of each value, "" for an empty value.
func hashed(values ...string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		if v != "" {
			out[i] = normalize.Hash(v)
		}
	}
	return out
}

// fold lower-cases s, removes every rune but letters (with their combining
// marks) and white space, and joins the remaining words with sep: names
// lose their punctuation ("O'Brien" -> "obrien", "Jean-Luc" -> "jeanluc")
// and keep their accents and scripts ("Valéry" -> "valéry", "정"). Digits
// go too: Meta asks for letters only in names and cities, and a digit in a
// name is a data-entry error, not part of the name.
func fold(s, sep string) string {
	return squeeze(strings.ToLower(s), sep, isLetter)
}

// squeeze keeps the runes of s that keep accepts and joins the words they
// form, split at white space, with sep.
func squeeze(s, sep string, keep func(rune) bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case keep(r):
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), sep)
}

func isLetter(r rune) bool { return unicode.IsLetter(r) || unicode.IsMark(r) }

// isASCIIAlnum accepts ASCII letters and digits: postal codes are made of
// nothing else besides spaces and hyphens.
func isASCIIAlnum(r rune) bool {
	return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// isZipRune accepts what postal codes are written with besides spaces.
func isZipRune(r rune) bool { return isASCIIAlnum(r) || r == '-' }

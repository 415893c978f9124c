package audiencefile

import (
	"strings"

	"github.com/segmint/segmint/lib/normalize"
)

// metaRow is Row for format Meta: every column hashed (see the package
// comment for sources).
func (e *Encoder) metaRow(p Person) ([]string, bool) {
	cc := e.country(p.Country)
	email, _ := normalize.Email(p.Email) // trimmed and lower-cased, as Meta asks
	phone := strings.TrimPrefix(e.phone(p.Phone, cc), "+")
	if email == "" && phone == "" {
		return nil, false
	}
	return hashed(email, phone, fold(p.FirstName, ""), fold(p.LastName, ""),
		fold(p.City, ""), e.metaState(p.State, cc), metaZip(p.Zip, cc), strings.ToLower(cc)), true
}

// metaState returns a state as Meta asks: a U.S. state (or Canadian
// province) named in full becomes its two-letter code when the person's
// country is that country or unknown; anything else is lower-cased with
// punctuation and white space removed ("CA" -> "ca", "California" -> "ca",
// "Île-de-France" in FR -> "îledefrance").
func (e *Encoder) metaState(raw, cc string) string {
	s := fold(raw, "")
	if st, ok := e.states[s]; ok && (cc == "" || cc == st.country) {
		return st.code
	}
	return s
}

// metaZip returns a postal code lower-cased without white space or hyphens
// ("M1 1AE" -> "m11ae"), cut to its first five digits in the U.S.
// ("94035-1234" -> "94035").
func metaZip(raw, cc string) string {
	z := squeeze(strings.ToLower(raw), "", isASCIIAlnum)
	if cc == "US" && len(z) >= 5 && strings.Trim(z[:5], "0123456789") == "" {
		return z[:5]
	}
	return z
}

package normalize

import (
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// Phone returns raw as an E.164 number ("+442079460018"), reading a number
// written without a country code as a number of defaultRegion (an ISO
// 3166-1 alpha-2 code such as "GB", any case; see PhoneRegionSupported).
//
// The parsing and the validity check are those of Google's libphonenumber
// through its Go port github.com/nyaruka/phonenumbers, with its metadata of
// every region's number ranges. Accepted spellings include spaces, dashes,
// dots, slashes, parentheses, a leading "+" or international prefix ("00",
// "011" in North America), a national trunk prefix ("020 ...", "0 30 ...")
// and the British habit "+44 (0) 20 ...".
//
// ok is false when raw
//   - holds anything but ASCII digits, white space and - . / ( ) and dashes
//     (U+2010..U+2015, U+2212), or a "+" anywhere but first: letters are
//     refused, so are vanity numbers ("0800 FLOWERS") and extensions
//     ("x12", "ext. 12"), because E.164 cannot carry an extension and the
//     main number of a switchboard would link everybody behind it;
//   - has no country code and defaultRegion is not a supported region;
//   - is not a valid number by libphonenumber (wrong length, unassigned
//     range; the UK's fiction range 07700 900xxx, for one, is invalid);
//   - has more than 15 digits with its country code, which E.164 does not
//     allow though libphonenumber's metadata admits some such numbers
//     (German "21000000000000" would be +49 and 14 digits).
//
// Phone is idempotent: Phone(out, any region) returns out, true for every
// ok output. It never panics: a panic inside the library is recovered and
// reported as ok=false.
func Phone(raw, defaultRegion string) (e164 string, ok bool) {
	s := strings.TrimSpace(raw)
	if s == "" || !phoneChars(s) {
		return "", false
	}
	defer func() {
		if recover() != nil {
			e164, ok = "", false
		}
	}()
	n, err := phonenumbers.Parse(s, strings.ToUpper(defaultRegion))
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", false
	}
	out := phonenumbers.Format(n, phonenumbers.E164)
	if len(out) > MaxE164Len {
		return "", false // libphonenumber accepts a few longer German numbers
	}
	return out, true
}

// MaxE164Len is the longest string Phone returns: "+" and at most 15 digits,
// the ITU-T E.164 limit.
const MaxE164Len = 16

// phoneChars reports whether s holds only the characters Phone accepts, with
// at most one "+" and only at the start, and at least one digit.
func phoneChars(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+':
			if i != 0 {
				return false
			}
		case unicode.IsSpace(r), strings.ContainsRune("-./()", r),
			r >= '\u2010' && r <= '\u2015', r == '\u2212':
		default:
			return false
		}
	}
	return digits > 0
}

// PhoneRegionSupported reports whether region (an ISO 3166-1 alpha-2 code,
// any case) is a region Phone can read national numbers for. A config's
// default phone region should be checked with it before any data is read.
func PhoneRegionSupported(region string) bool {
	return phonenumbers.GetSupportedRegions()[strings.ToUpper(region)]
}

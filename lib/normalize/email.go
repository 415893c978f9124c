package normalize

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxEmailLen is the longest normalised address Email accepts, in bytes
// (the 254-octet limit of a forward path in RFC 5321 less its brackets).
const MaxEmailLen = 254

// Email returns raw as a normalised e-mail address: surrounding white space
// removed (unicode.IsSpace) and the whole address lower-cased
// (strings.ToLower, local part included, as ad platforms hash it).
//
// ok is false when raw is not an address: not valid UTF-8; not exactly one
// "@"; an empty local part or domain; white space, a control character or
// one of the specials ( ) , : ; < > [ ] \ " anywhere; a domain without a dot
// or with an empty label (leading, trailing or doubled dot); more than
// MaxEmailLen bytes.
//
// Nothing else is rewritten: plus-tags ("ann+news@x.com") and dots in the
// local part are kept as they are, so "ann+news@x.com", "ann@x.com" and
// "a.nn@gmail.com" are three identifiers. Stripping them is a provider
// rule (Gmail ignores dots, many ignore +tags) that does not hold for every
// domain, and a false link is worse than a missed one.
//
// Email is idempotent: Email(out) returns out, true for every ok output.
func Email(raw string) (string, bool) {
	s := strings.TrimSpace(raw)
	if s == "" || !utf8.ValidString(s) {
		return "", false
	}
	s = strings.ToLower(s)
	if len(s) > MaxEmailLen {
		return "", false
	}
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') {
		return "", false
	}
	if strings.ContainsFunc(s, forbiddenInEmail) || !validDomain(s[at+1:]) {
		return "", false
	}
	return s, true
}

func forbiddenInEmail(r rune) bool {
	if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError {
		return true
	}
	return strings.ContainsRune(`(),:;<>[]\"`, r)
}

// validDomain reports whether d has at least two labels and none is empty.
func validDomain(d string) bool {
	if !strings.Contains(d, ".") {
		return false
	}
	for label := range strings.SplitSeq(d, ".") {
		if label == "" {
			return false
		}
	}
	return true
}

// Hash returns the lower-case hexadecimal SHA-256 of the bytes of
// normalised, the form DESIGN.md (Privacy) publishes identifiers in and ad
// platforms match customer lists on. Pass the output of Email or Phone:
// Hash does not normalise, so Hash(" Ann@X.com") differs from
// Hash("ann@x.com").
//
// What the platforms expect, as their docs say:
//   - Google Ads Customer Match and enhanced conversions: trim, lower-case,
//     phone numbers in E.164 with the leading "+", then SHA-256 hex
//     (developers.google.com/google-ads/api/docs/remarketing/audience-types/customer-match,
//     developers.google.com/google-ads/api/docs/conversions/enhance-conversions).
//     Campaign Manager 360 additionally drops the dots before @gmail.com and
//     @googlemail.com (developers.google.com/doubleclick-advertisers/guides/conversions_ec);
//     Email does not, see its comment.
//   - Meta custom audiences (developers.facebook.com/docs/marketing-api/audiences/guides/custom-audiences,
//     "Hashing and Normalizing Data"): e-mail trimmed and lower-cased, the
//     same as here; phone as digits only with the country code and no "+",
//     so for a Meta upload hash strings.TrimPrefix(e164, "+") instead.
func Hash(normalised string) string {
	sum := sha256.Sum256([]byte(normalised))
	return hex.EncodeToString(sum[:])
}

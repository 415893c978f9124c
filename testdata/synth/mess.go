package synth

import (
	"math/rand/v2"
	"strings"
	"unicode"
)

// PhoneFormats is how many ways the generator writes one phone number:
//
//	0 national, spaced          07400 123456
//	1 national, compact         07400123456
//	2 international, spaced     +44 7400 123456
//	3 E.164                     +447400123456
//	4 00 prefix, spaced         0044 7400 123456
//	5 national, dashes          07400-123456
//	6 parentheses               (07400) 123456
//	7 international with (0)    +44 (0)7400 123456  (countries without a
//	                            trunk prefix: +34 (612) 345 678)
//
// National forms use the country's trunk prefix ("0" in most of Europe,
// none in Spain, Portugal, Italy, Norway, Denmark, Bahrain and the USA).
const PhoneFormats = 8

func group(nsn string, sizes []int, sep string) string {
	var parts []string
	for _, n := range sizes {
		if n >= len(nsn) {
			break
		}
		parts = append(parts, nsn[:n])
		nsn = nsn[n:]
	}
	if nsn != "" {
		parts = append(parts, nsn)
	}
	return strings.Join(parts, sep)
}

// formatPhone writes the national significant number nsn of plan p in
// format f (0 <= f < PhoneFormats).
func formatPhone(p phonePlan, nsn string, f int) string {
	spaced := group(nsn, p.groups, " ")
	head, tail, _ := strings.Cut(spaced, " ")
	switch f {
	case 0:
		return p.trunk + spaced
	case 1:
		return p.trunk + nsn
	case 2:
		return "+" + p.cc + " " + spaced
	case 3:
		return "+" + p.cc + nsn
	case 4:
		return "00" + p.cc + " " + spaced
	case 5:
		return p.trunk + group(nsn, p.groups, "-")
	case 6:
		return "(" + p.trunk + head + ") " + tail
	default:
		if p.trunk != "" {
			return "+" + p.cc + " (" + p.trunk + ")" + spaced
		}
		return "+" + p.cc + " (" + head + ") " + tail
	}
}

// e164 is the normalised form of a plan's number.
func e164(p phonePlan, nsn string) string { return "+" + p.cc + nsn }

// caseMess returns e with a different letter case: the local part in title
// case, the whole address upper case, or the domain upper case.
func caseMess(rng *rand.Rand, e string) string {
	local, domain, _ := strings.Cut(e, "@")
	switch rng.IntN(3) {
	case 0:
		return titleCase(local) + "@" + titleCase(domain)
	case 1:
		return strings.ToUpper(e)
	default:
		return local + "@" + strings.ToUpper(domain)
	}
}

// titleCase upper-cases the first letter of every run of letters.
func titleCase(s string) string {
	out := []rune(s)
	prev := false
	for i, c := range out {
		letter := unicode.IsLetter(c)
		if letter && !prev {
			out[i] = unicode.ToUpper(c)
		}
		prev = letter
	}
	return string(out)
}

// spaceMess surrounds v with spaces: leading, trailing or both.
func spaceMess(rng *rand.Rand, v string) string {
	switch rng.IntN(3) {
	case 0:
		return " " + v
	case 1:
		return v + " "
	default:
		return "  " + v + " "
	}
}

// blocked returns one of the placeholder values a form or import writes
// instead of a missing value.
func blocked(rng *rand.Rand) string {
	return pick(rng, []string{"", "null", "NULL", "0", "unknown", "Unknown"})
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// chance is true with probability p.
func chance(rng *rand.Rand, p float64) bool { return rng.Float64() < p }

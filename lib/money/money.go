// Package money holds exact decimal amounts as integers of a fixed scale.
//
// segmint never adds money as floating point: amounts are int64 counts of
// 10^-scale currency units, parsed from text without rounding and rounded
// half away from zero only where a result is published to the cent.
package money

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MicroScale is the scale of internal amounts: millionths of a unit.
const MicroScale = 6

// ErrPrecision means a value has more decimals than its column allows.
var ErrPrecision = errors.New("too many decimals")

// Parse reads a decimal string ("12.5", "-0.001", "3") as an integer count
// of 10^-scale units. More decimals than scale is an error, not a rounding.
func Parse(s string, scale int) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("empty number")
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && (!hasDot || frac == "") {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	for _, part := range []string{intPart, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, fmt.Errorf("%q is not a number", s)
			}
		}
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > scale {
		return 0, fmt.Errorf("%q: %w (scale %d)", s, ErrPrecision, scale)
	}
	digits := intPart + frac + strings.Repeat("0", scale-len(frac))
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return 0, nil
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is out of range", s)
	}
	if neg {
		v = -v
	}
	return v, nil
}

// Rescale converts v from scale `from` to scale `to`. Going down rounds half
// away from zero.
func Rescale(v int64, from, to int) int64 {
	switch {
	case from == to:
		return v
	case to > from:
		return v * pow10(to-from)
	}
	return DivRound(v, pow10(from-to))
}

// Format renders v of the given scale as a decimal string with exactly
// scale decimals ("-12.50").
func Format(v int64, scale int) string {
	sign := ""
	u := uint64(v)
	if v < 0 {
		sign, u = "-", uint64(-v)
	}
	s := strconv.FormatUint(u, 10)
	if scale == 0 {
		return sign + s
	}
	if len(s) <= scale {
		s = strings.Repeat("0", scale-len(s)+1) + s
	}
	return sign + s[:len(s)-scale] + "." + s[len(s)-scale:]
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// DivRound is num/den rounded half away from zero (den > 0).
func DivRound(num, den int64) int64 {
	q, r := num/den, num%den
	if 2*abs(r) >= den {
		if num < 0 {
			q--
		} else {
			q++
		}
	}
	return q
}

package money

import (
	"math"
	"strings"
)

// CentScale is the scale of published amounts: hundredths of a unit, the
// DECIMAL(18,2) columns of segmint's tables.
const CentScale = 2

// microsPerCent is the number of millionths in a hundredth.
const microsPerCent = 10_000

// Micros is an amount in millionths of a currency unit, the internal
// scale: exact sums of order lines, spend and order values are Micros.
type Micros int64

// Cents is an amount in hundredths of a currency unit, the scale of the
// DECIMAL(18,2) columns segmint publishes.
type Cents int64

// MicrosOf reads v of the given scale as Micros (exact when scale <= 6;
// more decimals round half away from zero).
func MicrosOf(v int64, scale int) Micros { return Micros(Rescale(v, scale, MicroScale)) }

// MicrosFromFloat rounds a double amount in currency units to the nearest
// millionth, halves away from zero (math.Round). For API amounts that come
// as doubles; never for sums.
func MicrosFromFloat(f float64) Micros { return Micros(math.Round(f * 1e6)) }

// CentsFromFloat rounds a double amount in currency units to the nearest
// cent, halves away from zero (math.Round).
func CentsFromFloat(f float64) Cents { return Cents(math.Round(f * 100)) }

// Cents rounds m to the cent, half away from zero.
func (m Micros) Cents() Cents { return Cents(DivRound(int64(m), microsPerCent)) }

// Float is m in currency units as a double (for models and charts, never
// for sums): float64(m) / 1e6.
func (m Micros) Float() float64 { return float64(m) / 1e6 }

// DivCents is m / n rounded once to the cent, half away from zero: an
// exact average such as an order value (gross / orders) or a cost per
// acquisition (spend / orders). n must be positive.
func (m Micros) DivCents(n int64) Cents { return Cents(DivRound(int64(m), n*microsPerCent)) }

// Float is c in currency units as a double: float64(c) / 100.
func (c Cents) Float() float64 { return float64(c) / 100 }

// Div is c / n rounded half away from zero to the cent (n > 0): an
// average of published amounts, such as gross revenue per order.
func (c Cents) Div(n int64) Cents { return Cents(DivRound(int64(c), n)) }

// Decimal renders c with two decimals ("-12.50").
func (c Cents) Decimal() string { return Format(int64(c), CentScale) }

// Grouped renders c with two decimals and a comma between each group of
// three integer digits ("-1,234,567.50"), for pages people read.
func (c Cents) Grouped() string {
	s := c.Decimal()
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	return sign + GroupDigits(whole) + "." + frac
}

// GroupDigits puts a comma between each group of three digits of an
// unsigned integer's decimal digits ("1234567" becomes "1,234,567").
func GroupDigits(digits string) string {
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

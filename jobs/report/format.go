package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/segmint/segmint/lib/money"
)

// numberText renders v with thousands separators and at most three
// decimals, trailing zeros dropped ("1,234.5").
func numberText(v float64) string {
	s := strings.TrimRight(strings.TrimRight(strconv.FormatFloat(math.Abs(v), 'f', 3, 64), "0"), ".")
	whole, frac, hasFrac := strings.Cut(s, ".")
	out := money.GroupDigits(whole)
	if hasFrac {
		out += "." + frac
	}
	if v < 0 && s != "0" {
		out = "-" + out
	}
	return out
}

// intText renders n with thousands separators.
func intText(n int64) string {
	if n < 0 {
		return "-" + money.GroupDigits(strconv.FormatInt(-n, 10))
	}
	return money.GroupDigits(strconv.FormatInt(n, 10))
}

// moneyText renders an amount with its currency and thousands
// separators ("GBP 1,234.50").
func moneyText(c money.Cents, currency string) string { return currency + " " + c.Grouped() }

// pctText renders a share (0.123) as a percentage with one decimal.
func pctText(share float64) string {
	if math.IsNaN(share) || math.IsInf(share, 0) {
		return "–"
	}
	return strconv.FormatFloat(100*share, 'f', 1, 64) + "%"
}

// change is the relative change from before to now; NaN when before is 0.
func change(now, before float64) float64 {
	if before == 0 {
		return math.NaN()
	}
	return (now - before) / math.Abs(before)
}

// changeText renders a relative change as a signed percentage ("+12.3%"),
// "new" when there was nothing before, a dash when neither has a value.
func changeText(now, before float64) string {
	ch := change(now, before)
	switch {
	case math.IsNaN(ch) && now != 0:
		return "new"
	case math.IsNaN(ch):
		return "–"
	}
	return fmt.Sprintf("%+.1f%%", 100*ch)
}

// ratioText renders a ratio with two decimals, a dash when undefined.
func ratioText(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// div is a / b, NaN when b is 0.
func div(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

// nan is a missing value of a chart (no point drawn).
func nan() float64 { return math.NaN() }

package normalize

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
)

// ErrUnknownCurrency means a currency code is absent from the rates table.
var ErrUnknownCurrency = errors.New("unknown currency")

// ErrNoRate means a currency is in the table but no rate is in force on the
// requested day (every rate of it starts later).
var ErrNoRate = errors.New("no rate in force")

// ErrOverflow means a converted amount does not fit in an int64.
var ErrOverflow = errors.New("amount out of range")

// Rate is one row of a rates table, as a config lists it.
type Rate struct {
	// Currency is an ISO 4217 code ("EUR"), any case.
	Currency string
	// Value is the price of one unit of Currency in the base currency, as a
	// positive decimal string ("0.85" with base GBP: 1 EUR = 0.85 GBP).
	// It is read exactly: no float rounding.
	Value string
	// From is the first day the rate is in force: its UTC calendar day
	// counts, the time of day is ignored. The zero time means in force
	// since always (an undated rate).
	From time.Time
}

// Rates converts amounts between currencies through one base currency. Build
// it with NewRates; it is read-only afterwards and safe for concurrent use.
type Rates struct {
	base   string
	series map[string][]ratePoint // currency -> rates sorted by day
}

type ratePoint struct {
	day      time.Time // UTC midnight; zero for an undated rate
	num, den *big.Int  // the rate as an exact fraction num/den, both > 0
}

// NewRates builds a table with base currency base (rate 1 on every day, need
// not be listed) and the given rates. It fails on a malformed code or
// value, a base rate other than 1, or two rates of one currency from the
// same day.
func NewRates(base string, rates []Rate) (*Rates, error) {
	base, ok := currencyCode(base)
	if !ok {
		return nil, fmt.Errorf("build rates: base %q is not a 3-letter currency code", base)
	}
	r := &Rates{base: base, series: map[string][]ratePoint{}}
	for _, rt := range rates {
		if err := r.add(rt); err != nil {
			return nil, fmt.Errorf("build rates: %w", err)
		}
	}
	if err := r.sortSeries(); err != nil {
		return nil, fmt.Errorf("build rates: %w", err)
	}
	return r, nil
}

// sortSeries sorts each currency's rates by day and refuses two rates of
// one currency from the same day.
func (r *Rates) sortSeries() error {
	for code, s := range r.series {
		slices.SortFunc(s, func(a, b ratePoint) int { return a.day.Compare(b.day) })
		for i := 1; i < len(s); i++ {
			if s[i].day.Equal(s[i-1].day) {
				return fmt.Errorf("two rates of %s from %s", code, s[i].day.Format(time.DateOnly))
			}
		}
	}
	return nil
}

func (r *Rates) add(rt Rate) error {
	code, ok := currencyCode(rt.Currency)
	if !ok {
		return fmt.Errorf("currency %q is not a 3-letter code", rt.Currency)
	}
	q, ok := parseRate(rt.Value)
	if !ok {
		return fmt.Errorf("rate %q of %s is not a positive decimal", rt.Value, code)
	}
	if code == r.base {
		if q.Cmp(big.NewRat(1, 1)) != 0 {
			return fmt.Errorf("base currency %s has rate %s, not 1", code, rt.Value)
		}
		return nil
	}
	p := ratePoint{day: utcDay(rt.From), num: new(big.Int).Set(q.Num()), den: new(big.Int).Set(q.Denom())}
	r.series[code] = append(r.series[code], p)
	return nil
}

// Base is the base currency code, upper case.
func (r *Rates) Base() string { return r.base }

// Convert converts amount, in millionths of a unit of currency from, to
// millionths of a unit of currency to, with the rates in force on day (its
// UTC calendar day): for each currency the rate with the latest From on or
// before that day, an undated rate counting as in force since always.
//
// The result is amount * rate(from) / rate(to) computed exactly and rounded
// once, half away from zero, to a whole millionth: 1 EUR = 0.85 GBP turns
// 0.000001 EUR into 0.000001 GBP (0.85 rounds up) and 0.000003 EUR into
// 0.000003 GBP (2.55 rounds to 3). from == to returns amount unchanged on
// any day, even one with no rate. Codes are case-insensitive.
//
// Errors: ErrUnknownCurrency for a code not in the table, ErrNoRate when
// all its rates start after day, ErrOverflow when the result does not fit
// in an int64; all wrapped, test with errors.Is.
func (r *Rates) Convert(amount int64, from, to string, day time.Time) (int64, error) {
	from, to = strings.ToUpper(from), strings.ToUpper(to)
	if from == to {
		if !r.known(from) {
			return 0, fmt.Errorf("convert %s to %s: %w", from, to, ErrUnknownCurrency)
		}
		return amount, nil
	}
	pf, err := r.rate(from, day)
	if err != nil {
		return 0, fmt.Errorf("convert %s to %s: %w", from, to, err)
	}
	pt, err := r.rate(to, day)
	if err != nil {
		return 0, fmt.Errorf("convert %s to %s: %w", from, to, err)
	}
	q := convertAt(amount, pf, pt)
	if !q.IsInt64() {
		return 0, fmt.Errorf("convert %d %s to %s: %w", amount, from, to, ErrOverflow)
	}
	return q.Int64(), nil
}

// convertAt is amount * (pf.num/pf.den) / (pt.num/pt.den), computed
// exactly and rounded once, half away from zero.
func convertAt(amount int64, pf, pt ratePoint) *big.Int {
	n := new(big.Int).SetInt64(amount)
	n.Mul(n, pf.num).Mul(n, pt.den)
	d := new(big.Int).Mul(pf.den, pt.num)
	q, rem := n.QuoRem(n, d, new(big.Int))    // truncated toward zero
	if rem.Abs(rem).Lsh(rem, 1).Cmp(d) >= 0 { // half or more: away from zero
		q.Add(q, big.NewInt(sign(amount)))
	}
	return q
}

func (r *Rates) known(code string) bool {
	_, ok := r.series[code]
	return ok || code == r.base
}

// rate is the rate of code in force on day.
func (r *Rates) rate(code string, day time.Time) (ratePoint, error) {
	if code == r.base {
		return ratePoint{num: big.NewInt(1), den: big.NewInt(1)}, nil
	}
	s, ok := r.series[code]
	if !ok {
		return ratePoint{}, fmt.Errorf("%s: %w", code, ErrUnknownCurrency)
	}
	d := utcDay(day)
	i, _ := slices.BinarySearchFunc(s, d, func(p ratePoint, t time.Time) int {
		if p.day.After(t) {
			return 1
		}
		return -1
	})
	if i == 0 {
		return ratePoint{}, fmt.Errorf("%s on %s: %w", code, d.Format(time.DateOnly), ErrNoRate)
	}
	return s[i-1], nil
}

// currencyCode upper-cases s and reports whether it is three ASCII letters.
func currencyCode(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 3 {
		return s, false
	}
	for i := range 3 {
		if s[i] < 'A' || s[i] > 'Z' {
			return s, false
		}
	}
	return s, true
}

// parseRate reads a positive decimal ("0.85", "130", "1.0e3" is refused).
func parseRate(s string) (*big.Rat, bool) {
	s = strings.TrimSpace(s)
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" || strings.Trim(intPart, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return nil, false
	}
	if strings.HasSuffix(s, ".") {
		return nil, false
	}
	q, ok := new(big.Rat).SetString(s)
	if !ok || q.Sign() <= 0 {
		return nil, false
	}
	return q, true
}

// utcDay is midnight UTC of t's UTC calendar day; the zero time stays zero.
func utcDay(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func sign(v int64) int64 {
	if v < 0 {
		return -1
	}
	return 1
}

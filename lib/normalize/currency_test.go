package normalize

import (
	"errors"
	"math"
	"testing"
	"time"
)

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// testRates has base GBP: EUR undated 0.85, 0.80 from 2024-01-01 and 0.90
// from 2024-06-01 (given at 23:00 that day); USD 0.8 from 2024-01-01 only;
// JPY 0.005; CHF 1.5 (for exact halves); XTS 3 (for thirds).
func testRates(t *testing.T) *Rates {
	t.Helper()
	r, err := NewRates("gbp", []Rate{
		{Currency: "EUR", Value: "0.90", From: day(t, "2024-06-01").Add(23 * time.Hour)},
		{Currency: "EUR", Value: "0.85"},
		{Currency: "eur", Value: "0.80", From: day(t, "2024-01-01")},
		{Currency: "USD", Value: "0.8", From: day(t, "2024-01-01")},
		{Currency: "JPY", Value: "0.005"},
		{Currency: "CHF", Value: "1.5"},
		{Currency: "XTS", Value: "3"},
		{Currency: "GBP", Value: "1.000"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRatesConvert(t *testing.T) {
	r := testRates(t)
	if r.Base() != "GBP" {
		t.Fatalf("Base() = %q", r.Base())
	}
	cases := []struct {
		name     string
		amount   int64
		from, to string
		on       string
		want     int64
	}{
		{"undated EUR before 2024", 1_000_000, "EUR", "GBP", "2023-12-31", 850_000},
		{"dated EUR from its first day", 1_000_000, "EUR", "GBP", "2024-01-01", 800_000},
		{"EUR rate of 2024-06-01 from 00:00 that day", 1_000_000, "EUR", "GBP", "2024-06-01", 900_000},
		{"latest rate stays in force", 1_000_000, "EUR", "GBP", "2030-01-01", 900_000},
		{"base to EUR", 900_000, "GBP", "EUR", "2024-07-01", 1_000_000},
		{"cross rate through base", 1_000_000, "EUR", "USD", "2024-06-15", 1_125_000},
		{"case-insensitive codes", 1_000_000, "eur", "usd", "2024-03-01", 1_000_000},
		{"JPY to GBP", 1_000_000_000, "JPY", "GBP", "2024-03-01", 5_000_000},
		{"GBP to JPY", 1_000_000, "GBP", "JPY", "2024-03-01", 200_000_000},
		{"same currency unchanged", 123_456_789, "USD", "usd", "2020-01-01", 123_456_789},
		{"zero", 0, "EUR", "GBP", "2024-03-01", 0},
		// rounding: half away from zero to a whole millionth
		{"0.85 rounds up", 1, "EUR", "GBP", "2023-01-01", 1},
		{"2.55 rounds up", 3, "EUR", "GBP", "2023-01-01", 3},
		{"0.005 rounds down to 0", 1, "JPY", "GBP", "2024-03-01", 0},
		{"0.495 rounds down to 0", 99, "JPY", "GBP", "2024-03-01", 0},
		{"0.5 rounds up to 1", 100, "JPY", "GBP", "2024-03-01", 1},
		{"-0.5 rounds to -1", -100, "JPY", "GBP", "2024-03-01", -1},
		{"-0.495 rounds to 0", -99, "JPY", "GBP", "2024-03-01", 0},
		{"1.5 rounds to 2", 1, "CHF", "GBP", "2024-03-01", 2},
		{"-1.5 rounds to -2", -1, "CHF", "GBP", "2024-03-01", -2},
		{"4.5 rounds to 5", 3, "CHF", "GBP", "2024-03-01", 5},
		{"-4.5 rounds to -5", -3, "CHF", "GBP", "2024-03-01", -5},
		{"1/3 rounds to 0", 1, "GBP", "XTS", "2024-03-01", 0},
		{"2/3 rounds to 1", 2, "GBP", "XTS", "2024-03-01", 1},
		{"-2/3 rounds to -1", -2, "GBP", "XTS", "2024-03-01", -1},
		{"one unit in thirds", 1_000_000, "GBP", "XTS", "2024-03-01", 333_333},
		{"exact through a third", 1_000_000, "XTS", "GBP", "2024-03-01", 3_000_000},
		{"2/3 of 0.000001 CHF", 1, "GBP", "CHF", "2024-03-01", 1},
		{"largest JPY to GBP", math.MaxInt64, "JPY", "GBP", "2024-03-01", 46_116_860_184_273_879},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Convert(tc.amount, tc.from, tc.to, day(t, tc.on))
			if err != nil || got != tc.want {
				t.Fatalf("Convert(%d, %s, %s, %s) = %d, %v; want %d", tc.amount, tc.from, tc.to, tc.on, got, err, tc.want)
			}
		})
	}
}

func TestRatesConvertDayIsUTC(t *testing.T) {
	r := testRates(t)
	cases := []struct {
		name string
		at   time.Time
		want int64
	}{
		{"last second before the new rate", time.Date(2024, 5, 31, 23, 59, 59, 0, time.UTC), 800_000},
		{"2024-06-01 00:30 in Paris is 2024-05-31 in UTC", time.Date(2024, 6, 1, 0, 30, 0, 0, time.FixedZone("CEST", 2*3600)), 800_000},
		{"first instant of the new day", time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), 900_000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Convert(1_000_000, "EUR", "GBP", tc.at)
			if err != nil || got != tc.want {
				t.Fatalf("Convert at %s = %d, %v; want %d", tc.at, got, err, tc.want)
			}
		})
	}
}

func TestRatesConvertErrors(t *testing.T) {
	r := testRates(t)
	cases := []struct {
		name     string
		amount   int64
		from, to string
		on       string
		want     error
	}{
		{"unknown from", 1, "XYZ", "GBP", "2024-03-01", ErrUnknownCurrency},
		{"unknown to", 1, "GBP", "XYZ", "2024-03-01", ErrUnknownCurrency},
		{"unknown same currency", 1, "XYZ", "XYZ", "2024-03-01", ErrUnknownCurrency},
		{"empty code", 1, "", "GBP", "2024-03-01", ErrUnknownCurrency},
		{"USD before its first rate", 1, "USD", "GBP", "2023-12-31", ErrNoRate},
		{"USD as target before its first rate", 1, "EUR", "USD", "2023-12-31", ErrNoRate},
		{"overflow", math.MaxInt64, "GBP", "JPY", "2024-03-01", ErrOverflow},
		{"negative overflow", math.MinInt64, "GBP", "JPY", "2024-03-01", ErrOverflow},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Convert(tc.amount, tc.from, tc.to, day(t, tc.on))
			if !errors.Is(err, tc.want) || got != 0 {
				t.Fatalf("Convert = %d, %v; want error %v", got, err, tc.want)
			}
		})
	}
}

func TestNewRatesRejects(t *testing.T) {
	d := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		base  string
		rates []Rate
	}{
		{"short base", "GB", nil},
		{"digit in base", "GB1", nil},
		{"long currency", "GBP", []Rate{{Currency: "EURO", Value: "1"}}},
		{"zero rate", "GBP", []Rate{{Currency: "EUR", Value: "0"}}},
		{"negative rate", "GBP", []Rate{{Currency: "EUR", Value: "-0.85"}}},
		{"exponent", "GBP", []Rate{{Currency: "EUR", Value: "8.5e-1"}}},
		{"fraction", "GBP", []Rate{{Currency: "EUR", Value: "17/20"}}},
		{"no integer part", "GBP", []Rate{{Currency: "EUR", Value: ".85"}}},
		{"trailing dot", "GBP", []Rate{{Currency: "EUR", Value: "1."}}},
		{"empty rate", "GBP", []Rate{{Currency: "EUR", Value: ""}}},
		{"base rate not 1", "GBP", []Rate{{Currency: "gbp", Value: "1.01"}}},
		{"two rates one day", "GBP", []Rate{{Currency: "EUR", Value: "0.8", From: d}, {Currency: "EUR", Value: "0.9", From: d.Add(time.Hour)}}},
		{"two undated rates", "GBP", []Rate{{Currency: "EUR", Value: "0.8"}, {Currency: "EUR", Value: "0.9"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if r, err := NewRates(tc.base, tc.rates); err == nil {
				t.Fatalf("NewRates accepted it: %+v", r)
			}
		})
	}
}

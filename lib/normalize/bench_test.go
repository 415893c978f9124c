package normalize

import (
	"testing"
	"time"
)

func BenchmarkEmail(b *testing.B) {
	in := "  Ann.Smith+News@Example.COM "
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, ok := Email(in); !ok {
			b.Fatal("rejected")
		}
	}
}

func BenchmarkHash(b *testing.B) {
	in := "ann.smith+news@example.com"
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		Hash(in)
	}
}

func BenchmarkPhone(b *testing.B) {
	in := "+44 (0) 20 7946 0018"
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, ok := Phone(in, "GB"); !ok {
			b.Fatal("rejected")
		}
	}
}

func BenchmarkCountryLookup(b *testing.B) {
	c := NewCountries()
	for b.Loop() {
		if _, ok := c.Lookup("United Kingdom"); !ok {
			b.Fatal("rejected")
		}
	}
}

func BenchmarkNewCountries(b *testing.B) {
	for b.Loop() {
		NewCountries()
	}
}

func BenchmarkConvert(b *testing.B) {
	r, err := NewRates("GBP", []Rate{
		{Currency: "EUR", Value: "0.85"},
		{Currency: "EUR", Value: "0.8412", From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Currency: "USD", Value: "0.7893"},
	})
	if err != nil {
		b.Fatal(err)
	}
	on := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	for b.Loop() {
		if _, err := r.Convert(12_345_670_000, "EUR", "USD", on); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseUTC(b *testing.B) {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := ParseUTC("2006-01-02 15:04:05", "2024-07-01 10:00:00", loc); err != nil {
			b.Fatal(err)
		}
	}
}

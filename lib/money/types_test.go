package money

import (
	"math"
	"testing"
)

func TestMicrosCentsRoundLikeRescale(t *testing.T) {
	for _, v := range []int64{0, 1, 4_999, 5_000, -5_000, 12_345_000, -12_345_000, 12_344_999, 9_999_995_000, math.MaxInt64 / 2} {
		if got, want := int64(Micros(v).Cents()), Rescale(v, MicroScale, CentScale); got != want {
			t.Errorf("Micros(%d).Cents() = %d, want %d", v, got, want)
		}
		if got, want := int64(MicrosOf(v, CentScale)), Rescale(v, CentScale, MicroScale); v < math.MaxInt64/20_000 && got != want {
			t.Errorf("MicrosOf(%d, 2) = %d, want %d", v, got, want)
		}
	}
}

func TestDivCents(t *testing.T) {
	cases := []struct {
		m    Micros
		n    int64
		want Cents
	}{
		{30_000_000, 3, 1000},
		{10_000_000, 3, 333},      // 3.3333 -> 3.33
		{20_000_000, 3, 667},      // 6.6667 -> 6.67
		{15_000, 1, 2},            // 0.015 -> 0.02
		{-15_000, 1, -2},          // half away from zero
		{25_000, 2, 1},            // 0.0125 -> 0.01
		{1_234_567_890, 7, 17637}, // 176.3668... -> 176.37
	}
	for _, c := range cases {
		if got := c.m.DivCents(c.n); got != c.want {
			t.Errorf("Micros(%d).DivCents(%d) = %d, want %d", c.m, c.n, got, c.want)
		}
		if got := c.m.DivCents(c.n); int64(got) != DivRound(int64(c.m), c.n*10_000) {
			t.Errorf("DivCents differs from DivRound(m, n*10_000) for %d/%d", c.m, c.n)
		}
	}
}

func TestFloatsAreTheBareDivisions(t *testing.T) {
	for _, v := range []int64{0, 1, -7, 123_456_789, 6_950_000, -11_062_060_000, 1<<53 + 1} {
		if Micros(v).Float() != float64(v)/1e6 {
			t.Errorf("Micros(%d).Float() = %v", v, Micros(v).Float())
		}
		if Cents(v).Float() != float64(v)/100 {
			t.Errorf("Cents(%d).Float() = %v", v, Cents(v).Float())
		}
	}
	for _, f := range []float64{0, 0.0000005, -0.0000005, 12.345, 1234.5678915, -3.14159} {
		if got := MicrosFromFloat(f); int64(got) != int64(math.Round(f*1e6)) {
			t.Errorf("MicrosFromFloat(%v) = %d", f, got)
		}
		if got := CentsFromFloat(f); int64(got) != int64(math.Round(f*100)) {
			t.Errorf("CentsFromFloat(%v) = %d", f, got)
		}
	}
}

// TestCentsDivIsTheTruncateThenRoundAverage pins Div to what the report
// computed before: gross*100/orders truncated to 4 decimals, then rounded
// to 2. Truncating at 4 decimals never crosses the half-cent boundary, so
// the two are the same rounding.
func TestCentsDivIsTheTruncateThenRoundAverage(t *testing.T) {
	for c := int64(-3000); c <= 3000; c++ {
		for n := int64(1); n <= 60; n++ {
			if got, want := Cents(c).Div(n), Cents(Rescale(c*100/n, 4, 2)); got != want {
				t.Fatalf("Cents(%d).Div(%d) = %d, want %d", c, n, got, want)
			}
		}
	}
	if got := Cents(-1250).Decimal(); got != "-12.50" {
		t.Errorf("Decimal() = %q", got)
	}
}

func TestGrouped(t *testing.T) {
	for _, tt := range []struct {
		c    Cents
		want string
	}{
		{0, "0.00"}, {5, "0.05"}, {99999, "999.99"}, {100000, "1,000.00"},
		{123456789, "1,234,567.89"}, {-123456789, "-1,234,567.89"}, {-100, "-1.00"},
	} {
		if got := tt.c.Grouped(); got != tt.want {
			t.Errorf("Cents(%d).Grouped() = %q, want %q", tt.c, got, tt.want)
		}
	}
}

package money

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in    string
		scale int
		want  int64
		err   bool
	}{
		{"6.95", 6, 6_950_000, false},
		{"0.001", 6, 1_000, false},
		{"-11062.06", 6, -11_062_060_000, false},
		{"12", 2, 1200, false},
		{"12.", 2, 1200, false},
		{".5", 2, 50, false},
		{"1.230", 2, 123, false},
		{"1.235", 2, 0, true},
		{"abc", 2, 0, true},
		{"1e3", 2, 0, true},
		{"", 2, 0, true},
		{"-", 2, 0, true},
		{"99999999999999999999", 2, 0, true},
	}
	for _, c := range cases {
		got, err := Parse(c.in, c.scale)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("Parse(%q, %d) = %d, %v; want %d, err %v", c.in, c.scale, got, err, c.want, c.err)
		}
	}
	if _, err := Parse("1.235", 2); !errors.Is(err, ErrPrecision) {
		t.Errorf("want ErrPrecision, got %v", err)
	}
}

func TestRescaleRoundsHalfAwayFromZero(t *testing.T) {
	cases := []struct {
		v        int64
		from, to int
		want     int64
	}{
		{12_345_000, 6, 2, 1235}, // 12.345 -> 12.35
		{-12_345_000, 6, 2, -1235},
		{12_344_999, 6, 2, 1234},
		{5, 1, 0, 1},
		{-5, 1, 0, -1},
		{4, 1, 0, 0},
		{12, 2, 6, 120_000},
	}
	for _, c := range cases {
		if got := Rescale(c.v, c.from, c.to); got != c.want {
			t.Errorf("Rescale(%d, %d, %d) = %d, want %d", c.v, c.from, c.to, got, c.want)
		}
	}
}

func TestFormat(t *testing.T) {
	for v, want := range map[int64]string{0: "0.00", 5: "0.05", -5: "-0.05", 123456: "1234.56", -100: "-1.00"} {
		if got := Format(v, 2); got != want {
			t.Errorf("Format(%d) = %q, want %q", v, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"6.95", "-0.001", "12", "1e5", " 3.10 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s, 6)
		if err != nil {
			return
		}
		back, err := Parse(Format(v, 6), 6)
		if err != nil || back != v {
			t.Fatalf("round trip of %q: %d -> %q -> %d, %v", s, v, Format(v, 6), back, err)
		}
	})
}

func TestDivRound(t *testing.T) {
	for _, c := range []struct{ num, den, want int64 }{
		{10, 4, 3}, {-10, 4, -3}, {9, 4, 2}, {-9, 4, -2}, {7, 7, 1}, {0, 5, 0}, {5, 10, 1}, {4, 10, 0},
	} {
		if got := DivRound(c.num, c.den); got != c.want {
			t.Errorf("DivRound(%d, %d) = %d, want %d", c.num, c.den, got, c.want)
		}
	}
}

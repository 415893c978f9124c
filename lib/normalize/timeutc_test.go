package normalize

import (
	"testing"
	"time"
	_ "time/tzdata" // the zones must not depend on the machine's zoneinfo
)

const wallLayout = "2006-01-02 15:04:05"

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestParseUTC(t *testing.T) {
	cases := []struct {
		name, zone, layout, in, want string
	}{
		{"London winter", "Europe/London", wallLayout, "2024-01-15 10:00:00", "2024-01-15T10:00:00Z"},
		{"London summer", "Europe/London", wallLayout, "2024-07-01 10:00:00", "2024-07-01T09:00:00Z"},
		{"fractional seconds kept", "Europe/London", "2006-01-02 15:04:05.000", "2024-07-01 10:00:00.123", "2024-07-01T09:00:00.123Z"},
		{"Online Retail layout", "Europe/London", "2006-01-02 15:04", "2010-12-09 12:50", "2010-12-09T12:50:00Z"},
		// spring gap (London 2024-03-31 01:00 GMT -> 02:00 BST): offset before the gap
		{"last second before the gap", "Europe/London", wallLayout, "2024-03-31 00:59:59", "2024-03-31T00:59:59Z"},
		{"gap start", "Europe/London", wallLayout, "2024-03-31 01:00:00", "2024-03-31T01:00:00Z"},
		{"inside the gap", "Europe/London", wallLayout, "2024-03-31 01:30:00", "2024-03-31T01:30:00Z"},
		{"first time after the gap", "Europe/London", wallLayout, "2024-03-31 02:00:00", "2024-03-31T01:00:00Z"},
		// autumn overlap (London 2024-10-27 02:00 BST -> 01:00 GMT): earlier instant
		{"before the overlap", "Europe/London", wallLayout, "2024-10-27 00:59:59", "2024-10-26T23:59:59Z"},
		{"overlap start", "Europe/London", wallLayout, "2024-10-27 01:00:00", "2024-10-27T00:00:00Z"},
		{"inside the overlap", "Europe/London", wallLayout, "2024-10-27 01:30:00", "2024-10-27T00:30:00Z"},
		{"after the overlap", "Europe/London", wallLayout, "2024-10-27 02:00:00", "2024-10-27T02:00:00Z"},
		{"New York gap", "America/New_York", wallLayout, "2024-03-10 02:30:00", "2024-03-10T07:30:00Z"},
		{"New York overlap", "America/New_York", wallLayout, "2024-11-03 01:30:00", "2024-11-03T05:30:00Z"},
		{"Berlin gap", "Europe/Berlin", wallLayout, "2024-03-31 02:30:00", "2024-03-31T01:30:00Z"},
		{"Berlin overlap", "Europe/Berlin", wallLayout, "2024-10-27 02:30:00", "2024-10-27T00:30:00Z"},
		// Lord Howe moves its clocks by 30 minutes
		{"Lord Howe gap", "Australia/Lord_Howe", wallLayout, "2024-10-06 02:15:00", "2024-10-05T15:45:00Z"},
		{"Lord Howe overlap", "Australia/Lord_Howe", wallLayout, "2024-04-07 01:45:00", "2024-04-06T14:45:00Z"},
		{"southern summer", "Australia/Sydney", wallLayout, "2024-01-01 12:00:00", "2024-01-01T01:00:00Z"},
		{"UTC zone", "UTC", wallLayout, "2024-03-31 01:30:00", "2024-03-31T01:30:00Z"},
		{"no DST zone", "Asia/Kolkata", wallLayout, "2024-03-31 01:30:00", "2024-03-30T20:00:00Z"},
		// an offset in the value wins over the zone
		{"explicit offset", "Europe/London", time.RFC3339, "2024-03-31T01:30:00+02:00", "2024-03-30T23:30:00Z"},
		{"explicit Z", "America/New_York", time.RFC3339, "2024-03-10T02:30:00Z", "2024-03-10T02:30:00Z"},
		{"explicit numeric offset", "Europe/London", "2006-01-02 15:04:05 -0700", "2024-07-01 10:00:00 -0500", "2024-07-01T15:00:00Z"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseUTC(tc.layout, tc.in, zone(t, tc.zone))
			if err != nil {
				t.Fatal(err)
			}
			want, err := time.Parse(time.RFC3339Nano, tc.want)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(want) || got.Location() != time.UTC {
				t.Fatalf("ParseUTC(%q in %s) = %s, want %s", tc.in, tc.zone, got.Format(time.RFC3339Nano), tc.want)
			}
		})
	}
}

func TestParseUTCErrors(t *testing.T) {
	london := zone(t, "Europe/London")
	cases := []struct {
		name, layout, in string
		loc              *time.Location
	}{
		{"nil location", wallLayout, "2024-01-01 00:00:00", nil},
		{"not a time", wallLayout, "yesterday", london},
		{"wrong layout", wallLayout, "01/02/2024 10:00", london},
		{"impossible date", wallLayout, "2024-02-30 10:00:00", london},
		{"empty", wallLayout, "", london},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := ParseUTC(tc.layout, tc.in, tc.loc); err == nil {
				t.Fatalf("ParseUTC(%q) = %s, want an error", tc.in, got)
			}
		})
	}
}

// TestParseUTCRoundTrip walks 2024 in 15-minute steps in several zones: the
// wall clock of every instant parses back to that instant, or, in an
// autumn overlap, to the earlier instant with the same wall clock.
func TestParseUTCRoundTrip(t *testing.T) {
	for _, name := range []string{"Europe/London", "America/New_York", "Australia/Lord_Howe", "America/Santiago"} {
		t.Run(name, func(t *testing.T) {
			loc := zone(t, name)
			start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
			overlaps := 0
			for u := start; u.Year() == 2024; u = u.Add(15 * time.Minute) {
				wall := u.In(loc).Format(wallLayout)
				got, err := ParseUTC(wallLayout, wall, loc)
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case got.Equal(u):
				case got.Before(u) && got.In(loc).Format(wallLayout) == wall && u.Sub(got) <= time.Hour:
					overlaps++
				default:
					t.Fatalf("%s (%s) parsed to %s", wall, u, got)
				}
			}
			if overlaps == 0 {
				t.Fatalf("no overlap seen: the zone has no DST in 2024?")
			}
		})
	}
}

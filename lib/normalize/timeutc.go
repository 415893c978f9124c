package normalize

import (
	"errors"
	"fmt"
	"time"
)

// ParseUTC parses value with layout (a time.Parse layout) as a wall-clock
// time in loc (an IANA zone from time.LoadLocation) and returns that
// instant in UTC.
//
// A value that carries its own offset (layout with Z07:00, -0700 and the
// like) is taken at that offset and loc is not used. Avoid zone
// abbreviations (MST): time.Parse reads an abbreviation it does not know
// as offset 0.
//
// Daylight-saving edges, where a wall-clock time names no instant or two:
//   - In the spring gap the time does not exist (01:30 on 2024-03-31 in
//     Europe/London). It is read with the offset in force before the gap,
//     which moves it forward by the length of the gap: 01:30 GMT, that is
//     02:30 BST, 01:30 UTC.
//   - In the autumn overlap the time exists twice (01:30 on 2024-10-27 in
//     Europe/London, once in BST, once in GMT). The earlier instant is
//     taken, the one with the offset in force before the transition: 01:30
//     BST, 00:30 UTC.
//
// These are the defaults of java.time's ZonedDateTime.of and of Python's
// fold=0, so figures agree with tools that read the same export.
// Transitions are assumed at least a day apart, which holds for every
// zone in the IANA database since 1970.
func ParseUTC(layout, value string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		return time.Time{}, errors.New("parse time: nil location")
	}
	wall, err := time.ParseInLocation(layout, value, time.UTC)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse time %q: %w", value, err)
	}
	// A value with its own offset gives the same instant whatever location
	// it is parsed in; a bare wall-clock time moves with the location.
	shifted, err := time.ParseInLocation(layout, value, time.FixedZone("", 3600))
	if err == nil && shifted.Equal(wall) {
		return wall.UTC(), nil
	}
	return wallToUTC(wall, loc), nil
}

// wallToUTC reads the wall-clock fields of wall (a time in UTC) as a time in
// loc, resolving gaps and overlaps as ParseUTC documents.
func wallToUTC(wall time.Time, loc *time.Location) time.Time {
	before := offsetAt(wall.Add(-24*time.Hour), loc)
	after := offsetAt(wall.Add(24*time.Hour), loc)
	early := wall.Add(-time.Duration(max(before, after)) * time.Second)
	late := wall.Add(-time.Duration(min(before, after)) * time.Second)
	switch {
	case valid(early, wall, loc): // the only or the earlier of two readings
		return early
	case valid(late, wall, loc):
		return late
	}
	// Spring gap: read with the offset in force before the transition.
	return wall.Add(-time.Duration(before) * time.Second)
}

// valid reports whether instant t shows wall clock wall in loc.
func valid(t, wall time.Time, loc *time.Location) bool {
	_, off := t.In(loc).Zone()
	return t.Add(time.Duration(off) * time.Second).Equal(wall)
}

func offsetAt(t time.Time, loc *time.Location) int {
	_, off := t.In(loc).Zone()
	return off
}

// Package rundate is the run date: the calendar day in UTC that one run of
// the steps covers and that names the dt= partitions of every dataset. It
// depends on nothing of segmint's, so the commit protocol and the steps can
// both use it.
package rundate

import (
	"fmt"
	"time"
)

// Layout is the layout of run dates and of dt= partitions.
const Layout = "2006-01-02"

// Date is a run date: a calendar day in UTC. The run for D covers the data
// up to the end of D, that is, before D+1 00:00:00 UTC.
type Date struct{ t time.Time }

// Parse reads YYYY-MM-DD.
func Parse(s string) (Date, error) {
	t, err := time.ParseInLocation(Layout, s, time.UTC)
	if err != nil {
		return Date{}, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// Of is the UTC calendar day of t.
func Of(t time.Time) Date {
	y, m, d := t.UTC().Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// String is YYYY-MM-DD.
func (d Date) String() string { return d.t.Format(Layout) }

// Start is D 00:00:00 UTC.
func (d Date) Start() time.Time { return d.t }

// End is the exclusive end of D: D+1 00:00:00 UTC.
func (d Date) End() time.Time { return d.t.AddDate(0, 0, 1) }

// AddDays is the date n days later (earlier for negative n).
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// IsZero reports whether d was never set.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Partition is the Hive-style partition name "dt=YYYY-MM-DD".
func (d Date) Partition() string { return "dt=" + d.String() }

// Package job holds what every step of a run shares: the run date, the
// environment a step runs in, and the error classes that map to exit codes.
package job

import (
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/connector"
	"github.com/segmint/segmint/lib/store"
)

// DateLayout is the layout of run dates and of dt= partitions.
const DateLayout = "2006-01-02"

// Date is a run date: a calendar day in UTC. The run for D covers the data
// up to the end of D, that is, before D+1 00:00:00 UTC.
type Date struct{ t time.Time }

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.ParseInLocation(DateLayout, s, time.UTC)
	if err != nil {
		return Date{}, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// DateOf is the UTC calendar day of t.
func DateOf(t time.Time) Date {
	y, m, d := t.UTC().Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// String is YYYY-MM-DD.
func (d Date) String() string { return d.t.Format(DateLayout) }

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

// Env is what a step gets to run with. Steps hold no other state.
type Env struct {
	Store  store.Store
	Config *config.Config
	Log    zerolog.Logger
	RunID  string
	// Now is the clock; steps never call time.Now themselves.
	Now func() time.Time
	// Opener opens landing locations named in the config (folder or s3://).
	Opener func(location string) (store.Store, string, error)
	// Connectors opens the streams of an API source (HubSpot, Salesforce,
	// Google Ads, Meta).
	Connectors func(src config.Source) ([]connector.Stream, error)
	// Source and Stream, when set, limit ingest to one source or stream
	// (segmint ingest --source NAME --stream NAME).
	Source, Stream string
}

// Stats are the counts a step reports; they land in runs/<run-id>.json.
type Stats map[string]int64

// Add adds n to the count named key.
func (s Stats) Add(key string, n int64) { s[key] += n }

// UsageError is bad usage or bad configuration: exit code 2.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a UsageError.
func Usagef(format string, args ...any) error {
	return &UsageError{fmt.Errorf(format, args...)}
}

// IsUsage reports whether err is bad usage or configuration.
func IsUsage(err error) bool {
	var u *UsageError
	return errors.As(err, &u)
}

// ErrMissingInput marks a step whose input dataset is not committed.
var ErrMissingInput = errors.New("input not committed")

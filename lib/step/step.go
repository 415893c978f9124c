// Package step holds what every step of a run shares: the environment a
// step runs in, its counts, reading its inputs and committing its outputs,
// and the error classes that map to exit codes.
package step

import (
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/connector"
	"github.com/segmint/segmint/lib/store"
)

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
	// Google Ads, Meta) that log to log, the step's logger with the source;
	// a connector adds the stream to the lines about one stream.
	Connectors func(src config.Source, log zerolog.Logger) ([]connector.Stream, error)
	// Source and Stream, when set, limit ingest to one source or stream
	// (segmint ingest --source NAME --stream NAME).
	Source, Stream string
	// AllowEmpty lets a run dated after the newest input the sources hold
	// go on (--allow-empty), as an empty night (see EmptyNight).
	AllowEmpty bool
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

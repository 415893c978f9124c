// Package connector defines what every API connector delivers and how its
// records become raw Parquet rows.
//
// There are two kinds of stream:
//
//   - Incremental streams (CRM objects: HubSpot contacts, Salesforce
//     Opportunity, ...) deliver the records modified after a cursor. The
//     cursor is (modified time, id): records sharing a timestamp at a page
//     edge are neither lost nor duplicated, because the orchestrator keeps
//     exactly the records with since < (Modified, ID) and Modified <= upper,
//     and keeps one version per ID. Deletes arrive as records with Deleted set
//     (tombstones).
//   - Daily streams (ad platforms: Google Ads campaign metrics, Meta ad
//     insights) deliver metrics per day. Platforms restate recent days, so
//     the orchestrator re-reads a look-back window and overwrites each day's
//     partition whole.
//
// A connector talks to one account of one platform through lib/httpclient
// (the one retry layer) and never logs a token.
package connector

import (
	"context"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/httpclient"
)

// Type is the type of a field's values.
type Type string

// Field types. Values in Record.Fields are, by type: string; int64;
// float64 (money in currency units, never micros); bool; time.Time (UTC);
// and for Date a time.Time at 00:00 UTC. A nil value is a null.
const (
	String    Type = "string"
	Int       Type = "int"
	Float     Type = "float"
	Bool      Type = "bool"
	Timestamp Type = "timestamp"
	Date      Type = "date"
)

// Field is one column a stream delivers.
type Field struct {
	Name string `json:"name"`
	Type Type   `json:"type"`
}

// Record is one row from a platform.
type Record struct {
	// ID is the platform's primary key (for daily streams: the entity id,
	// such as the campaign or ad id).
	ID string
	// Modified is the record's last-modified time (incremental streams).
	Modified time.Time
	// Day is the day the metrics belong to, at 00:00 UTC (daily streams).
	Day time.Time
	// Deleted marks a tombstone: the record was deleted or archived.
	Deleted bool
	// Fields holds the values by field name.
	Fields map[string]any
}

// Cursor is a position in an incremental stream: (modified time, id).
type Cursor struct {
	Modified time.Time `json:"modified"`
	ID       string    `json:"id"`
}

// Less orders cursors by time, then id.
func (c Cursor) Less(o Cursor) bool {
	if !c.Modified.Equal(o.Modified) {
		return c.Modified.Before(o.Modified)
	}
	return c.ID < o.ID
}

// CursorOf is a record's position.
func CursorOf(r Record) Cursor { return Cursor{Modified: r.Modified, ID: r.ID} }

// Stream is one table of a source.
type Stream interface {
	// Name is the stream's name in store keys ("contacts").
	Name() string
	// Fields are the fields every record of the stream carries. Records may
	// carry more (a new platform field); the orchestrator adds them as
	// new columns.
	Fields() []Field
}

// Incremental is a stream read by modification time.
type Incremental interface {
	Stream
	// Pull emits, page by page, the records modified in (since, upper],
	// tombstones included, as narrowly as the API can filter; the caller
	// filters exactly. An error mid-way leaves nothing committed: the
	// caller commits only after Pull returns nil.
	Pull(ctx context.Context, since Cursor, upper time.Time, emit func([]Record) error) error
}

// Daily is a stream of metrics per day.
type Daily interface {
	Stream
	// PullDays emits every record of the days from..to (inclusive, UTC
	// dates at 00:00), page by page. Every record has Day set.
	PullDays(ctx context.Context, from, to time.Time, emit func([]Record) error) error
}

// Keep reports whether an incremental record belongs to the window
// (since, upper]: strictly after the cursor in (Modified, ID) order, and not
// after the frozen upper bound.
func Keep(r Record, since Cursor, upper time.Time) bool {
	return since.Less(CursorOf(r)) && !r.Modified.After(upper)
}

// Deps are what a connector gets from the process.
type Deps struct {
	// Getenv reads the environment variables named in the source's auth.
	Getenv func(string) string
	// Log is the source's logger: the step's (run_id, job, date) with the
	// source's name. A connector adds the stream on a stream's lines and
	// logs its HTTP client's requests and retries to it too.
	Log zerolog.Logger
	// HTTP is the base client configuration (retries, waits, timeout); a
	// connector fills in Platform, Policy, Rate, Log and, for auth, Transport.
	HTTP httpclient.Config
	// Now is the clock.
	Now func() time.Time
}

// BaseTransport is the transport a connector's auth layer sends through:
// the one HTTP names, else a clone of http.DefaultTransport.
func (d Deps) BaseTransport() http.RoundTripper {
	if d.HTTP.Transport != nil {
		return d.HTTP.Transport
	}
	return http.DefaultTransport.(*http.Transport).Clone()
}

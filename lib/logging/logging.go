// Package logging builds segmint's zerolog loggers and names their fields.
//
// Logs are JSON lines on stderr by default and a readable console form when
// stderr is a terminal. Every line of a run carries run_id, job and date.
// Field names are constants here so that every package spells them alike.
// Nothing logged may hold a secret or a raw personal identifier.
package logging

import (
	"io"
	"os"
	"time"

	"github.com/rs/zerolog"
)

// New returns the root logger writing to w. When console is true the output
// is the human-readable console form (for a terminal), otherwise JSON.
func New(w io.Writer, console bool, level zerolog.Level) zerolog.Logger {
	if console {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly}
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger()
}

// IsTerminal reports whether f is a character device (a terminal).
func IsTerminal(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	return fi.Mode()&os.ModeCharDevice != 0
}

// Progress logs at most once per interval while a long loop runs.
type Progress struct {
	log      zerolog.Logger
	msg      string
	interval time.Duration
	now      func() time.Time
	last     time.Time
	n        int64
}

// NewProgress returns a Progress that logs msg with a running count.
func NewProgress(log zerolog.Logger, msg string, interval time.Duration, now func() time.Time) *Progress {
	return &Progress{log: log, msg: msg, interval: interval, now: now, last: now()}
}

// Add counts n more items and logs when the interval has passed.
func (p *Progress) Add(n int64) { p.Set(p.n + n) }

// Set sets the running count to n and logs when the interval has passed.
func (p *Progress) Set(n int64) {
	p.n = n
	if t := p.now(); t.Sub(p.last) >= p.interval {
		p.last = t
		p.log.Info().Int64(FieldRows, p.n).Msg(p.msg)
	}
}

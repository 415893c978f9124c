package audiencefile

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
)

// Stats counts what a Writer wrote.
type Stats struct {
	// Rows is the number of people written, the header not counted.
	Rows int64
	// LeftOut is the number of people left out for want of an identifier
	// the platform matches on (see Encoder.Row).
	LeftOut int64
	// WithEmail, WithPhone and WithName count the written rows with an
	// e-mail hash, a phone hash, and both a first and a last name hash.
	WithEmail, WithPhone, WithName int64
}

// Shares is the fraction of written rows carrying each identifier, between
// 0 and 1: an upper bound on the match rate each identifier alone can give.
type Shares struct {
	Email float64 `json:"email"`
	Phone float64 `json:"phone"`
	Name  float64 `json:"name"`
}

// Shares returns each identifier's share of s.Rows, all 0 when no row was
// written.
func (s Stats) Shares() Shares {
	if s.Rows == 0 {
		return Shares{}
	}
	n := float64(s.Rows)
	return Shares{Email: float64(s.WithEmail) / n, Phone: float64(s.WithPhone) / n, Name: float64(s.WithName) / n}
}

// add counts one written row.
func (s *Stats) add(row []string) {
	s.Rows++
	s.WithEmail += count(row[colEmail] != "")
	s.WithPhone += count(row[colPhone] != "")
	s.WithName += count(row[colFirstName] != "" && row[colLastName] != "")
}

func count(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// ErrClosed is returned by Writer.Write after Close.
var ErrClosed = errors.New("audience file writer is closed")

// Writer writes one audience file: the header of its Format, then a row per
// person with a matchable identifier, quoted by encoding/csv. It buffers;
// Close flushes. A Writer is not safe for concurrent use.
type Writer struct {
	enc    *Encoder
	csv    *csv.Writer
	stats  Stats
	closed bool
}

// NewWriter returns a Writer of format f to w, the header row already
// buffered. defaultRegion is as for NewEncoder.
func NewWriter(w io.Writer, f Format, defaultRegion string) (*Writer, error) {
	enc, err := NewEncoder(f, defaultRegion)
	if err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(f.Header()); err != nil {
		return nil, fmt.Errorf("write %s audience header: %w", f, err)
	}
	return &Writer{enc: enc, csv: cw}, nil
}

// Write adds p to the file, or counts it as left out when it has nothing
// the platform matches on. Errors come from the underlying writer.
func (w *Writer) Write(p Person) error {
	if w.closed {
		return ErrClosed
	}
	row, ok := w.enc.Row(p)
	if !ok {
		w.stats.LeftOut++
		return nil
	}
	if err := w.csv.Write(row); err != nil {
		return fmt.Errorf("write %s audience row: %w", w.enc.Format(), err)
	}
	w.stats.add(row)
	return nil
}

// Stats returns the counts so far.
func (w *Writer) Stats() Stats { return w.stats }

// Close flushes the buffered rows to the underlying writer, which it does
// not close, and returns the final counts. Check its error: rows are only
// in the file once it returns nil.
func (w *Writer) Close() (Stats, error) {
	w.closed = true
	w.csv.Flush()
	if err := w.csv.Error(); err != nil {
		return w.stats, fmt.Errorf("flush %s audience file: %w", w.enc.Format(), err)
	}
	return w.stats, nil
}

package dataset

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/parquet-go/parquet-go"
)

// Defaults for Parquet parts.
const (
	// RowsPerPart bounds one data file; larger outputs roll to a new part.
	RowsPerPart = 1_000_000
	// RowsPerRowGroup bounds one row group.
	RowsPerRowGroup = 128 * 1024
)

// AddFile stages one data file produced by write, names it
// part-NNNNN-<checksum>.<ext> and uploads it into the partition. rows is the
// number of data rows the file holds; ext is its extension ("parquet", "csv").
func (w *Writer) AddFile(ctx context.Context, ext, format string, rows int64, write func(io.Writer) error) error {
	return w.addFile(ctx, func(sum []byte) string { return partName(w.next, sum, ext) }, format, rows, write)
}

// AddFileAs is AddFile with a fixed name (index.html of a report). A rerun
// overwrites the object in place, so use it only for files people open by
// name, never for data parts.
func (w *Writer) AddFileAs(ctx context.Context, name, format string, rows int64, write func(io.Writer) error) error {
	return w.addFile(ctx, func([]byte) string { return name }, format, rows, write)
}

func (w *Writer) addFile(ctx context.Context, nameOf func(sum []byte) string, format string, rows int64, write func(io.Writer) error) error {
	f, err := os.CreateTemp(w.tmpDir, "segmint-part-*")
	if err != nil {
		return fmt.Errorf("stage part of %s: %w", w.p, err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(f, h)}
	if err := write(cw); err != nil {
		return fmt.Errorf("encode part of %s: %w", w.p, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rewind part of %s: %w", w.p, err)
	}
	sum := h.Sum(nil)
	name := nameOf(sum)
	if err := w.st.Put(ctx, w.p.Key(name), f); err != nil {
		return fmt.Errorf("upload part of %s: %w", w.p, err)
	}
	w.next++
	w.manifest.Files = append(w.manifest.Files, File{
		Name: name, Format: format, Rows: rows, Bytes: cw.n, SHA256: hex.EncodeToString(sum),
	})
	return nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// writerOptions are the options of every Parquet file segmint writes.
func writerOptions(extra ...parquet.WriterOption) []parquet.WriterOption {
	return append([]parquet.WriterOption{
		parquet.Compression(&parquet.Zstd),
		parquet.MaxRowsPerRowGroup(RowsPerRowGroup),
	}, extra...)
}

// WriteParquet writes rows as Parquet parts of at most RowsPerPart rows,
// in the order given. An empty rows still writes one (empty) part so that
// readers find the schema.
func WriteParquet[T any](ctx context.Context, w *Writer, rows []T) error {
	w.SetSchema(SchemaFields(parquet.SchemaOf(new(T))))
	for start := 0; start == 0 || start < len(rows); start += RowsPerPart {
		end := min(start+RowsPerPart, len(rows))
		chunk := rows[start:end]
		err := w.AddFile(ctx, "parquet", "parquet", int64(len(chunk)), func(out io.Writer) (err error) {
			defer recoverParquet(&err)
			pw := parquet.NewGenericWriter[T](out, writerOptions()...)
			if _, err := pw.Write(chunk); err != nil {
				return fmt.Errorf("write rows: %w", err)
			}
			return pw.Close()
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// WriteRows writes dynamic rows that follow schema as Parquet parts.
func WriteRows(ctx context.Context, w *Writer, schema *parquet.Schema, rows []parquet.Row) error {
	w.SetSchema(SchemaFields(schema))
	for start := 0; start == 0 || start < len(rows); start += RowsPerPart {
		end := min(start+RowsPerPart, len(rows))
		chunk := rows[start:end]
		err := w.AddFile(ctx, "parquet", "parquet", int64(len(chunk)), func(out io.Writer) (err error) {
			defer recoverParquet(&err)
			pw := parquet.NewWriter(out, writerOptions(schema)...)
			if _, err := pw.WriteRows(chunk); err != nil {
				return fmt.Errorf("write rows: %w", err)
			}
			return pw.Close()
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// recoverParquet turns a panic inside parquet-go into an error: a
// third-party panic is contained at its boundary.
func recoverParquet(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("parquet: %v", r)
	}
}

// SchemaFields lists the leaf columns of a Parquet schema with their types.
func SchemaFields(s *parquet.Schema) []Field {
	var out []Field
	for _, path := range s.Columns() {
		leaf, ok := s.Lookup(path...)
		if !ok {
			continue
		}
		typ := leaf.Node.Type().String()
		if leaf.Node.Optional() {
			typ += " (optional)"
		}
		out = append(out, Field{Name: joinPath(path), Type: typ})
	}
	return out
}

func joinPath(path []string) string {
	s := ""
	for i, p := range path {
		if i > 0 {
			s += "."
		}
		s += p
	}
	return s
}

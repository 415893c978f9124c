package dataset

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/store"
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

// AddFileAs is AddFile with a fixed name (index.html of a report), for
// files people open by name, never for data parts. A rerun overwrites the
// object in place: when the committed manifest names it with another
// checksum, the partition's marker is removed first, so that the partition
// is never committed with a file its manifest does not describe (a crash
// before the new commit leaves it uncommitted, and the next nightly reruns
// the step).
func (w *Writer) AddFileAs(ctx context.Context, name, format string, rows int64, write func(io.Writer) error) error {
	return w.addFile(ctx, func([]byte) string { return name }, format, rows, write)
}

// uncommitFor removes the partition's _SUCCESS marker when its committed
// manifest names the file name with a checksum other than sum: the file is
// about to be overwritten in place.
func (w *Writer) uncommitFor(ctx context.Context, name string, sum []byte) error {
	m, err := ReadManifest(ctx, w.st, w.p)
	if errors.Is(err, ErrNotCommitted) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, f := range m.Files {
		if f.Name == name && f.SHA256 != hex.EncodeToString(sum) {
			if err := w.st.Delete(ctx, w.p.Key(SuccessName)); err != nil {
				return fmt.Errorf("uncommit %s before replacing %s: %w", w.p, name, err)
			}
			return nil
		}
	}
	return nil
}

func (w *Writer) addFile(ctx context.Context, nameOf func(sum []byte) string, format string, rows int64, write func(io.Writer) error) error {
	sp, err := w.stage()
	if err != nil {
		return err
	}
	defer sp.discard()
	if err := write(sp.out); err != nil {
		return fmt.Errorf("encode part of %s: %w", w.p, err)
	}
	return w.upload(ctx, sp, nameOf, format, rows)
}

// stagedPart is a data file being written to a temporary file, hashed as it
// goes, before it is uploaded under a name that carries its checksum.
type stagedPart struct {
	f   *os.File
	h   hash.Hash
	out *countWriter
}

// stage opens a new staged part.
func (w *Writer) stage() (*stagedPart, error) {
	f, err := store.CreateStaging(w.tmpDir, "part")
	if err != nil {
		return nil, fmt.Errorf("stage part of %s: %w", w.p, err)
	}
	h := sha256.New()
	return &stagedPart{f: f, h: h, out: &countWriter{w: io.MultiWriter(f, h)}}, nil
}

// discard closes and removes the temporary file (after an upload too).
func (sp *stagedPart) discard() {
	sp.f.Close()
	os.Remove(sp.f.Name())
}

// upload puts a staged part into the partition under nameOf(its sha256) and
// records it for the manifest. The caller still discards sp.
func (w *Writer) upload(ctx context.Context, sp *stagedPart, nameOf func(sum []byte) string, format string, rows int64) error {
	if _, err := sp.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rewind part of %s: %w", w.p, err)
	}
	sum := sp.h.Sum(nil)
	name := nameOf(sum)
	if !isPartName(name) {
		if err := w.uncommitFor(ctx, name, sum); err != nil {
			return err
		}
	}
	if err := w.st.Put(ctx, w.p.Key(name), sp.f); err != nil {
		return fmt.Errorf("upload part of %s: %w", w.p, err)
	}
	w.next++
	w.manifest.Files = append(w.manifest.Files, File{
		Name: name, Format: format, Rows: rows, Bytes: sp.out.n, SHA256: hex.EncodeToString(sum),
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
		chunk := rows[start:min(start+RowsPerPart, len(rows))]
		if err := w.AddFile(ctx, "parquet", "parquet", int64(len(chunk)), encodeStructs(chunk)); err != nil {
			return err
		}
	}
	return nil
}

// encodeStructs writes rows as one Parquet file.
func encodeStructs[T any](rows []T) func(io.Writer) error {
	return func(out io.Writer) (err error) {
		defer recoverParquet(&err)
		pw := parquet.NewGenericWriter[T](out, writerOptions()...)
		if _, err := pw.Write(rows); err != nil {
			return fmt.Errorf("write rows: %w", err)
		}
		return pw.Close()
	}
}

// WriteRows writes dynamic rows that follow schema as Parquet parts.
func WriteRows(ctx context.Context, w *Writer, schema *parquet.Schema, rows []parquet.Row) error {
	return writeRows(ctx, w, schema, rows, RowsPerPart)
}

func writeRows(ctx context.Context, w *Writer, schema *parquet.Schema, rows []parquet.Row, perPart int) error {
	w.SetSchema(SchemaFields(schema))
	for start := 0; start == 0 || start < len(rows); start += perPart {
		chunk := rows[start:min(start+perPart, len(rows))]
		if err := w.AddFile(ctx, "parquet", "parquet", int64(len(chunk)), encodeRows(schema, chunk)); err != nil {
			return err
		}
	}
	return nil
}

// encodeRows writes rows that follow schema as one Parquet file.
func encodeRows(schema *parquet.Schema, rows []parquet.Row) func(io.Writer) error {
	return func(out io.Writer) (err error) {
		defer recoverParquet(&err)
		pw := parquet.NewGenericWriter[any](out, writerOptions(schema)...)
		if _, err := pw.WriteRows(rows); err != nil {
			return fmt.Errorf("write rows: %w", err)
		}
		return pw.Close()
	}
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

// rowBatch is how many rows a RowWriter hands parquet-go at once. parquet-go
// encodes the rows of one WriteRows call 64 at a time and may end a page
// after each 64; with calls of a multiple of 64 rows the pages end where they
// end when a whole part is written in one call, so the bytes are the same as
// WriteRows's.
const rowBatch = 16 * 64

// RowWriter streams dynamic rows into Parquet parts of at most RowsPerPart
// rows: the parts and their names are byte-identical to what WriteRows
// writes for the same rows, but only the part being encoded is held (its
// encoder's buffers, staged in a temporary file, and one batch of rows), not
// every row. Use it as NewRowWriter, WriteRow..., Close, then the Writer's
// Commit; or Abort when the partition will not be committed.
type RowWriter struct {
	w       *Writer
	schema  *parquet.Schema
	perPart int64
	part    *stagedPart
	pw      *parquet.GenericWriter[any]
	rows    int64 // rows encoded into the current part
	batch   []parquet.Row
	n       int // rows waiting in batch
	parts   int // parts uploaded
}

// NewRowWriter starts streaming rows that follow schema into w's partition.
func NewRowWriter(w *Writer, schema *parquet.Schema) *RowWriter {
	return newRowWriter(w, schema, RowsPerPart)
}

func newRowWriter(w *Writer, schema *parquet.Schema, perPart int) *RowWriter {
	w.SetSchema(SchemaFields(schema))
	return &RowWriter{w: w, schema: schema, perPart: int64(perPart), batch: make([]parquet.Row, rowBatch)}
}

// WriteRow adds one row. The row's values are copied, so the caller may
// reuse the slice; the byte arrays they point to are not, so they must not
// change afterwards.
func (rw *RowWriter) WriteRow(ctx context.Context, row parquet.Row) error {
	rw.batch[rw.n] = append(rw.batch[rw.n][:0], row...)
	rw.n++
	if rw.n == len(rw.batch) || rw.rows+int64(rw.n) == rw.perPart {
		return rw.flush(ctx)
	}
	return nil
}

// flush encodes the waiting rows into the current part (opening it first)
// and uploads the part when it is full.
func (rw *RowWriter) flush(ctx context.Context) error {
	if rw.n == 0 {
		return nil
	}
	if err := rw.open(); err != nil {
		return err
	}
	if err := rw.encode(rw.batch[:rw.n]); err != nil {
		return err
	}
	rw.rows += int64(rw.n)
	rw.n = 0
	if rw.rows == rw.perPart {
		return rw.finish(ctx)
	}
	return nil
}

func (rw *RowWriter) open() error {
	if rw.pw != nil {
		return nil
	}
	sp, err := rw.w.stage()
	if err != nil {
		return err
	}
	rw.part = sp
	rw.pw = parquet.NewGenericWriter[any](sp.out, writerOptions(rw.schema)...)
	return nil
}

func (rw *RowWriter) encode(rows []parquet.Row) (err error) {
	defer recoverParquet(&err)
	if _, err := rw.pw.WriteRows(rows); err != nil {
		return fmt.Errorf("encode part of %s: write rows: %w", rw.w.p, err)
	}
	return nil
}

func (rw *RowWriter) closeEncoder() (err error) {
	defer recoverParquet(&err)
	if err := rw.pw.Close(); err != nil {
		return fmt.Errorf("encode part of %s: %w", rw.w.p, err)
	}
	return nil
}

// finish closes the current part's encoder and uploads the part.
func (rw *RowWriter) finish(ctx context.Context) error {
	sp := rw.part
	defer sp.discard()
	rw.part = nil
	err := rw.closeEncoder()
	rw.pw = nil
	if err != nil {
		return err
	}
	rows := rw.rows
	rw.rows = 0
	if err := rw.w.upload(ctx, sp, func(sum []byte) string { return partName(rw.w.next, sum, "parquet") }, "parquet", rows); err != nil {
		return err
	}
	rw.parts++
	return nil
}

// Close encodes and uploads the last part. Without any row it writes one
// empty part, as WriteRows does, so that readers find the schema.
func (rw *RowWriter) Close(ctx context.Context) error {
	if err := rw.flush(ctx); err != nil {
		return err
	}
	if rw.pw == nil && rw.parts == 0 {
		if err := rw.open(); err != nil {
			return err
		}
	}
	if rw.pw == nil {
		return nil
	}
	return rw.finish(ctx)
}

// Abort gives the partition up: it drops the part being encoded and
// removes the parts already uploaded (see Writer.Abandon).
func (rw *RowWriter) Abort(ctx context.Context) error {
	if rw.part != nil {
		rw.part.discard()
		rw.part, rw.pw = nil, nil
	}
	rw.n = 0
	return rw.w.Abandon(ctx)
}

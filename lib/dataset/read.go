package dataset

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/store"
)

// pather is implemented by stores whose objects are plain files.
type pather interface{ Path(key string) string }

// openPart gives a local, checksum-verified copy of one data file. Local
// stores are read in place; others are downloaded to a temporary file.
func openPart(ctx context.Context, st store.Store, p Partition, f File) (*os.File, func(), error) {
	key := p.Key(f.Name)
	file, cleanup, err := stage(ctx, st, key)
	if err != nil {
		return nil, nil, err
	}
	if err := verify(file, f); err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("verify %s: %w", key, err)
	}
	return file, cleanup, nil
}

// stage opens the file of key: a local store's own file, or else a
// download. The cleanup closes it (and removes a download).
func stage(ctx context.Context, st store.Store, key string) (*os.File, func(), error) {
	if ps, ok := st.(pather); ok {
		fh, err := os.Open(ps.Path(key))
		if err != nil {
			return nil, nil, fmt.Errorf("open %s: %w", key, err)
		}
		return fh, func() { fh.Close() }, nil
	}
	return download(ctx, st, key)
}

// download copies the object of key to a temporary file.
func download(ctx context.Context, st store.Store, key string) (*os.File, func(), error) {
	tmp, err := store.CreateStaging("", "read")
	if err != nil {
		return nil, nil, fmt.Errorf("stage %s: %w", key, err)
	}
	cleanup := func() { tmp.Close(); os.Remove(tmp.Name()) }
	rc, err := st.Get(ctx, key)
	if err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("get %s: %w", key, err)
	}
	_, err = io.Copy(tmp, rc)
	rc.Close()
	if err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("download %s: %w", key, err)
	}
	return tmp, cleanup, nil
}

// ErrChecksum means a data file does not match its manifest.
var ErrChecksum = errors.New("file does not match its manifest")

func verify(file *os.File, f File) error {
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(h, file)
	if err != nil {
		return err
	}
	if n != f.Bytes || hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
		return fmt.Errorf("%w: %d bytes, manifest says %d", ErrChecksum, n, f.Bytes)
	}
	_, err = file.Seek(0, io.SeekStart)
	return err
}

// ReadParquet reads every row of a committed partition's Parquet files into
// T, in manifest order. Columns of T missing from a file read as zero values.
func ReadParquet[T any](ctx context.Context, st store.Store, p Partition) ([]T, *Manifest, error) {
	m, err := ReadManifest(ctx, st, p)
	if err != nil {
		return nil, nil, err
	}
	var out []T
	for _, f := range m.Files {
		if f.Format != "parquet" {
			continue
		}
		rows, err := readFile[T](ctx, st, p, f)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, rows...)
	}
	return out, m, nil
}

func readFile[T any](ctx context.Context, st store.Store, p Partition, f File) (rows []T, err error) {
	file, cleanup, err := openPart(ctx, st, p, f)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	defer recoverParquet(&err)
	rows, err = parquet.Read[T](file, f.Bytes)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p.Key(f.Name), err)
	}
	return rows, nil
}

// EachRows streams the rows of a committed partition's Parquet files to fn
// in batches, with the file's schema so that fn can find its columns.
func EachRows(ctx context.Context, st store.Store, p Partition, fn func(*parquet.Schema, []parquet.Row) error) (*Manifest, error) {
	m, err := ReadManifest(ctx, st, p)
	if err != nil {
		return nil, err
	}
	return m, EachRowsOf(ctx, st, p, m, fn)
}

// EachRowsOf is EachRows for a manifest already read.
func EachRowsOf(ctx context.Context, st store.Store, p Partition, m *Manifest, fn func(*parquet.Schema, []parquet.Row) error) error {
	for _, f := range m.Files {
		if f.Format != "parquet" {
			continue
		}
		if err := eachFileRows(ctx, st, p, f, fn); err != nil {
			return err
		}
	}
	return nil
}

func eachFileRows(ctx context.Context, st store.Store, p Partition, f File, fn func(*parquet.Schema, []parquet.Row) error) (err error) {
	file, cleanup, err := openPart(ctx, st, p, f)
	if err != nil {
		return err
	}
	defer cleanup()
	defer recoverParquet(&err)
	pf, err := parquet.OpenFile(file, f.Bytes)
	if err != nil {
		return fmt.Errorf("open parquet %s: %w", p.Key(f.Name), err)
	}
	return feedRows(ctx, pf, p.Key(f.Name), fn)
}

// feedRows hands the rows of the Parquet file of key to fn in batches,
// with the file's schema, checking ctx before each batch.
func feedRows(ctx context.Context, pf *parquet.File, key string, fn func(*parquet.Schema, []parquet.Row) error) error {
	r := parquet.NewReader(pf)
	defer r.Close()
	buf := make([]parquet.Row, 1024)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := r.ReadRows(buf)
		if n > 0 {
			if ferr := fn(pf.Schema(), buf[:n]); ferr != nil {
				return ferr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read rows of %s: %w", key, err)
		}
	}
}

// Fields finds columns of rows of one schema by name.
type Fields struct{ cols map[string]int }

// FieldsOf indexes the top-level columns of s.
func FieldsOf(s *parquet.Schema) Fields {
	f := Fields{cols: map[string]int{}}
	for i, c := range s.Columns() {
		f.cols[c[0]] = i
	}
	return f
}

// Text is the text of a string field of row, "" when the field is absent
// or null.
func (f Fields) Text(row parquet.Row, field string) string {
	i, ok := f.cols[field]
	if !ok || row[i].IsNull() {
		return ""
	}
	return string(row[i].ByteArray())
}

// Int64 is the value of an int64 (or timestamp) field of row; false when
// the field is absent or null.
func (f Fields) Int64(row parquet.Row, field string) (int64, bool) {
	i, ok := f.cols[field]
	if !ok || row[i].IsNull() {
		return 0, false
	}
	return row[i].Int64(), true
}

// EachRowsUpTo streams the rows of every committed partition of a dataset
// dated d or earlier, oldest first, to fn, and returns their manifests.
func EachRowsUpTo(ctx context.Context, st store.Store, name string, d rundate.Date, fn func(*parquet.Schema, []parquet.Row) error) ([]*Manifest, error) {
	dates, err := CommittedDates(ctx, st, name)
	if err != nil {
		return nil, err
	}
	var out []*Manifest
	for _, day := range dates {
		if day.Start().After(d.Start()) {
			break
		}
		m, err := EachRows(ctx, st, Partition{Dataset: name, Date: day}, fn)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

package dataset

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/lib/store/storetest"
)

// streamSchema is a raw-like schema: strings, optional values with nulls.
func streamSchema() *parquet.Schema {
	return parquet.NewSchema("t", parquet.Group{
		"file":  parquet.String(),
		"line":  parquet.Int(64),
		"name":  parquet.Optional(parquet.String()),
		"price": parquet.Optional(parquet.Decimal(2, 18, parquet.Int64Type)),
	})
}

// streamRows makes n rows of streamSchema with varied string lengths and
// some nulls, so that pages end at varying rows.
func streamRows(n int) []parquet.Row {
	rows := make([]parquet.Row, n)
	for i := range rows {
		name := parquet.NullValue().Level(0, 0, 2)
		if i%7 != 0 {
			name = parquet.ByteArrayValue([]byte(fmt.Sprintf("item %d %s", i*7919%1000, strings.Repeat("x", i%13)))).Level(0, 1, 2)
		}
		price := parquet.NullValue().Level(0, 0, 3)
		if i%5 != 0 {
			price = parquet.Int64Value(int64(i*37%10007)).Level(0, 1, 3)
		}
		rows[i] = parquet.Row{
			parquet.ByteArrayValue([]byte("export.csv")).Level(0, 0, 0),
			parquet.Int64Value(int64(i+2)).Level(0, 0, 1),
			name, price,
		}
	}
	return rows
}

func testPartition(t *testing.T) Partition {
	return Partition{Dataset: "raw/test/rows", Date: rundatetest.Parse(t, "2010-12-09")}
}

// streamRowsThrough writes rows through a RowWriter of perPart rows a part,
// one at a time from one reused slice, as filedrop hands them.
func streamRowsThrough(t *testing.T, st store.Store, rows []parquet.Row, perPart int) []File {
	t.Helper()
	w := NewWriter(st, testPartition(t), "run-stream", "test", t.TempDir())
	rw := newRowWriter(w, streamSchema(), perPart)
	buf := make(parquet.Row, 4)
	for _, r := range rows {
		copy(buf, r)
		if err := rw.WriteRow(t.Context(), buf); err != nil {
			t.Fatal(err)
		}
		clear(buf)
	}
	if err := rw.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	return w.Files()
}

func writeRowsAtOnce(t *testing.T, rows []parquet.Row, perPart int) []File {
	t.Helper()
	w := NewWriter(store.NewMem(), testPartition(t), "run-once", "test", t.TempDir())
	if err := writeRows(t.Context(), w, streamSchema(), rows, perPart); err != nil {
		t.Fatal(err)
	}
	return w.Files()
}

// The streamed parts are the parts WriteRows writes: same names, rows,
// sizes and checksums, whatever the number of rows and the part size.
func TestRowWriterMatchesWriteRows(t *testing.T) {
	for _, tc := range []struct {
		name          string
		rows, perPart int
	}{
		{"empty", 0, RowsPerPart},
		{"one row", 1, RowsPerPart},
		{"part ends inside a batch", 5000, 1100},
		{"parts smaller than a batch", 2500, 1000},
		{"part size a multiple of the batch", 4*rowBatch + 3, 2 * rowBatch},
		{"rows end on a part boundary", 3300, 1100},
		// Crosses a row group (RowsPerRowGroup) and many pages.
		{"real part size", RowsPerRowGroup + 40_000, RowsPerPart},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows := streamRows(tc.rows)
			want := writeRowsAtOnce(t, rows, tc.perPart)
			got := streamRowsThrough(t, store.NewMem(), rows, tc.perPart)
			if !slices.Equal(got, want) {
				t.Fatalf("streamed parts\n%v\nwant (WriteRows)\n%v", got, want)
			}
			if wantParts := max(1, (tc.rows+tc.perPart-1)/tc.perPart); len(got) != wantParts {
				t.Errorf("%d parts, want %d", len(got), wantParts)
			}
		})
	}
}

// Abandon removes what the writer uploaded but keeps the parts that the
// committed partition names, so the committed partition stays whole.
func TestRowWriterAbort(t *testing.T) {
	ctx := t.Context()
	st := store.NewMem()
	p := testPartition(t)
	rows := streamRows(3000)

	// Nothing committed: every uploaded part goes.
	w := NewWriter(st, p, "run-1", "test", t.TempDir())
	rw := newRowWriter(w, streamSchema(), 1000)
	for _, r := range rows[:2500] {
		if err := rw.WriteRow(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if len(w.Files()) != 2 {
		t.Fatalf("%d parts uploaded before the abort, want 2", len(w.Files()))
	}
	if err := rw.Abort(ctx); err != nil {
		t.Fatal(err)
	}
	if left := storetest.Keys(t, st, p.Prefix()); len(left) != 0 {
		t.Fatalf("after Abort the partition holds %v, want nothing", left)
	}

	// Commit 2,000 rows, then abort a rerun that wrote the same first part
	// and a different second one.
	w = NewWriter(st, p, "run-2", "test", t.TempDir())
	if err := writeRows(ctx, w, streamSchema(), rows[:2000], 1000); err != nil {
		t.Fatal(err)
	}
	committed, err := w.Commit(ctx, time.Date(2010, 12, 10, 3, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	w = NewWriter(st, p, "run-3", "test", t.TempDir())
	rw = newRowWriter(w, streamSchema(), 1000)
	for _, r := range slices.Concat(rows[:1000], rows[2000:]) {
		if err := rw.WriteRow(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if f := w.Files(); len(f) != 2 || f[0] != committed.Files[0] || f[1] == committed.Files[1] {
		t.Fatalf("rerun parts %v, want the committed first part and a new second one (committed %v)", f, committed.Files)
	}
	if err := rw.Abort(ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{p.Prefix() + ManifestName, p.Prefix() + SuccessName, p.Key(committed.Files[0].Name), p.Key(committed.Files[1].Name)}
	slices.Sort(want)
	if got := storetest.Keys(t, st, p.Prefix()); !slices.Equal(got, want) {
		t.Fatalf("after Abort the partition holds %v, want %v", got, want)
	}
	read := 0
	if _, err := EachRows(ctx, st, p, func(_ *parquet.Schema, rs []parquet.Row) error { read += len(rs); return nil }); err != nil || read != 2000 {
		t.Fatalf("reading the committed partition after Abort: %d rows, %v; want 2000 rows", read, err)
	}
}

func TestRowWriterEncodeErrorStops(t *testing.T) {
	w := NewWriter(store.NewMem(), testPartition(t), "run-1", "test", t.TempDir())
	rw := newRowWriter(w, streamSchema(), 1000)
	bad := parquet.Row{parquet.Int64Value(1).Level(0, 0, 7)} // no such column
	var err error
	for range rowBatch {
		if err = rw.WriteRow(t.Context(), bad); err != nil {
			break
		}
	}
	if err == nil {
		err = rw.Close(t.Context())
	}
	if err == nil || errors.Is(err, context.Canceled) {
		t.Fatalf("writing rows that do not fit the schema: %v, want an error", err)
	}
	if err := rw.Abort(t.Context()); err != nil {
		t.Fatal(err)
	}
}

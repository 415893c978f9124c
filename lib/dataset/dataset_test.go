package dataset_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/lib/store/storetest"
)

var now = time.Date(2010, 12, 10, 3, 0, 0, 0, time.UTC)

// eachStore runs fn against a fresh in-memory and a fresh local store.
func eachStore(t *testing.T, fn func(t *testing.T, s store.Store)) {
	t.Run("mem", func(t *testing.T) { fn(t, store.NewMem()) })
	t.Run("local", func(t *testing.T) {
		l, err := store.NewLocal(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		fn(t, l)
	})
}

func newWriter(t *testing.T, s store.Store, p dataset.Partition) *dataset.Writer {
	return dataset.NewWriter(s, p, "run-1", "test", t.TempDir())
}

// dsWriter is the partition ds/dt=2010-12-09 that most tests write, and a
// writer for it on s.
func dsWriter(t *testing.T, s store.Store) (dataset.Partition, *dataset.Writer) {
	p := dataset.Partition{Dataset: "ds", Date: rundatetest.Parse(t, "2010-12-09")}
	return p, newWriter(t, s, p)
}

// addText adds a text file as a data part.
func addText(t *testing.T, w *dataset.Writer, content string) {
	t.Helper()
	err := w.AddFile(t.Context(), "txt", "text", 1, func(out io.Writer) error {
		_, err := io.WriteString(out, content)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func keys(t *testing.T, s store.Store, prefix string) []string {
	t.Helper()
	var out []string
	for _, k := range storetest.Keys(t, s, prefix) {
		out = append(out, strings.TrimPrefix(k, prefix))
	}
	return out
}

func assertInvisible(t *testing.T, s store.Store, p dataset.Partition) {
	t.Helper()
	ctx := t.Context()
	if ok, err := dataset.Committed(ctx, s, p); err != nil || ok {
		t.Errorf("Committed() = %v, %v; want false", ok, err)
	}
	if _, err := dataset.ReadManifest(ctx, s, p); !errors.Is(err, dataset.ErrNotCommitted) {
		t.Errorf("ReadManifest() = %v, want ErrNotCommitted", err)
	}
	if _, _, err := dataset.ReadParquet[rec](ctx, s, p); !errors.Is(err, dataset.ErrNotCommitted) {
		t.Errorf("ReadParquet() = %v, want ErrNotCommitted", err)
	}
	called := false
	_, err := dataset.EachRows(ctx, s, p, func(*parquet.Schema, []parquet.Row) error { called = true; return nil })
	if !errors.Is(err, dataset.ErrNotCommitted) || called {
		t.Errorf("EachRows() = %v (called %v), want ErrNotCommitted", err, called)
	}
	dates, err := dataset.CommittedDates(ctx, s, p.Dataset)
	if err != nil || slices.Contains(dates, p.Date) {
		t.Errorf("CommittedDates() = %v, %v; must not list %v", dates, err, p.Date)
	}
}

func TestPartitionNames(t *testing.T) {
	p := dataset.Partition{Dataset: "unified/customers", Date: rundatetest.Parse(t, "2010-12-09")}
	if got := p.Prefix(); got != "unified/customers/dt=2010-12-09/" {
		t.Errorf("Prefix() = %q", got)
	}
	if got := p.Key(dataset.SuccessName); got != "unified/customers/dt=2010-12-09/_SUCCESS" {
		t.Errorf("Key() = %q", got)
	}
	if got := p.String(); got != "unified/customers/dt=2010-12-09" {
		t.Errorf("String() = %q", got)
	}
}

func TestUncommittedIsInvisible(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		tests := []struct {
			name  string
			crash func(t *testing.T, w *dataset.Writer, p dataset.Partition)
		}{
			{"crash after parts", func(t *testing.T, w *dataset.Writer, p dataset.Partition) {}},
			{"crash after manifest, before _SUCCESS", func(t *testing.T, w *dataset.Writer, p dataset.Partition) {
				if _, err := w.Commit(ctx, now); err != nil {
					t.Fatal(err)
				}
				if err := s.Delete(ctx, p.Key(dataset.SuccessName)); err != nil {
					t.Fatal(err)
				}
				if _, err := s.Stat(ctx, p.Key(dataset.ManifestName)); err != nil {
					t.Fatalf("manifest.json should exist: %v", err)
				}
			}},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p := dataset.Partition{Dataset: "ds", Date: rundatetest.Parse(t, "2010-12-01").AddDays(i)}
				w := newWriter(t, s, p)
				if err := dataset.WriteParquet(ctx, w, sampleRecs(3)); err != nil {
					t.Fatal(err)
				}
				tt.crash(t, w, p)
				if len(keys(t, s, p.Prefix())) == 0 {
					t.Fatal("no part was written")
				}
				assertInvisible(t, s, p)

				// A later commit makes it visible.
				w2 := newWriter(t, s, p)
				if err := dataset.WriteParquet(ctx, w2, sampleRecs(2)); err != nil {
					t.Fatal(err)
				}
				if _, err := w2.Commit(ctx, now); err != nil {
					t.Fatal(err)
				}
				if ok, err := dataset.Committed(ctx, s, p); !ok || err != nil {
					t.Fatalf("Committed() after Commit = %v, %v", ok, err)
				}
				got, m, err := dataset.ReadParquet[rec](ctx, s, p)
				if err != nil || len(got) != 2 || m.Rows != 2 {
					t.Fatalf("ReadParquet() = %d rows, %v", len(got), err)
				}
				// The crashed run's orphan part is gone.
				if n := len(keys(t, s, p.Prefix())); n != 3 {
					t.Errorf("partition holds %d objects, want part + manifest + _SUCCESS: %v", n, keys(t, s, p.Prefix()))
				}
			})
		}
	})
}

// recStore records, in order, each completed Put and each Delete about to run.
type recStore struct {
	store.Store
	mu  sync.Mutex
	ops []string
}

func (r *recStore) record(op string) {
	r.mu.Lock()
	r.ops = append(r.ops, op)
	r.mu.Unlock()
}

func (r *recStore) Put(ctx context.Context, key string, rd io.Reader) error {
	err := r.Store.Put(ctx, key, rd)
	if err == nil {
		r.record("put " + key)
	}
	return err
}

func (r *recStore) Delete(ctx context.Context, key string) error {
	r.record("delete " + key)
	return r.Store.Delete(ctx, key)
}

func TestRecommitRemovesStaleFilesLast(t *testing.T) {
	eachStore(t, func(t *testing.T, base store.Store) {
		ctx := t.Context()
		s := &recStore{Store: base}
		p := dataset.Partition{Dataset: "segments/rfm", Date: rundatetest.Parse(t, "2010-12-09")}
		w := newWriter(t, s, p)
		for _, c := range []string{"one", "two", "three"} {
			addText(t, w, c)
		}
		old := w.Files()
		if _, err := w.Commit(ctx, now); err != nil {
			t.Fatal(err)
		}
		if got := keys(t, s, p.Prefix()); len(got) != 5 {
			t.Fatalf("first commit wrote %v", got)
		}

		s.mu.Lock()
		s.ops = nil
		s.mu.Unlock()
		w2 := newWriter(t, s, p)
		addText(t, w2, "four")
		m, err := w2.Commit(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{dataset.SuccessName, m.Files[0].Name, dataset.ManifestName}
		slices.Sort(want)
		if got := keys(t, s, p.Prefix()); !slices.Equal(got, want) {
			t.Errorf("after recommit: %v, want %v", got, want)
		}

		pos := func(op string) int {
			i := slices.Index(s.ops, op)
			if i < 0 {
				t.Fatalf("no %q in %v", op, s.ops)
			}
			return i
		}
		part := pos("put " + p.Key(m.Files[0].Name))
		manifest := pos("put " + p.Key(dataset.ManifestName))
		success := pos("put " + p.Key(dataset.SuccessName))
		if !(part < manifest && manifest < success) {
			t.Errorf("order part %d, manifest %d, _SUCCESS %d: %v", part, manifest, success, s.ops)
		}
		var deleted []string
		for i, op := range s.ops {
			if k, ok := strings.CutPrefix(op, "delete "); ok {
				deleted = append(deleted, strings.TrimPrefix(k, p.Prefix()))
				if i < success {
					t.Errorf("%s at %d runs before _SUCCESS at %d", op, i, success)
				}
			}
		}
		var wantDeleted []string
		for _, f := range old {
			wantDeleted = append(wantDeleted, f.Name)
		}
		slices.Sort(deleted)
		slices.Sort(wantDeleted)
		if !slices.Equal(deleted, wantDeleted) {
			t.Errorf("deleted %v, want the old parts %v", deleted, wantDeleted)
		}
	})
}

func TestAddFileNamesAndManifest(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		p, w := dsWriter(t, s)
		if err := dataset.WriteParquet(ctx, w, sampleRecs(4)); err != nil {
			t.Fatal(err)
		}
		if err := w.AddFile(ctx, "csv", "csv", 4, func(out io.Writer) error {
			_, err := io.WriteString(out, "id\na\nb\nc\nd\n")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := w.AddFileAs(ctx, "index.html", "html", 0, func(out io.Writer) error {
			_, err := io.WriteString(out, "<p>hi</p>")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		w.SetMeta("k", "v")
		m, err := w.Commit(ctx, now.In(time.FixedZone("X", 3600)))
		if err != nil {
			t.Fatal(err)
		}
		if m.Rows != 4 {
			t.Errorf("manifest rows = %d, want 4 (parquet only)", m.Rows)
		}
		if !m.CreatedAt.Equal(now) || m.CreatedAt.Location() != time.UTC {
			t.Errorf("CreatedAt = %v, want %v in UTC", m.CreatedAt, now)
		}
		if len(m.Files) != 3 {
			t.Fatalf("files = %+v", m.Files)
		}
		for i, f := range m.Files {
			b, err := store.GetBytes(ctx, s, p.Key(f.Name))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(b)
			if f.SHA256 != hex.EncodeToString(sum[:]) || f.Bytes != int64(len(b)) {
				t.Errorf("file %s: manifest sha %s bytes %d, object %x %d", f.Name, f.SHA256, f.Bytes, sum, len(b))
			}
			if i < 2 {
				want := fmt.Sprintf("part-%05d-%s.%s", i, hex.EncodeToString(sum[:8]), []string{"parquet", "csv"}[i])
				if f.Name != want {
					t.Errorf("file %d name %s, want %s", i, f.Name, want)
				}
			}
		}
		if m.Files[2].Name != "index.html" {
			t.Errorf("AddFileAs name = %s", m.Files[2].Name)
		}
		read, err := dataset.ReadManifest(ctx, s, p)
		if err != nil {
			t.Fatal(err)
		}
		if read.RunID != "run-1" || read.Job != "test" || read.Partition != "dt=2010-12-09" || read.Dataset != "ds" ||
			read.Meta["k"] != "v" || len(read.Files) != 3 || read.Files[0] != m.Files[0] {
			t.Errorf("ReadManifest() = %+v, Commit returned %+v", read, m)
		}
	})
}

// rec has the column kinds segmint publishes.
type rec struct {
	ID     string     `parquet:"id"`
	Name   *string    `parquet:"name,optional"`
	Count  *int64     `parquet:"count,optional"`
	Amount int64      `parquet:"amount,decimal(2:18)"`
	At     time.Time  `parquet:"at,timestamp(microsecond)"`
	Maybe  *time.Time `parquet:"maybe,timestamp(microsecond),optional"`
	Flag   bool       `parquet:"flag"`
	Score  float64    `parquet:"score"`
}

func sampleRecs(n int) []rec {
	out := make([]rec, n)
	for i := range out {
		at := time.Date(2010, 12, 9, 10, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Hour + 123456*time.Microsecond)
		r := rec{ID: fmt.Sprintf("c%04d", i), Amount: int64(i*1001 - 500), At: at, Flag: i%2 == 0, Score: float64(i) / 4}
		if i%3 != 0 {
			name, count, maybe := fmt.Sprintf("name %d", i), int64(i*7), at.Add(-48*time.Hour)
			r.Name, r.Count, r.Maybe = &name, &count, &maybe
		}
		out[i] = r
	}
	return out
}

func equalRec(a, b rec) bool {
	eqp := func(x, y *time.Time) bool { return x == nil && y == nil || x != nil && y != nil && x.Equal(*y) }
	eqs := func(x, y *string) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	eqi := func(x, y *int64) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	return a.ID == b.ID && eqs(a.Name, b.Name) && eqi(a.Count, b.Count) && a.Amount == b.Amount &&
		a.At.Equal(b.At) && eqp(a.Maybe, b.Maybe) && a.Flag == b.Flag && a.Score == b.Score
}

func TestReadParquetRoundTrip(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		p, w := dsWriter(t, s)
		want := sampleRecs(7)
		if err := dataset.WriteParquet(ctx, w, want); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Commit(ctx, now); err != nil {
			t.Fatal(err)
		}
		got, m, err := dataset.ReadParquet[rec](ctx, s, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("read %d rows, want %d", len(got), len(want))
		}
		for i := range want {
			if !equalRec(got[i], want[i]) {
				t.Errorf("row %d = %+v, want %+v", i, got[i], want[i])
			}
		}
		types := map[string]string{}
		for _, f := range m.Schema {
			types[f.Name] = f.Type
		}
		for name, want := range map[string]string{"amount": "DECIMAL(18,2)", "at": "TIMESTAMP", "name": "(optional)", "maybe": "(optional)"} {
			if !strings.Contains(strings.ToUpper(types[name]), strings.ToUpper(want)) {
				t.Errorf("manifest type of %s = %q, want it to mention %s", name, types[name], want)
			}
		}
		if strings.Contains(types["id"], "optional") || strings.Contains(types["amount"], "optional") {
			t.Errorf("required columns marked optional: %v", types)
		}
	})
}

func TestWriteParquetIsDeterministic(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		var files [2][]dataset.File
		var bodies [2][]byte
		for i, d := range []string{"2010-12-09", "2010-12-10"} {
			p := dataset.Partition{Dataset: "ds", Date: rundatetest.Parse(t, d)}
			w := newWriter(t, s, p)
			if err := dataset.WriteParquet(ctx, w, sampleRecs(50)); err != nil {
				t.Fatal(err)
			}
			files[i] = w.Files()
			b, err := store.GetBytes(ctx, s, p.Key(files[i][0].Name))
			if err != nil {
				t.Fatal(err)
			}
			bodies[i] = b
		}
		if !slices.Equal(files[0], files[1]) {
			t.Errorf("same rows gave different files: %+v vs %+v", files[0], files[1])
		}
		if !bytes.Equal(bodies[0], bodies[1]) {
			t.Error("same rows gave different bytes")
		}
		// Different rows give a different name.
		p := dataset.Partition{Dataset: "ds", Date: rundatetest.Parse(t, "2010-12-11")}
		w := newWriter(t, s, p)
		if err := dataset.WriteParquet(ctx, w, sampleRecs(51)); err != nil {
			t.Fatal(err)
		}
		if w.Files()[0].Name == files[0][0].Name {
			t.Error("different rows gave the same part name")
		}
	})
}

func TestWriteParquetEmpty(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		p, w := dsWriter(t, s)
		if err := dataset.WriteParquet[rec](ctx, w, nil); err != nil {
			t.Fatal(err)
		}
		m, err := w.Commit(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Files) != 1 || m.Files[0].Rows != 0 || m.Rows != 0 || len(m.Schema) != 8 {
			t.Fatalf("manifest = %+v", m)
		}
		got, _, err := dataset.ReadParquet[rec](ctx, s, p)
		if err != nil || len(got) != 0 {
			t.Fatalf("ReadParquet() = %v, %v; want no rows, no error", got, err)
		}
		b, err := store.GetBytes(ctx, s, p.Key(m.Files[0].Name))
		if err != nil {
			t.Fatal(err)
		}
		pf, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("empty part is not Parquet: %v", err)
		}
		var cols []string
		for _, c := range pf.Schema().Columns() {
			cols = append(cols, c[0])
		}
		slices.Sort(cols)
		if want := []string{"amount", "at", "count", "flag", "id", "maybe", "name", "score"}; !slices.Equal(cols, want) {
			t.Errorf("empty part columns = %v, want %v", cols, want)
		}
	})
}

func TestReadDetectsAlteredParts(t *testing.T) {
	tests := []struct {
		name  string
		alter func(b []byte) []byte
	}{
		{"one byte flipped", func(b []byte) []byte { b = bytes.Clone(b); b[len(b)/2] ^= 0xff; return b }},
		{"truncated", func(b []byte) []byte { return b[:len(b)-1] }},
		{"appended", func(b []byte) []byte { return append(bytes.Clone(b), 0) }},
	}
	eachStore(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p := dataset.Partition{Dataset: "ds", Date: rundatetest.Parse(t, "2010-12-01").AddDays(i)}
				w := newWriter(t, s, p)
				if err := dataset.WriteParquet(ctx, w, sampleRecs(5)); err != nil {
					t.Fatal(err)
				}
				m, err := w.Commit(ctx, now)
				if err != nil {
					t.Fatal(err)
				}
				if _, _, err := dataset.ReadParquet[rec](ctx, s, p); err != nil {
					t.Fatalf("intact partition: %v", err)
				}
				key := p.Key(m.Files[0].Name)
				b, err := store.GetBytes(ctx, s, key)
				if err != nil {
					t.Fatal(err)
				}
				if err := store.PutBytes(ctx, s, key, tt.alter(b)); err != nil {
					t.Fatal(err)
				}
				if _, _, err := dataset.ReadParquet[rec](ctx, s, p); !errors.Is(err, dataset.ErrChecksum) {
					t.Errorf("ReadParquet() = %v, want ErrChecksum", err)
				}
				_, err = dataset.EachRows(ctx, s, p, func(*parquet.Schema, []parquet.Row) error { return nil })
				if !errors.Is(err, dataset.ErrChecksum) {
					t.Errorf("EachRows() = %v, want ErrChecksum", err)
				}
			})
		}
	})
}

func TestCommittedDates(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		commit := func(ds, d string) {
			w := newWriter(t, s, dataset.Partition{Dataset: ds, Date: rundatetest.Parse(t, d)})
			addText(t, w, ds+d)
			if _, err := w.Commit(ctx, now); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := dataset.CommittedDates(ctx, s, "unified/orders"); err != nil || len(got) != 0 {
			t.Fatalf("empty store: %v, %v", got, err)
		}
		commit("unified/orders", "2010-12-10")
		commit("unified/orders", "2009-01-31")
		commit("unified/orders", "2010-12-02")
		commit("unified/orders_v2", "2010-12-05")  // another dataset sharing a prefix
		commit("unified/orders/sub", "2010-12-06") // a nested dataset
		w := newWriter(t, s, dataset.Partition{Dataset: "unified/orders", Date: rundatetest.Parse(t, "2010-12-04")})
		addText(t, w, "uncommitted") // parts only
		if err := store.PutBytes(ctx, s, "unified/orders/dt=2010-12-07/x/_SUCCESS", nil); err != nil {
			t.Fatal(err)
		}
		if err := store.PutBytes(ctx, s, "unified/orders/dt=bogus/_SUCCESS", nil); err != nil {
			t.Fatal(err)
		}
		got, err := dataset.CommittedDates(ctx, s, "unified/orders")
		if err != nil {
			t.Fatal(err)
		}
		var days []string
		for _, d := range got {
			days = append(days, d.String())
		}
		if want := []string{"2009-01-31", "2010-12-02", "2010-12-10"}; !slices.Equal(days, want) {
			t.Errorf("CommittedDates() = %v, want %v", days, want)
		}
	})
}

func TestEachRows(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		p, w := dsWriter(t, s)
		first, second := sampleRecs(2500), sampleRecs(10)
		if err := dataset.WriteParquet(ctx, w, first); err != nil {
			t.Fatal(err)
		}
		if err := dataset.WriteParquet(ctx, w, second); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Commit(ctx, now); err != nil {
			t.Fatal(err)
		}
		var ids []string
		calls := 0
		m, err := dataset.EachRows(ctx, s, p, func(schema *parquet.Schema, rows []parquet.Row) error {
			calls++
			col, ok := schema.Lookup("id")
			if !ok {
				return errors.New("no id column")
			}
			for _, r := range rows {
				ids = append(ids, string(r[col.ColumnIndex].ByteArray()))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if m.Rows != 2510 || len(m.Files) != 2 {
			t.Errorf("manifest rows %d files %d", m.Rows, len(m.Files))
		}
		var want []string
		for _, r := range append(first, second...) {
			want = append(want, r.ID)
		}
		if !slices.Equal(ids, want) {
			t.Errorf("streamed %d ids, want %d in manifest order", len(ids), len(want))
		}
		if calls < 3 {
			t.Errorf("fn called %d times; 2510 rows should come in several batches", calls)
		}

		stop := errors.New("stop")
		n := 0
		_, err = dataset.EachRows(ctx, s, p, func(*parquet.Schema, []parquet.Row) error { n++; return stop })
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("EachRows() with a failing fn = %v after %d calls, want stop after 1", err, n)
		}
	})
}

// A report replaced by a run that dies after writing its index.html and
// before its manifest must not stay committed with an index.html whose
// sha256 differs from the manifest (issue 12, finding 2).
func TestFixedNameIsNeverCommittedWithAnotherChecksum(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		p := dataset.Partition{Dataset: "reports", Date: rundatetest.Parse(t, "2010-12-09")}
		page := func(w *dataset.Writer, body string) {
			t.Helper()
			if err := w.AddFileAs(ctx, "index.html", "html", 0, func(out io.Writer) error {
				_, err := io.WriteString(out, body)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		first := newWriter(t, s, p)
		page(first, "<p>first run</p>")
		if _, err := first.Commit(ctx, now); err != nil {
			t.Fatal(err)
		}
		// The rerun writes its page, then dies before its manifest.
		page(newWriter(t, s, p), "<p>the rerun's page</p>")
		ok, err := dataset.Committed(ctx, s, p)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return // uncommitted: the next nightly reruns the step
		}
		m, err := dataset.ReadManifest(ctx, s, p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := store.GetBytes(ctx, s, p.Key("index.html"))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if m.Files[0].SHA256 != hex.EncodeToString(sum[:]) {
			t.Fatalf("committed with index.html %q, whose sha256 is not the manifest's", b)
		}
	})
}

func TestVerifyNamedFindsAFileChangedInPlace(t *testing.T) {
	eachStore(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		p := dataset.Partition{Dataset: "reports", Date: rundatetest.Parse(t, "2010-12-09")}
		w := newWriter(t, s, p)
		addText(t, w, "a data part")
		if err := w.AddFileAs(ctx, "index.html", "html", 0, func(out io.Writer) error {
			_, err := io.WriteString(out, "<p>page</p>")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Commit(ctx, now); err != nil {
			t.Fatal(err)
		}
		if err := dataset.VerifyNamed(ctx, s, p); err != nil {
			t.Fatalf("intact partition: %v", err)
		}
		if err := store.PutBytes(ctx, s, p.Key("index.html"), []byte("<p>another page</p>")); err != nil {
			t.Fatal(err)
		}
		if err := dataset.VerifyNamed(ctx, s, p); !errors.Is(err, dataset.ErrChecksum) {
			t.Fatalf("index.html changed in place: %v, want ErrChecksum", err)
		}
	})
}

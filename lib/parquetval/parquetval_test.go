package parquetval_test

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/parquetval"
)

type row struct {
	S     string    `parquet:"s"`
	B     bool      `parquet:"b"`
	F     float32   `parquet:"f"`
	D     float64   `parquet:"d"`
	I32   int32     `parquet:"i32"`
	I64   int64     `parquet:"i64"`
	Day   int32     `parquet:"day,date"`
	Cents int64     `parquet:"cents,decimal(2:18)"`
	Small int32     `parquet:"small,decimal(3:9)"`
	Milli time.Time `parquet:"milli,timestamp(millisecond)"`
	Micro time.Time `parquet:"micro,timestamp(microsecond)"`
	Nano  time.Time `parquet:"nano,timestamp(nanosecond)"`
	Opt   *string   `parquet:"opt,optional"`
}

// TestText renders every kind of value a flat file drop holds as the text
// its CSV export would have.
func TestText(t *testing.T) {
	at := time.Date(2010, 12, 9, 8, 26, 5, 123456789, time.UTC)
	in := row{
		S: "R&D", B: true, F: 0.5, D: 1234.5678, I32: -7, I64: 1 << 40,
		Day: 14952, Cents: -1234, Small: 5, Milli: at, Micro: at, Nano: at,
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[row](&buf)
	if _, err := w.Write([]row{in}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	r := parquet.NewReader(pf)
	defer r.Close()
	rows := make([]parquet.Row, 1)
	n, err := r.ReadRows(rows)
	if n != 1 || (err != nil && !errors.Is(err, io.EOF)) {
		t.Fatalf("read %d rows: %v", n, err)
	}
	want := map[string]string{
		"s": "R&D", "b": "true", "f": "0.5", "d": "1234.5678", "i32": "-7", "i64": "1099511627776",
		"day": "2010-12-09", "cents": "-12.34", "small": "0.005",
		"milli": "2010-12-09T08:26:05.123Z", "micro": "2010-12-09T08:26:05.123456Z",
		"nano": "2010-12-09T08:26:05.123456789Z", "opt": "",
	}
	schema := pf.Schema()
	for i, path := range schema.Columns() {
		leaf, _ := schema.Lookup(path...)
		got := parquetval.Text(leaf.Node.Type(), parquetval.At(rows[0], i))
		if got != want[path[0]] {
			t.Errorf("%s: %q, want %q", path[0], got, want[path[0]])
		}
	}
}

// TestAt finds a column's value wherever it sits in the row, and a null
// when the row has none.
func TestAt(t *testing.T) {
	row := parquet.Row{
		parquet.ValueOf("b").Level(0, 0, 1),
		parquet.ValueOf("a").Level(0, 0, 0),
	}
	if got := parquetval.At(row, 0).String(); got != "a" {
		t.Errorf("column 0: %q, want a", got)
	}
	if got := parquetval.At(row, 1).String(); got != "b" {
		t.Errorf("column 1: %q, want b", got)
	}
	if v := parquetval.At(row, 2); !v.IsNull() {
		t.Errorf("column 2: %v, want null", v)
	}
}

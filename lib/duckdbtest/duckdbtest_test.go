package duckdbtest_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/duckdbtest"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/store"
)

type row struct {
	ID    string  `parquet:"id"`
	Count int64   `parquet:"count"`
	Score float64 `parquet:"score"`
}

// TestPartsOfAPartition: DuckDB reads every part of one partition through
// Parts, with the column types of the row type, and no part of another
// partition of the same dataset.
func TestPartsOfAPartition(t *testing.T) {
	st, err := store.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := dataset.Partition{Dataset: "ds", Date: rundatetest.Parse(t, "2010-12-09")}
	other := dataset.Partition{Dataset: "ds", Date: rundatetest.Parse(t, "2010-12-10")}
	write := func(key string, rows ...row) {
		path := st.Path(key)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := parquet.WriteFile(path, rows); err != nil {
			t.Fatal(err)
		}
	}
	write(p.Key("part-00000.parquet"), row{"a", 1, 0.5}, row{"b", 2, 1.5})
	write(p.Key("part-00001.parquet"), row{"c", 3, 2.5})
	write(other.Key("part-00000.parquet"), row{"d", 4, 3.5})

	db := duckdbtest.Open(t)
	glob := duckdbtest.Parts(st, p)
	if n := duckdbtest.QueryInt(t, db, "SELECT sum(count) FROM read_parquet('"+glob+"')"); n != 6 {
		t.Errorf("sum(count) = %d, want 6 (the three rows of %s)", n, p)
	}
	types := duckdbtest.ColumnTypes(t, db, glob)
	// DuckDB reads the dt= folder as a hive partition column.
	want := map[string]string{"id": "VARCHAR", "count": "BIGINT", "score": "DOUBLE", "dt": "DATE"}
	if len(types) != len(want) {
		t.Errorf("columns %v, want %v", types, want)
	}
	for col, typ := range want {
		if types[col] != typ {
			t.Errorf("%s: %q, want %q", col, types[col], typ)
		}
	}
}

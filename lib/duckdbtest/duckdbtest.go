// Package duckdbtest opens DuckDB, the reader and SQL engine independent of
// parquet-go and of segmint's code that tests hold segmint's files against,
// and points it at the Parquet parts of a local store. Tests import it; the
// product does not.
package duckdbtest

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	_ "github.com/marcboeker/go-duckdb" // the DuckDB database/sql driver

	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/store"
)

// Open opens an in-memory DuckDB, closed when the test ends.
func Open(tb testing.TB) *sql.DB {
	tb.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// Parts is the glob of the Parquet parts of partition p of a local store,
// for read_parquet.
func Parts(st *store.Local, p dataset.Partition) string {
	return filepath.Join(filepath.Dir(st.Path(p.Key("x"))), "part-*.parquet")
}

// ColumnTypes are DuckDB's types of the columns of the Parquet files glob
// names, by column name.
func ColumnTypes(tb testing.TB, db *sql.DB, glob string) map[string]string {
	tb.Helper()
	rows, err := db.QueryContext(tb.Context(), fmt.Sprintf("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('%s'))", glob))
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	types := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			tb.Fatal(err)
		}
		types[name] = typ
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return types
}

// QueryInt is the one integer query q returns.
func QueryInt(tb testing.TB, db *sql.DB, q string) int64 {
	tb.Helper()
	var n int64
	if err := db.QueryRowContext(tb.Context(), q).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	return n
}

// Package csvtest reads the CSV files tests hold results against: golden
// tables written by reference implementations, published summaries, the
// files a run wrote. Tests import it; the product does not. It depends on
// the standard library only, so the tests of models/ may use it too.
package csvtest

import (
	"encoding/csv"
	"os"
	"testing"
)

// ReadFile is every record of the CSV file at path, its header included; it
// fails the test when the file cannot be opened or is not CSV.
func ReadFile(tb testing.TB, path string) [][]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	return recs
}

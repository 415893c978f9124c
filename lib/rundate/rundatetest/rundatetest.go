// Package rundatetest holds what the tests of packages that take a run date
// share. Tests import it; the product does not.
package rundatetest

import (
	"testing"

	"github.com/segmint/segmint/lib/rundate"
)

// Parse is the run date s (YYYY-MM-DD); it fails the test when s is not one.
func Parse(tb testing.TB, s string) rundate.Date {
	tb.Helper()
	d, err := rundate.Parse(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

package clv_test

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/fixture"
	"github.com/segmint/segmint/models/clv"
)

// Copies of the CDNOW files kept by lifetimes (see testdata/README.md).
const (
	cdnowSample       = "../../testdata/cdnow/CDNOW_sample.txt"
	cdnowSummary      = "../../testdata/cdnow/cdnow_customers_summary.csv"
	cdnowSummaryValue = "../../testdata/cdnow/cdnow_customers_summary_with_transactions.csv"
	// cdnowMaster is the full cohort, a reference data set in
	// ../shared/data beside a checkout.
	cdnowMaster = "cdnow/CDNOW_master.txt"
)

// calibrationEnd is the last day of Fader, Hardie and Lee's 39-week
// calibration period.
var calibrationEnd = time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)

// readCDNOW reads a CDNOW transaction file: whitespace-separated columns,
// the customer id in column idCol, then date YYYYMMDD, number of CDs and
// dollars. Lines that do not start with a number (the header lifetimes
// added to the master file) are skipped.
func readCDNOW(tb testing.TB, path string, idCol int) []clv.Transaction {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var txns []clv.Transaction
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || fields[0][0] < '0' || fields[0][0] > '9' {
			continue
		}
		if len(fields) != idCol+4 {
			tb.Fatalf("%s: line %q has %d fields", path, sc.Text(), len(fields))
		}
		date, err := time.Parse("20060102", fields[idCol+1])
		if err != nil {
			tb.Fatal(err)
		}
		value, err := strconv.ParseFloat(fields[idCol+3], 64)
		if err != nil {
			tb.Fatal(err)
		}
		txns = append(txns, clv.Transaction{Customer: fields[idCol], Date: date, Value: value})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return txns
}

// readSummary reads a published summary (ID, x, t_x, T[, zbar]) keyed by
// the numeric ID.
func readSummary(tb testing.TB, path string) map[int]clv.Customer {
	tb.Helper()
	rows := fixture.ReadCSV(tb, path)
	out := make(map[int]clv.Customer, len(rows)-1)
	for _, row := range rows[1:] {
		v := make([]float64, len(row))
		for i, s := range row {
			var err error
			if v[i], err = strconv.ParseFloat(s, 64); err != nil {
				tb.Fatalf("%s: %v", path, err)
			}
		}
		c := clv.Customer{ID: row[0], Frequency: int(v[1]), Recency: v[2], T: v[3]}
		if len(v) > 4 {
			c.MonetaryValue = v[4]
		}
		out[int(v[0])] = c
	}
	return out
}

// publishedCustomers returns a published summary as a slice in ID order.
func publishedCustomers(tb testing.TB, path string) []clv.Customer {
	tb.Helper()
	m := readSummary(tb, path)
	out := make([]clv.Customer, 0, len(m))
	for id := 1; id <= len(m); id++ {
		c, ok := m[id]
		if !ok {
			tb.Fatalf("%s: no customer %d", path, id)
		}
		out = append(out, c)
	}
	return out
}

func mustFitBGNBD(tb testing.TB, cs []clv.Customer) clv.BGNBD {
	tb.Helper()
	m, err := clv.FitBGNBD(cs)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func describe(m clv.BGNBD) string {
	return fmt.Sprintf("r=%.6f alpha=%.6f a=%.6f b=%.6f LL=%.4f (%d iterations, %d evaluations)",
		m.R, m.Alpha, m.A, m.B, m.Fit.LogLikelihood, m.Fit.Iterations, m.Fit.Evaluations)
}

package clv_test

import (
	"errors"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/segmint/segmint/models/clv"
)

// twoDecimals is how far a value may be from one the file prints with two
// decimals (the file rounds half up: 22.345 is written 22.35).
const twoDecimals = 0.005 + 1e-9

// TestSummarizeCDNOWSample computes the summary from the 6,919 transactions
// of the 1/10 CDNOW sample and compares every customer with the published
// cdnow_customers_summary.csv and, for the mean repeat value, with
// cdnow_customers_summary_with_transactions.csv.
func TestSummarizeCDNOWSample(t *testing.T) {
	got, err := clv.Summarize(readCDNOW(t, cdnowSample, 1), calibrationEnd)
	if err != nil {
		t.Fatal(err)
	}
	want := readSummary(t, cdnowSummary)
	wantValue := readSummary(t, cdnowSummaryValue)
	if len(got) != 2357 || len(want) != 2357 || len(wantValue) != 2357 {
		t.Fatalf("customers: computed %d, published %d and %d, want 2357", len(got), len(want), len(wantValue))
	}
	var repeat int
	for _, c := range got {
		id, err := strconv.Atoi(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		w, ok := want[id]
		if !ok {
			t.Fatalf("customer %s is not in the published summary", c.ID)
		}
		if c.Frequency != w.Frequency || math.Abs(c.Recency-w.Recency) > twoDecimals || math.Abs(c.T-w.T) > twoDecimals {
			t.Errorf("customer %s: x, t_x, T = %d, %.4f, %.4f; published %d, %.2f, %.2f", c.ID, c.Frequency, c.Recency, c.T, w.Frequency, w.Recency, w.T)
		}
		if wv := wantValue[id]; math.Abs(c.MonetaryValue-wv.MonetaryValue) > twoDecimals || wv.Frequency != c.Frequency {
			t.Errorf("customer %s: zbar = %.4f, published %.2f", c.ID, c.MonetaryValue, wv.MonetaryValue)
		}
		if c.Frequency > 0 {
			repeat++
		}
	}
	if repeat != 946 {
		t.Errorf("repeat buyers = %d, want 946", repeat)
	}
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestSummarizeRules(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip(err)
	}
	txns := []clv.Transaction{
		// Two purchases on the first day, two on a later day: one repeat
		// purchase worth 30, whatever the order of the rows.
		{Customer: "b", Date: day("2024-01-01"), Value: 5},
		{Customer: "b", Date: day("2024-01-15").Add(9 * time.Hour), Value: 10},
		{Customer: "b", Date: day("2024-01-01").Add(20 * time.Hour), Value: 7},
		{Customer: "b", Date: day("2024-01-15").Add(23 * time.Hour), Value: 20},
		// After the end of calibration: ignored.
		{Customer: "b", Date: day("2024-02-01"), Value: 100},
		// One purchase only.
		{Customer: "a", Date: day("2024-01-29"), Value: 3},
		// First purchase after calibration: not a customer yet.
		{Customer: "c", Date: day("2024-01-30"), Value: 3},
		// The calendar date is read in the time's own location: 00:30 on
		// 2024-01-02 in Paris (23:30 on 2024-01-01 in UTC) is a second
		// purchase day, not part of the first.
		{Customer: "d", Date: day("2024-01-01"), Value: 0},
		{Customer: "d", Date: time.Date(2024, 1, 2, 0, 30, 0, 0, paris), Value: 8},
		{Customer: "d", Date: day("2024-01-29"), Value: 4},
	}
	got, err := clv.Summarize(txns, time.Date(2024, 1, 29, 23, 59, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	want := []clv.Customer{
		{ID: "a", Frequency: 0, Recency: 0, T: 0, MonetaryValue: 0},
		{ID: "b", Frequency: 1, Recency: 2, T: 4, MonetaryValue: 30},
		{ID: "d", Frequency: 2, Recency: 4, T: 4, MonetaryValue: 6},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("customer %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestSummarizeErrors(t *testing.T) {
	end := day("2024-01-31")
	for _, tc := range []struct {
		name string
		txns []clv.Transaction
	}{
		{"no transactions", nil},
		{"all after the end", []clv.Transaction{{Customer: "a", Date: day("2024-02-01"), Value: 1}}},
		{"empty id", []clv.Transaction{{Customer: "", Date: day("2024-01-01"), Value: 1}}},
		{"NaN value", []clv.Transaction{{Customer: "a", Date: day("2024-01-01"), Value: math.NaN()}}},
		{"infinite value", []clv.Transaction{{Customer: "a", Date: day("2024-01-01"), Value: math.Inf(1)}}},
		{"negative value", []clv.Transaction{{Customer: "a", Date: day("2024-01-01"), Value: -2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := clv.Summarize(tc.txns, end)
			if err == nil {
				t.Fatalf("no error; summary %+v", got)
			}
			if (tc.name == "no transactions" || tc.name == "all after the end") != errors.Is(err, clv.ErrNoCustomers) {
				t.Errorf("error %v: ErrNoCustomers = %v", err, errors.Is(err, clv.ErrNoCustomers))
			}
		})
	}
}

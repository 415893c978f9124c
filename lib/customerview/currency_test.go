package customerview_test

import (
	"errors"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/normalize"
)

// TestConvertLines: a line in another currency is converted at the rate of
// its own day, from the exact line value and rounded once to a millionth;
// lines in the reporting currency stay as they are; customers and orders
// then carry the reporting currency and the converted sums.
func TestConvertLines(t *testing.T) {
	rates, err := normalize.NewRates("GBP", []normalize.Rate{
		{Currency: "EUR", Value: "0.9"},
		{Currency: "EUR", Value: "0.8512", From: time.Date(2010, 6, 1, 0, 0, 0, 0, time.UTC)},
	})
	if err != nil {
		t.Fatal(err)
	}
	may := time.Date(2010, 5, 31, 23, 59, 0, 0, time.UTC)
	june := time.Date(2010, 6, 1, 0, 1, 0, 0, time.UTC)
	lines := []customerview.Line{
		{Source: "eu", OrderID: "1", Quantity: 3, UnitPrice: 1_250_000, OrderedAt: may, CustomerNumber: "7", Currency: "EUR"},  // 3.75 EUR x 0.9
		{Source: "eu", OrderID: "2", Quantity: 7, UnitPrice: 333_333, OrderedAt: june, CustomerNumber: "7", Currency: "eur"},   // 2.333331 EUR x 0.8512
		{Source: "uk", OrderID: "3", Quantity: 2, UnitPrice: 1_000_000, OrderedAt: june, CustomerNumber: "8", Currency: "GBP"}, // unchanged
	}
	if err := customerview.ConvertLines(lines, "GBP", rates); err != nil {
		t.Fatal(err)
	}
	// 2.333331 x 0.8512 = 1.9861313472 -> 1.986131 GBP.
	for i, want := range []int64{3_375_000, 1_986_131, 2_000_000} {
		if got := lines[i].Value(); got != want || lines[i].Currency != "GBP" {
			t.Errorf("line %d: value %d %s, want %d GBP", i, got, lines[i].Currency, want)
		}
	}
	if lines[1].UnitPrice != 333_333 {
		t.Errorf("unit price changed to %d; the source's price is kept", lines[1].UnitPrice)
	}
	// Converting twice does not convert again.
	if err := customerview.ConvertLines(lines, "GBP", rates); err != nil || lines[0].Value() != 3_375_000 {
		t.Fatalf("second conversion: %d, %v", lines[0].Value(), err)
	}
	cs := customerview.BuildCustomers(lines, time.Date(2010, 6, 2, 0, 0, 0, 0, time.UTC))
	var eu customerview.Customer
	for _, c := range cs {
		if c.Source == "eu" {
			eu = c
		}
	}
	// 3.375 + 1.986131 = 5.361131 -> 5.36, rounded once from the exact sum.
	if eu.GrossRevenue != 536 || eu.Currency != "GBP" {
		t.Errorf("customer gross %d %s, want 536 GBP cents", eu.GrossRevenue, eu.Currency)
	}
	orders, _ := customerview.BuildOrders(lines)
	if orders[0].Value != 3_375_000 || orders[0].Currency != "GBP" {
		t.Errorf("order 1: %d %s", orders[0].Value, orders[0].Currency)
	}
}

func TestConvertLinesErrors(t *testing.T) {
	rates, err := normalize.NewRates("GBP", []normalize.Rate{
		{Currency: "EUR", Value: "0.85", From: time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)},
	})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2010, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		line customerview.Line
		want error
	}{
		{"unknown currency", customerview.Line{OrderID: "9", Quantity: 1, UnitPrice: 1, OrderedAt: at, Currency: "USD"}, normalize.ErrUnknownCurrency},
		{"before the first rate", customerview.Line{OrderID: "9", Quantity: 1, UnitPrice: 1, OrderedAt: at.AddDate(-1, 0, 0), Currency: "EUR"}, normalize.ErrNoRate},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lines := []customerview.Line{tt.line}
			err := customerview.ConvertLines(lines, "GBP", rates)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if lines[0].Currency != tt.line.Currency {
				t.Errorf("a failed line was relabelled %s", lines[0].Currency)
			}
		})
	}
}

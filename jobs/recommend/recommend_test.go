package recommend_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/segmint/segmint/jobs/recommend"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/customerview"
	librec "github.com/segmint/segmint/lib/recommend"
	"github.com/segmint/segmint/lib/rundate"
)

// TestPurchases: a line counts when its order has a customer, it is not a
// cancellation or a return, it names a product that is not excluded and
// it is not after the run date; the customer is the order's (resolved) id.
func TestPurchases(t *testing.T) {
	at := time.Date(2010, 12, 9, 10, 0, 0, 0, time.UTC)
	line := func(order, product string, qty int64, when time.Time) customerview.Line {
		return customerview.Line{Source: "retail", OrderID: order, ProductID: product, Quantity: qty, OrderedAt: when, CustomerNumber: "1", SourceFile: "f", Currency: "GBP"}
	}
	lines := customerview.LinesOf([]customerview.Line{
		line("1001", "85123A", 6, at),
		line("1001", "POST", 1, at),                    // excluded
		line("1001", "", 1, at),                        // no product
		line("C1002", "85123A", -6, at),                // cancellation
		line("1003", "22423", -1, at),                  // a negative quantity
		line("1004", "22423", 2, at),                   // an order without a customer
		line("1005", "21232", 1, at.Add(24*time.Hour)), // after D
		line("1006", "21232", 3, at),
	})
	id := func(s string) *string { return &s }
	orders := []customerview.Order{
		{OrderID: "1001", Source: "retail", CustomerID: id("cus_a")},
		{OrderID: "C1002", Source: "retail", CustomerID: id("cus_a"), IsCancellation: true},
		{OrderID: "1003", Source: "retail", CustomerID: id("cus_a")},
		{OrderID: "1004", Source: "retail"},
		{OrderID: "1005", Source: "retail", CustomerID: id("cus_b")},
		{OrderID: "1006", Source: "retail", CustomerID: id("cus_b")},
		{OrderID: "1006", Source: "other", CustomerID: id("cus_c")}, // another source's order 1006
	}
	d, err := rundate.Parse("2010-12-09")
	if err != nil {
		t.Fatal(err)
	}
	got := recommend.Purchases(lines, orders, config.Recommendations{ExcludeProducts: []string{"POST"}}, d)
	want := []librec.Purchase{{Customer: "cus_a", Product: "85123A", At: at}, {Customer: "cus_b", Product: "21232", At: at}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestDecision(t *testing.T) {
	cutoff, d := mustParse(t, "2010-11-10"), mustParse(t, "2010-12-09")
	ev := librec.Evaluation{Customers: 137, TrainCustomers: 399, TrainProducts: 2997,
		ItemItem: librec.Figures{HitRate5: 0.25, Recall10: 0.04}, Popular: librec.Figures{HitRate5: 0.2, Recall10: 0.03}}
	row := recommend.Decision(ev, cutoff, d)
	if row.Model != "recommendations" || row.Metric != "hit_rate_5" || !row.Trained || row.Promoted || *row.Value != 0.25 ||
		row.HoldoutRows != 137 || row.TrainRows != 399 || row.WindowTo != "2010-11-09" || row.HoldoutFrom != "2010-11-10" {
		t.Errorf("row %+v", row)
	}
	if !strings.HasPrefix(row.Reason, "item-item beats the most-popular baseline: hit_rate_5 0.2500 vs 0.2000, recall_10 0.0400 vs 0.0300") {
		t.Errorf("reason %q", row.Reason)
	}
	ev.Popular.HitRate5 = 0.25
	if row := recommend.Decision(ev, cutoff, d); !strings.HasPrefix(row.Reason, "item-item does not beat") {
		t.Errorf("a tie: reason %q", row.Reason)
	}
	if row := recommend.Decision(librec.Evaluation{}, cutoff, d); row.Trained || row.Value != nil || !strings.Contains(row.Reason, "nothing to measure") {
		t.Errorf("nobody measured: %+v", row)
	}
}

func mustParse(t *testing.T, s string) rundate.Date {
	t.Helper()
	d, err := rundate.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

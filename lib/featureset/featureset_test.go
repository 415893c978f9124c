package featureset

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/models/frame"
)

// The published columns are catalogue columns marked Published, and every
// Published column is published: one set of names.
func TestPublishedColumnsAreTheCatalogue(t *testing.T) {
	var published []string
	for _, f := range parquet.SchemaOf(Customer{}).Fields() {
		if f.Name() != "customer_id" {
			published = append(published, f.Name())
		}
	}
	var want []string
	for _, c := range Columns() {
		if c.Published {
			want = append(want, c.Name)
		}
	}
	slices.Sort(published)
	slices.Sort(want)
	if !slices.Equal(published, want) {
		t.Errorf("features/customers has %v, the catalogue publishes %v", published, want)
	}
}

func TestAsOfHasTheCatalogueColumnsInOrder(t *testing.T) {
	cutoff := time.Date(2010, 4, 1, 0, 0, 0, 0, time.UTC)
	ids, x := AsOf([]Order{{Customer: "a", At: cutoff.Add(-time.Hour), Value: 5, Country: "France"}}, cutoff)
	if !slices.Equal(ids, []string{"a"}) {
		t.Fatalf("ids %v", ids)
	}
	cols := Columns()
	if len(x.Cols) != len(cols) {
		t.Fatalf("%d columns, catalogue has %d", len(x.Cols), len(cols))
	}
	for i, c := range cols {
		if x.Cols[i].Name != c.Name || x.Cols[i].Kind != c.Kind {
			t.Errorf("column %d is %s (%v), catalogue says %s (%v)", i, x.Cols[i].Name, x.Cols[i].Kind, c.Name, c.Kind)
		}
		if (c.Kind == frame.Numeric) != (c.model != nil) {
			t.Errorf("%s: a numeric column needs a computation, and only a numeric one has one", c.Name)
		}
		if c.Doc == "" {
			t.Errorf("%s has no definition", c.Name)
		}
	}
	if err := x.Validate(); err != nil {
		t.Error(err)
	}
}

// TestPublishedAndModelAgree computes both definitions from the same lines
// at D's end: the counts and days are equal; money differs by at most the
// published rounding to the cent (half a cent: customer 200's 2.985).
func TestPublishedAndModelAgree(t *testing.T) {
	end := time.Date(2010, 12, 10, 0, 0, 0, 0, time.UTC)
	ln := func(order, cust string, qty, price int64, at time.Time) customerview.Line {
		return customerview.Line{Source: "shop", OrderID: order, ProductID: "P1", Quantity: qty, UnitPrice: price,
			OrderedAt: at, CustomerNumber: cust, Country: "United Kingdom", Currency: "GBP", SourceFile: "a.csv"}
	}
	lines := []customerview.Line{
		ln("1", "100", 2, 1_250_000, end.Add(-40*24*time.Hour)),
		ln("2", "100", 1, 3_001_000, end.Add(-3*24*time.Hour-time.Hour)),
		ln("C3", "100", -1, 1_250_000, end.Add(-2*24*time.Hour)),
		ln("4", "200", 3, 995_000, end.Add(-400*24*time.Hour)),
	}
	customers := customerview.BuildCustomers(lines, end)
	orders, _ := customerview.BuildOrders(lines)
	ids, x := AsOf(FromUnified(orders), end)
	if len(ids) != len(customers) {
		t.Fatalf("model rows %v, customers %d", ids, len(customers))
	}
	for _, c := range customers {
		p := FromCustomer(c)
		i := slices.Index(ids, c.CustomerID)
		model := func(name string) float64 { return x.Col(name).Num[i] }
		exact := map[string]float64{"recency_days": float64(*p.RecencyDays), "tenure_days": float64(*p.TenureDays),
			"frequency": float64(p.Frequency)}
		for name, v := range exact {
			if model(name) != v {
				t.Errorf("%s %s: model %v, published %v", c.CustomerNumber, name, model(name), v)
			}
		}
		near := map[string]float64{"monetary": p.Monetary, "avg_order_value": *p.AvgOrderValue, "return_ratio": *p.ReturnRatio}
		for name, v := range near {
			if d := math.Abs(model(name) - v); d > 0.005+1e-9 {
				t.Errorf("%s %s: model %v, published %v", c.CustomerNumber, name, model(name), v)
			}
		}
	}
}

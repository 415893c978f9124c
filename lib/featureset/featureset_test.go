package featureset

import (
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
	ids, x := AsOf([]Order{{Customer: "a", At: cutoff.Add(-time.Hour), Value: 5_000_000, Country: "France"}}, cutoff)
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

// TestPublishedIsTheModelColumnAndUnifysFigures computes features/customers
// and the model frame from the same lines at D's end: each published
// column equals the model's column of that name to the bit, and equals
// what unify computes independently for unified/customers (exact sums
// rounded once to the cent: customer 200's 2.985 is 2.99 in both). A
// customer without orders has null days and ratios.
func TestPublishedIsTheModelColumnAndUnifysFigures(t *testing.T) {
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
	ids := []string{"no-orders"}
	for _, c := range customers {
		ids = append(ids, c.CustomerID)
	}
	published := Published(ids, FromUnified(orders), end)
	modelIDs, x := AsOf(FromUnified(orders), end)
	if len(modelIDs) != len(customers) {
		t.Fatalf("model rows %v, customers %d", modelIDs, len(customers))
	}
	if p := published[0]; p.RecencyDays != nil || p.TenureDays != nil || p.AvgOrderValue != nil || p.ReturnRatio != nil || p.Frequency != 0 || p.Monetary != 0 {
		t.Errorf("a customer without orders: %+v", p)
	}
	for k, c := range customers {
		p := published[k+1]
		i := slices.Index(modelIDs, c.CustomerID)
		unify := map[string]float64{"recency_days": float64(*c.RecencyDays), "tenure_days": float64(*c.TenureDays),
			"frequency": float64(c.OrdersCount), "monetary": c.NetRevenue.Float(),
			"avg_order_value": c.GrossRevenue.Float() / float64(c.OrdersCount),
			"return_ratio":    float64(c.ReturnsValue) / float64(c.GrossRevenue)}
		got := map[string]float64{"recency_days": float64(*p.RecencyDays), "tenure_days": float64(*p.TenureDays),
			"frequency": float64(p.Frequency), "monetary": p.Monetary, "avg_order_value": *p.AvgOrderValue, "return_ratio": *p.ReturnRatio}
		for name, v := range got {
			if m := x.Col(name).Num[i]; m != v {
				t.Errorf("%s %s: model %v, published %v", c.CustomerNumber, name, m, v)
			}
			if unify[name] != v {
				t.Errorf("%s %s: unify %v, published %v", c.CustomerNumber, name, unify[name], v)
			}
		}
	}
}

// Every published column has a way into the row, and only those.
func TestEveryPublishedColumnIsSet(t *testing.T) {
	for _, c := range Columns() {
		if c.Published != (c.publish != nil) {
			t.Errorf("%s: Published is %v, but its row setter is nil: %v", c.Name, c.Published, c.publish == nil)
		}
	}
}

package customerview_test

import (
	"maps"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/customerview"
)

func TestCatalogNewestRowWins(t *testing.T) {
	type row struct {
		id, category string
		at           int64
		hasAt        bool
	}
	tests := []struct {
		name                   string
		rows                   []row
		want                   string // category of P1
		wantIgnored, wantSwaps int64
	}{
		{"one row", []row{{"P1", "bags", 0, false}}, "bags", 0, 0},
		{"without times the row read last wins", []row{{"P1", "bags", 0, false}, {"P1", "candles", 0, false}}, "candles", 0, 1},
		{"a later updated_at wins", []row{{"P1", "bags", 20, true}, {"P1", "candles", 10, true}}, "bags", 0, 1},
		{"a later updated_at read last wins", []row{{"P1", "bags", 10, true}, {"P1", "candles", 20, true}}, "candles", 0, 1},
		{"equal times: the row read last wins", []row{{"P1", "bags", 10, true}, {"P1", "candles", 10, true}}, "candles", 0, 1},
		{"a row with a time beats one without", []row{{"P1", "bags", 10, true}, {"P1", "candles", 0, false}}, "bags", 0, 1},
		{"a row without a time loses to one read later with a time", []row{{"P1", "bags", 0, false}, {"P1", "candles", -5, true}}, "candles", 0, 1},
		{"ids and categories are trimmed", []row{{" P1 ", " bags ", 0, false}}, "bags", 0, 0},
		{"an empty category or id is ignored", []row{{"P1", "bags", 0, false}, {"P1", "  ", 0, false}, {"", "candles", 0, false}}, "bags", 2, 0},
		{"no row", nil, customerview.Uncategorised, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := customerview.NewCatalog()
			for _, r := range tt.rows {
				c.Add(r.id, r.category, r.at, r.hasAt)
			}
			if got := c.Category("P1"); got != tt.want {
				t.Errorf("Category(P1) = %q, want %q", got, tt.want)
			}
			if got := c.Category(" P1"); got != tt.want {
				t.Errorf("Category(\" P1\") = %q, want %q (ids compare trimmed)", got, tt.want)
			}
			if c.Category("p1") != customerview.Uncategorised {
				t.Error("ids compare case-sensitively: p1 is another product")
			}
			if c.Ignored != tt.wantIgnored || c.Replaced != tt.wantSwaps {
				t.Errorf("ignored %d, replaced %d; want %d, %d", c.Ignored, c.Replaced, tt.wantIgnored, tt.wantSwaps)
			}
		})
	}
	var none *customerview.Catalog
	if none.Category("P1") != customerview.Uncategorised || none.Len() != 0 {
		t.Error("a nil catalog has no entries")
	}
}

// catLine is a line of customer cust with product and value qty x price.
func catLine(order, cust, product string, qty, price int64, line int64) customerview.Line {
	l := ln(order, cust, qty, price, t0, line)
	l.ProductID = product
	return l
}

func TestCustomerCategories(t *testing.T) {
	catalog := customerview.NewCatalog()
	catalog.Add("MUG", "kitchen", 0, false)
	catalog.Add("BAG", "bags", 0, false)
	catalog.Add("CANDLE", "candles", 0, false)
	lines := []customerview.Line{
		// 100: 2.50 kitchen (two lines of one product, one free), 5.00
		// bags, 2.50 of an unknown product; a returned candle counts
		// nowhere.
		catLine("1001", "100", "MUG", 2, 1_250_000, 2),
		catLine("1001", "100", "BAG", 1, 5_000_000, 3),
		catLine("1001", "100", "NOPE", 1, 2_500_000, 4),
		catLine("C1002", "100", "CANDLE", -1, 10_000_000, 5),
		catLine("1003", "100", "MUG", 1, 0, 6),
		// 101: only a cancellation.
		catLine("C1101", "101", "BAG", -1, 5_000_000, 7),
		// 102: a negative line of a non-cancelled order lowers its category.
		catLine("1201", "102", "MUG", 1, 3_000_000, 8),
		catLine("1201", "102", "BAG", -1, 1_000_000, 9),
		// 103: free goods only: a category, no revenue to share.
		catLine("1301", "103", "CANDLE", 2, 0, 10),
		// 104: a line naming no product is uncategorised.
		catLine("1401", "104", "", 1, 4_000_000, 11),
		catLine("1401", "104", "CANDLE", 1, 4_000_000, 12),
		// Nobody's line of an unknown product.
		catLine("1501", "", "GONE", 1, 1_000_000, 13),
	}
	want := map[string]struct {
		distinct int64
		shares   map[string]float64
	}{
		"100": {3, map[string]float64{"kitchen": 0.25, "bags": 0.5, customerview.Uncategorised: 0.25}},
		"101": {0, nil},
		"102": {2, map[string]float64{"kitchen": 1.5, "bags": -0.5}},
		"103": {1, nil},
		"104": {2, map[string]float64{customerview.Uncategorised: 0.5, "candles": 0.5}},
	}
	ls := customerview.LinesOf(lines)
	ls.SetCatalog(catalog)
	custs := ls.Customers(t0.Add(24*time.Hour), customerview.DefaultLifecycle())
	if len(custs) != len(want) {
		t.Fatalf("got %d customers, want %d", len(custs), len(want))
	}
	for _, c := range custs {
		w := want[c.CustomerNumber]
		if c.DistinctCategories != w.distinct {
			t.Errorf("%s: distinct_categories = %d, want %d", c.CustomerNumber, c.DistinctCategories, w.distinct)
		}
		if !maps.Equal(c.CategoryRevenueShare, w.shares) {
			t.Errorf("%s: category_revenue_share = %v, want %v", c.CustomerNumber, c.CategoryRevenueShare, w.shares)
		}
	}
	st := ls.CategoryStats()
	// Uncategorised: NOPE, the line without a product, GONE.
	if st != (customerview.CategoryStats{Products: 3, LinesUncategorised: 3, ProductsUncategorised: 2, Categories: 4}) {
		t.Errorf("stats = %+v", st)
	}

	t.Run("without a catalog every line is uncategorised", func(t *testing.T) {
		custs := customerview.BuildCustomers(lines, t0.Add(24*time.Hour))
		for _, c := range custs {
			wantN, wantShares := int64(1), map[string]float64{customerview.Uncategorised: 1}
			switch c.CustomerNumber {
			case "101":
				wantN, wantShares = 0, nil
			case "103":
				wantShares = nil
			}
			if c.DistinctCategories != wantN || !maps.Equal(c.CategoryRevenueShare, wantShares) {
				t.Errorf("%s: %d %v, want %d %v", c.CustomerNumber, c.DistinctCategories, c.CategoryRevenueShare, wantN, wantShares)
			}
		}
	})
}

// TestCategorySharesSumToOne: over random baskets of many categories and
// prices with four decimals, the shares of every customer with positive
// gross revenue sum to 1 within float rounding, one key per category.
func TestCategorySharesSumToOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	catalog := customerview.NewCatalog()
	products := []string{"A", "B", "C", "D", "E", "F", "G"}
	for i, p := range products[:6] { // G has no entry
		catalog.Add(p, string(rune('a'+i%4)), 0, false) // four categories over six products
	}
	var lines []customerview.Line
	for c := range 200 {
		cust := string(rune('A'+c%26)) + string(rune('a'+c/26))
		for k := range 1 + rng.IntN(30) {
			qty := int64(1 + rng.IntN(24))
			if rng.IntN(20) == 0 {
				qty = -qty
			}
			lines = append(lines, catLine("9"+cust, cust, products[rng.IntN(len(products))], qty, int64(rng.IntN(200_000))*100, int64(k)))
		}
	}
	ls := customerview.LinesOf(lines)
	ls.SetCatalog(catalog)
	checked := 0
	for _, c := range ls.Customers(t0.Add(24*time.Hour), customerview.DefaultLifecycle()) {
		if c.GrossRevenue <= 0 {
			if len(c.CategoryRevenueShare) != 0 {
				t.Errorf("%s: gross %d, shares %v", c.CustomerNumber, c.GrossRevenue, c.CategoryRevenueShare)
			}
			continue
		}
		checked++
		sum := 0.0
		for _, s := range c.CategoryRevenueShare {
			sum += s
		}
		if math.Abs(sum-1) > 1e-12 || int64(len(c.CategoryRevenueShare)) != c.DistinctCategories {
			t.Errorf("%s: shares %v sum to %.17g over %d keys, distinct %d", c.CustomerNumber, c.CategoryRevenueShare, sum,
				len(c.CategoryRevenueShare), c.DistinctCategories)
		}
	}
	if checked < 150 {
		t.Errorf("only %d customers with positive revenue checked", checked)
	}
}

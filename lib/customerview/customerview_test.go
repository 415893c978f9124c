package customerview_test

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/money"
)

var t0 = time.Date(2010, 12, 1, 8, 0, 0, 0, time.UTC)

// ln is a line of source "shop", file "a.csv", in GBP.
func ln(order, cust string, qty, price int64, at time.Time, line int64) customerview.Line {
	return customerview.Line{
		Source: "shop", OrderID: order, ProductID: "P1", Description: "Mug",
		Quantity: qty, UnitPrice: price, OrderedAt: at, CustomerNumber: cust,
		Country: "United Kingdom", Currency: "GBP", SourceFile: "a.csv", SourceLine: line,
	}
}

func TestDedup(t *testing.T) {
	a := ln("1001", "100", 2, 1_250_000, t0, 2)
	dupSameFile := a
	dupSameFile.SourceLine = 3
	sameOtherFile := a
	sameOtherFile.SourceFile, sameOtherFile.SourceLine = "b.csv", 2
	otherQty := a
	otherQty.Quantity, otherQty.SourceLine = 3, 4
	otherSource := a
	otherSource.Source, otherSource.SourceLine = "web", 5
	otherTime := a
	otherTime.OrderedAt, otherTime.SourceLine = t0.Add(time.Microsecond), 6
	otherCust := a
	otherCust.CustomerNumber, otherCust.SourceLine = "101", 7
	dupSameFile2 := a
	dupSameFile2.SourceLine = 9

	tests := []struct {
		name        string
		in          []customerview.Line
		wantLines   []int64 // source lines kept, in order
		wantFiles   []string
		wantRemoved int64
	}{
		{"empty", nil, nil, nil, 0},
		{"no duplicates", []customerview.Line{a, otherQty}, []int64{2, 4}, []string{"a.csv", "a.csv"}, 0},
		{"exact duplicates in one file keep the first",
			[]customerview.Line{a, dupSameFile, dupSameFile2}, []int64{2}, []string{"a.csv"}, 2},
		{"same line in two files is kept twice",
			[]customerview.Line{a, sameOtherFile}, []int64{2, 2}, []string{"a.csv", "b.csv"}, 0},
		{"any differing field keeps both",
			[]customerview.Line{a, otherQty, otherSource, otherTime, otherCust}, []int64{2, 4, 5, 6, 7},
			[]string{"a.csv", "a.csv", "a.csv", "a.csv", "a.csv"}, 0},
		{"mixed",
			[]customerview.Line{a, sameOtherFile, dupSameFile, otherQty, dupSameFile2},
			[]int64{2, 2, 4}, []string{"a.csv", "b.csv", "a.csv"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.in)
			out, removed := customerview.Dedup(in)
			if removed != tt.wantRemoved {
				t.Errorf("removed = %d, want %d", removed, tt.wantRemoved)
			}
			var lines []int64
			var files []string
			for _, l := range out {
				lines = append(lines, l.SourceLine)
				files = append(files, l.SourceFile)
			}
			if !slices.Equal(lines, tt.wantLines) || !slices.Equal(files, tt.wantFiles) {
				t.Errorf("kept lines %v files %v, want %v %v", lines, files, tt.wantLines, tt.wantFiles)
			}
			if int64(len(out))+removed != int64(len(tt.in)) {
				t.Errorf("kept %d + removed %d != %d", len(out), removed, len(tt.in))
			}
			if !slices.Equal(in, tt.in) {
				t.Error("Dedup modified its input")
			}
		})
	}
}

func TestBuildOrders(t *testing.T) {
	web := func(l customerview.Line) customerview.Line { l.Source = "web"; return l }
	noCountry := func(l customerview.Line) customerview.Line { l.Country = ""; return l }
	lines := []customerview.Line{
		ln("1005", "300", 1, 100_000, t0.Add(5*time.Hour), 2),
		ln("1001", "100", 2, 1_250_001, t0.Add(2*time.Hour), 3),
		ln("1001", "100", 3, 333_333, t0, 4), // earliest line of 1001
		ln("1001", "100", 1, 7, t0.Add(3*time.Hour), 5),
		ln("C1002", "100", -2, 1_250_001, t0.Add(time.Hour), 6),
		ln("1003", "", 4, 500_000, t0, 7),
		ln("1003", "", 1, 500_000, t0, 8),
		// A customer conflict: 200, 100, 200 -> one conflicting order, 100 kept.
		ln("1004", "200", 1, 1_000_000, t0, 9),
		ln("1004", "100", 1, 1_000_000, t0, 10),
		ln("1004", "200", 1, 1_000_000, t0, 11),
		// Customer only on a later line.
		noCountry(ln("1006", "", 1, 1_000_000, t0, 12)),
		ln("1006", "400", 1, 1_000_000, t0, 13),
		// Same order id in another source is another order.
		web(ln("1001", "100", 1, 1_000_000, t0, 14)),
	}
	orders, stats := customerview.BuildOrders(lines)

	type id struct{ source, order string }
	var ids []id
	byID := map[id]customerview.Order{}
	for _, o := range orders {
		ids = append(ids, id{o.Source, o.OrderID})
		byID[id{o.Source, o.OrderID}] = o
	}
	wantIDs := []id{{"shop", "1001"}, {"shop", "1003"}, {"shop", "1004"}, {"shop", "1005"}, {"shop", "1006"}, {"shop", "C1002"}, {"web", "1001"}}
	if !slices.Equal(ids, wantIDs) {
		t.Fatalf("orders = %v, want %v", ids, wantIDs)
	}
	if stats.CustomerConflicts != 1 {
		t.Errorf("CustomerConflicts = %d, want 1 (one order with two customers)", stats.CustomerConflicts)
	}
	if stats.LinesWithoutCustomer != 3 {
		t.Errorf("LinesWithoutCustomer = %d, want 3", stats.LinesWithoutCustomer)
	}

	str := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	tests := []struct {
		id        id
		at        time.Time
		cancel    bool
		lineCount int64
		units     int64
		value     money.Micros
		cust      string
	}{
		{id{"shop", "1001"}, t0, false, 3, 6, 2*1_250_001 + 3*333_333 + 7, "100"},
		{id{"shop", "C1002"}, t0.Add(time.Hour), true, 1, -2, -2_500_002, "100"},
		{id{"shop", "1003"}, t0, false, 2, 5, 2_500_000, "<nil>"},
		{id{"shop", "1004"}, t0, false, 3, 3, 3_000_000, "100"},
		{id{"shop", "1005"}, t0.Add(5 * time.Hour), false, 1, 1, 100_000, "300"},
		{id{"shop", "1006"}, t0, false, 2, 2, 2_000_000, "400"},
		{id{"web", "1001"}, t0, false, 1, 1, 1_000_000, "100"},
	}
	for _, tt := range tests {
		t.Run(tt.id.source+"/"+tt.id.order, func(t *testing.T) {
			o := byID[tt.id]
			if !o.OrderedAt.Equal(tt.at) {
				t.Errorf("OrderedAt = %v, want %v", o.OrderedAt, tt.at)
			}
			if o.IsCancellation != tt.cancel {
				t.Errorf("IsCancellation = %v, want %v", o.IsCancellation, tt.cancel)
			}
			if o.LineCount != tt.lineCount || o.Units != tt.units || o.Value != tt.value {
				t.Errorf("lines %d units %d value %d, want %d %d %d", o.LineCount, o.Units, o.Value, tt.lineCount, tt.units, tt.value)
			}
			if got := str(o.CustomerNumber); got != tt.cust {
				t.Errorf("CustomerNumber = %s, want %s", got, tt.cust)
			}
			wantCID := "<nil>"
			if tt.cust != "<nil>" {
				wantCID = customerview.CustomerID(tt.id.source, tt.cust)
			}
			if got := str(o.CustomerID); got != wantCID {
				t.Errorf("CustomerID = %s, want %s", got, wantCID)
			}
			if o.Currency != "GBP" {
				t.Errorf("Currency = %q", o.Currency)
			}
			if got := str(o.Country); got != "United Kingdom" {
				t.Errorf("Country = %s", got)
			}
		})
	}
}

func TestBuildOrdersConflictCounts(t *testing.T) {
	tests := []struct {
		name      string
		custs     []string
		want      string
		conflicts int64
	}{
		{"agreeing lines", []string{"5", "5", "5"}, "5", 0},
		{"smaller second", []string{"9", "5"}, "5", 1},
		{"smaller first", []string{"5", "9"}, "5", 1},
		{"three customers", []string{"7", "9", "5", "9"}, "5", 1},
		{"blank lines do not conflict", []string{"", "7", ""}, "7", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lines []customerview.Line
			for i, c := range tt.custs {
				lines = append(lines, ln("1", c, 1, 1, t0, int64(i+2)))
			}
			orders, stats := customerview.BuildOrders(lines)
			if len(orders) != 1 {
				t.Fatalf("%d orders", len(orders))
			}
			if got := *orders[0].CustomerNumber; got != tt.want {
				t.Errorf("customer = %s, want %s", got, tt.want)
			}
			if stats.CustomerConflicts != tt.conflicts {
				t.Errorf("CustomerConflicts = %d, want %d", stats.CustomerConflicts, tt.conflicts)
			}
		})
	}
}

func TestBuildCustomers(t *testing.T) {
	end := time.Date(2010, 12, 10, 0, 0, 0, 0, time.UTC)
	de := func(l customerview.Line, c string) customerview.Line { l.Country = c; return l }
	lines := []customerview.Line{
		// Customer 100: two orders (one of two lines), one return of two lines.
		ln("1001", "100", 2, 1_250_000, end.Add(-24*time.Hour), 2),
		ln("1001", "100", 1, 500_000, end.Add(-23*time.Hour), 3),
		de(ln("1002", "100", 1, 2_000_000, end.Add(-time.Microsecond), 4), "Germany"),
		ln("C1003", "100", -1, 500_000, end.Add(-time.Hour), 5),
		ln("C1003", "100", -2, 100_000, end.Add(-time.Hour), 6),
		// Customer 200: only a cancellation.
		ln("C2001", "200", -3, 1_000_000, end.Add(-48*time.Hour), 7),
		// Customer 300: one order of two lines, floor of days.
		ln("3001", "300", 1, 1_000_000, end.Add(-48*time.Hour+time.Microsecond), 8),
		ln("3001", "300", 1, 1_000_000, end.Add(-72*time.Hour-time.Microsecond), 9),
		// Lines without a customer are nobody's.
		ln("4001", "", 10, 1_000_000, end.Add(-time.Hour), 10),
	}
	custs := customerview.BuildCustomers(lines, end)
	if len(custs) != 3 {
		t.Fatalf("got %d customers, want 3: %+v", len(custs), custs)
	}
	if !slices.IsSortedFunc(custs, func(a, b customerview.Customer) int {
		if a.CustomerID < b.CustomerID {
			return -1
		}
		return 1
	}) {
		t.Error("customers are not sorted by customer id")
	}
	by := map[string]customerview.Customer{}
	for _, c := range custs {
		by[c.CustomerNumber] = c
		if c.CustomerID != customerview.CustomerID(c.Source, c.CustomerNumber) {
			t.Errorf("customer %s has id %s", c.CustomerNumber, c.CustomerID)
		}
	}
	i64 := func(v int64) *int64 { return &v }
	tm := func(v time.Time) *time.Time { return &v }
	tests := []struct {
		number               string
		orders, returnOrders int64
		gross, returns, net  money.Cents
		first, last          *time.Time
		recency, tenure      *int64
		country              string
	}{
		{
			number: "100", orders: 2, returnOrders: 1,
			gross: 500, returns: 70, net: 430,
			first: tm(end.Add(-24 * time.Hour)), last: tm(end.Add(-time.Microsecond)),
			recency: i64(0), tenure: i64(1), country: "Germany",
		},
		{
			number: "200", orders: 0, returnOrders: 1,
			gross: 0, returns: 300, net: -300, country: "United Kingdom",
		},
		{
			number: "300", orders: 1, returnOrders: 0,
			gross: 200, returns: 0, net: 200,
			first: tm(end.Add(-72*time.Hour - time.Microsecond)), last: tm(end.Add(-72*time.Hour - time.Microsecond)),
			recency: i64(3), tenure: i64(3), country: "United Kingdom",
		},
	}
	for _, tt := range tests {
		t.Run(tt.number, func(t *testing.T) {
			c, ok := by[tt.number]
			if !ok {
				t.Fatalf("no customer %s", tt.number)
			}
			if c.OrdersCount != tt.orders || c.ReturnOrders != tt.returnOrders {
				t.Errorf("orders %d returns %d, want %d %d", c.OrdersCount, c.ReturnOrders, tt.orders, tt.returnOrders)
			}
			if c.GrossRevenue != tt.gross || c.ReturnsValue != tt.returns || c.NetRevenue != tt.net {
				t.Errorf("gross %d returns %d net %d, want %d %d %d", c.GrossRevenue, c.ReturnsValue, c.NetRevenue, tt.gross, tt.returns, tt.net)
			}
			checkTime(t, "first", c.FirstOrderAt, tt.first)
			checkTime(t, "last", c.LastOrderAt, tt.last)
			checkInt(t, "recency", c.RecencyDays, tt.recency)
			checkInt(t, "tenure", c.TenureDays, tt.tenure)
			if c.Country == nil || *c.Country != tt.country {
				t.Errorf("country = %v, want %s", c.Country, tt.country)
			}
			if c.Currency != "GBP" || c.Source != "shop" {
				t.Errorf("currency %q source %q", c.Currency, c.Source)
			}
		})
	}
}

func checkTime(t *testing.T, name string, got, want *time.Time) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %v, want %v", name, got, want)
	case !got.Equal(*want):
		t.Errorf("%s = %v, want %v", name, *got, *want)
	}
}

func checkInt(t *testing.T, name string, got, want *int64) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %v, want %v", name, got, want)
	case *got != *want:
		t.Errorf("%s = %d, want %d", name, *got, *want)
	}
}

func TestBuildCustomersDays(t *testing.T) {
	end := time.Date(2010, 12, 10, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		at   time.Time
		want int64
	}{
		{"one microsecond before the end", end.Add(-time.Microsecond), 0},
		{"exactly one day before", end.Add(-24 * time.Hour), 1},
		{"one day and a microsecond", end.Add(-24*time.Hour - time.Microsecond), 1},
		{"two days less a microsecond", end.Add(-48*time.Hour + time.Microsecond), 1},
		{"start of the run date", end.Add(-24 * time.Hour), 1},
		{"a year before", end.AddDate(-1, 0, 0), 365},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := customerview.BuildCustomers([]customerview.Line{ln("1", "9", 1, 1, tt.at, 2)}, end)
			if len(c) != 1 || c[0].RecencyDays == nil || c[0].TenureDays == nil {
				t.Fatalf("customers = %+v", c)
			}
			if *c[0].RecencyDays != tt.want || *c[0].TenureDays != tt.want {
				t.Errorf("recency %d tenure %d, want %d", *c[0].RecencyDays, *c[0].TenureDays, tt.want)
			}
		})
	}
}

func TestBuildCustomersRounding(t *testing.T) {
	end := time.Date(2010, 12, 10, 0, 0, 0, 0, time.UTC)
	at := end.Add(-time.Hour)
	tests := []struct {
		name                string
		lines               []customerview.Line
		gross, returns, net money.Cents
	}{
		{
			// 10.005 - 0.004 = 10.001: rounding the parts first would give 10.01 - 0.00 = 10.01.
			name:  "net rounded from the exact amount",
			lines: []customerview.Line{ln("1", "9", 1, 10_005_000, at, 2), ln("C2", "9", -1, 4_000, at, 3)},
			gross: 1001, returns: 0, net: 1000,
		},
		{
			// 1.006 - 0.003 = 1.003: the parts round to 1.01 and 0.00.
			name:  "several lines",
			lines: []customerview.Line{ln("1", "9", 2, 503_000, at, 2), ln("C2", "9", -3, 1_000, at, 3)},
			gross: 101, returns: 0, net: 100,
		},
		{
			// 0.004 - 0.009 = -0.005: half away from zero is -0.01.
			name:  "negative half rounds away from zero",
			lines: []customerview.Line{ln("1", "9", 1, 4_000, at, 2), ln("C2", "9", -1, 9_000, at, 3)},
			gross: 0, returns: 1, net: -1,
		},
		{
			name:  "positive half rounds away from zero",
			lines: []customerview.Line{ln("1", "9", 1, 5_000, at, 2)},
			gross: 1, returns: 0, net: 1,
		},
		{
			name:  "just below half",
			lines: []customerview.Line{ln("1", "9", 1, 4_999, at, 2), ln("C2", "9", 1, 4_999, at, 3)},
			gross: 0, returns: 0, net: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := customerview.BuildCustomers(tt.lines, end)
			if len(c) != 1 {
				t.Fatalf("customers = %+v", c)
			}
			if c[0].GrossRevenue != tt.gross || c[0].ReturnsValue != tt.returns || c[0].NetRevenue != tt.net {
				t.Errorf("gross %d returns %d net %d, want %d %d %d",
					c[0].GrossRevenue, c[0].ReturnsValue, c[0].NetRevenue, tt.gross, tt.returns, tt.net)
			}
		})
	}
}

func TestCustomerID(t *testing.T) {
	id := customerview.CustomerID("retail", "12345")
	if !regexp.MustCompile(`^cus_[0-9a-f]{16}$`).MatchString(id) {
		t.Errorf("CustomerID = %q, want cus_ and 16 hex digits", id)
	}
	// Pinned: a change of the derivation would rename every customer.
	sum := sha256.Sum256([]byte("retail\x00customer_number\x0012345"))
	if want := "cus_" + hex.EncodeToString(sum[:8]); id != want {
		t.Errorf("CustomerID = %q, want %q", id, want)
	}
	if id != customerview.CustomerID("retail", "12345") {
		t.Error("CustomerID is not stable")
	}
	for _, other := range [][2]string{{"web", "12345"}, {"retail", "12346"}, {"retail1", "2345"}, {"", "retail12345"}} {
		if customerview.CustomerID(other[0], other[1]) == id {
			t.Errorf("CustomerID(%q, %q) collides with (retail, 12345)", other[0], other[1])
		}
	}
}

// TestLinesRemoveBeforeDedup: a line removed before Dedup (refused by a
// quality rule) is not the first copy of its duplicates, and no table
// counts it; EachCustomer names customers of the remaining lines only,
// in the order of their first line.
func TestLinesRemoveBeforeDedup(t *testing.T) {
	a := ln("1001", "100", 2, 1_250_000, t0, 2)
	dup := a
	dup.SourceLine = 3
	other := ln("1002", "200", 1, 500_000, t0.Add(time.Hour), 4)
	gone := ln("1003", "300", 1, 500_000, t0, 5)
	ls := customerview.LinesOf([]customerview.Line{other, a, dup, gone})
	ls.Remove(1) // a
	ls.Remove(3) // gone
	if n := ls.Dedup(); n != 0 {
		t.Errorf("Dedup removed %d, want 0: the removed line is no first copy", n)
	}
	if ls.Kept() != 2 {
		t.Errorf("kept %d lines, want 2", ls.Kept())
	}
	orders, _ := ls.Orders()
	if len(orders) != 2 || orders[0].OrderID != "1001" || orders[0].LineCount != 1 || orders[1].OrderID != "1002" {
		t.Errorf("orders %+v", orders)
	}
	var custs []string
	ls.EachCustomer(func(source, number string) { custs = append(custs, source+"/"+number) })
	if !slices.Equal(custs, []string{"shop/200", "shop/100"}) {
		t.Errorf("customers %v", custs)
	}
	if got := ls.Line(2); got != dup {
		t.Errorf("Line(2) = %+v, want %+v", got, dup)
	}
}

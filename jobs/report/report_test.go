package report

import (
	"strings"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/kpi"
	"github.com/segmint/segmint/lib/money"
	"github.com/segmint/segmint/lib/rundate"
)

func date(t *testing.T, s string) rundate.Date {
	t.Helper()
	d, err := rundate.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func order(id, customer string, day string, value int64, cancelled bool) customerview.Order {
	at, _ := time.Parse(time.DateOnly, day)
	return customerview.Order{OrderID: id, CustomerID: &customer, OrderedAt: at.Add(10 * time.Hour), IsCancellation: cancelled,
		Value: money.Micros(value * 1_000_000)}
}

// TestHeadlineComparesPeriods: D, 7 and 30 days against the periods
// before them, cancellations left out, new customers by first order.
func TestHeadlineComparesPeriods(t *testing.T) {
	d := date(t, "2024-03-31")
	page := &Page{Currency: "GBP", in: inputs{orders: []customerview.Order{
		order("1", "a", "2024-03-31", 1500, false), // D, a's second order
		order("2", "b", "2024-03-31", 500, false),  // D, b's first
		order("3", "a", "2024-03-30", 1000, false), // D-1, a's first
		order("4", "c", "2024-03-31", 999, true),   // cancelled: not counted
		order("5", "d", "2024-03-20", 250, false),  // in the 30 days, not the 7
	}}}
	headline(page, d)
	revenue, orders, newCustomers := page.Headline[0], page.Headline[1], page.Headline[2]
	if got := revenue.Periods[0]; got.Now != "GBP 2,000.00" || got.Before != "GBP 1,000.00" || got.Change != "+100.0%" || !got.Good {
		t.Errorf("revenue of D: %+v", got)
	}
	if got := orders.Periods[1]; got.Now != "3" || got.Before != "1" || got.Change != "+200.0%" {
		t.Errorf("orders of 7 days: %+v", got)
	}
	if got := newCustomers.Periods[2]; got.Now != "3" {
		t.Errorf("new customers of 30 days: %+v, want 3 (a, b, d)", got)
	}
	if got := newCustomers.Periods[0]; got.Now != "1" || got.Before != "1" || got.Change != "+0.0%" {
		t.Errorf("new customers of D: %+v, want b against a", got)
	}
}

// TestFunnelSaysWhichStagesAreAbsent: a stage no touchpoint carries is
// named on the page and not drawn.
func TestFunnelSaysWhichStagesAreAbsent(t *testing.T) {
	d := date(t, "2024-03-31")
	day := dayOf(d.Start().Unix())
	page := &Page{in: inputs{daily: []kpi.Daily{
		{Day: day, Channel: "email", Sessions: 10, AddToCart: 4, Orders: 1},
		{Day: day - 1, Channel: "organic", Sessions: 20, AddToCart: 6, Orders: 2},
		{Day: day, Channel: "paid_social"}, // ad rows only: no funnel
	}}}
	if err := funnel(page, d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.FunnelNote, "checkout") || strings.Contains(page.FunnelNote, "add to cart") {
		t.Errorf("note %q: want checkout named as absent, and only it", page.FunnelNote)
	}
	if len(page.Funnel) != 1 || len(page.Funnel[0].Table.Rows) != 2 {
		t.Fatalf("funnel %+v: want one chart of the two channels with sessions", page.Funnel)
	}
	if svg := string(page.Funnel[0].SVG); !strings.Contains(svg, "<svg") || strings.Contains(svg, ">checkout<") {
		t.Error("the chart should be drawn without the absent stage")
	}
	if row := page.Funnel[0].Table.Rows[0]; row[0] != "email" || row[5] != "0.40" || row[8] != "10.0%" {
		t.Errorf("email row %v", row)
	}
}

// TestLifecycleFlowsSincePreviousRun counts the moves between stages by
// customer id, new customers from outside.
func TestLifecycleFlowsSincePreviousRun(t *testing.T) {
	c := func(id, stage string) customerview.Customer {
		return customerview.Customer{CustomerID: id, LifecycleStage: stage}
	}
	page := &Page{in: inputs{
		prevCustomers: []customerview.Customer{c("a", "new"), c("b", "new"), c("c", "active"), c("d", "active")},
		customers:     []customerview.Customer{c("a", "active"), c("b", "active"), c("c", "dormant"), c("d", "active"), c("e", "new")},
		prevDate:      date(t, "2024-03-30"),
	}}
	if err := lifecycle(page, date(t, "2024-03-31")); err != nil {
		t.Fatal(err)
	}
	want := []flow{{"new", "active", 2}, {"(not yet a customer)", "new", 1}, {"active", "dormant", 1}}
	if len(page.in.flows) != len(want) {
		t.Fatalf("flows %+v, want %+v", page.in.flows, want)
	}
	for i, f := range want {
		if page.in.flows[i] != f {
			t.Errorf("flow %d = %+v, want %+v", i, page.in.flows[i], f)
		}
	}
	if len(page.Lifecycle) != 2 || page.LifecycleNote != "" {
		t.Errorf("%d charts, note %q: want stages and flows", len(page.Lifecycle), page.LifecycleNote)
	}
}

func TestNumberTexts(t *testing.T) {
	for _, tt := range []struct {
		got, want string
	}{
		{numberText(1234567.5), "1,234,567.5"}, {numberText(-1000), "-1,000"}, {numberText(0.25), "0.25"},
		{intText(-1234), "-1,234"}, {moneyText(123456789, "EUR"), "EUR 1,234,567.89"},
		{changeText(0, 0), "–"}, {changeText(5, 0), "new"}, {changeText(50, 100), "-50.0%"},
		{metaText(map[string]any{"b_x": 2.0, "a": map[string]any{"k": 1000.0}}), "a k 1,000, b x 2"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// TestChartsOfAnEmptyWindow: a run date after the data (no kpi/daily row
// in the window) gives notes, not an error (regression: gonum's "no data
// points" failed the report of 2030-01-01).
func TestChartsOfAnEmptyWindow(t *testing.T) {
	d := date(t, "2030-01-01")
	page := &Page{Currency: "GBP", in: inputs{daily: []kpi.Daily{{Day: 14000, Channel: "email", Sessions: 3, Orders: 1}}}}
	if err := channels(page, d); err != nil {
		t.Fatal(err)
	}
	if err := funnel(page, d); err != nil {
		t.Fatal(err)
	}
	if len(page.Channels) == 0 {
		t.Fatal("no channel charts")
	}
	for _, c := range page.Channels {
		perDay := strings.Contains(c.Title, "per day") // zero each day, ROAS undefined: no line
		if !perDay && c.SVG != "" || strings.HasPrefix(c.Title, "ROAS") && c.SVG != "" {
			t.Errorf("chart %q drawn from an empty window", c.Title)
		}
	}
	if !strings.Contains(page.FunnelNote, "No touchpoint") {
		t.Errorf("funnel note %q", page.FunnelNote)
	}
}

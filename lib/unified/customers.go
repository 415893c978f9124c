package unified

import (
	"sort"
	"time"

	"github.com/segmint/segmint/lib/money"
)

// Customer is one row of unified/customers.
type Customer struct {
	CustomerID     string  `parquet:"customer_id"`
	Source         string  `parquet:"source"`
	CustomerNumber string  `parquet:"customer_number"`
	Country        *string `parquet:"country,optional"`
	OrdersCount    int64   `parquet:"orders_count"`
	// ReturnOrders counts distinct cancellation invoices.
	ReturnOrders int64      `parquet:"return_orders"`
	GrossRevenue int64      `parquet:"gross_revenue,decimal(2:18)"`
	ReturnsValue int64      `parquet:"returns_value,decimal(2:18)"`
	NetRevenue   int64      `parquet:"net_revenue,decimal(2:18)"`
	Currency     string     `parquet:"currency"`
	FirstOrderAt *time.Time `parquet:"first_order_at,timestamp(microsecond),optional"`
	LastOrderAt  *time.Time `parquet:"last_order_at,timestamp(microsecond),optional"`
	RecencyDays  *int64     `parquet:"recency_days,optional"`
	TenureDays   *int64     `parquet:"tenure_days,optional"`
}

type custAcc struct {
	source, number, currency string
	country                  string
	countryAt                time.Time
	gross, returns           int64 // millionths
	orders, returnOrders     map[string]time.Time
}

// BuildCustomers computes one row per (source, customer number) from lines,
// as of end (the exclusive end of the run date). Rows are sorted by customer id.
func BuildCustomers(lines []Line, end time.Time) []Customer {
	type ckey struct{ source, number string }
	accs := map[ckey]*custAcc{}
	for _, l := range lines {
		if l.CustomerNumber == "" {
			continue
		}
		k := ckey{l.Source, l.CustomerNumber}
		a := accs[k]
		if a == nil {
			a = &custAcc{source: l.Source, number: l.CustomerNumber, currency: l.Currency,
				orders: map[string]time.Time{}, returnOrders: map[string]time.Time{}}
			accs[k] = a
		}
		// The country of the customer's latest line (ties: the greatest name).
		if l.Country != "" && (l.OrderedAt.After(a.countryAt) || l.OrderedAt.Equal(a.countryAt) && l.Country > a.country) {
			a.country, a.countryAt = l.Country, l.OrderedAt
		}
		set := a.orders
		if l.IsCancellation() {
			set = a.returnOrders
			a.returns += abs(l.Value())
		} else {
			a.gross += l.Value()
		}
		if t, ok := set[l.OrderID]; !ok || l.OrderedAt.Before(t) {
			set[l.OrderID] = l.OrderedAt
		}
	}
	out := make([]Customer, 0, len(accs))
	for _, a := range accs {
		out = append(out, a.customer(end))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CustomerID < out[j].CustomerID })
	return out
}

func (a *custAcc) customer(end time.Time) Customer {
	c := Customer{
		CustomerID:     CustomerID(a.source, a.number),
		Source:         a.source,
		CustomerNumber: a.number,
		OrdersCount:    int64(len(a.orders)),
		ReturnOrders:   int64(len(a.returnOrders)),
		GrossRevenue:   money.Rescale(a.gross, money.MicroScale, 2),
		ReturnsValue:   money.Rescale(a.returns, money.MicroScale, 2),
		NetRevenue:     money.Rescale(a.gross-a.returns, money.MicroScale, 2),
		Currency:       a.currency,
	}
	if a.country != "" {
		c.Country = ptr(a.country)
	}
	var first, last time.Time
	for _, t := range a.orders {
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	if len(a.orders) > 0 {
		c.FirstOrderAt, c.LastOrderAt = ptr(first), ptr(last)
		c.RecencyDays = ptr(wholeDays(end.Sub(last)))
		c.TenureDays = ptr(wholeDays(end.Sub(first)))
	}
	return c
}

// wholeDays is the floor of d in days.
func wholeDays(d time.Duration) int64 {
	days := int64(d / (24 * time.Hour))
	if d < 0 && d%(24*time.Hour) != 0 {
		days--
	}
	return days
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

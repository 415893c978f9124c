package kpi

import (
	"sort"
	"time"

	"github.com/segmint/segmint/lib/money"
)

// Touch is one touchpoint as the daily KPIs need it.
type Touch struct {
	At        time.Time
	SessionID string
	Channel   string
	Campaign  string
	EventType string // page_view, add_to_cart, checkout, purchase
	OrderID   string // on purchase events
}

// OrderFact is one non-cancelled order as the daily KPIs need it.
type OrderFact struct {
	Value int64 // gross, millionths
	// FirstOfCustomer is true when the order is its customer's first.
	FirstOfCustomer bool
}

// Daily is one row of kpi/daily: the activity of one day (UTC), channel
// and campaign. Orders are attributed to the channel and campaign of the
// purchase touchpoint that carries them ("where orders carry the
// campaign"); each order counts once, at its first purchase touchpoint.
type Daily struct {
	Day      int32  `parquet:"day,date"`
	Channel  string `parquet:"channel"`
	Campaign string `parquet:"campaign_id"`
	// Sessions counts distinct sessions with a touchpoint that day.
	Sessions    int64 `parquet:"sessions"`
	Touchpoints int64 `parquet:"touchpoints"`
	AddToCart   int64 `parquet:"add_to_cart"`
	Checkouts   int64 `parquet:"checkouts"`
	Orders      int64 `parquet:"orders"`
	// Revenue is the gross value of the attributed orders.
	Revenue int64 `parquet:"revenue,decimal(2:18)"`
	// NewCustomers counts attributed orders that were their customer's first.
	NewCustomers int64 `parquet:"new_customers"`
	// ConversionRate is orders / sessions.
	ConversionRate float64 `parquet:"conversion_rate"`
	Currency       string  `parquet:"currency"`
}

// DailyKPIs aggregates touchpoints up to end by day, channel and campaign.
// orders maps order ids to their facts; a purchase touchpoint whose order
// is unknown (cancelled, or after end) counts as a touchpoint only.
func DailyKPIs(touches []Touch, orders map[string]OrderFact, end time.Time, currency string) []Daily {
	type key struct {
		day               int32
		channel, campaign string
	}
	rows := map[key]*Daily{}
	sessions := map[key]map[string]struct{}{}
	// Each order counts once: at its earliest purchase touchpoint.
	firstTouch := map[string]int{}
	for i, t := range touches {
		if t.EventType != "purchase" || t.OrderID == "" || !t.At.Before(end) {
			continue
		}
		if j, ok := firstTouch[t.OrderID]; !ok || earlier(t, touches[j]) {
			firstTouch[t.OrderID] = i
		}
	}
	for i, t := range touches {
		if !t.At.Before(end) {
			continue
		}
		k := key{int32(t.At.Unix() / 86400), t.Channel, t.Campaign}
		r := rows[k]
		if r == nil {
			r = &Daily{Day: k.day, Channel: t.Channel, Campaign: t.Campaign, Currency: currency}
			rows[k] = r
			sessions[k] = map[string]struct{}{}
		}
		r.Touchpoints++
		if t.SessionID != "" {
			sessions[k][t.SessionID] = struct{}{}
		}
		switch t.EventType {
		case "add_to_cart":
			r.AddToCart++
		case "checkout":
			r.Checkouts++
		case "purchase":
			o, known := orders[t.OrderID]
			if known && firstTouch[t.OrderID] == i {
				r.Orders++
				r.Revenue += o.Value
				if o.FirstOfCustomer {
					r.NewCustomers++
				}
			}
		}
	}
	out := make([]Daily, 0, len(rows))
	for k, r := range rows {
		r.Sessions = int64(len(sessions[k]))
		r.Revenue = money.Rescale(r.Revenue, money.MicroScale, 2)
		if r.Sessions > 0 {
			r.ConversionRate = float64(r.Orders) / float64(r.Sessions)
		}
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Day != b.Day {
			return a.Day < b.Day
		}
		if a.Channel != b.Channel {
			return a.Channel < b.Channel
		}
		return a.Campaign < b.Campaign
	})
	return out
}

// earlier orders touchpoints by time, then session, then channel and
// campaign, so that ties do not depend on input order.
func earlier(a, b Touch) bool {
	if !a.At.Equal(b.At) {
		return a.At.Before(b.At)
	}
	if a.SessionID != b.SessionID {
		return a.SessionID < b.SessionID
	}
	if a.Channel != b.Channel {
		return a.Channel < b.Channel
	}
	return a.Campaign < b.Campaign
}

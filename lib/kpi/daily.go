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
	Value money.Micros // gross
	// FirstOfCustomer is true when the order is its customer's first.
	FirstOfCustomer bool
}

// AdDay is one ad platform row as the daily KPIs need it: one campaign's
// metrics on one day, spend already converted into the reporting currency.
type AdDay struct {
	// Day is the UTC day in days since 1970-01-01.
	Day               int32
	Channel, Campaign string
	Impressions       int64
	Clicks            int64
	// Reach is nil when the platform does not report it.
	Reach *int64
	// Spend is in the reporting currency.
	Spend money.Micros
}

// DailyStats counts what building kpi/daily noticed.
type DailyStats struct {
	// ReachNotAdditive counts rows whose reach is null because several ad
	// rows (ads of one campaign, or two sources) fed them: people reached
	// by two ads are one person, so reach does not add up.
	ReachNotAdditive int64
}

// Daily is one row of kpi/daily: the activity of one day (UTC), channel
// and campaign. Orders are attributed to the channel and campaign of the
// purchase touchpoint that carries them ("where orders carry the
// campaign"); each order counts once, at its first purchase touchpoint.
// The ad columns (impressions to CAC) come from the ad platforms' daily
// metrics of the same day, channel and campaign; they are null on rows no
// platform reports (organic, e-mail, direct, ...).
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
	Revenue money.Cents `parquet:"revenue,decimal(2:18)"`
	// NewCustomers counts attributed orders that were their customer's first.
	NewCustomers int64 `parquet:"new_customers"`
	// ConversionRate is orders / sessions.
	ConversionRate float64 `parquet:"conversion_rate"`
	Currency       string  `parquet:"currency"`
	// Impressions and Clicks are the platforms' counts.
	Impressions *int64 `parquet:"impressions,optional"`
	Clicks      *int64 `parquet:"clicks,optional"`
	// Reach is the platform's reach when exactly one ad row that reports
	// it feeds the row (see DailyStats.ReachNotAdditive); never a sum.
	Reach *int64 `parquet:"reach,optional"`
	// CTR is clicks / impressions; null without impressions.
	CTR *float64 `parquet:"ctr,optional"`
	// Spend is the platforms' cost in the reporting currency.
	Spend *money.Cents `parquet:"spend,decimal(2:18),optional"`
	// CPA is spend / orders, CAC spend / new customers (null when the
	// divisor is 0), each rounded once from the exact spend.
	CPA *money.Cents `parquet:"cpa,decimal(2:18),optional"`
	CAC *money.Cents `parquet:"cac,decimal(2:18),optional"`
	// ROAS is revenue / spend from the exact amounts; null when spend is 0.
	ROAS *float64 `parquet:"roas,optional"`
}

type dailyKey struct {
	day               int32
	channel, campaign string
}

// DailyKPIs aggregates touchpoints and ad rows up to end by day, channel
// and campaign. orders maps order ids to their facts; a purchase
// touchpoint whose order is unknown (cancelled, or after end) counts as a
// touchpoint only. An ad row of a day, channel and campaign without
// touchpoints makes a row of its own.
func DailyKPIs(touches []Touch, orders map[string]OrderFact, ads []AdDay, end time.Time, currency string) ([]Daily, DailyStats) {
	d := &dailyRows{currency: currency, rows: map[dailyKey]*Daily{}, sessions: map[dailyKey]map[string]struct{}{},
		revenue: map[dailyKey]money.Micros{}}
	firstTouch := firstPurchaseTouches(touches, end)
	for i, t := range touches {
		if t.At.Before(end) {
			d.addTouch(i, t, orders, firstTouch)
		}
	}
	spend, stats := addAds(ads, end, d.row)
	return d.finish(spend), stats
}

// finish completes the rows with their sessions, conversion rate, costs
// of the spend and revenue, ordered by day, channel and campaign.
func (d *dailyRows) finish(spend map[dailyKey]money.Micros) []Daily {
	out := make([]Daily, 0, len(d.rows))
	for k, r := range d.rows {
		r.Sessions = int64(len(d.sessions[k]))
		if r.Sessions > 0 {
			r.ConversionRate = float64(r.Orders) / float64(r.Sessions)
		}
		if s, ok := spend[k]; ok {
			r.costs(s, d.revenue[k])
		}
		r.Revenue = d.revenue[k].Cents()
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return before(out[i], out[j]) })
	return out
}

// before orders rows by day, channel and campaign.
func before(a, b Daily) bool {
	if a.Day != b.Day {
		return a.Day < b.Day
	}
	if a.Channel != b.Channel {
		return a.Channel < b.Channel
	}
	return a.Campaign < b.Campaign
}

// dailyRows are the rows of DailyKPIs being summed up, with the distinct
// sessions of each and their exact revenue (rounded to Revenue at the end).
type dailyRows struct {
	currency string
	rows     map[dailyKey]*Daily
	sessions map[dailyKey]map[string]struct{}
	revenue  map[dailyKey]money.Micros
}

// row returns the row of k, making it when it is new.
func (d *dailyRows) row(k dailyKey) *Daily {
	r := d.rows[k]
	if r == nil {
		r = &Daily{Day: k.day, Channel: k.channel, Campaign: k.campaign, Currency: d.currency}
		d.rows[k] = r
		d.sessions[k] = map[string]struct{}{}
	}
	return r
}

// firstPurchaseTouches returns, per order id, the index of its earliest
// purchase touchpoint before end: each order counts once, there.
func firstPurchaseTouches(touches []Touch, end time.Time) map[string]int {
	firstTouch := map[string]int{}
	for i, t := range touches {
		if t.EventType != "purchase" || t.OrderID == "" || !t.At.Before(end) {
			continue
		}
		if j, ok := firstTouch[t.OrderID]; !ok || earlier(t, touches[j]) {
			firstTouch[t.OrderID] = i
		}
	}
	return firstTouch
}

// addTouch counts touchpoint t, the i-th, in its row: a purchase adds its
// order when t is the order's first purchase touchpoint.
func (d *dailyRows) addTouch(i int, t Touch, orders map[string]OrderFact, firstTouch map[string]int) {
	k := dailyKey{int32(t.At.Unix() / 86400), t.Channel, t.Campaign}
	r := d.row(k)
	r.Touchpoints++
	if t.SessionID != "" {
		d.sessions[k][t.SessionID] = struct{}{}
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
			d.revenue[k] += o.Value
			if o.FirstOfCustomer {
				r.NewCustomers++
			}
		}
	}
}

// addAds adds the ad rows of days before end to their rows (made by row)
// and returns the exact spend of each row.
func addAds(ads []AdDay, end time.Time, row func(dailyKey) *Daily) (map[dailyKey]money.Micros, DailyStats) {
	var stats DailyStats
	spend := map[dailyKey]money.Micros{}
	fed := map[dailyKey]int{} // ad rows per row
	last := int32(end.Add(-time.Microsecond).Unix() / 86400)
	for _, a := range ads {
		if a.Day > last {
			continue
		}
		k := dailyKey{a.Day, a.Channel, a.Campaign}
		r := row(k)
		if fed[k] == 0 {
			r.Impressions, r.Clicks = new(int64), new(int64)
		}
		fed[k]++
		*r.Impressions += a.Impressions
		*r.Clicks += a.Clicks
		spend[k] += a.Spend
		if r.feedReach(a.Reach, fed[k]) {
			stats.ReachNotAdditive++
		}
	}
	return spend, stats
}

// feedReach gives the row the reach of the fed-th ad row feeding it: the
// reach of the first; a second makes it null, since reach does not add up.
// It reports whether it nulled a reach.
func (r *Daily) feedReach(reach *int64, fed int) bool {
	switch {
	case fed == 1:
		r.Reach = reach
	case fed == 2 && r.Reach != nil:
		r.Reach = nil
		return true
	}
	return false
}

// costs sets the ratio columns of a row that ad rows fed, from its exact
// spend and its exact revenue.
func (r *Daily) costs(spend, revenue money.Micros) {
	if *r.Impressions > 0 {
		ctr := float64(*r.Clicks) / float64(*r.Impressions)
		r.CTR = &ctr
	}
	cents := spend.Cents()
	r.Spend = &cents
	if r.Orders > 0 {
		cpa := spend.DivCents(r.Orders)
		r.CPA = &cpa
	}
	if r.NewCustomers > 0 {
		cac := spend.DivCents(r.NewCustomers)
		r.CAC = &cac
	}
	if spend > 0 {
		roas := float64(revenue) / float64(spend)
		r.ROAS = &roas
	}
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

package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/segmint/segmint/lib/kpi"
	"github.com/segmint/segmint/lib/money"
	"github.com/segmint/segmint/lib/rundate"
)

// channelDays is the window of the channel and campaign tables, trendDays
// the window of the trends.
const channelDays, trendDays = 30, 90

// topCampaigns is the number of campaigns the page lists.
const topCampaigns = 10

// activity sums kpi/daily rows of one channel, campaign or day.
type activity struct {
	name                                          string
	sessions, addToCart, checkouts, orders, newCu int64
	impressions, clicks                           int64
	revenue, spend                                money.Cents
	paid                                          bool
}

func (a *activity) add(r kpi.Daily) {
	a.sessions += r.Sessions
	a.addToCart += r.AddToCart
	a.checkouts += r.Checkouts
	a.orders += r.Orders
	a.newCu += r.NewCustomers
	a.revenue += r.Revenue
	if r.Impressions != nil {
		a.impressions += *r.Impressions
	}
	if r.Clicks != nil {
		a.clicks += *r.Clicks
	}
	if r.Spend != nil {
		a.spend += *r.Spend
		a.paid = true
	}
}

// sumBy sums the rows of the days from..to by key, sorted by revenue,
// highest first, then by name.
func sumBy(rows []kpi.Daily, from, to int32, key func(kpi.Daily) string) []*activity {
	by := map[string]*activity{}
	for _, r := range rows {
		if r.Day < from || r.Day > to {
			continue
		}
		k := key(r)
		if by[k] == nil {
			by[k] = &activity{name: k}
		}
		by[k].add(r)
	}
	out := make([]*activity, 0, len(by))
	for _, a := range by {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *activity) int {
		if c := cmp.Compare(b.revenue, a.revenue); c != 0 {
			return c
		}
		return cmp.Compare(a.name, b.name)
	})
	return out
}

// activityRow is the table row of one channel or campaign.
func activityRow(a *activity, cur string) []string {
	row := []string{a.name, moneyText(a.revenue, cur), intText(a.orders), intText(a.newCu)}
	if !a.paid {
		return append(row, "–", "–", "–", "–", "–")
	}
	cpa, cac := "–", "–"
	if a.orders > 0 {
		cpa = moneyText(a.spend.Div(a.orders), cur)
	}
	if a.newCu > 0 {
		cac = moneyText(a.spend.Div(a.newCu), cur)
	}
	return append(row, moneyText(a.spend, cur), ratioText(div(a.revenue.Float(), a.spend.Float())), cpa, cac,
		pctText(div(float64(a.clicks), float64(a.impressions))))
}

var activityHead = []string{"", "Revenue", "Orders", "New customers", "Spend", "ROAS", "CPA", "CAC", "CTR"}

// channels fills the channels and campaigns section from kpi/daily.
func channels(page *Page, d rundate.Date) error {
	if page.in.daily == nil {
		page.ChannelsNote = "No touchpoint or ad metric stream is configured: kpi/daily is not written."
		return nil
	}
	end := dayOf(d.Start().Unix())
	cur := page.Currency
	chans := sumBy(page.in.daily, end-channelDays+1, end, func(r kpi.Daily) string { return r.Channel })
	t := Table{Head: append([]string{"Channel"}, activityHead[1:]...)}
	var names []string
	var spend, revenue []float64
	for _, a := range chans {
		t.Rows = append(t.Rows, activityRow(a, cur))
		names = append(names, a.name)
		spend, revenue = append(spend, a.spend.Float()), append(revenue, a.revenue.Float())
	}
	title := fmt.Sprintf("Attributed revenue by channel, %d days to %s", channelDays, d)
	svg, err := barChart(title, "channel", "revenue ("+cur+")", names, []Series{{"revenue", revenue}})
	if err != nil {
		return err
	}
	page.Channels = append(page.Channels, Chart{Title: title, SVG: svg, Table: t})
	title = fmt.Sprintf("Ad spend by channel, %d days to %s", channelDays, d)
	if svg, err = barChart(title, "channel", "spend ("+cur+")", names, []Series{{"spend", spend}}); err != nil {
		return err
	}
	page.Channels = append(page.Channels, Chart{Title: title, SVG: svg, Table: t})
	if err := campaigns(page, d, end); err != nil {
		return err
	}
	return trends(page, d, end)
}

// campaigns adds the top campaigns by revenue over the channel window.
func campaigns(page *Page, d rundate.Date, end int32) error {
	cur := page.Currency
	all := sumBy(page.in.daily, end-channelDays+1, end, func(r kpi.Daily) string {
		if r.Campaign == "" {
			return r.Channel + " (no campaign)"
		}
		return r.Channel + " / " + r.Campaign
	})
	top := all[:min(topCampaigns, len(all))]
	t := Table{Head: append([]string{"Campaign"}, activityHead[1:]...)}
	var names []string
	var revenue []float64
	for _, a := range top {
		t.Rows = append(t.Rows, activityRow(a, cur))
		names = append(names, a.name)
		revenue = append(revenue, a.revenue.Float())
	}
	title := fmt.Sprintf("Top %d campaigns by attributed revenue, %d days to %s", len(top), channelDays, d)
	svg, err := barChart(title, "campaign", "revenue ("+cur+")", names, []Series{{"revenue", revenue}})
	if err != nil {
		return err
	}
	page.Channels = append(page.Channels, Chart{Title: title, SVG: svg, Table: t})
	return nil
}

// trends adds the daily revenue, spend and ROAS of the last 90 days.
func trends(page *Page, d rundate.Date, end int32) error {
	cur := page.Currency
	days := sumBy(page.in.daily, end-trendDays+1, end, func(r kpi.Daily) string { return dayText(r.Day) })
	byDay := map[string]*activity{}
	for _, a := range days {
		byDay[a.name] = a
	}
	var x, revenue, spend, roas []float64
	t := Table{Head: []string{"Day", "Attributed revenue", "Spend", "ROAS", "Sessions", "Orders"}}
	for day := end - trendDays + 1; day <= end; day++ {
		a := byDay[dayText(day)]
		if a == nil {
			a = &activity{name: dayText(day)}
		}
		x = append(x, float64(day))
		revenue, spend = append(revenue, a.revenue.Float()), append(spend, a.spend.Float())
		roas = append(roas, div(a.revenue.Float(), a.spend.Float()))
		t.Rows = append(t.Rows, []string{a.name, moneyText(a.revenue, cur), moneyText(a.spend, cur),
			ratioText(roas[len(roas)-1]), intText(a.sessions), intText(a.orders)})
	}
	for _, c := range []struct {
		what string
		y    []float64
	}{{"Attributed revenue", revenue}, {"Ad spend", spend}} {
		title := fmt.Sprintf("%s per day, %d days to %s", c.what, trendDays, d)
		svg, err := lineChart(title, "day", strings.ToLower(c.what)+" per day ("+cur+")", x, []Series{{c.what, c.y}}, true)
		if err != nil {
			return err
		}
		page.Channels = append(page.Channels, Chart{Title: title, SVG: svg, Table: t})
	}
	title := fmt.Sprintf("ROAS per day, %d days to %s", trendDays, d)
	svg, err := lineChart(title, "day", "ROAS (revenue / spend)", x, []Series{{"ROAS", roas}}, true)
	if err != nil {
		return err
	}
	page.Channels = append(page.Channels, Chart{Title: title, SVG: svg, Table: Table{Head: t.Head[:4], Rows: firstColumns(t.Rows, 4)}})
	return nil
}

// firstColumns is the first n cells of each row.
func firstColumns(rows [][]string, n int) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = r[:n]
	}
	return out
}

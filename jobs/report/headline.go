package report

import (
	"context"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/kpi"
	"github.com/segmint/segmint/lib/money"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// HeadlineRow is one headline figure for D, the last 7 and the last 30
// days, each with the previous period of the same length and the change.
type HeadlineRow struct {
	Name, Note string
	Periods    [3]PeriodCell
}

// PeriodCell is a figure of one period against the previous one.
type PeriodCell struct {
	Now, Before, Change string
	// Good is true when the figure moved the way a marketer wants, Bad
	// when it moved the other way (neither for spend, or no change).
	Good, Bad bool
}

// direction says which way a headline figure is better.
type direction int

const (
	higherIsBetter direction = iota
	lowerIsBetter
	neutral
)

// periodDays are the headline's periods: D, 7 and 30 days up to D.
var periodDays = [3]int32{1, 7, 30}

// figures are one period's headline figures.
type figures struct {
	revenue, paidRevenue, spend money.Micros
	orders, newCustomers        int64
	paidOrders                  int64
}

// dayOf is t's day since 1970-01-01 (UTC).
func dayOf(unix int64) int32 { return int32(unix / 86400) }

// ordersRows reads unified/orders of D into the page's inputs.
func ordersRows(ctx context.Context, env step.Env, w *dataset.Writer, page *Page, d rundate.Date) error {
	rows, m, err := step.ReadInput[customerview.Order](ctx, env, dataset.Partition{Dataset: contract.Orders, Date: d}, contract.StepUnify)
	if err != nil {
		return err
	}
	page.addInput(w, m)
	page.in.orders = rows
	return nil
}

// dailyRows reads kpi/daily of D, when features writes it.
func dailyRows(ctx context.Context, env step.Env, w *dataset.Writer, page *Page, d rundate.Date) error {
	if !contract.Written(env.Config, contract.DailyKPIs) {
		return nil
	}
	rows, m, err := step.ReadInput[kpi.Daily](ctx, env, dataset.Partition{Dataset: contract.DailyKPIs, Date: d}, contract.StepFeatures)
	if err != nil {
		return err
	}
	page.addInput(w, m)
	page.in.daily = rows
	return nil
}

// headline fills the headline table from the orders (revenue, orders, new
// customers: every order of a known or unknown customer) and kpi/daily
// (spend, and the attributed revenue and orders of paid rows for ROAS
// and CPA).
func headline(page *Page, d rundate.Date) {
	end := dayOf(d.Start().Unix())
	first := firstOrders(page.in.orders)
	var rows [6]HeadlineRow
	names := [6][2]string{{"Revenue", "gross value of the non-cancelled orders"}, {"Orders", "non-cancelled orders"},
		{"New customers", "customers whose first order fell in the period"}, {"Ad spend", "the ad platforms' cost"},
		{"ROAS", "revenue attributed to paid rows / spend"}, {"CPA", "spend / orders attributed to paid rows"}}
	dirs := [6]direction{higherIsBetter, higherIsBetter, higherIsBetter, neutral, higherIsBetter, lowerIsBetter}
	for i := range rows {
		rows[i].Name, rows[i].Note = names[i][0], names[i][1]
	}
	defer func() {
		for i := range rows {
			for k := range rows[i].Periods {
				rows[i].Periods[k].judge(dirs[i])
			}
		}
		page.Headline = rows[:]
	}()
	cur := page.Currency
	for k, n := range periodDays {
		now := periodFigures(page.in, first, end-n+1, end)
		before := periodFigures(page.in, first, end-2*n+1, end-n)
		rows[0].Periods[k] = cell(moneyText(now.revenue.Cents(), cur), moneyText(before.revenue.Cents(), cur), now.revenue.Float(), before.revenue.Float())
		rows[1].Periods[k] = cell(intText(now.orders), intText(before.orders), float64(now.orders), float64(before.orders))
		rows[2].Periods[k] = cell(intText(now.newCustomers), intText(before.newCustomers), float64(now.newCustomers), float64(before.newCustomers))
		rows[3].Periods[k] = cell(moneyText(now.spend.Cents(), cur), moneyText(before.spend.Cents(), cur), now.spend.Float(), before.spend.Float())
		rn, rb := div(now.paidRevenue.Float(), now.spend.Float()), div(before.paidRevenue.Float(), before.spend.Float())
		rows[4].Periods[k] = cell(ratioText(rn), ratioText(rb), rn, rb)
		cn, cb := cpa(now), cpa(before)
		rows[5].Periods[k] = cell(cpaText(cn, now.paidOrders, cur), cpaText(cb, before.paidOrders, cur), cn.Float(), cb.Float())
	}
}

// cpa is spend / paid orders, 0 without paid orders.
func cpa(f figures) money.Cents {
	if f.paidOrders == 0 {
		return 0
	}
	return f.spend.DivCents(f.paidOrders)
}

func cpaText(c money.Cents, orders int64, cur string) string {
	if orders == 0 {
		return "–"
	}
	return moneyText(c, cur)
}

// cell is a period's cell; up and down keep the direction until judge.
func cell(now, before string, n, b float64) PeriodCell {
	return PeriodCell{Now: now, Before: before, Change: changeText(n, b), Good: n > b && b != 0, Bad: n < b && b != 0}
}

// judge turns the cell's rise (Good) and fall (Bad) into good and bad
// news for a figure of direction dir.
func (c *PeriodCell) judge(dir direction) {
	switch dir {
	case lowerIsBetter:
		c.Good, c.Bad = c.Bad, c.Good
	case neutral:
		c.Good, c.Bad = false, false
	}
}

// firstOrders is each customer's day of first non-cancelled order.
func firstOrders(orders []customerview.Order) map[string]int32 {
	first := map[string]int32{}
	for _, o := range orders {
		if o.IsCancellation || o.CustomerID == nil {
			continue
		}
		day := dayOf(o.OrderedAt.Unix())
		if f, ok := first[*o.CustomerID]; !ok || day < f {
			first[*o.CustomerID] = day
		}
	}
	return first
}

// periodFigures are the figures of the days from..to (inclusive).
func periodFigures(in inputs, first map[string]int32, from, to int32) figures {
	var f figures
	for _, o := range in.orders {
		day := dayOf(o.OrderedAt.Unix())
		if o.IsCancellation || day < from || day > to {
			continue
		}
		f.orders++
		f.revenue += o.Value
	}
	for _, day := range first {
		if day >= from && day <= to {
			f.newCustomers++
		}
	}
	for _, r := range in.daily {
		if r.Day < from || r.Day > to || r.Spend == nil {
			continue
		}
		f.spend += money.MicrosOf(int64(*r.Spend), money.CentScale)
		f.paidRevenue += money.MicrosOf(int64(r.Revenue), money.CentScale)
		f.paidOrders += r.Orders
	}
	return f
}

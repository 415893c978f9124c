package report

import (
	"fmt"
	"strings"

	"github.com/segmint/segmint/lib/kpi"
	"github.com/segmint/segmint/lib/rundate"
)

// funnel fills the funnel by channel over the channel window: sessions,
// add to cart, checkout and order from the web touchpoints (kpi/daily),
// with the conversion between stages. A stage no row carries is named as
// absent, not drawn as zero.
func funnel(page *Page, d rundate.Date) error {
	if page.in.daily == nil {
		return nil
	}
	end := dayOf(d.Start().Unix())
	chans := sumBy(page.in.daily, end-channelDays+1, end, func(r kpi.Daily) string { return r.Channel })
	stages := []string{"sessions", "add to cart", "checkout", "order"}
	count := func(a *activity) []int64 { return []int64{a.sessions, a.addToCart, a.checkouts, a.orders} }
	present := make([]bool, len(stages))
	var web []*activity
	for _, a := range chans {
		if a.sessions == 0 {
			continue // a channel without sessions (ad platforms only) has no funnel
		}
		web = append(web, a)
		for i, n := range count(a) {
			present[i] = present[i] || n > 0
		}
	}
	var absent []string
	for i, ok := range present {
		if !ok {
			absent = append(absent, stages[i])
		}
	}
	if len(absent) > 0 {
		page.FunnelNote = "Not in the data: " + strings.Join(absent, ", ") + " (no touchpoint of the window carries the stage)."
	}
	if len(web) == 0 {
		page.FunnelNote = "No touchpoint with a session in the last 30 days: no funnel to show."
		return nil
	}
	t := Table{Head: []string{"Channel", "Sessions", "Adds to cart", "Checkouts", "Orders",
		"Adds to cart per session", "Checkouts per add to cart", "Orders per checkout", "Orders per session"}}
	series := make([]Series, 0, len(stages))
	for i, name := range stages {
		if present[i] {
			series = append(series, Series{Name: name})
		}
	}
	var names []string
	for _, a := range web {
		c := count(a)
		row := []string{a.name, intText(c[0]), intText(c[1]), intText(c[2]), intText(c[3])}
		for i := range 3 {
			row = append(row, ratioText(div(float64(c[i+1]), float64(c[i]))))
		}
		k := 0
		for i, n := range c {
			if present[i] {
				series[k].Y = append(series[k].Y, float64(n))
				k++
			}
		}
		t.Rows = append(t.Rows, append(row, pctText(div(float64(c[3]), float64(c[0])))))
		names = append(names, a.name)
	}
	title := fmt.Sprintf("Funnel stages by channel, %d days to %s", channelDays, d)
	svg, err := barChart(title, "channel", "sessions, events or orders", names, series)
	if err != nil {
		return err
	}
	page.Funnel = append(page.Funnel, Chart{Title: title, SVG: svg, Table: t})
	return nil
}

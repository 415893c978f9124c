package report

import (
	"context"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"slices"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/kpi"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// cohortMonths is the number of cohorts, newest first, the heatmap shows.
const cohortMonths = 12

// cohortRows reads kpi/cohorts of D and draws the heatmap of repeat rate
// by first-order month and months since, from the orders: a cell is the
// share of the cohort who had ordered a second time by the end of that
// month (the last cell of a row is kpi/cohorts' repeat rate).
func cohortRows(ctx context.Context, env step.Env, w *dataset.Writer, page *Page, d rundate.Date) error {
	rows, m, err := step.ReadInput[kpi.Cohort](ctx, env, dataset.Partition{Dataset: contract.Cohorts, Date: d}, contract.StepFeatures)
	if err != nil {
		return err
	}
	page.addInput(w, m)
	if len(rows) == 0 {
		page.CohortsNote = "No customer has an order yet."
		return nil
	}
	rows = rows[max(0, len(rows)-cohortMonths):]
	second := secondOrderMonths(page.in.orders)
	dm := monthIndex(d.Start())
	g := cohortGrid{since: dm - monthIndex(dayTime(rows[0].Month)) + 1}
	t := Table{Head: []string{"First-order month", "Customers", "Repeat rate to date"}}
	for k := range g.since {
		t.Head = append(t.Head, fmt.Sprintf("+%d", k))
	}
	for _, co := range rows {
		cm := monthIndex(dayTime(co.Month))
		counts := make([]float64, g.since)
		for _, s := range second[cm] {
			for k := s - cm; k < g.since; k++ {
				counts[k]++
			}
		}
		row := []string{dayTime(co.Month).Format("2006-01"), intText(co.Customers), pctText(co.RepeatRate)}
		rates := make([]float64, g.since)
		for k := range rates {
			rates[k] = math.NaN()
			if cm+k <= dm && co.Customers > 0 {
				rates[k] = counts[k] / float64(co.Customers)
				row = append(row, pctText(rates[k]))
			} else {
				row = append(row, "")
			}
		}
		g.months, g.rates = append(g.months, dayTime(co.Month).Format("2006-01")), append(g.rates, rates)
		t.Rows = append(t.Rows, row)
	}
	title := fmt.Sprintf("Repeat-purchase rate by first-order month, as of %s", d)
	svg, err := heatmap(title, g)
	if err != nil {
		return err
	}
	page.Cohorts = append(page.Cohorts, Chart{Title: title, SVG: svg, Table: t})
	return nil
}

// secondOrderMonths lists, by the month index of each customer's first
// non-cancelled order, the month index of the second, for the customers
// who have one.
func secondOrderMonths(orders []customerview.Order) map[int][]int {
	days := map[string][]time.Time{}
	for _, o := range orders {
		if !o.IsCancellation && o.CustomerID != nil {
			days[*o.CustomerID] = append(days[*o.CustomerID], o.OrderedAt)
		}
	}
	out := map[int][]int{}
	for _, ts := range days {
		if len(ts) < 2 {
			continue
		}
		slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
		first := monthIndex(ts[0])
		out[first] = append(out[first], monthIndex(ts[1]))
	}
	return out
}

// monthIndex counts months from year 0 (UTC).
func monthIndex(t time.Time) int {
	t = t.UTC()
	return t.Year()*12 + int(t.Month()) - 1
}

// dayTime is a day since 1970-01-01 as a time.
func dayTime(day int32) time.Time { return time.Unix(int64(day)*86400, 0).UTC() }

// cohortGrid is the heatmap's grid: a row per cohort month, a column per
// month since the first order.
type cohortGrid struct {
	months []string
	since  int
	rates  [][]float64
}

// Dims implements plotter.GridXYZ.
func (g cohortGrid) Dims() (c, r int) { return g.since, len(g.months) }

// Z implements plotter.GridXYZ.
func (g cohortGrid) Z(c, r int) float64 { return 100 * g.rates[r][c] }

// X implements plotter.GridXYZ.
func (g cohortGrid) X(c int) float64 { return float64(c) }

// Y implements plotter.GridXYZ.
func (g cohortGrid) Y(r int) float64 { return float64(r) }

// blues is the heatmap's ramp, from pale to dark blue.
type blues struct{}

// Colors implements palette.Palette.
func (blues) Colors() []color.Color {
	out := make([]color.Color, 10)
	for i := range out {
		f := float64(i) / 9
		out[i] = color.RGBA{uint8(235 - 200*f), uint8(243 - 160*f), uint8(251 - 110*f), 255}
	}
	return out
}

// heatmap draws the cohort grid: repeat rate in percent, 0 to the
// highest rate.
func heatmap(title string, g cohortGrid) (template.HTML, error) {
	p := newPlot(title, "months since the first order", "first-order month")
	h := plotter.NewHeatMap(g, blues{})
	h.Min, h.NaN = 0, color.White
	h.Max = 0
	for _, r := range g.rates {
		for _, v := range r {
			if !math.IsNaN(v) {
				h.Max = math.Max(h.Max, 100*v)
			}
		}
	}
	if h.Max == 0 {
		h.Max = 1
	}
	p.Add(h)
	p.Y.Tick.Marker = labelTicks(g.months)
	p.X.Tick.Marker = plot.DefaultTicks{}
	p.X.Label.Text = fmt.Sprintf("months since the first order (colour: repeat rate, 0 to %.0f%%)", h.Max)
	return render(p)
}

// labelTicks label an axis of indexes 0, 1, ... with names.
type labelTicks []string

// Ticks implements plot.Ticker.
func (l labelTicks) Ticks(min, max float64) []plot.Tick {
	var out []plot.Tick
	for i, name := range l {
		if float64(i) >= min-0.5 && float64(i) <= max+0.5 {
			out = append(out, plot.Tick{Value: float64(i), Label: name})
		}
	}
	return out
}

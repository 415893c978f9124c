package report

import (
	"context"
	"fmt"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/money"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// segmentNights is the window of the adds and removes per night.
const segmentNights = 30

// segmentValues reads the members of each rule segment and sums their
// net revenue to date (unified/customers), treated and control alike.
func segmentValues(ctx context.Context, env step.Env, page *Page, d rundate.Date) error {
	net := make(map[string]money.Cents, len(page.in.customers))
	for _, c := range page.in.customers {
		net[c.CustomerID] = c.NetRevenue
	}
	for i := range page.Audiences {
		a := &page.Audiences[i]
		rows, _, err := dataset.ReadParquet[contract.AudienceMember](ctx, env.Store, dataset.Partition{Dataset: contract.Segment(a.Name), Date: d})
		if err != nil {
			return step.MissingInput(err, dataset.Partition{Dataset: contract.Segment(a.Name), Date: d}, contract.StepPublish)
		}
		for _, r := range rows {
			a.value += net[r.CustomerID]
		}
		a.Value = moneyText(a.value, page.Currency)
		if a.Members > 0 {
			a.PerMember = moneyText(a.value.Div(a.Members), page.Currency)
		}
	}
	return nil
}

// segmentCharts draws the rule segments: who is in (treated, control)
// and who was left out, their value, and the adds and removes per night.
func segmentCharts(ctx context.Context, env step.Env, page *Page, d rundate.Date) error {
	if len(page.Audiences) == 0 {
		return nil
	}
	var names []string
	treated, control, suppressed, value := Series{Name: "treated"}, Series{Name: "control"}, Series{Name: "suppressed"}, Series{Name: "net revenue"}
	t := Table{Head: []string{"Segment", "Members", "Treated", "Control", "Suppressed", "Share suppressed", "Share in control", "Net revenue to date", "Per member"}}
	for _, a := range page.Audiences {
		names = append(names, a.Name)
		treated.Y, control.Y = append(treated.Y, float64(a.Treated)), append(control.Y, float64(a.Control))
		suppressed.Y = append(suppressed.Y, float64(a.suppressed))
		value.Y = append(value.Y, a.value.Float())
		t.Rows = append(t.Rows, []string{a.Name, intText(a.Members), intText(a.Treated), intText(a.Control), intText(a.suppressed),
			pctText(div(float64(a.suppressed), float64(a.Members+a.suppressed))), pctText(div(float64(a.Control), float64(a.Members))),
			a.Value, a.PerMember})
	}
	title := "Segment members tonight: treated, control and left out"
	svg, err := barChart(title, "segment", "customers", names, []Series{treated, control, suppressed})
	if err != nil {
		return err
	}
	page.SegmentCharts = append(page.SegmentCharts, Chart{Title: title, SVG: svg, Table: t})
	title = "Segment value: members' net revenue to date"
	if svg, err = barChart(title, "segment", "net revenue ("+page.Currency+")", names, []Series{value}); err != nil {
		return err
	}
	page.SegmentCharts = append(page.SegmentCharts, Chart{Title: title, SVG: svg, Table: Table{Head: []string{"Segment", "Net revenue to date", "Per member"},
		Rows: pick(t.Rows, 0, 7, 8)}})
	return changesPerNight(ctx, env, page, d, names)
}

// pick is the columns cols of each row.
func pick(rows [][]string, cols ...int) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		for _, c := range cols {
			out[i] = append(out[i], r[c])
		}
	}
	return out
}

// changesPerNight draws each segment's adds and removes of the last 30
// nights, from the segment partitions' manifests.
func changesPerNight(ctx context.Context, env step.Env, page *Page, d rundate.Date, names []string) error {
	first := d.AddDays(-(segmentNights - 1))
	t := Table{Head: []string{"Night", "Segment", "Members", "Adds", "Removes"}}
	adds, removes := Series{Name: "adds"}, Series{Name: "removes"}
	for _, name := range names {
		dates, err := dataset.CommittedDates(ctx, env.Store, contract.Segment(name))
		if err != nil {
			return err
		}
		var sumAdds, sumRemoves float64
		for _, day := range dates {
			if day.Start().Before(first.Start()) || day.Start().After(d.Start()) {
				continue
			}
			m, err := dataset.ReadManifest(ctx, env.Store, dataset.Partition{Dataset: contract.Segment(name), Date: day})
			if err != nil {
				return err
			}
			num := func(k string) int64 { v, _ := m.Meta[k].(float64); return int64(v) }
			_, counted := m.Meta["changes_since"]
			note := ""
			if !counted {
				note = " (first night)"
			}
			t.Rows = append(t.Rows, []string{day.String(), name, intText(num("members")), intText(num("adds")) + note, intText(num("removes"))})
			if counted {
				sumAdds += float64(num("adds"))
				sumRemoves += float64(num("removes"))
			}
		}
		adds.Y, removes.Y = append(adds.Y, sumAdds), append(removes.Y, sumRemoves)
	}
	title := fmt.Sprintf("Adds and removes per segment, %d nights to %s", segmentNights, d)
	svg, err := barChart(title, "segment", "customers", names, []Series{adds, removes})
	if err != nil {
		return err
	}
	page.SegmentCharts = append(page.SegmentCharts, Chart{Title: title, SVG: svg, Table: t})
	return nil
}

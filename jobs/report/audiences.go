package report

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/money"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// AudienceRow is one published rule segment or trigger list of the night.
type AudienceRow struct {
	Name, Purpose, Description string
	Members, Treated, Control  int64
	Adds, Removes              string
	Suppressed, PlatformRows   string
	// Value is the members' net revenue to date, PerMember its average.
	Value, PerMember string

	value                     money.Cents
	suppressed, adds, removes int64
	firstNight                bool
}

// MeasurementRow is one outcome of the newest measurement of a segment.
type MeasurementRow struct {
	Segment, Window, Metric          string
	Treated, Control, Diff, Interval string
	PValue                           string
	People                           string
	SRM                              string
}

// audienceRows reads the manifests of the night's rule segments and
// trigger lists.
func audienceRows(ctx context.Context, env step.Env, w *dataset.Writer, page *Page, d rundate.Date) error {
	segs := env.Config.Segments
	for _, seg := range segs.Rules {
		m, err := page.readInput(ctx, env, w, dataset.Partition{Dataset: contract.Segment(seg.Name), Date: d}, contract.StepPublish)
		if err != nil {
			return err
		}
		row := audienceRow(m)
		row.Name, row.Purpose, row.Description = seg.Name, seg.Purpose, seg.Description
		page.Audiences = append(page.Audiences, row)
	}
	if !segs.Triggers.Enabled {
		return nil
	}
	for _, name := range contract.Triggers() {
		m, err := page.readInput(ctx, env, w, dataset.Partition{Dataset: contract.Trigger(name), Date: d}, contract.StepPublish)
		if err != nil {
			return err
		}
		page.Triggers = append(page.Triggers, AudienceRow{Name: name, Purpose: segs.Triggers.Purpose, Members: m.Rows,
			Treated: m.Rows, Suppressed: countsText(m.Meta["suppressed"])})
	}
	return nil
}

// audienceRow is what a segment partition's manifest says of it.
func audienceRow(m *dataset.Manifest) AudienceRow {
	num := func(k string) int64 { v, _ := m.Meta[k].(float64); return int64(v) }
	var control int64
	if c, ok := m.Meta["control"].(map[string]any); ok {
		for _, v := range c {
			n, _ := v.(float64)
			control += int64(n)
		}
	}
	row := AudienceRow{Members: num("members"), Treated: num("treated"), Control: control,
		Adds: intText(num("adds")), Removes: intText(num("removes")), Suppressed: countsText(m.Meta["suppressed"]),
		adds: num("adds"), removes: num("removes"), suppressed: countsSum(m.Meta["suppressed"])}
	if _, first := m.Meta["changes_since"]; !first {
		row.Adds += " (first night)"
		row.firstNight = true
	}
	var platforms []string
	for _, role := range []string{"google_customer_match", "meta_custom_audience"} {
		if p, ok := m.Meta[role].(map[string]any); ok {
			rows, _ := p["rows"].(float64)
			left, _ := p["left_out"].(float64)
			platforms = append(platforms, fmt.Sprintf("%s %d (%d left out)", strings.SplitN(role, "_", 2)[0], int64(rows), int64(left)))
		}
	}
	row.PlatformRows = strings.Join(platforms, ", ")
	return row
}

// countsSum is the total of a map of counts.
func countsSum(v any) int64 {
	counts, _ := v.(map[string]any)
	var n int64
	for _, c := range counts {
		f, _ := c.(float64)
		n += int64(f)
	}
	return n
}

// countsText renders a map of counts as "reason n, ...", sorted; "none"
// when empty.
func countsText(v any) string {
	counts, _ := v.(map[string]any)
	var parts []string
	for k, n := range counts {
		f, _ := n.(float64)
		parts = append(parts, fmt.Sprintf("%s %d", strings.ReplaceAll(k, "_", " "), int64(f)))
	}
	if len(parts) == 0 {
		return "none"
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// measurementRows reads the newest measurement of each rule segment dated
// D or earlier (segmint measure writes them), when there is one.
func measurementRows(ctx context.Context, env step.Env, w *dataset.Writer, page *Page, d rundate.Date) error {
	for _, seg := range env.Config.Segments.Rules {
		name := contract.Measurements(seg.Name)
		newest, err := dataset.NewestBefore(ctx, env.Store, name, d.AddDays(1))
		if err != nil {
			return err
		}
		if newest.IsZero() {
			continue
		}
		rows, m, err := dataset.ReadParquet[contract.Measurement](ctx, env.Store, dataset.Partition{Dataset: name, Date: newest})
		if err != nil {
			return err
		}
		page.addInput(w, m)
		for _, r := range rows {
			page.Measurements = append(page.Measurements, measurementRow(r))
			page.in.measurements = append(page.in.measurements, r)
		}
	}
	return nil
}

// measurementRow renders one measured outcome.
func measurementRow(r contract.Measurement) MeasurementRow {
	f := "%.4f"
	if r.Metric == "revenue_per_person" {
		f = "%.2f"
	}
	srm := fmt.Sprintf("ok (p %.2g)", r.SRMPValue)
	if r.SRMFlag {
		srm = fmt.Sprintf("MISMATCH (p %.2g): do not trust", r.SRMPValue)
	}
	return MeasurementRow{Segment: r.Segment, Window: r.From + " to " + r.To, Metric: strings.ReplaceAll(r.Metric, "_", " "),
		Treated: fmt.Sprintf(f, r.Treated), Control: fmt.Sprintf(f, r.Control), Diff: fmt.Sprintf("%+"+f[1:], r.Diff),
		Interval: fmt.Sprintf("["+f+", "+f+"]", r.DiffLo, r.DiffHi), PValue: fmt.Sprintf("%.3g", r.PValue),
		People: fmt.Sprintf("%d / %d", r.TreatedN, r.ControlN), SRM: srm}
}

// upliftChart draws the measured difference of each segment's outcomes,
// treated against control, with its 95% interval in the table.
func upliftChart(page *Page) error {
	if len(page.in.measurements) == 0 {
		return nil
	}
	var names []string
	var diff []float64
	t := Table{Head: []string{"Segment", "Outcome", "Nights", "Treated", "Control", "Difference", "95% interval", "p"}}
	for i, r := range page.in.measurements {
		m := page.Measurements[i]
		names = append(names, r.Segment+": "+m.Metric)
		scale := 100.0
		if r.Metric == "revenue_per_person" {
			scale = 1
		}
		diff = append(diff, scale*r.Diff)
		t.Rows = append(t.Rows, []string{r.Segment, m.Metric, m.Window, m.Treated, m.Control, m.Diff, m.Interval, m.PValue})
	}
	title := "Measured uplift: treated minus control (rates in points, revenue in " + page.Currency + ")"
	svg, err := barChart(title, "segment and outcome", "difference", names, []Series{{"difference", diff}})
	if err != nil {
		return err
	}
	page.SegmentCharts = append(page.SegmentCharts, Chart{Title: title, SVG: svg, Table: t})
	return nil
}

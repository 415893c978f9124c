package report

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/quality"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// volumeNights is the window of the volume trend per stream.
const volumeNights = 30

// QualityRow is the quality report of one checked dataset.
type QualityRow struct {
	Dataset string
	Passed  bool
	Scores  []KPI // dimension and score
}

// RuleRow is a quality rule that warned or failed on a checked dataset.
type RuleRow struct {
	Dataset, Rule, Severity, Dimensions, Columns string
	Checked, Failed                              string
	Share                                        string
}

// qualityRows reads the quality report of every checked dataset into the
// page: the five dimensions and the rules that warned or failed.
func qualityRows(ctx context.Context, env step.Env, w *dataset.Writer, page *Page, d rundate.Date) error {
	for _, name := range contract.QualityChecked(env.Config) {
		qp := dataset.Partition{Dataset: contract.Quality(name), Date: d}
		rows, qm, err := step.ReadInput[quality.ReportRow](ctx, env, qp, contract.StepUnify)
		if err != nil {
			return err
		}
		w.AddInput(qm)
		page.Quality = append(page.Quality, qualityRow(name, qm))
		for _, r := range rows {
			if r.RowType != "rule" || r.Failed == 0 {
				continue
			}
			page.Rules = append(page.Rules, RuleRow{Dataset: name, Rule: r.Name, Severity: r.Severity,
				Dimensions: r.Dimensions, Columns: r.Columns, Checked: intText(r.Checked), Failed: intText(r.Failed),
				Share: pctText(div(float64(r.Failed), float64(r.Checked)))})
		}
	}
	return qualityCharts(page)
}

func qualityRow(name string, m *dataset.Manifest) QualityRow {
	row := QualityRow{Dataset: name}
	row.Passed, _ = m.Meta["passed"].(bool)
	dims, _ := m.Meta["dimensions"].([]any)
	for _, d := range dims {
		dm, _ := d.(map[string]any)
		score, _ := dm["score"].(float64)
		name, _ := dm["dimension"].(string)
		row.Scores = append(row.Scores, KPI{Name: name, Value: pctText(score), score: score})
	}
	return row
}

// qualityCharts draws the dimension scores of every checked dataset.
func qualityCharts(page *Page) error {
	if len(page.Quality) == 0 {
		return nil
	}
	var dims []string
	for _, s := range page.Quality[0].Scores {
		dims = append(dims, s.Name)
	}
	t := Table{Head: append([]string{"Dataset", "Gate"}, dims...)}
	var series []Series
	for _, q := range page.Quality {
		s := Series{Name: q.Dataset}
		gate := "stopped"
		if q.Passed {
			gate = "passed"
		}
		row := []string{q.Dataset, gate}
		for _, sc := range q.Scores {
			s.Y = append(s.Y, 100*sc.score)
			row = append(row, sc.Value)
		}
		series = append(series, s)
		t.Rows = append(t.Rows, row)
	}
	title := "Data quality: the five dimensions per checked dataset"
	svg, err := barChart(title, "dimension", "rows that pass (%)", dims, series)
	if err != nil {
		return err
	}
	page.QualityCharts = append(page.QualityCharts, Chart{Title: title, SVG: svg, Table: t})
	return nil
}

// streamCharts draws the quarantined rows per stream tonight and the rows
// committed per stream over the last 30 nights (from the raw manifests).
func streamCharts(ctx context.Context, env step.Env, page *Page, d rundate.Date) error {
	var names []string
	var quarantined []float64
	t := Table{Head: []string{"Stream", "Rows committed", "Quarantined", "Rules broken"}}
	for _, s := range page.Streams {
		names, quarantined = append(names, s.Name), append(quarantined, float64(s.Quarantined))
		t.Rows = append(t.Rows, []string{s.Name, intText(s.Rows), intText(s.Quarantined), s.Rules})
	}
	title := "Rows quarantined at ingest per stream, " + d.String()
	if slices.Max(append(quarantined, 0)) == 0 {
		page.QualityCharts = append(page.QualityCharts, Chart{Title: title, Empty: "no row was quarantined tonight.", Table: t})
	} else {
		svg, err := barChart(title, "stream", "rows quarantined", names, []Series{{"quarantined", quarantined}})
		if err != nil {
			return err
		}
		page.QualityCharts = append(page.QualityCharts, Chart{Title: title, SVG: svg, Table: t})
	}
	return volumes(ctx, env, page, d)
}

// indexed is s as a percentage of its median night (streams of a few rows
// and of many thousand share one axis); a stream whose median is 0 stays
// as it is.
func indexed(s Series) Series {
	var seen []float64
	for _, v := range s.Y {
		if !math.IsNaN(v) {
			seen = append(seen, v)
		}
	}
	if len(seen) == 0 {
		return s
	}
	slices.Sort(seen)
	median := (seen[(len(seen)-1)/2] + seen[len(seen)/2]) / 2
	if median == 0 {
		return s
	}
	out := Series{Name: s.Name, Y: make([]float64, len(s.Y))}
	for i, v := range s.Y {
		out.Y[i] = 100 * v / median
	}
	return out
}

// volumes draws the rows each stream committed on each of the last 30
// nights; a night without a run has no point.
func volumes(ctx context.Context, env step.Env, page *Page, d rundate.Date) error {
	first := d.AddDays(-(volumeNights - 1))
	var x []float64
	for i := range volumeNights {
		x = append(x, float64(dayOf(first.AddDays(i).Start().Unix())))
	}
	t := Table{Head: []string{"Night"}}
	cells := make([][]string, volumeNights)
	for i := range cells {
		cells[i] = []string{first.AddDays(i).String()}
	}
	var series []Series
	nights := map[int]bool{}
	for _, r := range env.Config.Streams(config.AllStreams) {
		name := contract.Raw(r.Source.Name, r.Stream.Name)
		s := Series{Name: strings.TrimPrefix(name, "raw/"), Y: make([]float64, volumeNights)}
		dates, err := dataset.CommittedDates(ctx, env.Store, name)
		if err != nil {
			return err
		}
		committed := map[string]bool{}
		for _, day := range dates {
			committed[day.String()] = true
		}
		for i := range volumeNights {
			s.Y[i] = nan()
			day := first.AddDays(i)
			if !committed[day.String()] {
				cells[i] = append(cells[i], "")
				continue
			}
			m, err := dataset.ReadManifest(ctx, env.Store, dataset.Partition{Dataset: name, Date: day})
			if err != nil {
				return err
			}
			s.Y[i], nights[i] = float64(m.Rows), true
			cells[i] = append(cells[i], intText(m.Rows))
		}
		t.Head = append(t.Head, s.Name)
		series = append(series, indexed(s))
	}
	for i, c := range cells {
		if nights[i] {
			t.Rows = append(t.Rows, c)
		}
	}
	title := fmt.Sprintf("Rows per stream and night against its median, %d nights to %s", volumeNights, d)
	page.VolumeNote = fmt.Sprintf("%d of the %d nights have a run in this store.", len(nights), volumeNights)
	svg, err := lineChart(title, "night", "rows, % of the stream's median night", x, series, true, func(p *plot.Plot) {
		p.X.Min, p.X.Max = x[0], x[len(x)-1]
		p.Y.Min = 0
	})
	if err != nil {
		return err
	}
	page.QualityCharts = append(page.QualityCharts, Chart{Title: title, SVG: svg, Table: t})
	return nil
}

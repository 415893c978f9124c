package report

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"regexp"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Chart is one figure of the page: a title, an SVG drawn on the server
// and the table behind it.
type Chart struct {
	Title string
	// SVG is the drawing, inline; empty when there was nothing to draw
	// (Empty says why).
	SVG   template.HTML
	Empty string
	Table Table
}

// Table is a table of text cells; the first row is the header.
type Table struct {
	Head []string
	Rows [][]string
}

// Series is one named line or group of bars.
type Series struct {
	Name string
	Y    []float64
}

// palette colours the series, in order: colour-blind safe (Okabe-Ito).
var palette = []color.RGBA{
	{0, 114, 178, 255}, {230, 159, 0, 255}, {0, 158, 115, 255}, {204, 121, 167, 255},
	{86, 180, 233, 255}, {213, 94, 0, 255}, {240, 228, 66, 255}, {0, 0, 0, 255},
}

func seriesColor(i int) color.Color { return palette[i%len(palette)] }

// chartWidth and chartHeight are a chart's size in points.
const chartWidth, chartHeight = 16 * vg.Centimeter, 7.5 * vg.Centimeter

// newPlot is a plot with the page's title, axis labels and sans-serif
// text.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xLabel, yLabel
	for _, s := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle,
		&p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		s.Font.Variant = "Sans"
	}
	p.Title.TextStyle.Font.Size = vg.Points(12)
	p.Legend.Top = true
	p.Y.Tick.Marker = groupedTicks{}
	return p
}

// groupedTicks are gonum's default ticks labelled with thousands
// separators.
type groupedTicks struct{}

// Ticks implements plot.Ticker.
func (groupedTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i, t := range ticks {
		if t.Label != "" {
			ticks[i].Label = numberText(t.Value)
		}
	}
	return ticks
}

// svgProlog is what vgsvg writes before the <svg> element, which inline
// SVG in HTML does without.
var svgProlog = regexp.MustCompile(`(?s)^.*?(<svg)`)

// sideLegend is the width of the legend column of a chart of many
// series, which would cover its lines inside the plot.
const sideLegend = 4.2 * vg.Centimeter

// render draws p as inline SVG, scaled to the width of the page; with
// side set the legend gets a column of its own at the right.
func render(p *plot.Plot, side ...bool) (template.HTML, error) {
	c := vgsvg.New(chartWidth, chartHeight)
	dc := draw.New(c)
	if len(side) > 0 && side[0] {
		legend := p.Legend
		p.Legend = plot.NewLegend()
		p.Draw(draw.Crop(dc, 0, -sideLegend, 0, 0))
		legend.Top, legend.Left = true, true
		legend.TextStyle.Font.Size = vg.Points(8)
		legend.Draw(draw.Crop(dc, chartWidth-sideLegend+vg.Points(6), 0, 0, -vg.Points(18)))
	} else {
		p.Draw(dc)
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("draw chart %q: %w", p.Title.Text, err)
	}
	svg := svgProlog.ReplaceAllString(buf.String(), "$1")
	// vgsvg names the font only; a reader without Liberation Sans gets a
	// close sans-serif instead of the browser's default serif.
	svg = strings.ReplaceAll(svg, "font-family:Liberation Sans;", "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")
	svg = strings.Replace(svg, "<svg", `<svg class="chart" role="img" aria-label="`+template.HTMLEscapeString(p.Title.Text)+`"`, 1)
	return template.HTML(svg), nil // #nosec: drawn by vgsvg from escaped text
}

// barChart draws groups of vertical bars, one group per category and one
// bar per series in it; nothing ("") without a category.
func barChart(title, xLabel, yLabel string, categories []string, series []Series) (template.HTML, error) {
	if len(categories) == 0 || len(series) == 0 {
		return "", nil
	}
	p := newPlot(title, xLabel, yLabel)
	n := float64(max(len(series), 1))
	w := vg.Points(math.Min(28, 240/(n*float64(max(len(categories), 1)))))
	for i, s := range series {
		bars, err := plotter.NewBarChart(plotter.Values(s.Y), w)
		if err != nil {
			return "", fmt.Errorf("chart %q: %w", title, err)
		}
		bars.Color, bars.LineStyle.Width = seriesColor(i), 0
		bars.Offset = vg.Length(float64(i)-(n-1)/2) * w
		p.Add(bars)
		if len(series) > 1 {
			p.Legend.Add(s.Name, bars)
		}
	}
	p.NominalX(categories...)
	if labels := len(strings.Join(categories, "")); len(categories) > 6 || labels > 70 {
		p.X.Tick.Label.Rotation = math.Pi / 6
		p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
	}
	p.Y.Min = math.Min(0, p.Y.Min)
	return render(p, len(series) > 3)
}

// lineChart draws one line per series over x; dates, when set, label x
// as ISO dates (x is then days since 1970-01-01). It draws nothing ("")
// when no series has a point.
func lineChart(title, xLabel, yLabel string, x []float64, series []Series, dates bool, opts ...func(*plot.Plot)) (template.HTML, error) {
	p := newPlot(title, xLabel, yLabel)
	for _, o := range opts {
		o(p)
	}
	drawn := false
	for i, s := range series {
		xy := make(plotter.XYs, 0, len(x))
		for j, v := range s.Y {
			if !math.IsNaN(v) {
				xy = append(xy, plotter.XY{X: x[j], Y: v})
			}
		}
		if len(xy) == 0 {
			continue
		}
		l, pts, err := plotter.NewLinePoints(xy)
		if err != nil {
			return "", fmt.Errorf("chart %q: %w", title, err)
		}
		drawn = true
		l.Color, l.Width = seriesColor(i), vg.Points(1.5)
		pts.Color, pts.Radius, pts.Shape = seriesColor(i), vg.Points(1.6), draw.CircleGlyph{}
		p.Add(l, pts)
		if len(series) > 1 {
			p.Legend.Add(s.Name, l)
		}
	}
	if !drawn {
		return "", nil
	}
	if dates {
		p.X.Tick.Marker = dayTicks{}
	}
	return render(p, len(series) > 3)
}

// square fixes both axes of a chart to lo..hi, with the legend at the
// bottom right (curves such as ROC and calibration leave it free).
func square(lo, hi float64) func(*plot.Plot) {
	return func(p *plot.Plot) {
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = lo, hi, lo, hi
		p.Legend.Top = false
	}
}

// dayTicks label an axis of days since 1970-01-01 with ISO dates.
type dayTicks struct{}

// Ticks implements plot.Ticker.
func (dayTicks) Ticks(min, max float64) []plot.Tick {
	step := math.Max(1, math.Ceil((max-min)/5))
	var out []plot.Tick
	for v := math.Ceil(min); v <= max; v += step {
		out = append(out, plot.Tick{Value: v, Label: dayText(int32(v))})
	}
	return out
}

// dayText is day (days since 1970-01-01) as an ISO date.
func dayText(day int32) string {
	return time.Unix(int64(day)*86400, 0).UTC().Format(time.DateOnly)
}

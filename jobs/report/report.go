// Package report is the report step: one self-contained HTML page for
// people, reports/dt=D/index.html, that a marketer reads in five minutes:
// the headline figures against the previous periods, what changed since
// yesterday, channels and campaigns, the funnel, cohorts, lifecycle,
// segments, models and data quality, each chart drawn on the server as
// inline SVG (gonum.org/v1/plot) with the table behind it. It reads only
// committed partitions; the page needs no script and fetches nothing.
package report

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/kpi"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/money"
	"github.com/segmint/segmint/lib/rfm"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// Page is what the template shows.
type Page struct {
	Date      string
	Currency  string
	Streams   []StreamRow
	Unify     []KPI
	KPIs      []KPI
	Segments  []SegmentRow
	Partition []PartitionRow
	Quality   []QualityRow
	Rules     []RuleRow
	// Models is nil when no model is configured.
	Models []ModelRow
	// RFMSuppressed says who was left out of the RFM family and why.
	RFMSuppressed string
	// Audiences are the rule segments, Triggers the trigger lists and
	// Measurements the newest measurement of each segment.
	Audiences, Triggers []AudienceRow
	Measurements        []MeasurementRow

	// Headline is revenue, orders, new customers, spend, ROAS and CPA for
	// D, 7 and 30 days; Changes the largest moves since yesterday.
	Headline []HeadlineRow
	Changes  []string
	// The charts of each section, and what a section could not show.
	Channels, Funnel, Cohorts, Lifecycle, SegmentCharts, QualityCharts []Chart
	ChannelsNote, FunnelNote, CohortsNote, LifecycleNote, VolumeNote   string

	in inputs
}

// inputs are the rows the sections are computed from.
type inputs struct {
	customers, prevCustomers []customerview.Customer
	prevDate                 rundate.Date
	orders                   []customerview.Order
	daily                    []kpi.Daily
	measurements             []contract.Measurement
	flows                    []flow
}

// StreamRow is one ingested stream.
type StreamRow struct {
	Name        string
	Files       int
	Rows        int64
	Quarantined int64
	Rules       string
}

// KPI is one named figure.
type KPI struct {
	Name, Value, Note string

	score float64
}

// SegmentRow is one segment with its size.
type SegmentRow struct {
	Name    string
	Members int64
	Share   float64
	Width   int
}

// PartitionRow is one committed input partition.
type PartitionRow struct {
	Name  string
	Rows  int64
	RunID string
}

// Run writes the report of d.
func Run(ctx context.Context, env step.Env, d rundate.Date) (step.Stats, error) {
	page := Page{Date: d.String(), Currency: env.Config.Currency}
	w := dataset.NewWriter(env.Store, dataset.Partition{Dataset: contract.Reports, Date: d}, env.RunID, contract.StepReport, "")
	// The page's sections read their inputs in this order.
	for _, read := range []func(context.Context, step.Env, *dataset.Writer, *Page, rundate.Date) error{
		streamRows, qualityRows, customerRows, previousCustomers, ordersRows, dailyRows, cohortRows,
		rfmRows, audienceRows, measurementRows, modelRows,
	} {
		if err := read(ctx, env, w, &page, d); err != nil {
			return nil, err
		}
	}
	if err := drawPage(ctx, env, &page, d); err != nil {
		return nil, err
	}
	size, err := commitPage(ctx, env, w, page)
	if err != nil {
		return nil, err
	}
	key := dataset.Partition{Dataset: contract.Reports, Date: d}.Key("index.html")
	env.Log.Info().Str(logging.FieldKey, key).Msg("report committed")
	return step.Stats{"bytes": int64(size)}, nil
}

// drawPage computes the sections from the inputs and draws their charts.
func drawPage(ctx context.Context, env step.Env, page *Page, d rundate.Date) error {
	headline(page, d)
	for _, draw := range []func(*Page, rundate.Date) error{channels, funnel, lifecycle} {
		if err := draw(page, d); err != nil {
			return err
		}
	}
	for _, draw := range []func(context.Context, step.Env, *Page, rundate.Date) error{segmentValues, segmentCharts, streamCharts} {
		if err := draw(ctx, env, page, d); err != nil {
			return err
		}
	}
	if err := upliftChart(page); err != nil {
		return err
	}
	whatChanged(page, d)
	return nil
}

// streamRows reads the raw (and quarantine) manifests of every stream
// into the page.
func streamRows(ctx context.Context, env step.Env, w *dataset.Writer, page *Page, d rundate.Date) error {
	for _, r := range env.Config.Streams(config.AllStreams) {
		row, err := streamRow(ctx, env, w, page, r.Source, r.Stream.Name, d)
		if err != nil {
			return err
		}
		page.Streams = append(page.Streams, row)
	}
	return nil
}

// customerRows reads the unified customers into the page: the unify
// step's counts and the KPIs.
func customerRows(ctx context.Context, env step.Env, w *dataset.Writer, page *Page, d rundate.Date) error {
	customers, cm, err := step.ReadInput[customerview.Customer](ctx, env, dataset.Partition{Dataset: contract.Customers, Date: d}, contract.StepUnify)
	if err != nil {
		return err
	}
	page.addInput(w, cm)
	page.Unify = metaRows(cm.Meta)
	page.KPIs = kpis(customers, page.Currency)
	page.in.customers = customers
	return nil
}

// rfmRows reads the RFM segment sizes into the page, when the family is
// enabled.
func rfmRows(ctx context.Context, env step.Env, w *dataset.Writer, page *Page, d rundate.Date) error {
	if !env.Config.Segments.RFM.Enabled {
		return nil
	}
	sm, err := page.readInput(ctx, env, w, dataset.Partition{Dataset: contract.RFMSegments, Date: d}, contract.StepPublish)
	if err != nil {
		return err
	}
	page.Segments = segmentRows(sm)
	page.RFMSuppressed = countsText(sm.Meta["suppressed"])
	return nil
}

// commitPage renders the page as index.html and commits the report; it
// returns the page's size in bytes.
func commitPage(ctx context.Context, env step.Env, w *dataset.Writer, page Page) (int, error) {
	var buf bytes.Buffer
	if err := pageTemplate().Execute(&buf, page); err != nil {
		return 0, fmt.Errorf("render report: %w", err)
	}
	if err := w.AddFileAs(ctx, "index.html", "html", 0, func(out io.Writer) error {
		_, err := out.Write(buf.Bytes())
		return err
	}); err != nil {
		return 0, err
	}
	if _, err := w.Commit(ctx, env.Now()); err != nil {
		return 0, err
	}
	return buf.Len(), nil
}

// readInput reads the manifest of input partition p (which step producer
// commits) and adds it to the report's inputs.
func (page *Page) readInput(ctx context.Context, env step.Env, w *dataset.Writer, p dataset.Partition, producer string) (*dataset.Manifest, error) {
	m, err := dataset.ReadManifest(ctx, env.Store, p)
	if err != nil {
		return nil, step.MissingInput(err, p, producer)
	}
	page.addInput(w, m)
	return m, nil
}

// addInput adds m to the report's inputs: w's manifest and the page's
// table of partitions.
func (page *Page) addInput(w *dataset.Writer, m *dataset.Manifest) {
	w.AddInput(m)
	page.Partition = append(page.Partition, PartitionRow{m.Dataset + "/" + m.Partition, m.Rows, m.RunID})
}

func streamRow(ctx context.Context, env step.Env, w *dataset.Writer, page *Page, src config.Source, stream string, d rundate.Date) (StreamRow, error) {
	source := src.Name
	row := StreamRow{Name: source + "/" + stream}
	rm, err := page.readInput(ctx, env, w, dataset.Partition{Dataset: contract.Raw(source, stream), Date: d}, contract.StepIngest)
	if err != nil {
		return row, err
	}
	row.Rows = rm.Rows
	if files, ok := rm.Meta["source_files"].([]any); ok {
		row.Files = len(files)
	}
	if src.Kind != config.FileDrop { // only file drops quarantine rows
		return row, nil
	}
	qm, err := page.readInput(ctx, env, w, dataset.Partition{Dataset: contract.Quarantine(source, stream), Date: d}, contract.StepIngest)
	if err != nil {
		return row, err
	}
	row.Quarantined = qm.Rows
	if rules, ok := qm.Meta["rejected_by_rule"].(map[string]any); ok {
		row.Rules = rulesText(rules)
	}
	return row, nil
}

// rulesText lists the quarantined rows by rule as "rule: n, ...", by rule
// name.
func rulesText(rules map[string]any) string {
	names := make([]string, 0, len(rules))
	for name := range rules {
		names = append(names, name)
	}
	sort.Strings(names)
	text := ""
	for i, name := range names {
		if i > 0 {
			text += ", "
		}
		text += name + ": " + metaText(rules[name])
	}
	return text
}

// metaRows renders the unify step's counts (a manifest's meta) as rows:
// numbers with thousands separators, maps of counts as "key n, ...".
func metaRows(meta map[string]any) []KPI {
	out := make([]KPI, 0, len(meta))
	for _, k := range slices.Sorted(maps.Keys(meta)) {
		out = append(out, KPI{Name: strings.ReplaceAll(k, "_", " "), Value: metaText(meta[k])})
	}
	return out
}

// metaText renders one meta value.
func metaText(v any) string {
	switch x := v.(type) {
	case float64:
		return numberText(x)
	case map[string]any:
		parts := make([]string, 0, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			parts = append(parts, strings.ReplaceAll(k, "_", " ")+" "+metaText(x[k]))
		}
		return strings.Join(parts, ", ")
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, metaText(e))
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

func kpis(customers []customerview.Customer, cur string) []KPI {
	var buyers, repeat, orders int64
	var gross, returns, net money.Cents
	for _, c := range customers {
		if c.OrdersCount > 0 {
			buyers++
		}
		if c.OrdersCount > 1 {
			repeat++
		}
		orders += c.OrdersCount
		gross += c.GrossRevenue
		returns += c.ReturnsValue
		net += c.NetRevenue
	}
	out := []KPI{
		{Name: "Customers", Value: intText(int64(len(customers))), Note: "with a customer number in the sources"},
		{Name: "Buyers", Value: intText(buyers), Note: "at least one non-cancelled order"},
		{Name: "Orders", Value: intText(orders), Note: "non-cancelled orders of known customers"},
		{Name: "Gross revenue", Value: moneyText(gross, cur), Note: "known customers, sum of customers' rounded amounts"},
		{Name: "Returns", Value: moneyText(returns, cur), Note: "cancelled lines"},
		{Name: "Net revenue", Value: moneyText(net, cur), Note: "gross minus returns"},
	}
	if orders > 0 {
		out = append(out, KPI{Name: "Average order value", Value: moneyText(gross.Div(orders), cur), Note: "gross revenue / orders"})
	}
	if buyers > 0 {
		out = append(out, KPI{Name: "Repeat-purchase rate", Value: pctText(float64(repeat) / float64(buyers)), Note: "buyers with two orders or more"})
	}
	return out
}

func segmentRows(m *dataset.Manifest) []SegmentRow {
	sizes, _ := m.Meta["segment_sizes"].(map[string]any)
	var rows []SegmentRow
	for _, name := range rfm.Segments() {
		n, _ := sizes[name].(float64)
		share := 0.0
		if m.Rows > 0 {
			share = 100 * n / float64(m.Rows)
		}
		rows = append(rows, SegmentRow{Name: name, Members: int64(n), Share: share, Width: int(share * 4)})
	}
	return rows
}

func pageTemplate() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"pct":     func(f float64) string { return pctText(f / 100) },
		"num":     intText,
		"periods": func() []string { return []string{"D (the run date)", "Last 7 days", "Last 30 days"} },
	}).Parse(pageHTML))
}

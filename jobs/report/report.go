// Package report is the report step: one self-contained HTML page for
// people, reports/dt=D/index.html, with the run's counts, the KPIs of the
// unified customers, the segment sizes and the data quality of D. It reads
// only committed partitions and needs no network to be viewed.
package report

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"sort"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
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
	Unify     map[string]any
	KPIs      []KPI
	Segments  []SegmentRow
	Partition []PartitionRow
	Quality   []QualityRow
	// Models is nil when no model is configured.
	Models []ModelRow
	// RFMSuppressed says who was left out of the RFM family and why.
	RFMSuppressed string
	// Audiences are the rule segments, Triggers the trigger lists and
	// Measurements the newest measurement of each segment.
	Audiences, Triggers []AudienceRow
	Measurements        []MeasurementRow
}

// ModelRow is one model's night: what was trained and whether it became
// champion (models/_decisions).
type ModelRow struct {
	Model, Version, Metric, Value, ChampionValue, Decision, Reason string
	TrainRows, HoldoutRows                                         int64
}

// QualityRow is the quality report of one checked dataset.
type QualityRow struct {
	Dataset string
	Passed  bool
	Scores  []KPI // dimension and score
}

// StreamRow is one ingested stream.
type StreamRow struct {
	Name        string
	Files       int
	Rows        int64
	Quarantined int64
	Rules       string
}

// KPI is one headline figure.
type KPI struct{ Name, Value, Note string }

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
		streamRows, qualityRows, customerRows, rfmRows, audienceRows, measurementRows, modelRows,
	} {
		if err := read(ctx, env, w, &page, d); err != nil {
			return nil, err
		}
	}
	size, err := commitPage(ctx, env, w, page)
	if err != nil {
		return nil, err
	}
	key := dataset.Partition{Dataset: contract.Reports, Date: d}.Key("index.html")
	env.Log.Info().Str(logging.FieldKey, key).Msg("report committed")
	return step.Stats{"bytes": int64(size)}, nil
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
	page.Unify = cm.Meta
	page.KPIs = kpis(customers)
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

// qualityRows reads the quality report of every checked dataset into the
// page (they are inputs, but not in its table of partitions).
func qualityRows(ctx context.Context, env step.Env, w *dataset.Writer, page *Page, d rundate.Date) error {
	for _, name := range contract.QualityChecked(env.Config) {
		qp := dataset.Partition{Dataset: contract.Quality(name), Date: d}
		qm, err := dataset.ReadManifest(ctx, env.Store, qp)
		if err != nil {
			return step.MissingInput(err, qp, contract.StepUnify)
		}
		w.AddInput(qm)
		page.Quality = append(page.Quality, qualityRow(name, qm))
	}
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
		text += fmt.Sprintf("%s: %v", name, rules[name])
	}
	return text
}

func qualityRow(name string, m *dataset.Manifest) QualityRow {
	row := QualityRow{Dataset: name}
	row.Passed, _ = m.Meta["passed"].(bool)
	dims, _ := m.Meta["dimensions"].([]any)
	for _, d := range dims {
		dm, _ := d.(map[string]any)
		score, _ := dm["score"].(float64)
		name, _ := dm["dimension"].(string)
		row.Scores = append(row.Scores, KPI{Name: name, Value: fmt.Sprintf("%.1f%%", 100*score)})
	}
	return row
}

func kpis(customers []customerview.Customer) []KPI {
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
		{"Customers", fmt.Sprint(len(customers)), "with a customer number in the sources"},
		{"Buyers", fmt.Sprint(buyers), "at least one non-cancelled order"},
		{"Orders", fmt.Sprint(orders), "non-cancelled orders of known customers"},
		{"Gross revenue", gross.Decimal(), "known customers, sum of customers' rounded amounts"},
		{"Returns", returns.Decimal(), "cancelled lines"},
		{"Net revenue", net.Decimal(), "gross minus returns"},
	}
	if orders > 0 {
		out = append(out, KPI{"Average order value", gross.Div(orders).Decimal(), "gross revenue / orders"})
	}
	if buyers > 0 {
		out = append(out, KPI{"Repeat-purchase rate", fmt.Sprintf("%.1f%%", 100*float64(repeat)/float64(buyers)), "buyers with two orders or more"})
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
		"pct": func(f float64) string { return fmt.Sprintf("%.1f%%", f) },
	}).Parse(pageHTML))
}

const pageHTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>segmint report {{.Date}}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#1d2733;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d5dce3}
table{border-collapse:collapse;width:100%}td,th{padding:.3rem .5rem;text-align:left;border-bottom:1px solid #eef1f4}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:.8rem}
.kpi{background:#f3f6f9;border-radius:6px;padding:.6rem .8rem}.kpi b{display:block;font-size:1.3rem}
.kpi small{color:#5b6875}.bar{background:#3d7bd9;height:.8rem;border-radius:2px}
.muted{color:#5b6875}
</style></head><body>
<h1>segmint: nightly report for {{.Date}}</h1>
<p class="muted">Data up to the end of {{.Date}} (UTC). Money in {{.Currency}}.</p>
<h2>Key figures</h2>
<div class="kpis">{{range .KPIs}}<div class="kpi"><small>{{.Name}}</small><b>{{.Value}}</b><small>{{.Note}}</small></div>{{end}}</div>
<h2>Segments (RFM)</h2>
{{if .Segments}}<table><tr><th>Segment</th><th class="n">Customers</th><th class="n">Share</th><th></th></tr>
{{range .Segments}}<tr><td>{{.Name}}</td><td class="n">{{.Members}}</td><td class="n">{{pct .Share}}</td><td><div class="bar" style="width:{{.Width}}px"></div></td></tr>{{end}}
</table><p class="muted">Left out (suppressed): {{.RFMSuppressed}}.</p>{{else}}<p>No segment family is enabled.</p>{{end}}
<h2>Audiences</h2>
{{if .Audiences}}<table><tr><th>Segment</th><th>Purpose</th><th class="n">Members</th><th class="n">Exported</th><th class="n">Control</th><th class="n">Adds</th><th class="n">Removes</th><th>Left out (suppressed)</th><th>Platform files</th></tr>
{{range .Audiences}}<tr><td><b>{{.Name}}</b><br><small class="muted">{{.Description}}</small></td><td>{{.Purpose}}</td><td class="n">{{.Members}}</td><td class="n">{{.Treated}}</td><td class="n">{{.Control}}</td><td class="n">{{.Adds}}</td><td class="n">{{.Removes}}</td><td>{{.Suppressed}}</td><td>{{.PlatformRows}}</td></tr>{{end}}
</table>{{else}}<p>No rule segments are configured.</p>{{end}}
{{if .Triggers}}<h2>Triggers</h2><table><tr><th>Trigger</th><th>Purpose</th><th class="n">Customers</th><th>Left out (suppressed)</th></tr>
{{range .Triggers}}<tr><td>{{.Name}}</td><td>{{.Purpose}}</td><td class="n">{{.Members}}</td><td>{{.Suppressed}}</td></tr>{{end}}
</table>{{end}}
<h2>Measured effect of the segments</h2>
{{if .Measurements}}<table><tr><th>Segment</th><th>Nights</th><th>Outcome</th><th class="n">Treated</th><th class="n">Control</th><th class="n">Difference</th><th class="n">95% interval</th><th class="n">p</th><th class="n">People (treated / control)</th><th>Split</th></tr>
{{range .Measurements}}<tr><td>{{.Segment}}</td><td>{{.Window}}</td><td>{{.Metric}}</td><td class="n">{{.Treated}}</td><td class="n">{{.Control}}</td><td class="n">{{.Diff}}</td><td class="n">{{.Interval}}</td><td class="n">{{.PValue}}</td><td class="n">{{.People}}</td><td>{{.SRM}}</td></tr>{{end}}
</table>{{else}}<p>No measurement yet: run <code>segmint measure --segment S --from D1 --to D2</code>.</p>{{end}}
<h2>Ingest and data quality</h2>
<table><tr><th>Stream</th><th class="n">Files</th><th class="n">Rows committed</th><th class="n">Quarantined</th><th>Rules broken</th></tr>
{{range .Streams}}<tr><td>{{.Name}}</td><td class="n">{{.Files}}</td><td class="n">{{.Rows}}</td><td class="n">{{.Quarantined}}</td><td>{{.Rules}}</td></tr>{{end}}
</table>
<h2>Data quality</h2>
{{if .Quality}}<table><tr><th>Dataset</th><th>Gate</th>{{range (index .Quality 0).Scores}}<th class="n">{{.Name}}</th>{{end}}</tr>
{{range .Quality}}<tr><td>{{.Dataset}}</td><td>{{if .Passed}}passed{{else}}stopped{{end}}</td>{{range .Scores}}<td class="n">{{.Value}}</td>{{end}}</tr>{{end}}
</table>{{else}}<p>No quality rules are configured.</p>{{end}}
<h2>Unify</h2>
<table>{{range $k, $v := .Unify}}<tr><td>{{$k}}</td><td class="n">{{$v}}</td></tr>{{end}}</table>
<h2>Models</h2>
{{if .Models}}<table><tr><th>Model</th><th>Version</th><th class="n">Training rows</th><th class="n">Holdout rows</th><th>Holdout metric</th><th class="n">Challenger</th><th class="n">Champion</th><th>Decision</th></tr>
{{range .Models}}<tr><td>{{.Model}}</td><td class="muted">{{.Version}}</td><td class="n">{{.TrainRows}}</td><td class="n">{{.HoldoutRows}}</td><td>{{.Metric}}</td><td class="n">{{.Value}}</td><td class="n">{{.ChampionValue}}</td><td>{{.Decision}}: {{.Reason}}</td></tr>{{end}}
</table>{{else}}<p>No models are configured: scores are RFM scores.</p>{{end}}
<h2>Inputs</h2>
<table><tr><th>Partition</th><th class="n">Rows</th><th>Run</th></tr>
{{range .Partition}}<tr><td>{{.Name}}</td><td class="n">{{.Rows}}</td><td class="muted">{{.RunID}}</td></tr>{{end}}
</table>
</body></html>
`

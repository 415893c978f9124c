package report

// pageHTML is the page: no script, no external resource; the charts are
// inline SVG and every style is in the head, with a print stylesheet.
const pageHTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>segmint report {{.Date}}</title>
<style>
:root{--ink:#1d2733;--muted:#5b6875;--line:#e3e8ee;--up:#0a7a46;--down:#b3261e}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif;margin:1.5rem auto;max-width:66rem;color:var(--ink);padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:2px solid var(--line);padding-bottom:.2rem}
h3{font-size:1.02rem;margin:1.4rem 0 .4rem}
nav{font-size:.9rem;margin:.6rem 0 1rem}nav a{margin-right:.8rem;color:#2458a6;text-decoration:none}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{padding:.25rem .5rem;text-align:left;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#f5f7f9}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.up{color:var(--up)}.down{color:var(--down)}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:.7rem}
.kpi{background:#f3f6f9;border-radius:6px;padding:.5rem .8rem}.kpi b{display:block;font-size:1.2rem}
.kpi small{color:var(--muted)}.bar{background:#0072b2;height:.8rem;border-radius:2px}
.muted{color:var(--muted)}.note{background:#fff8e1;border-left:3px solid #e6a100;padding:.4rem .7rem}
figure{margin:1rem 0 1.4rem;break-inside:avoid}svg.chart{width:100%;max-width:44rem;height:auto;display:block}
table.headline td{padding:.35rem .6rem}
details{margin-top:.3rem}summary{cursor:pointer;color:#2458a6;font-size:.9rem}
ul.changes li{margin:.2rem 0}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(28rem,1fr));gap:0 1.5rem}
.scroll{overflow-x:auto}td{overflow-wrap:anywhere}
@media print{
 body{max-width:none;margin:0;font-size:10pt}nav,summary{display:none}
 h2{break-before:page;border:0}h2:first-of-type{break-before:auto}
 .charts{display:block}svg.chart{max-width:17cm}
 details:not([open])>table{display:none}a{color:inherit}
}
</style></head><body>
<h1>segmint: nightly report for {{.Date}}</h1>
<p class="muted">Data up to the end of {{.Date}} (UTC). Money in {{.Currency}}. Each chart's table is under it; no personal data is shown.</p>
<nav><a href="#headline">Headline</a><a href="#changes">What changed</a><a href="#channels">Channels</a><a href="#funnel">Funnel</a><a href="#cohorts">Cohorts</a><a href="#lifecycle">Lifecycle</a><a href="#segments">Segments</a><a href="#models">Models</a><a href="#quality">Data quality</a></nav>

<h2 id="headline">Headline</h2>
{{if .Headline}}<table class="headline"><tr><th>Figure</th>{{range periods}}<th class="n">{{.}}</th>{{end}}</tr>
{{range .Headline}}<tr><td><b>{{.Name}}</b><br><small class="muted">{{.Note}}</small></td>{{range .Periods}}<td class="n"><b>{{.Now}}</b><br><small><span class="{{if .Good}}up{{else if .Bad}}down{{end}}">{{.Change}}</span> <span class="muted">vs {{.Before}}</span></small></td>{{end}}</tr>{{end}}
</table>{{end}}
<h3>Customers to date</h3>
<div class="kpis">{{range .KPIs}}<div class="kpi"><small>{{.Name}}</small><b>{{.Value}}</b><small>{{.Note}}</small></div>{{end}}</div>

<h2 id="changes">What changed since yesterday</h2>
{{if .Changes}}<ul class="changes">{{range .Changes}}<li>{{.}}</li>{{end}}</ul>{{else}}<p>Nothing moved.</p>{{end}}

<h2 id="channels">Channels and campaigns</h2>
{{with .ChannelsNote}}<p class="note">{{.}}</p>{{end}}
<div class="charts">{{range .Channels}}{{template "chart" .}}{{end}}</div>

<h2 id="funnel">Funnel by channel</h2>
{{with .FunnelNote}}<p class="note">{{.}}</p>{{end}}
<p class="muted">From the web touchpoints (kpi/daily): sessions are distinct sessions; adds to cart and checkouts are events (a session can add several items, so a ratio can pass 1); orders are the orders the touchpoints carry.</p>
<div class="charts">{{range .Funnel}}{{template "chart" .}}{{end}}</div>

<h2 id="cohorts">Cohorts</h2>
{{with .CohortsNote}}<p class="note">{{.}}</p>{{end}}
<p class="muted">Share of each month's new customers who had ordered a second time by the end of each later month (kpi/cohorts and unified/orders).</p>
<div class="charts">{{range .Cohorts}}{{template "chart" .}}{{end}}</div>

<h2 id="lifecycle">Lifecycle</h2>
{{with .LifecycleNote}}<p class="note">{{.}}</p>{{end}}
<div class="charts">{{range .Lifecycle}}{{template "chart" .}}{{end}}</div>

<h2 id="segments">Segments and audiences</h2>
<h3>RFM segments</h3>
{{if .Segments}}<table><tr><th>Segment</th><th class="n">Customers</th><th class="n">Share</th><th></th></tr>
{{range .Segments}}<tr><td>{{.Name}}</td><td class="n">{{num .Members}}</td><td class="n">{{pct .Share}}</td><td><div class="bar" style="width:{{.Width}}px"></div></td></tr>{{end}}
</table><p class="muted">Left out (suppressed): {{.RFMSuppressed}}.</p>{{else}}<p>No segment family is enabled.</p>{{end}}
<h3>Rule segments</h3>
{{if .Audiences}}<div class="charts">{{range .SegmentCharts}}{{template "chart" .}}{{end}}</div>
<div class="scroll"><table><tr><th>Segment</th><th>Purpose</th><th class="n">Members</th><th class="n">Exported</th><th class="n">Control</th><th class="n">Adds</th><th class="n">Removes</th><th class="n">Net revenue to date</th><th>Left out (suppressed)</th><th>Platform files</th></tr>
{{range .Audiences}}<tr><td><b>{{.Name}}</b><br><small class="muted">{{.Description}}</small></td><td>{{.Purpose}}</td><td class="n">{{num .Members}}</td><td class="n">{{num .Treated}}</td><td class="n">{{num .Control}}</td><td class="n">{{.Adds}}</td><td class="n">{{.Removes}}</td><td class="n">{{.Value}}</td><td>{{.Suppressed}}</td><td>{{.PlatformRows}}</td></tr>{{end}}
</table></div>{{else}}<p>No rule segments are configured.</p>{{end}}
{{if .Triggers}}<h3>Triggers</h3><table><tr><th>Trigger</th><th>Purpose</th><th class="n">Customers</th><th>Left out (suppressed)</th></tr>
{{range .Triggers}}<tr><td>{{.Name}}</td><td>{{.Purpose}}</td><td class="n">{{num .Members}}</td><td>{{.Suppressed}}</td></tr>{{end}}
</table>{{end}}
<h3>Measured uplift</h3>
{{if .Measurements}}<table><tr><th>Segment</th><th>Nights</th><th>Outcome</th><th class="n">Treated</th><th class="n">Control</th><th class="n">Difference</th><th class="n">95% interval</th><th class="n">p</th><th class="n">People (treated / control)</th><th>Split</th></tr>
{{range .Measurements}}<tr><td>{{.Segment}}</td><td>{{.Window}}</td><td>{{.Metric}}</td><td class="n">{{.Treated}}</td><td class="n">{{.Control}}</td><td class="n">{{.Diff}}</td><td class="n">{{.Interval}}</td><td class="n">{{.PValue}}</td><td class="n">{{.People}}</td><td>{{.SRM}}</td></tr>{{end}}
</table>{{else}}<p>No measurement yet: run <code>segmint measure --segment S --from D1 --to D2</code>.</p>{{end}}
<h3>Persona profiles</h3>
<p class="note" id="personas">No clusters yet: segmint does not cluster customers into personas yet.</p>

<h2 id="models">Models</h2>
{{if .Models}}<table><tr><th>Model</th><th>Version</th><th class="n">Training rows</th><th class="n">Holdout rows</th><th>Holdout metric</th><th class="n">Challenger</th><th class="n">Champion</th><th>Decision</th></tr>
{{range .Models}}<tr><td>{{.Model}}</td><td class="muted">{{.Version}}</td><td class="n">{{num .TrainRows}}</td><td class="n">{{num .HoldoutRows}}</td><td>{{.Metric}}</td><td class="n">{{.Value}}</td><td class="n">{{.ChampionValue}}</td><td>{{.Decision}}</td></tr>{{end}}
</table>
{{range .Models}}<h3>{{.Model}}</h3>
<p class="muted">{{.Decision}}: {{.Reason}}.{{with .Window}} {{.}}.{{end}}{{with .Drift}} Drift (PSI): {{.}}.{{end}}</p>
{{with .NoCurves}}<p class="note">{{.}}</p>{{end}}
<div class="charts">{{range .Charts}}{{template "chart" .}}{{end}}</div>{{end}}
{{else}}<p>No models are configured: scores are RFM scores.</p>{{end}}

<h2 id="quality">Data quality</h2>
{{if .Quality}}<table><tr><th>Dataset</th><th>Gate</th>{{range (index .Quality 0).Scores}}<th class="n">{{.Name}}</th>{{end}}</tr>
{{range .Quality}}<tr><td>{{.Dataset}}</td><td>{{if .Passed}}passed{{else}}stopped{{end}}</td>{{range .Scores}}<td class="n">{{.Value}}</td>{{end}}</tr>{{end}}
</table>{{else}}<p>No quality rules are configured.</p>{{end}}
<h3>Rules that warned or failed</h3>
{{if .Rules}}<table><tr><th>Dataset</th><th>Rule</th><th>Severity</th><th>Dimensions</th><th>Columns</th><th class="n">Checked</th><th class="n">Failed</th><th class="n">Share</th></tr>
{{range .Rules}}<tr><td>{{.Dataset}}</td><td>{{.Rule}}</td><td>{{.Severity}}</td><td>{{.Dimensions}}</td><td>{{.Columns}}</td><td class="n">{{.Checked}}</td><td class="n">{{.Failed}}</td><td class="n">{{.Share}}</td></tr>{{end}}
</table>{{else}}<p>Every rule passed on every row.</p>{{end}}
{{with .VolumeNote}}<p class="muted">Volumes: {{.}}</p>{{end}}
<div class="charts">{{range .QualityCharts}}{{template "chart" .}}{{end}}</div>
<h3>Unify</h3>
<table>{{range .Unify}}<tr><td>{{.Name}}</td><td>{{.Value}}</td></tr>{{end}}</table>
<h3>Inputs</h3>
<details><summary>The {{len .Partition}} committed partitions this page was made from</summary>
<table><tr><th>Partition</th><th class="n">Rows</th><th>Run</th></tr>
{{range .Partition}}<tr><td>{{.Name}}</td><td class="n">{{num .Rows}}</td><td class="muted">{{.RunID}}</td></tr>{{end}}
</table></details>
</body></html>
{{define "chart"}}<figure>{{if .SVG}}{{.SVG}}{{else}}<p class="note">{{.Title}}: {{or .Empty "nothing in the window to draw."}}</p>{{end}}
<details><summary>Table: {{.Title}}</summary><div class="scroll"><table>{{with .Table}}<tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}{{end}}</table></div></details></figure>{{end}}
`

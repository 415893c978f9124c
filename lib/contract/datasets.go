package contract

import (
	"reflect"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/featureset"
	"github.com/segmint/segmint/lib/filedrop"
	"github.com/segmint/segmint/lib/identity"
	"github.com/segmint/segmint/lib/kpi"
	"github.com/segmint/segmint/lib/quality"
	"github.com/segmint/segmint/models/registry"
)

// Names of the datasets without placeholders.
const (
	Orders           = "unified/orders"
	Customers        = "unified/customers"
	CRMRecords       = "unified/crm_records"
	IdentityMap      = "unified/identity_map"
	IdentityEvents   = "unified/identity_events"
	CustomerFeatures = "features/customers"
	Cohorts          = "kpi/cohorts"
	DailyKPIs        = "kpi/daily"
	Decisions        = "models/_decisions"
	Scores           = "scores"
	ScoreReasons     = "scores/reasons"
	RFMSegments      = "segments/rfm"
	Reports          = "reports"
	Backfills        = "runs/backfill"
)

// Raw is the raw dataset of one source stream: its rows as landed, typed
// by the stream's columns.
func Raw(source, stream string) string { return "raw/" + source + "/" + stream }

// Quarantine is the dataset of one stream's rows that ingest could not read.
func Quarantine(source, stream string) string { return "quarantine/" + source + "/" + stream }

// Quality is the quality report of one checked dataset.
func Quality(checked string) string { return "quality/" + checked }

// QualityQuarantine is the dataset of the rows an error-level quality rule
// refused in one checked dataset.
func QualityQuarantine(checked string) string { return "quarantine/quality/" + checked }

// StateKey is the key of a stream's ingest state (its cursor and what the
// last pull committed).
func StateKey(source, stream string) string { return "state/" + source + "/" + stream + ".json" }

// LatestKey is the pointer to a segment family's newest committed partition.
func LatestKey(segments string) string { return segments + "/latest.json" }

// Segment is the dataset of one segment defined by a rule.
func Segment(name string) string { return "segments/" + name }

// Trigger is the dataset of one trigger list.
func Trigger(name string) string { return "triggers/" + name }

// The trigger lists publish writes when segments.triggers is enabled.
const (
	// TriggerCartAbandoners: an add to cart in the last 24 hours of D and
	// no order since.
	TriggerCartAbandoners = "cart_abandoners"
	// TriggerCrossedAtRisk: customers who became RFM at_risk or lifecycle
	// churned since the previous night.
	TriggerCrossedAtRisk = "crossed_at_risk"
	// TriggerNewTopDecile: new customers whose first order is in the top
	// decile of first-order values.
	TriggerNewTopDecile = "new_top_decile"
)

// Triggers lists the trigger lists.
func Triggers() []string {
	return []string{TriggerCartAbandoners, TriggerCrossedAtRisk, TriggerNewTopDecile}
}

// Measurements is the dataset of a segment's treated-against-control
// measurements (segmint measure).
func Measurements(segment string) string { return "measurements/" + segment }

// The models train writes and score applies, by their names in
// models/<model>/.
const (
	// CLVModel is the lifetime-value model (BG/NBD with Gamma-Gamma).
	CLVModel = "clv"
)

// Models are the names of the models a configuration trains, purchase
// model first.
func Models(c *config.Config) []string {
	var out []string
	for _, k := range c.Models.Enabled() {
		out = append(out, k.Name)
	}
	if c.Models.Value != nil {
		out = append(out, config.ValueModelName)
	}
	if c.Models.CLV != nil {
		out = append(out, CLVModel)
	}
	return out
}

// rowOf is the reflect.Type of a row type.
func rowOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// Datasets declares every dataset of the store, in the order the steps
// write them.
func Datasets() []Dataset {
	return []Dataset{
		{Path: "raw/<source>/<stream>", Partitioning: ByDate, Writer: StepIngest,
			About: "a stream's rows as landed, typed by its columns (file drops) or its API's fields; a daily API stream also rewrites the days of its look-back window",
			names: streamNames(config.AllStreams, Raw)},
		{Path: "quarantine/<source>/<stream>", Partitioning: ByDate, Row: rowOf[filedrop.Rejected](), Writer: StepIngest,
			When: "file-drop streams", About: "a landed row ingest could not read, with the rule it broke and the raw record",
			names: streamNames(config.FileDropStreams, Quarantine)},
		{Path: "state/<source>/<stream>.json", Partitioning: SideFile, Writer: StepIngest,
			Files: "JSON", About: "a stream's cursor and what its last pull committed, written after the data",
			names: streamNames(config.AllStreams, StateKey)},
		{Path: Orders, Partitioning: ByDate, Row: rowOf[customerview.Order](), Writer: StepUnify,
			About: "one order (invoice) up to the end of D, in the reporting currency"},
		{Path: Customers, Partitioning: ByDate, Row: rowOf[customerview.Customer](), Writer: StepUnify,
			About: "one customer as of D: orders, revenue, recency, lifecycle, consent, engagement"},
		{Path: CRMRecords, Partitioning: ByDate, Row: rowOf[customerview.CRMRecord](), Writer: StepUnify,
			When: "HubSpot or Salesforce sources", About: "the latest version of one CRM record",
			cond: func(c *config.Config) bool { return len(c.CRMSources()) > 0 }},
		{Path: IdentityMap, Partitioning: ByDate, Row: rowOf[IdentityRow](), Writer: StepUnify,
			When: "file-drop streams of contacts, touchpoints or ad clicks", About: "one record's customer id",
			cond: hasStreams(config.IdentityStreams)},
		{Path: IdentityEvents, Partitioning: ByDate, Row: rowOf[identity.Event](), Writer: StepUnify,
			When: "file-drop streams of contacts, touchpoints or ad clicks", About: "one merge or split of customer ids, explained",
			cond: hasStreams(config.IdentityStreams)},
		{Path: "quality/raw/<source>/<stream>", Partitioning: ByDate, Row: rowOf[quality.ReportRow](), Writer: StepUnify,
			When: "orders streams with quality rules", About: "one quality rule's outcome on a checked stream",
			names: qualityNames(Quality)},
		{Path: "quarantine/quality/raw/<source>/<stream>", Partitioning: ByDate, Row: rowOf[Refused](), Writer: StepUnify,
			When: "orders streams with quality rules", About: "an order line an error-level quality rule refused",
			names: qualityNames(QualityQuarantine)},
		{Path: CustomerFeatures, Partitioning: ByDate, Row: rowOf[featureset.Customer](), Writer: StepFeatures,
			About: "one customer's model features as of D"},
		{Path: Cohorts, Partitioning: ByDate, Row: rowOf[kpi.Cohort](), Writer: StepFeatures,
			About: "the repeat-purchase rate of one monthly cohort"},
		{Path: DailyKPIs, Partitioning: ByDate, Row: rowOf[kpi.Daily](), Writer: StepFeatures,
			When: "touchpoint or ad metric streams", About: "the KPIs of one day, channel and campaign, every day up to D",
			cond: func(c *config.Config) bool {
				return hasStreams(config.FileDropsOf(config.EntityTouchpoints))(c) || hasStreams(config.AdMetricsStreams)(c)
			}},
		{Path: "models/<model>/<version>", Partitioning: SideFile, Writer: StepTrain,
			Files: "model.json, metrics.json", About: "one trained model and its metrics, named by its content", When: "a models: section",
			cond: hasModels},
		{Path: "models/<model>/champion.json", Partitioning: SideFile, Writer: StepTrain,
			Files: "JSON", About: "the version that scores", When: "a models: section, once the model is promoted",
			names: championNames},
		{Path: Decisions, Partitioning: ByDate, Row: rowOf[Decision](), Writer: StepTrain,
			When: "a models: section", About: "one model's training and promotion decision of the night",
			cond: hasModels},
		{Path: Scores, Partitioning: ByDate, Row: rowOf[Score](), Writer: StepScore,
			About: "one customer's RFM scores and segment and the champion models' predictions"},
		{Path: ScoreReasons, Partitioning: ByDate, Row: rowOf[Reason](), Writer: StepScore,
			About: "one feature's contribution to one customer's score of a gradient-boosted champion (empty without one)"},
		{Path: RFMSegments, Partitioning: ByDate, Row: rowOf[Member](), Writer: StepPublish,
			Files: "audience.csv", When: "segments.rfm.enabled", About: "one customer of an RFM segment",
			cond: func(c *config.Config) bool { return c.Segments.RFM.Enabled }},
		{Path: LatestKey(RFMSegments), Partitioning: SideFile, Row: nil, Writer: StepPublish,
			Files: "JSON", When: "segments.rfm.enabled", About: "the newest committed segments/rfm partition",
			cond: func(c *config.Config) bool { return c.Segments.RFM.Enabled }},
		{Path: "segments/<segment>", Partitioning: ByDate, Row: rowOf[AudienceMember](), Writer: StepPublish,
			Files: "CSVs by role in the manifest: export (treated members), adds, removes, and for purpose ads google_customer_match and meta_custom_audience (README: Segments)",
			When:  "segments.rules", About: "one member of a rule segment, control members flagged",
			names: segmentNames(Segment)},
		{Path: "segments/<segment>/latest.json", Partitioning: SideFile, Writer: StepPublish,
			Files: "JSON", When: "segments.rules", About: "the newest committed partition of the segment",
			names: segmentNames(func(name string) string { return LatestKey(Segment(name)) })},
		{Path: "triggers/<trigger>", Partitioning: ByDate, Row: rowOf[TriggerMember](), Writer: StepPublish,
			Files: "a CSV of the same rows", When: "segments.triggers.enabled", About: "one customer a trigger fired for tonight",
			names: func(c *config.Config) []string {
				if !c.Segments.Triggers.Enabled {
					return nil
				}
				var out []string
				for _, t := range Triggers() {
					out = append(out, Trigger(t))
				}
				return out
			}},
		{Path: "measurements/<segment>", Partitioning: ByDate, Row: rowOf[Measurement](), Writer: CommandMeasure,
			When: "segmint measure --segment <segment> (dated by --to)", About: "one outcome of the treated members against the control group",
			names: func(*config.Config) []string { return nil }},
		{Path: Reports, Partitioning: ByDate, Writer: StepReport,
			Files: "index.html", About: "the run's report for people"},
		{Path: Backfills, Partitioning: ByDate, Row: rowOf[BackfillRow](), Writer: CommandBackfill,
			When: "segmint backfill (dated by --to)", About: "how one step of one date of the backfill ended, with its time",
			names: func(*config.Config) []string { return nil }},
	}
}

// Landing is the one input of a step outside the store: what ingest pulls.
const Landing = "the landing files and APIs of the configured streams"

// Steps declares the steps of a run in the order nightly runs them.
func Steps() []Step {
	return []Step{
		{Name: StepIngest, About: "pulls what is new from every configured source stream into raw Parquet",
			Reads: []string{Landing, "state/<source>/<stream>.json"}},
		{Name: StepUnify, About: "checks quality, converts currencies, resolves identities and builds the unified tables",
			Reads: []string{"raw/<source>/<stream>", "unified/identity_map/dt=<the newest before D>"}},
		{Name: StepFeatures, About: "computes customer features, cohorts and daily KPIs",
			Reads: []string{Customers, Orders, "raw/<source>/<stream>"}},
		{Name: StepTrain, About: "retrains the configured models and promotes a challenger that is not worse",
			Reads: []string{Orders, "models/<model>/champion.json"}},
		{Name: StepScore, About: "scores every customer with RFM and the champion models",
			Reads: []string{CustomerFeatures, Orders, "models/<model>/champion.json"}},
		{Name: StepPublish, About: "publishes the segment files downstream systems read, suppressed and with control groups",
			Reads: []string{Customers, CustomerFeatures, Scores, Orders, CRMRecords, IdentityMap, IdentityEvents, "raw/<source>/<stream>",
				"segments/<segment>/dt=<the newest before D>"}},
		{Name: StepReport, About: "writes the run's report page",
			Reads: []string{"raw/<source>/<stream>", "quarantine/<source>/<stream>", "quality/raw/<source>/<stream>",
				Customers, "unified/customers/dt=<the newest before D>", Orders, Cohorts, DailyKPIs, Decisions, "models/<model>/<version>",
				RFMSegments, "segments/<segment>", "triggers/<trigger>", "measurements/<segment>/dt=<the newest up to D>",
				"raw/<source>/<stream>/dt=<the 30 nights to D> (manifests)", "segments/<segment>/dt=<the 30 nights to D> (manifests)"}},
	}
}

// Commands declares the commands that write datasets outside the nightly
// run.
func Commands() []Step {
	return []Step{
		{Name: CommandMeasure, About: "measures a segment's treated members against its control group over a window",
			Reads: []string{"segments/<segment>", IdentityEvents, Orders}},
		{Name: CommandBackfill, About: "runs the nightly steps for every date of a range and records how each ended"},
	}
}

// streamNames names one dataset per matching stream.
func streamNames(match func(config.Source, config.Stream) bool, name func(source, stream string) string) func(*config.Config) []string {
	return func(c *config.Config) []string {
		var out []string
		for _, r := range c.Streams(match) {
			out = append(out, name(r.Source.Name, r.Stream.Name))
		}
		return out
	}
}

// QualityChecked are the datasets a configuration's quality rules check:
// the raw datasets of its orders streams that have rules, in config order.
func QualityChecked(c *config.Config) []string {
	var out []string
	for _, r := range c.Streams(config.OrdersStreams) {
		checked := Raw(r.Source.Name, r.Stream.Name)
		if _, ok := c.QualityRules(checked); ok {
			out = append(out, checked)
		}
	}
	return out
}

// qualityNames names one dataset per checked dataset.
func qualityNames(name func(checked string) string) func(*config.Config) []string {
	return func(c *config.Config) []string {
		var out []string
		for _, checked := range QualityChecked(c) {
			out = append(out, name(checked))
		}
		return out
	}
}

// championNames names the champion pointer of every configured model.
func championNames(c *config.Config) []string {
	var out []string
	for _, m := range Models(c) {
		out = append(out, registry.ChampionKey(m))
	}
	return out
}

// segmentNames names one dataset per rule segment.
func segmentNames(name func(segment string) string) func(*config.Config) []string {
	return func(c *config.Config) []string {
		var out []string
		for _, seg := range c.Segments.Rules {
			out = append(out, name(seg.Name))
		}
		return out
	}
}

// hasModels holds when a configuration has a models: section.
func hasModels(c *config.Config) bool { return len(Models(c)) > 0 }

// hasStreams holds when a configuration has a matching stream.
func hasStreams(match func(config.Source, config.Stream) bool) func(*config.Config) bool {
	return func(c *config.Config) bool { return len(c.Streams(match)) > 0 }
}

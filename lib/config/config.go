// Package config holds segmint's configuration: where the store is, which
// sources feed it and how their columns map onto segmint's fields.
//
// A configuration is YAML. Paths that are not absolute are taken relative to
// the working directory of the process (as a Docker WORKDIR or a Makefile
// would have it), not to the configuration file. Secrets never live in the
// file: S3 credentials come from the AWS SDK's standard chain
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, profiles, instance roles), and
// endpoints can be overridden from the environment (see ApplyEnv).
package config

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/segmint/segmint/lib/quality"
	"github.com/segmint/segmint/lib/segrule"
)

// Config is the whole configuration of one segmint deployment.
type Config struct {
	// Store is where every dataset lives.
	Store Store `yaml:"store"`
	// Currency is the reporting currency (ISO 4217), e.g. "GBP".
	Currency string `yaml:"currency"`
	// Rates converts money in other currencies into the reporting
	// currency (see RatesTable). A stream whose currency is not the
	// reporting currency needs its rates here.
	Rates []Rate `yaml:"rates"`
	// Sources are the systems ingest pulls from.
	Sources []Source `yaml:"sources"`
	// Segments configures the published segments: the RFM family, the
	// segments defined by rules, their control groups and suppression.
	Segments Segments `yaml:"segments"`
	// Lifecycle sets the day counts of the customers' lifecycle stages.
	Lifecycle Lifecycle `yaml:"lifecycle"`
	// Models configures the models train retrains and score applies.
	Models Models `yaml:"models"`
	// Identity configures identity resolution.
	Identity Identity `yaml:"identity"`
	// Metrics says where each run's Prometheus metrics go.
	Metrics Metrics `yaml:"metrics"`
	// Quality declares data-quality rules per dataset (lib/quality); an
	// orders stream's rules are named by its raw dataset,
	// "raw/<source>/<stream>", and use segmint's field names.
	Quality quality.Config `yaml:"quality"`
	// ruleSchema, when set (WithRuleColumns), lets Validate check the
	// columns and types of the segment rules, not only their syntax.
	ruleSchema segrule.Schema
}

// Rate is one row of the rates table: the price of one unit of a currency
// in the reporting currency, in force from a day on.
type Rate struct {
	// Currency is the ISO 4217 code converted from ("EUR").
	Currency string `yaml:"currency"`
	// Rate is the price of one unit of Currency in the reporting currency,
	// a positive decimal read exactly ("0.8512": 1 EUR = 0.8512 GBP).
	Rate string `yaml:"rate"`
	// From is the first UTC day (YYYY-MM-DD) the rate is in force; empty
	// means in force since always. On a day, the rate with the latest From
	// on or before it applies.
	From string `yaml:"from"`
}

// Metrics says where a run's Prometheus metrics go (README: Metrics).
type Metrics struct {
	// TextfileDir is a local folder for the text exposition file
	// segmint_<command>.prom, such as node_exporter's textfile collector
	// directory; empty means runs/metrics/ in the store.
	TextfileDir string `yaml:"textfile_dir"`
	// Pushgateway is the URL of a Prometheus Pushgateway the metrics are
	// also pushed to ("http://pushgateway:9091"); empty means no push.
	Pushgateway string `yaml:"pushgateway"`
	// Job is the job of the Pushgateway grouping key; default "segmint".
	Job string `yaml:"job"`
}

// Identity configures identity resolution.
type Identity struct {
	// DefaultRegion is the ISO 3166 region for phone numbers written
	// without a country code when the row names no country (default GB).
	DefaultRegion string `yaml:"default_region"`
	// Blocked lists more identifier values that must never link records
	// (beyond empty, null, 0, unknown and test addresses).
	Blocked []string `yaml:"blocked"`
}

// Lifecycle sets the lifecycle stages of unified/customers: new (first
// order less than NewDays ago), active (last order at most ActiveDays ago),
// dormant (up to DormantDays), churned (longer). Defaults 30, 90, 180.
type Lifecycle struct {
	NewDays     int64 `yaml:"new_days"`
	ActiveDays  int64 `yaml:"active_days"`
	DormantDays int64 `yaml:"dormant_days"`
}

// Store says which object store holds the datasets.
type Store struct {
	// Kind is "local", "s3" or "memory" (memory is for tests and dry runs).
	Kind string `yaml:"kind"`
	// Path is the root folder of a local store.
	Path string `yaml:"path"`
	// S3 configures an S3 or S3-compatible store.
	S3 S3 `yaml:"s3"`
	// LockStaleAfter is the heartbeat age after which a run takes over
	// the run lock of its date from another ("10m", the default).
	LockStaleAfter time.Duration `yaml:"lock_stale_after"`
}

// S3 locates a bucket. Credentials are deliberately absent: they come from
// the environment through the AWS SDK's default chain.
type S3 struct {
	Bucket    string `yaml:"bucket"`
	Prefix    string `yaml:"prefix"`
	Endpoint  string `yaml:"endpoint"`
	Region    string `yaml:"region"`
	PathStyle bool   `yaml:"path_style"`
	// CreateBucket creates the bucket on first use (for local MinIO setups).
	CreateBucket bool `yaml:"create_bucket"`
	// Retry is the retry budget of one S3 request.
	Retry S3Retry `yaml:"retry"`
}

// S3Retry is the retry budget of one S3 request, spent by the AWS SDK's
// own retryer (the only retry layer): a request is tried up to MaxAttempts
// times, waiting an exponential backoff with jitter of at most MaxBackoff
// between tries. Zero values mean the store's defaults: 10 attempts, 20s.
type S3Retry struct {
	// MaxAttempts counts the first try (1 = no retry).
	MaxAttempts int `yaml:"max_attempts"`
	// MaxBackoff caps one wait ("20s", "1m").
	MaxBackoff time.Duration `yaml:"max_backoff"`
}

// Source is one system data is pulled from.
type Source struct {
	// Name is the source's name in store keys: raw/<name>/<stream>/...
	Name string `yaml:"name"`
	// Kind is the connector: filedrop, hubspot, salesforce, google_ads or meta.
	Kind Kind `yaml:"kind"`
	// Landing is where a file-drop source's exports land: a folder path or
	// s3://bucket/prefix (read with the store's S3 endpoint settings).
	Landing string `yaml:"landing"`

	// BaseURL is an API connector's root URL; empty means the platform's
	// public endpoint. Demos and tests point it at a local fake.
	BaseURL string `yaml:"base_url"`
	// Account is the platform account: a Google Ads customer id, a Meta ad
	// account id ("act_123"), a Salesforce or HubSpot account label.
	Account string `yaml:"account"`
	// Auth names the environment variables that hold the secrets, by role
	// ({token: SEGMINT_HUBSPOT_TOKEN}); the secrets never live in the file.
	Auth map[string]string `yaml:"auth"`
	// RateLimit is the request rate allowed to this account, per second
	// (0: the connector's default).
	RateLimit float64 `yaml:"rate_limit"`
	// PageSize is the page size asked of the API (0: the connector's default).
	PageSize int `yaml:"page_size"`
	// LookbackDays is how many recent days a daily stream re-reads and
	// overwrites, because platforms restate them (0: the connector's
	// default: 30 for Google Ads, 28 for Meta).
	LookbackDays int `yaml:"lookback_days"`
	// Options holds connector-specific settings (documented by each connector).
	Options map[string]string `yaml:"options"`
	// Streams are the tables the source delivers.
	Streams []Stream `yaml:"streams"`
}

// Stream is one table of a source.
type Stream struct {
	// Name is the stream's name in store keys.
	Name string `yaml:"name"`
	// Entity is what the rows are to segmint: orders, consent (opt-in and
	// opt-out changes), deletion_requests, contacts, touchpoints, ad_clicks,
	// ad_metrics (an ad platform's metrics per day and campaign) or
	// products (a product catalog: each product's category).
	Entity Entity `yaml:"entity"`
	// Format is the export format: csv, jsonl (one JSON object a line) or
	// parquet.
	Format string `yaml:"format"`
	// Path is the folder of this stream's files below the source's landing
	// location; it defaults to the stream's name.
	Path string `yaml:"path"`
	// Pattern selects files by base name (path.Match syntax); a ".gz"
	// suffix is decompressed. Default "*.csv*".
	Pattern string `yaml:"pattern"`
	// Delimiter is the CSV field separator; default ",".
	Delimiter string `yaml:"delimiter"`
	// Currency of the money columns (ISO 4217); default the reporting
	// currency. Another currency needs a rate in the config's rates.
	Currency string `yaml:"currency"`
	// EventTime names the timestamp field that places a row in time. Rows
	// after the end of the run date are not part of that date's snapshot.
	EventTime string `yaml:"event_time"`
	// Columns maps source columns onto segmint fields (file drops).
	Columns []Column `yaml:"columns"`
	// Fields lists extra fields an API connector asks for (HubSpot
	// properties, Salesforce fields) beyond its defaults.
	Fields []string `yaml:"fields"`
}

// Column maps one source column onto one segmint field.
type Column struct {
	// From is the column's name in the export's header.
	From string `yaml:"from"`
	// To is the segmint field name (snake_case).
	To string `yaml:"to"`
	// Type is one of string, int, float, decimal, bool, timestamp, date.
	Type string `yaml:"type"`
	// Format is a Go time layout for timestamp and date columns.
	Format string `yaml:"format"`
	// Timezone is an IANA zone for timestamps without an offset; default UTC.
	Timezone string `yaml:"timezone"`
	// Scale is the number of decimals kept for decimal columns (0-6,
	// default 2);
	// a value with more decimals is rejected, never rounded.
	Scale *int `yaml:"scale"`
	// Required rows without a value go to quarantine.
	Required bool `yaml:"required"`
	// DecimalSeparator is "." (default) or "," for exports written with a
	// decimal comma ("1.234,56"): then "." is read as a thousands separator.
	DecimalSeparator string `yaml:"decimal_separator"`
}

// Column types understood by connectors.
const (
	TypeString    = "string"
	TypeInt       = "int"
	TypeFloat     = "float"
	TypeDecimal   = "decimal"
	TypeBool      = "bool"
	TypeTimestamp = "timestamp"
	TypeDate      = "date"
)

// DecimalScale is the column's scale (2 when unset).
func (col Column) DecimalScale() int {
	if col.Scale == nil {
		return 2
	}
	return *col.Scale
}

// Int returns a pointer to v, for optional settings such as Column.Scale.
func Int(v int) *int { return &v }

// MaxDecimalScale is the largest decimal scale a column may declare: money
// is computed in millionths of a currency unit.
const MaxDecimalScale = 6

// Load reads, applies environment overrides to, defaults and validates a
// configuration file.
func Load(path string, getenv func(string) string, opts ...Option) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(b, getenv, opts...)
}

// Parse is Load on bytes already read.
func Parse(b []byte, getenv func(string) string, opts ...Option) (*Config, error) {
	var c Config
	for _, o := range opts {
		o(&c)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var errs []error
	if err := dec.Decode(&c); err != nil {
		// Unknown keys and values of the wrong type leave the rest of the
		// file decoded: report them with every other problem. A file that
		// is no YAML at all stops here.
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, fmt.Errorf("parse config: %w", err)
		}
		for _, msg := range te.Errors {
			errs = append(errs, fmt.Errorf("parse config: %s", msg))
		}
	}
	c.ApplyEnv(getenv)
	c.setDefaults()
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &c, nil
}

// ApplyEnv overrides settings from the environment: SEGMINT_STORE_KIND,
// SEGMINT_STORE_PATH, SEGMINT_S3_BUCKET, SEGMINT_S3_PREFIX,
// SEGMINT_S3_ENDPOINT, SEGMINT_S3_REGION and SEGMINT_S3_PATH_STYLE
// ("true"/"false"). Credentials are read by the AWS SDK itself.
func (c *Config) ApplyEnv(getenv func(string) string) {
	if getenv == nil {
		return
	}
	set := func(dst *string, name string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	set(&c.Store.Kind, "SEGMINT_STORE_KIND")
	set(&c.Store.Path, "SEGMINT_STORE_PATH")
	set(&c.Store.S3.Bucket, "SEGMINT_S3_BUCKET")
	set(&c.Store.S3.Prefix, "SEGMINT_S3_PREFIX")
	set(&c.Store.S3.Endpoint, "SEGMINT_S3_ENDPOINT")
	set(&c.Store.S3.Region, "SEGMINT_S3_REGION")
	switch strings.ToLower(getenv("SEGMINT_S3_PATH_STYLE")) {
	case "true", "1", "yes":
		c.Store.S3.PathStyle = true
	case "false", "0", "no":
		c.Store.S3.PathStyle = false
	}
}

func (c *Config) setDefaults() {
	c.Quality.SetDefaults()
	if c.Identity.DefaultRegion == "" {
		c.Identity.DefaultRegion = "GB"
	}
	if c.Metrics.Job == "" {
		c.Metrics.Job = "segmint"
	}
	c.Models.defaults()
	c.Segments.defaults()
	if c.Lifecycle == (Lifecycle{}) {
		c.Lifecycle = Lifecycle{NewDays: 30, ActiveDays: 90, DormantDays: 180}
	}
	if c.Store.S3.Region == "" {
		c.Store.S3.Region = "us-east-1"
	}
	c.Store.S3.Prefix = strings.Trim(c.Store.S3.Prefix, "/")
	if c.Store.LockStaleAfter == 0 {
		c.Store.LockStaleAfter = 10 * time.Minute
	}
	for i := range c.Sources {
		src := &c.Sources[i]
		for j := range src.Streams {
			src.Streams[j].setDefaults(c.Currency)
		}
	}
}

// setDefaults fills the stream's unset path, pattern, delimiter and
// currency (the configuration's), then its columns' defaults.
func (st *Stream) setDefaults(currency string) {
	if st.Path == "" {
		st.Path = st.Name
	}
	if st.Pattern == "" {
		st.Pattern = defaultPattern(st.Format)
	}
	if st.Delimiter == "" {
		st.Delimiter = ","
	}
	if st.Currency == "" {
		st.Currency = currency
	}
	for k := range st.Columns {
		st.Columns[k].setDefaults()
	}
}

// defaultPattern is the file pattern of a stream of the format.
func defaultPattern(format string) string {
	switch format {
	case "jsonl":
		return "*.jsonl*"
	case "parquet":
		return "*.parquet"
	default:
		return "*.csv*"
	}
}

// setDefaults gives decimals a scale of 2 and timestamps and dates the
// UTC time zone when unset.
func (col *Column) setDefaults() {
	if col.Type == TypeDecimal && col.Scale == nil {
		col.Scale = Int(2)
	}
	if (col.Type == TypeTimestamp || col.Type == TypeDate) && col.Timezone == "" {
		col.Timezone = "UTC"
	}
}

// Validate reports every problem of the configuration at once, before any I/O.
func (c *Config) Validate() error {
	errs := c.Store.validate()
	errs = append(errs, c.validateCurrency()...)
	if len(c.Sources) == 0 {
		errs = append(errs, fmt.Errorf("sources: at least one source is required"))
	}
	if err := c.Quality.Validate(); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, c.validateRelationships()...)
	errs = append(errs, c.Models.validate()...)
	errs = append(errs, c.Segments.validate(c.ruleSchema)...)
	errs = append(errs, c.Lifecycle.validate()...)
	errs = append(errs, c.Metrics.validate()...)
	errs = append(errs, c.validateSources()...)
	return errors.Join(errs...)
}

// validateCurrency checks the reporting currency and, when it is a code,
// the rates.
func (c *Config) validateCurrency() []error {
	if len(c.Currency) != 3 || strings.ToUpper(c.Currency) != c.Currency {
		return []error{fmt.Errorf("currency: %q is not an ISO 4217 code such as GBP", c.Currency)}
	}
	return c.validateRates()
}

// validate checks the Pushgateway URL and the job of its grouping key.
func (m Metrics) validate() []error {
	var errs []error
	if m.Pushgateway != "" {
		u, err := url.Parse(m.Pushgateway)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("metrics.pushgateway: %q is not an http(s) URL", m.Pushgateway))
		}
	}
	if strings.ContainsAny(m.Job, "/ ") {
		errs = append(errs, fmt.Errorf("metrics.job: %q must be a name without / or spaces", m.Job))
	}
	return errs
}

// validate checks the day counts of a lifecycle that is set.
func (lc Lifecycle) validate() []error {
	if lc != (Lifecycle{}) && !(0 < lc.NewDays && 0 < lc.ActiveDays && lc.ActiveDays < lc.DormantDays) {
		return []error{fmt.Errorf("lifecycle: want new_days > 0 and 0 < active_days < dormant_days, got %d, %d, %d", lc.NewDays, lc.ActiveDays, lc.DormantDays)}
	}
	return nil
}

// validateSources checks every source, in order, and that no two share a
// name.
func (c *Config) validateSources() []error {
	var errs []error
	seen := map[string]bool{}
	for i, src := range c.Sources {
		where := fmt.Sprintf("sources[%d]", i)
		errs = append(errs, src.validate(where, seen[src.Name])...)
		seen[src.Name] = true
	}
	return errs
}

// validate checks the store settings of its kind.
func (s Store) validate() []error {
	if s.LockStaleAfter != 0 && s.LockStaleAfter < time.Minute {
		return []error{fmt.Errorf("store.lock_stale_after: %s is less than a minute", s.LockStaleAfter)}
	}
	switch s.Kind {
	case "local":
		if s.Path == "" {
			return []error{fmt.Errorf("store.path: required for a local store")}
		}
	case "s3":
		var errs []error
		if s.S3.Bucket == "" {
			errs = append(errs, fmt.Errorf("store.s3.bucket: required for an s3 store"))
		}
		if s.S3.Retry.MaxAttempts < 0 || s.S3.Retry.MaxBackoff < 0 {
			errs = append(errs, fmt.Errorf("store.s3.retry: max_attempts and max_backoff must not be negative"))
		}
		return errs
	case "memory":
	case "":
		return []error{fmt.Errorf("store.kind: required (local, s3 or memory)")}
	default:
		return []error{fmt.Errorf("store.kind: %q is not local, s3 or memory", s.Kind)}
	}
	return nil
}

// validate checks one source and its streams; where prefixes the messages
// and dup says an earlier source has the same name.
func (src Source) validate(where string, dup bool) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !validName(src.Name) {
		add("%s.name: %q must be lower-case letters, digits, - or _", where, src.Name)
	}
	if dup {
		add("%s.name: %q appears twice", where, src.Name)
	}
	if len(src.Streams) == 0 {
		add("%s.streams: at least one stream is required", where)
	}
	switch src.Kind {
	case FileDrop:
		if src.Landing == "" {
			add("%s.landing: required for a filedrop source", where)
		}
		for j, st := range src.Streams {
			errs = append(errs, st.validate(fmt.Sprintf("%s.streams[%d]", where, j))...)
		}
	case HubSpot, Salesforce, GoogleAds, Meta:
		errs = append(errs, src.validateAPI(where)...)
	default:
		add("%s.kind: %q is not a known connector (filedrop, hubspot, salesforce, google_ads, meta)", where, src.Kind)
	}
	return errs
}

// validateRelationships checks the quality rules of kind relationships:
// the only key set segmint gives them is ProductKeys, which needs a
// products stream.
func (c *Config) validateRelationships() []error {
	catalog := len(c.Streams(FileDropsOf(EntityProducts))) > 0
	var errs []error
	for i, d := range c.Quality.Datasets {
		for j, r := range d.Rules {
			if r.Kind != quality.KindRelationships {
				continue
			}
			where := fmt.Sprintf("quality.datasets[%d].rules[%d].to", i, j)
			switch {
			case r.To != ProductKeys:
				errs = append(errs, fmt.Errorf("%s: %q is not a key set segmint provides (%s)", where, r.To, ProductKeys))
			case !catalog:
				errs = append(errs, fmt.Errorf("%s: %s needs a file-drop stream of entity products", where, r.To))
			}
		}
	}
	return errs
}

func (src Source) validateAPI(where string) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if src.RateLimit < 0 {
		add("%s.rate_limit: %g is negative", where, src.RateLimit)
	}
	if src.PageSize < 0 || src.LookbackDays < 0 {
		add("%s: page_size and lookback_days must not be negative", where)
	}
	if src.Kind.IsAdPlatform() && src.Account == "" {
		add("%s.account: required for %s", where, src.Kind)
	}
	seen := map[string]bool{}
	for j, st := range src.Streams {
		if !validName(st.Name) {
			add("%s.streams[%d].name: %q must be lower-case letters, digits, - or _", where, j, st.Name)
		}
		if seen[st.Name] {
			add("%s.streams[%d].name: %q appears twice", where, j, st.Name)
		}
		seen[st.Name] = true
	}
	return errs
}

// validate reports every problem of the stream; where prefixes the
// messages.
func (st Stream) validate(where string) []error {
	errs := st.validateReading(where)
	fields, ferrs := st.validateColumns(where)
	errs = append(errs, ferrs...)
	if st.EventTime != "" {
		if col, ok := fields[st.EventTime]; !ok || col.Type != TypeTimestamp {
			errs = append(errs, fmt.Errorf("%s.event_time: %q is not a mapped timestamp field", where, st.EventTime))
		}
	}
	return append(errs, st.validateEntity(where, fields)...)
}

// validateReading checks the stream's name and how its files are read.
func (st Stream) validateReading(where string) []error {
	var errs []error
	if !validName(st.Name) {
		errs = append(errs, fmt.Errorf("%s.name: %q must be lower-case letters, digits, - or _", where, st.Name))
	}
	if st.Format != "csv" && st.Format != "jsonl" && st.Format != "parquet" {
		errs = append(errs, fmt.Errorf("%s.format: %q is not supported (csv, jsonl, parquet)", where, st.Format))
	}
	if len([]rune(st.Delimiter)) != 1 {
		errs = append(errs, fmt.Errorf("%s.delimiter: %q must be one character", where, st.Delimiter))
	}
	return errs
}

// validateColumns checks the column mapping and returns the mapped
// columns by field name.
func (st Stream) validateColumns(where string) (map[string]Column, []error) {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	fields := map[string]Column{}
	for k, col := range st.Columns {
		cw := fmt.Sprintf("%s.columns[%d]", where, k)
		if col.From == "" {
			add("%s.from: required", cw)
		}
		if !validName(col.To) || strings.HasPrefix(col.To, "_") {
			add("%s.to: %q must be a snake_case field name", cw, col.To)
		}
		if _, dup := fields[col.To]; dup {
			add("%s.to: %q is mapped twice", cw, col.To)
		}
		fields[col.To] = col
		errs = append(errs, col.validate(cw)...)
	}
	return fields, errs
}

// validateEntity checks that the mapped fields and the event time are
// those the stream's entity needs.
func (st Stream) validateEntity(where string, fields map[string]Column) []error {
	switch st.Entity {
	case EntityOrders:
		return st.validateOrders(where, fields)
	case EntityAdMetrics:
		return st.validateAdMetrics(where, fields)
	case EntityProducts:
		return st.validateProducts(where, fields)
	case EntityConsent, EntityDeletionRequests:
		return st.validateConsent(where, fields)
	case EntitySuppressions:
		return st.validateSuppressions(where, fields)
	case EntityContacts, EntityTouchpoints, EntityAdClicks:
		return st.validateIdentity(where, fields)
	case "":
		return []error{fmt.Errorf("%s.entity: required (%s)", where, strings.Join(Entities(), ", "))}
	default:
		return []error{fmt.Errorf("%s.entity: %q is not known (%s)", where, st.Entity, strings.Join(Entities(), ", "))}
	}
}

// validateOrders checks the fields and the event time of an orders stream.
func (st Stream) validateOrders(where string, fields map[string]Column) []error {
	errs := checkFields(where, st.Entity, fields, OrdersFields(), OrdersRequired)
	if st.EventTime != "ordered_at" {
		errs = append(errs, fmt.Errorf("%s.event_time: must be ordered_at for entity orders", where))
	}
	return errs
}

// validateAdMetrics checks the fields and the event time of an ad_metrics
// stream, which needs a platform or a channel.
func (st Stream) validateAdMetrics(where string, fields map[string]Column) []error {
	errs := checkFields(where, st.Entity, fields, AdMetricsFields(), AdMetricsRequired)
	_, hasChannel := fields["channel"]
	if _, hasPlatform := fields["platform"]; !hasChannel && !hasPlatform {
		errs = append(errs, fmt.Errorf("%s.columns: entity ad_metrics needs a field \"platform\" or \"channel\"", where))
	}
	if st.EventTime != "day" {
		errs = append(errs, fmt.Errorf("%s.event_time: must be day for entity ad_metrics", where))
	}
	return errs
}

// validateProducts checks the fields and the event time of a products
// stream.
func (st Stream) validateProducts(where string, fields map[string]Column) []error {
	errs := checkFields(where, st.Entity, fields, ProductsFields(), ProductsRequired)
	if st.EventTime != "" && st.EventTime != "updated_at" {
		errs = append(errs, fmt.Errorf("%s.event_time: must be updated_at or empty for entity products", where))
	}
	return errs
}

// validateConsent checks the fields of a consent or deletion_requests
// stream.
func (st Stream) validateConsent(where string, fields map[string]Column) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	at := "changed_at"
	if st.Entity == EntityDeletionRequests {
		at = "requested_at"
	}
	if col, ok := fields[at]; !ok || col.Type != TypeTimestamp {
		add("%s.columns: entity %s needs a timestamp field %q", where, st.Entity, at)
	}
	if st.EventTime != at {
		add("%s.event_time: must be %s for entity %s", where, at, st.Entity)
	}
	if _, ok := fields["status"]; st.Entity == EntityConsent && !ok {
		add("%s.columns: entity consent needs field \"status\" (opted_in or opted_out)", where)
	}
	_, hasNumber := fields["customer_number"]
	_, hasEmail := fields["email"]
	if _, hasPhone := fields["phone"]; !hasNumber && !hasEmail && !hasPhone {
		add("%s.columns: entity %s needs an identifier field: customer_number, email or phone", where, st.Entity)
	}
	return errs
}

// validateIdentity checks the fields of a contacts, touchpoints or
// ad_clicks stream: its key, its time and its identifiers.
func (st Stream) validateIdentity(where string, fields map[string]Column) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	spec := identitySpecs()[st.Entity]
	if col, ok := fields[spec.key]; !ok || col.Type != TypeString {
		add("%s.columns: entity %s needs a string key field %q", where, st.Entity, spec.key)
	}
	if col, ok := fields[spec.at]; !ok || col.Type != TypeTimestamp {
		add("%s.columns: entity %s needs a timestamp field %q", where, st.Entity, spec.at)
	}
	if st.EventTime != spec.at {
		add("%s.event_time: must be %s for entity %s", where, spec.at, st.Entity)
	}
	for _, id := range spec.identifiers {
		if col, ok := fields[id]; ok && col.Type != TypeString {
			add("%s.columns: identifier field %q must be a string", where, id)
		}
	}
	return errs
}

// checkFields checks a stream's mapped fields against an entity's fields
// and types: every required field is mapped, every mapped one has its type.
func checkFields(where string, entity Entity, mapped map[string]Column, spec map[string]string, required func(string) bool) []error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(spec)) {
		typ := spec[name]
		col, ok := mapped[name]
		switch {
		case !ok && required(name):
			errs = append(errs, fmt.Errorf("%s.columns: entity %s needs field %q (%s)", where, entity, name, typ))
		case ok && col.Type != typ:
			errs = append(errs, fmt.Errorf("%s.columns: field %q must be of type %s for entity %s, not %s", where, name, typ, entity, col.Type))
		}
	}
	return errs
}

// Entities lists what a file-drop stream's rows can be to segmint.
func Entities() []string {
	all := []Entity{EntityOrders, EntityConsent, EntityDeletionRequests, EntityContacts, EntityTouchpoints,
		EntityAdClicks, EntityAdMetrics, EntityProducts, EntitySuppressions}
	out := make([]string, len(all))
	for i, e := range all {
		out[i] = string(e)
	}
	return out
}

// IdentitySpec describes an entity whose rows carry identifiers: its key
// field, its time field, and the identifier fields identity resolution
// reads (all strings; any may be absent from a row).
type IdentitySpec struct {
	key, at     string
	identifiers []string
}

// Key is the field that identifies a row.
func (s IdentitySpec) Key() string { return s.key }

// At is the entity's timestamp field (a contact's last change).
func (s IdentitySpec) At() string { return s.at }

// Identifiers are the identifier fields, by segmint field name.
func (s IdentitySpec) Identifiers() []string { return s.identifiers }

// identitySpecs are the entities that feed identity resolution.
func identitySpecs() map[Entity]IdentitySpec {
	return map[Entity]IdentitySpec{
		"contacts":    {key: "contact_id", at: "updated_at", identifiers: []string{"contact_id", "customer_number", "email", "phone"}},
		"touchpoints": {key: "event_id", at: "occurred_at", identifiers: []string{"customer_number", "email", "device_id", "cookie_id"}},
		"ad_clicks":   {key: "click_id", at: "clicked_at", identifiers: []string{"cookie_id"}},
	}
}

// IdentityEntity returns the spec of an identity-bearing entity.
func IdentityEntity(entity Entity) (IdentitySpec, bool) {
	s, ok := identitySpecs()[entity]
	return s, ok
}

func (col Column) validate(where string) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if col.DecimalSeparator != "" && col.DecimalSeparator != "." && col.DecimalSeparator != "," {
		add("%s.decimal_separator: %q is not \".\" or \",\"", where, col.DecimalSeparator)
	}
	switch col.Type {
	case TypeString, TypeInt, TypeFloat, TypeBool:
	case TypeDecimal:
		if sc := col.DecimalScale(); sc < 0 || sc > MaxDecimalScale {
			add("%s.scale: %d is outside 0..%d", where, sc, MaxDecimalScale)
		}
	case TypeTimestamp, TypeDate:
		if col.Format == "" {
			add("%s.format: a Go time layout is required for %s columns", where, col.Type)
		}
		if _, err := time.LoadLocation(col.Timezone); err != nil {
			add("%s.timezone: %w", where, err)
		}
	default:
		add("%s.type: %q is not one of string, int, float, decimal, bool, timestamp, date", where, col.Type)
	}
	return errs
}

// OrdersFields returns the fields the orders entity understands, with their types.
func OrdersFields() map[string]string {
	return map[string]string{
		"order_id":        TypeString,
		"product_id":      TypeString,
		"description":     TypeString,
		"quantity":        TypeInt,
		"unit_price":      TypeDecimal,
		"ordered_at":      TypeTimestamp,
		"customer_number": TypeString,
		"country":         TypeString,
	}
}

// AdMetricsFields returns the fields the ad_metrics entity understands (an
// ad platform's metrics per day and campaign), with their types. The day
// is a timestamp (map a bare date with format "2006-01-02"); spend is in
// the row's currency, or the stream's when the row names none.
func AdMetricsFields() map[string]string {
	return map[string]string{
		"day":         TypeTimestamp,
		"platform":    TypeString,
		"channel":     TypeString,
		"campaign_id": TypeString,
		"impressions": TypeInt,
		"reach":       TypeInt,
		"clicks":      TypeInt,
		"spend":       TypeDecimal,
		"currency":    TypeString,
	}
}

// AdMetricsRequired reports whether a stream of entity ad_metrics must map
// field.
func AdMetricsRequired(field string) bool {
	switch field {
	case "day", "campaign_id", "impressions", "clicks", "spend":
		return true
	}
	return false
}

// ProductsFields returns the fields the products entity understands (a
// product catalog: one row per product, or several versions of one told
// apart by updated_at), with their types.
func ProductsFields() map[string]string {
	return map[string]string{
		"product_id": TypeString,
		"category":   TypeString,
		"name":       TypeString,
		"updated_at": TypeTimestamp,
	}
}

// ProductsRequired reports whether a stream of entity products must map
// field.
func ProductsRequired(field string) bool { return field == "product_id" || field == "category" }

// ProductKeys names the key set of a quality relationships rule that
// checks order lines' product ids against the catalog: every product id
// of the products streams (see README, Data quality).
const ProductKeys = "products.product_id"

// OrdersRequired reports whether a stream of entity orders must map field.
func OrdersRequired(field string) bool {
	switch field {
	case "order_id", "quantity", "unit_price", "ordered_at", "customer_number":
		return true
	}
	return false
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/quality"
)

// envOf is a fake getenv over a fixed map.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// ordersColumns is a complete, valid orders mapping.
func ordersColumns() []config.Column {
	return []config.Column{
		{From: "Invoice", To: "order_id", Type: config.TypeString, Required: true},
		{From: "Quantity", To: "quantity", Type: config.TypeInt, Required: true},
		{From: "Price", To: "unit_price", Type: config.TypeDecimal, Scale: config.Int(2), Required: true},
		{From: "InvoiceDate", To: "ordered_at", Type: config.TypeTimestamp, Format: "2006-01-02 15:04:05", Timezone: "UTC", Required: true},
		{From: "Customer ID", To: "customer_number", Type: config.TypeString},
	}
}

// validConfig is a configuration Validate accepts; tests break one thing.
func validConfig() config.Config {
	return config.Config{
		Store:    config.Store{Kind: "memory"},
		Currency: "GBP",
		Sources: []config.Source{{
			Name: "retail", Kind: "filedrop", Landing: "landing",
			Streams: []config.Stream{{
				Name: "orders", Entity: "orders", Format: "csv", Path: "orders",
				Pattern: "*.csv*", Delimiter: ",", Currency: "GBP", EventTime: "ordered_at",
				Columns: ordersColumns(),
			}},
		}},
	}
}

const validYAML = `
store:
  kind: memory
currency: GBP
sources:
  - name: retail
    kind: filedrop
    landing: landing
    streams:
      - name: orders
        entity: orders
        format: csv
        event_time: ordered_at
        columns:
          - {from: Invoice, to: order_id, type: string, required: true}
          - {from: Quantity, to: quantity, type: int, required: true}
          - {from: Price, to: unit_price, type: decimal, required: true}
          - {from: InvoiceDate, to: ordered_at, type: timestamp, format: "2006-01-02 15:04:05", required: true}
          - {from: Customer ID, to: customer_number, type: string}
`

func TestValidConfigPasses(t *testing.T) {
	c := validConfig()
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate() = %v, want nil", err)
	}
}

// TestCatalogWithRelationshipsPasses: a products stream with the required
// fields (and the optional name and updated_at) and a relationships rule
// of order lines to it are valid.
func TestCatalogWithRelationshipsPasses(t *testing.T) {
	c := validConfig()
	c.Sources[0].Streams = append(c.Sources[0].Streams, config.Stream{Name: "products", Entity: "products", Format: "csv",
		Delimiter: ",", EventTime: "updated_at", Columns: []config.Column{
			{From: "sku", To: "product_id", Type: config.TypeString, Required: true},
			{From: "cat", To: "category", Type: config.TypeString, Required: true},
			{From: "title", To: "name", Type: config.TypeString},
			{From: "changed", To: "updated_at", Type: config.TypeTimestamp, Format: "2006-01-02", Timezone: "UTC"},
		}})
	c.Quality.Datasets = []quality.Dataset{{Name: "raw/retail/orders", Rules: []quality.Rule{
		{Name: "known_product", Kind: quality.KindRelationships, Column: "product_id", To: config.ProductKeys, Severity: quality.SeverityWarn},
	}}}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate() = %v, want nil", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := validConfig()
	c.Store.Kind = ""                    // 1
	c.Currency = "gbp"                   // 2
	c.Sources[0].Landing = ""            // 3
	c.Sources[0].Streams[0].Format = "x" // 4
	c.Sources = append(c.Sources, config.Source{Name: "b", Kind: "ftp",
		Streams: []config.Stream{{Name: "s"}}}) // 5
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate() = nil, want 5 problems")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 5 {
		t.Errorf("got %d problems, want 5:\n%v", len(lines), err)
	}
	for _, want := range []string{
		"store.kind: required",
		`currency: "gbp"`,
		`sources[1].kind: "ftp"`,
		"sources[0].landing: required",
		`sources[0].streams[0].format: "x"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestValidateProblems(t *testing.T) {
	tests := []struct {
		name   string
		breakf func(c *config.Config)
		want   []string
	}{
		{
			name:   "local store without path",
			breakf: func(c *config.Config) { c.Store.Kind = "local" },
			want:   []string{"store.path: required"},
		},
		{
			name:   "pushgateway not an http URL",
			breakf: func(c *config.Config) { c.Metrics = config.Metrics{Pushgateway: "pushgateway:9091", Job: "a/b"} },
			want: []string{`metrics.pushgateway: "pushgateway:9091" is not an http(s) URL`,
				`metrics.job: "a/b" must be a name without / or spaces`},
		},
		{
			name: "s3 store with a negative retry budget",
			breakf: func(c *config.Config) {
				c.Store = config.Store{Kind: "s3", S3: config.S3{Bucket: "b", Retry: config.S3Retry{MaxAttempts: -1}}}
			},
			want: []string{"store.s3.retry: max_attempts and max_backoff must not be negative"},
		},
		{
			name:   "s3 store without bucket",
			breakf: func(c *config.Config) { c.Store.Kind = "s3" },
			want:   []string{"store.s3.bucket: required"},
		},
		{
			name:   "unknown store kind",
			breakf: func(c *config.Config) { c.Store.Kind = "ftp" },
			want:   []string{`store.kind: "ftp" is not local, s3 or memory`},
		},
		{
			name:   "no sources",
			breakf: func(c *config.Config) { c.Sources = nil },
			want:   []string{"sources: at least one source is required"},
		},
		{
			name: "duplicate source name",
			breakf: func(c *config.Config) {
				c.Sources = append(c.Sources, c.Sources[0])
			},
			want: []string{`sources[1].name: "retail" appears twice`},
		},
		{
			name: "orders stream missing a required field",
			breakf: func(c *config.Config) {
				st := &c.Sources[0].Streams[0]
				st.Columns = st.Columns[:4] // drops customer_number
			},
			want: []string{`sources[0].streams[0].columns: entity orders needs field "customer_number" (string)`},
		},
		{
			name: "orders field of the wrong type",
			breakf: func(c *config.Config) {
				c.Sources[0].Streams[0].Columns[1].Type = config.TypeFloat // quantity
			},
			want: []string{`field "quantity" must be of type int for entity orders, not float`},
		},
		{
			name: "bad timezone",
			breakf: func(c *config.Config) {
				c.Sources[0].Streams[0].Columns[3].Timezone = "Mars/Olympus_Mons"
			},
			want: []string{"sources[0].streams[0].columns[3].timezone: unknown time zone Mars/Olympus_Mons"},
		},
		{
			name: "timestamp without format",
			breakf: func(c *config.Config) {
				c.Sources[0].Streams[0].Columns[3].Format = ""
			},
			want: []string{"columns[3].format: a Go time layout is required"},
		},
		{
			name: "decimal scale out of range",
			breakf: func(c *config.Config) {
				c.Sources[0].Streams[0].Columns[2].Scale = config.Int(config.MaxDecimalScale + 1)
			},
			want: []string{"columns[2].scale: 7 is outside 0..6"},
		},
		{
			name: "unknown column type",
			breakf: func(c *config.Config) {
				c.Sources[0].Streams[0].Columns = append(c.Sources[0].Streams[0].Columns,
					config.Column{From: "X", To: "x", Type: "money"})
			},
			want: []string{`columns[5].type: "money" is not one of`},
		},
		{
			name: "field mapped twice",
			breakf: func(c *config.Config) {
				c.Sources[0].Streams[0].Columns = append(c.Sources[0].Streams[0].Columns,
					config.Column{From: "Other", To: "order_id", Type: config.TypeString})
			},
			want: []string{`columns[5].to: "order_id" is mapped twice`},
		},
		{
			name: "field name with leading underscore",
			breakf: func(c *config.Config) {
				c.Sources[0].Streams[0].Columns = append(c.Sources[0].Streams[0].Columns,
					config.Column{From: "F", To: "_source_file", Type: config.TypeString})
			},
			want: []string{`columns[5].to: "_source_file" must be a snake_case field name`},
		},
		{
			name: "event time is not ordered_at",
			breakf: func(c *config.Config) {
				c.Sources[0].Streams[0].EventTime = "order_id"
			},
			want: []string{
				`event_time: "order_id" is not a mapped timestamp field`,
				"event_time: must be ordered_at for entity orders",
			},
		},
		{
			name:   "two-character delimiter",
			breakf: func(c *config.Config) { c.Sources[0].Streams[0].Delimiter = ";;" },
			want:   []string{`delimiter: ";;" must be one character`},
		},
		{
			name:   "unknown entity",
			breakf: func(c *config.Config) { c.Sources[0].Streams[0].Entity = "invoices" },
			want:   []string{`entity: "invoices" is not known (orders, consent, deletion_requests, contacts, touchpoints, ad_clicks, ad_metrics, products, suppressions)`},
		},
		{
			name:   "stream currency without a rate",
			breakf: func(c *config.Config) { c.Sources[0].Streams[0].Currency = "EUR" },
			want:   []string{"sources[0].streams[0].currency: EUR is not the reporting currency GBP and has no rate in rates"},
		},
		{
			name: "malformed rates",
			breakf: func(c *config.Config) {
				c.Rates = []config.Rate{{Currency: "EUR", Rate: "-1"}}
			},
			want: []string{`rates: build rates: rate "-1" of EUR is not a positive decimal`},
		},
		{
			name: "rate with a bad day",
			breakf: func(c *config.Config) {
				c.Rates = []config.Rate{{Currency: "EUR", Rate: "0.85", From: "1/2/2010"}}
			},
			want: []string{`rates[0].from: "1/2/2010" is not a day (YYYY-MM-DD)`},
		},
		{
			name: "ad metrics without spend and platform",
			breakf: func(c *config.Config) {
				c.Sources[0].Streams[0] = config.Stream{Name: "ads", Entity: "ad_metrics", Format: "csv", Delimiter: ",",
					EventTime: "day", Columns: []config.Column{
						{From: "Day", To: "day", Type: config.TypeTimestamp, Format: "2006-01-02", Timezone: "UTC"},
						{From: "Campaign", To: "campaign_id", Type: config.TypeString},
						{From: "Impr", To: "impressions", Type: config.TypeInt},
						{From: "Clicks", To: "clicks", Type: config.TypeFloat},
					}}
			},
			want: []string{
				`entity ad_metrics needs field "spend" (decimal)`,
				`field "clicks" must be of type int for entity ad_metrics, not float`,
				`entity ad_metrics needs a field "platform" or "channel"`,
			},
		},
		{
			name: "products without category, with a float name and another event time",
			breakf: func(c *config.Config) {
				c.Sources[0].Streams = append(c.Sources[0].Streams, config.Stream{Name: "products", Entity: "products", Format: "csv",
					Delimiter: ",", EventTime: "created_at", Columns: []config.Column{
						{From: "sku", To: "product_id", Type: config.TypeString},
						{From: "title", To: "name", Type: config.TypeFloat},
						{From: "created", To: "created_at", Type: config.TypeTimestamp, Format: "2006-01-02", Timezone: "UTC"},
					}})
			},
			want: []string{
				`streams[1].columns: entity products needs field "category" (string)`,
				`field "name" must be of type string for entity products, not float`,
				`streams[1].event_time: must be updated_at or empty for entity products`,
			},
		},
		{
			name: "relationships rule without a catalog, and to an unknown key set",
			breakf: func(c *config.Config) {
				c.Quality.Datasets = []quality.Dataset{{Name: "raw/retail/orders", Rules: []quality.Rule{
					{Name: "known_product", Kind: quality.KindRelationships, Column: "product_id", To: config.ProductKeys, Severity: quality.SeverityWarn},
					{Name: "known_customer", Kind: quality.KindRelationships, Column: "customer_number", To: "crm.customer_number", Severity: quality.SeverityWarn},
				}}}
			},
			want: []string{
				`quality.datasets[0].rules[0].to: products.product_id needs a file-drop stream of entity products`,
				`quality.datasets[0].rules[1].to: "crm.customer_number" is not a key set segmint provides (products.product_id)`,
			},
		},
		{
			name:   "upper-case stream name",
			breakf: func(c *config.Config) { c.Sources[0].Streams[0].Name = "Orders" },
			want:   []string{`streams[0].name: "Orders" must be lower-case`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig()
			tt.breakf(&c)
			err := c.Validate()
			if err == nil {
				t.Fatalf("Validate() = nil, want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if n, m := strings.Count(err.Error(), "\n")+1, len(tt.want); n != m {
				t.Errorf("got %d problems, want %d:\n%v", n, m, err)
			}
		})
	}
}

func TestParseRejectsUnknownKeys(t *testing.T) {
	tests := []struct {
		name, yaml, key string
	}{
		{"top level", validYAML + "segmentz: {}\n", "segmentz"},
		{"in store", strings.Replace(validYAML, "kind: memory", "kind: memory\n  pathh: x", 1), "pathh"},
		{"in column", strings.Replace(validYAML, "{from: Invoice,", "{form: Invoice, from: Invoice,", 1), "form"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse([]byte(tt.yaml), nil)
			if err == nil || !strings.Contains(err.Error(), tt.key) {
				t.Fatalf("Parse() error = %v, want one naming %q", err, tt.key)
			}
		})
	}
	if _, err := config.Parse([]byte(validYAML), nil); err != nil {
		t.Fatalf("the unbroken YAML does not parse: %v", err)
	}
}

// An unknown key does not hide the other problems of the file: a second
// unknown key, a value of the wrong type and what Validate finds all come
// back in one error, one problem a line.
func TestUnknownKeyReportedWithEveryOtherProblem(t *testing.T) {
	y := strings.Replace(validYAML, "currency: GBP", "currency: pounds\nsegmentz: {}", 1)
	y = strings.Replace(y, "kind: memory", "kind: memory\n  pathh: x", 1)
	y = strings.Replace(y, "name: retail", "name: Retail", 1)
	y += "lifecycle: {new_days: soon}\n"
	_, err := config.Parse([]byte(y), nil)
	if err == nil {
		t.Fatal("Parse accepted a broken file")
	}
	want := []string{"field segmentz not found", "field pathh not found", "soon", "currency", "sources[0].name"}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	if n := strings.Count(err.Error(), "\n") + 1; n < len(want) {
		t.Errorf("%d lines for %d problems:\n%v", n, len(want), err)
	}
	// A file that is no YAML stops at the syntax error.
	if _, err := config.Parse([]byte("store: [\n"), nil); err == nil || !strings.Contains(err.Error(), "parse config") {
		t.Errorf("syntax error: %v", err)
	}
}

func TestDefaults(t *testing.T) {
	c, err := config.Parse([]byte(validYAML), nil)
	if err != nil {
		t.Fatal(err)
	}
	st := c.Sources[0].Streams[0]
	checks := []struct{ name, got, want string }{
		{"path", st.Path, "orders"},
		{"pattern", st.Pattern, "*.csv*"},
		{"delimiter", st.Delimiter, ","},
		{"currency", st.Currency, "GBP"},
		{"timezone", st.Columns[3].Timezone, "UTC"},
		{"region", c.Store.S3.Region, "us-east-1"},
	}
	for _, ck := range checks {
		t.Run(ck.name, func(t *testing.T) {
			if ck.got != ck.want {
				t.Errorf("%s = %q, want %q", ck.name, ck.got, ck.want)
			}
		})
	}
	if got := st.Columns[2].DecimalScale(); got != 2 {
		t.Errorf("decimal scale = %d, want 2", got)
	}
	if got := st.Columns[0].Timezone; got != "" {
		t.Errorf("string column got timezone %q", got)
	}
}

func TestDefaultsKeepExplicitValues(t *testing.T) {
	y := strings.Replace(validYAML, "format: csv", "format: csv\n        path: exports/orders\n        delimiter: \";\"\n        currency: EUR\n        pattern: \"orders_*.csv\"", 1)
	y = strings.Replace(y, "type: decimal,", "type: decimal, scale: 4,", 1)
	y += "rates:\n  - {currency: EUR, rate: \"0.85\"}\n" // a EUR stream needs a rate
	c, err := config.Parse([]byte(y), nil)
	if err != nil {
		t.Fatal(err)
	}
	st := c.Sources[0].Streams[0]
	if st.Path != "exports/orders" || st.Delimiter != ";" || st.Currency != "EUR" || st.Pattern != "orders_*.csv" {
		t.Errorf("explicit values were overridden: %+v", st)
	}
	if st.Columns[2].DecimalScale() != 4 {
		t.Errorf("scale = %d, want 4", st.Columns[2].DecimalScale())
	}
}

// An explicit scale 0 (whole currency units, such as JPY) is kept, not
// replaced by the default.
func TestExplicitScaleZeroIsKept(t *testing.T) {
	y := strings.Replace(validYAML, "type: decimal,", "type: decimal, scale: 0,", 1)
	c, err := config.Parse([]byte(y), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Sources[0].Streams[0].Columns[2].DecimalScale(); got != 0 {
		t.Errorf("scale = %d, want 0", got)
	}
}

func TestApplyEnv(t *testing.T) {
	base := func() config.Config {
		c := validConfig()
		c.Store = config.Store{Kind: "s3", Path: "data", S3: config.S3{
			Bucket: "b", Prefix: "p", Endpoint: "http://minio:9000", Region: "eu-west-2", PathStyle: true,
		}}
		return c
	}
	tests := []struct {
		name string
		env  map[string]string
		want config.Store
	}{
		{
			name: "nothing set keeps the file",
			env:  nil,
			want: base().Store,
		},
		{
			name: "empty values do not override",
			env:  map[string]string{"SEGMINT_S3_ENDPOINT": "", "SEGMINT_S3_PATH_STYLE": ""},
			want: base().Store,
		},
		{
			name: "every setting",
			env: map[string]string{
				"SEGMINT_STORE_KIND": "local", "SEGMINT_STORE_PATH": "/srv/data",
				"SEGMINT_S3_BUCKET": "bkt", "SEGMINT_S3_PREFIX": "pre/fix",
				"SEGMINT_S3_ENDPOINT": "https://s3.example.com", "SEGMINT_S3_REGION": "us-west-1",
				"SEGMINT_S3_PATH_STYLE": "false",
			},
			want: config.Store{Kind: "local", Path: "/srv/data", S3: config.S3{
				Bucket: "bkt", Prefix: "pre/fix", Endpoint: "https://s3.example.com", Region: "us-west-1", PathStyle: false,
			}},
		},
		{
			name: "path style 0",
			env:  map[string]string{"SEGMINT_S3_PATH_STYLE": "0"},
			want: func() config.Store { s := base().Store; s.S3.PathStyle = false; return s }(),
		},
		{
			name: "path style garbage is ignored",
			env:  map[string]string{"SEGMINT_S3_PATH_STYLE": "maybe"},
			want: base().Store,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base()
			c.ApplyEnv(envOf(tt.env))
			if c.Store != tt.want {
				t.Errorf("store = %+v, want %+v", c.Store, tt.want)
			}
		})
	}

	t.Run("path style TRUE turns it on", func(t *testing.T) {
		c := base()
		c.Store.S3.PathStyle = false
		c.ApplyEnv(envOf(map[string]string{"SEGMINT_S3_PATH_STYLE": "TRUE"}))
		if !c.Store.S3.PathStyle {
			t.Error("PathStyle = false, want true")
		}
	})
	t.Run("nil getenv", func(t *testing.T) {
		c := base()
		c.ApplyEnv(nil)
		if c.Store != base().Store {
			t.Errorf("store changed: %+v", c.Store)
		}
	})
}

func TestParseAppliesEnvBeforeValidate(t *testing.T) {
	y := strings.Replace(validYAML, "kind: memory", "kind: s3", 1) // no bucket: invalid alone
	if _, err := config.Parse([]byte(y), nil); err == nil {
		t.Fatal("s3 store without bucket parsed")
	}
	c, err := config.Parse([]byte(y), envOf(map[string]string{
		"SEGMINT_S3_BUCKET": "from-env", "SEGMINT_S3_PREFIX": "/runs/a/",
	}))
	if err != nil {
		t.Fatalf("Parse() with SEGMINT_S3_BUCKET = %v", err)
	}
	if c.Store.S3.Bucket != "from-env" {
		t.Errorf("bucket = %q", c.Store.S3.Bucket)
	}
	if c.Store.S3.Prefix != "runs/a" {
		t.Errorf("prefix = %q, want slashes trimmed", c.Store.S3.Prefix)
	}
}

func TestRepoConfigsLoad(t *testing.T) {
	tests := []struct {
		file, kind string
	}{
		{"../../configs/local.yaml", "local"},
		{"../../configs/s3.yaml", "s3"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, err := config.Load(tt.file, envOf(nil))
			if err != nil {
				t.Fatalf("Load(%s) = %v", tt.file, err)
			}
			if c.Store.Kind != tt.kind {
				t.Errorf("store.kind = %q, want %q", c.Store.Kind, tt.kind)
			}
			if err := c.Validate(); err != nil {
				t.Errorf("Validate() after Load = %v", err)
			}
			if len(c.Sources) == 0 || len(c.Sources[0].Streams) == 0 {
				t.Fatalf("no streams in %s", tt.file)
			}
			if st := c.Sources[0].Streams[0]; st.Entity != "orders" || st.Path != st.Name {
				t.Errorf("stream = %+v", st)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	if _, err := config.Load(t.TempDir()+"/nope.yaml", nil); err == nil || !strings.Contains(err.Error(), "read config") {
		t.Fatalf("Load() = %v, want read config error", err)
	}
}

// The rates table is read from YAML (an unquoted day included) and
// converts with the rate in force on each day.
func TestRatesTable(t *testing.T) {
	y := validYAML + "rates:\n  - {currency: EUR, rate: \"0.90\"}\n  - {currency: eur, rate: \"0.85\", from: 2010-06-01}\n"
	c, err := config.Parse([]byte(y), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.RatesTable()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		day  string
		want int64
	}{{"2010-05-31", 9_000_000}, {"2010-06-01", 8_500_000}} {
		day, _ := time.Parse(time.DateOnly, tt.day)
		got, err := r.Convert(10_000_000, "EUR", "GBP", day)
		if err != nil || got != tt.want {
			t.Errorf("10 EUR on %s = %d, %v; want %d", tt.day, got, err, tt.want)
		}
	}
}

func TestS3RetryBudgetParses(t *testing.T) {
	c, err := config.Parse([]byte(`
store:
  kind: s3
  s3: {bucket: b, retry: {max_attempts: 12, max_backoff: 1m30s}}
currency: GBP
sources:
  - {name: shop, kind: filedrop, landing: in, streams: [{name: products, entity: products, format: csv,
      columns: [{from: a, to: product_id, type: string}, {from: b, to: category, type: string}]}]}
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Store.S3.Retry, (config.S3Retry{MaxAttempts: 12, MaxBackoff: 90 * time.Second}); got != want {
		t.Errorf("retry = %+v, want %+v", got, want)
	}
}

func TestLockStaleAfter(t *testing.T) {
	c, err := config.Parse([]byte(validYAML), nil)
	if err != nil || c.Store.LockStaleAfter != 10*time.Minute {
		t.Fatalf("default lock_stale_after = %v (%v), want 10m", c.Store.LockStaleAfter, err)
	}
	y := strings.Replace(validYAML, "kind: memory", "kind: memory\n  lock_stale_after: 25m", 1)
	if c, err := config.Parse([]byte(y), nil); err != nil || c.Store.LockStaleAfter != 25*time.Minute {
		t.Fatalf("lock_stale_after: 25m gives %v (%v)", c.Store.LockStaleAfter, err)
	}
	y = strings.Replace(validYAML, "kind: memory", "kind: memory\n  lock_stale_after: 30s", 1)
	if _, err := config.Parse([]byte(y), nil); err == nil || !strings.Contains(err.Error(), "store.lock_stale_after") {
		t.Errorf("lock_stale_after: 30s: %v, want an error naming it", err)
	}
}

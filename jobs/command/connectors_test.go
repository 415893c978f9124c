package command_test

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/jobs/command"
	"github.com/segmint/segmint/jobs/ingest"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/connector"
	gadsfake "github.com/segmint/segmint/lib/connector/googleads/fake"
	hubspotfake "github.com/segmint/segmint/lib/connector/hubspot/fake"
	metafake "github.com/segmint/segmint/lib/connector/meta/fake"
	sffake "github.com/segmint/segmint/lib/connector/salesforce/fake"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/duckdbtest"
	"github.com/segmint/segmint/lib/httpclient"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
)

// secrets are the demo credentials the fakes accept, by variable name.
var secrets = map[string]string{
	"HUBSPOT_TOKEN": "pat-demo",
	"GADS_DEV":      "dev-demo", "GADS_CID": "cid", "GADS_CSECRET": "csecret", "GADS_REFRESH": "refresh-demo",
	"SF_CID": "sf-cid", "SF_CSECRET": "sf-csecret", "SF_REFRESH": "sf-refresh",
	"META_TOKEN": "meta-demo-token",
}

type fakes struct {
	hubspot *hubspotfake.Server
	gads    *gadsfake.Handler
	urls    map[string]string
}

func startFakes(t testing.TB, contacts int, end time.Time) *fakes {
	t.Helper()
	f := &fakes{urls: map[string]string{}}
	f.hubspot = hubspotfake.New(hubspotfake.Options{Token: secrets["HUBSPOT_TOKEN"], Max: 1 << 30, Daily: 1 << 30})
	f.hubspot.Seed(contacts, end, 7)
	hs := httptest.NewServer(f.hubspot)
	t.Cleanup(hs.Close)
	f.urls["hubspot"] = hs.URL
	f.gads = gadsfake.NewHandler(gadsfake.Options{Seed: 7, CustomerID: "1234567890", DeveloperToken: secrets["GADS_DEV"],
		ClientID: secrets["GADS_CID"], ClientSecret: secrets["GADS_CSECRET"], RefreshToken: secrets["GADS_REFRESH"]})
	gs := httptest.NewServer(f.gads)
	t.Cleanup(gs.Close)
	f.urls["google_ads"] = gs.URL
	sf := httptest.NewServer(sffake.NewHandler(sffake.Options{Seed: 7, Contacts: contacts, Accounts: contacts / 5,
		Opportunities: contacts / 2, Start: end.AddDate(0, 0, -30), ClientID: secrets["SF_CID"],
		ClientSecret: secrets["SF_CSECRET"], RefreshToken: secrets["SF_REFRESH"]}))
	t.Cleanup(sf.Close)
	f.urls["salesforce"] = sf.URL
	mf := httptest.NewServer(metafake.NewHandler(metafake.Options{Seed: 7, Token: secrets["META_TOKEN"], Account: "act_42", Currency: "EUR"}))
	t.Cleanup(mf.Close)
	f.urls["meta"] = mf.URL
	return f
}

func (f *fakes) config(streams ...string) *config.Config {
	return &config.Config{Store: config.Store{Kind: "memory"}, Currency: "EUR", Sources: []config.Source{
		{Name: "hubspot", Kind: "hubspot", BaseURL: f.urls["hubspot"], Auth: map[string]string{"token": "HUBSPOT_TOKEN"},
			RateLimit: 10000, Streams: []config.Stream{{Name: "contacts"}, {Name: "companies"}, {Name: "deals"}}},
		{Name: "google_ads", Kind: "google_ads", BaseURL: f.urls["google_ads"], Account: "1234567890", RateLimit: 10000,
			LookbackDays: 30,
			Auth:         map[string]string{"developer_token": "GADS_DEV", "client_id": "GADS_CID", "client_secret": "GADS_CSECRET", "refresh_token": "GADS_REFRESH"},
			Options:      map[string]string{"token_url": f.urls["google_ads"], "currency": "EUR"},
			Streams:      []config.Stream{{Name: "campaign_daily"}}},
		{Name: "salesforce", Kind: "salesforce", BaseURL: f.urls["salesforce"], RateLimit: 10000,
			Auth:    map[string]string{"client_id": "SF_CID", "client_secret": "SF_CSECRET", "refresh_token": "SF_REFRESH"},
			Streams: []config.Stream{{Name: "contacts"}, {Name: "accounts"}, {Name: "opportunities"}}},
		{Name: "meta", Kind: "meta", BaseURL: f.urls["meta"], Account: "act_42", RateLimit: 10000, LookbackDays: 28,
			Auth: map[string]string{"token": "META_TOKEN"}, Options: map[string]string{"async_poll_interval": "10ms"},
			Streams: []config.Stream{{Name: "ad_insights"}}},
	}}
}

func testEnv(t testing.TB, st store.Store, cfg *config.Config, now time.Time) step.Env {
	log := zerolog.Nop()
	return step.Env{
		Store: st, Config: cfg, Log: log, RunID: "it", Now: func() time.Time { return now },
		Connectors: func(src config.Source, log zerolog.Logger) ([]connector.Stream, error) {
			return command.OpenConnectors(src, connector.Deps{
				Getenv: func(k string) string { return secrets[k] }, Log: log, Now: func() time.Time { return now },
				HTTP: httpclient.Config{RetryMax: 3, WaitMin: time.Millisecond, WaitMax: 20 * time.Millisecond, Timeout: 5 * time.Second},
			})
		},
	}
}

// TestIngestFromFakes pulls every stream of HubSpot and Google Ads from
// their fakes through the real connectors into committed Parquet, and reads
// the raw partitions back with DuckDB with the documented types.
func TestIngestFromFakes(t *testing.T) {
	end := time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)
	f := startFakes(t, 500, end)
	st, err := store.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := f.config()
	d := rundatetest.Parse(t, "2024-03-31")
	stats, err := ingest.Run(t.Context(), testEnv(t, st, cfg, end.Add(36*time.Hour)), d)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"hubspot/contacts", "hubspot/deals", "google_ads/campaign_daily", "salesforce/contacts",
		"salesforce/opportunities", "meta/ad_insights"} {
		if stats[k+".rows_written"] == 0 {
			t.Errorf("%s wrote no rows: %v", k, stats)
		}
	}
	if stats["salesforce/contacts.tombstones"] == 0 {
		t.Errorf("no Salesforce tombstones: %v", stats)
	}
	// A second run of the next date finds nothing new in the CRM.
	d2 := d.AddDays(1)
	stats2, err := ingest.Run(t.Context(), testEnv(t, st, cfg, end.Add(60*time.Hour)), d2)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"hubspot/contacts", "salesforce/contacts"} {
		if n := stats2[k+".rows_written"]; n != 0 {
			t.Errorf("nothing new, yet %d %s written", n, k)
		}
	}

	db := duckdbtest.Open(t)
	types := func(ds string, date rundate.Date) map[string]string {
		glob := duckdbtest.Parts(st, dataset.Partition{Dataset: ds, Date: date})
		m, err := manifestRows(t, st, ds, date)
		if err != nil {
			t.Fatal(err)
		}
		if n := duckdbtest.QueryInt(t, db, fmt.Sprintf("SELECT count(*) FROM read_parquet('%s')", glob)); n != m {
			t.Errorf("%s/%s: DuckDB reads %d rows, manifest %d", ds, date.Partition(), n, m)
		}
		return duckdbtest.ColumnTypes(t, db, glob)
	}
	hs := types("raw/hubspot/contacts", d)
	for col, want := range map[string]string{"_modified_at": "TIMESTAMP WITH TIME ZONE", "_deleted": "BOOLEAN", "email": "VARCHAR"} {
		if hs[col] != want {
			t.Errorf("hubspot contacts %s: %q, want %q", col, hs[col], want)
		}
	}
	deals := types("raw/hubspot/deals", d)
	if deals["amount"] != "DOUBLE" {
		t.Errorf("deal amount: %q, want DOUBLE (currency units)", deals["amount"])
	}
	sfo := types("raw/salesforce/opportunities", d)
	for col, want := range map[string]string{"Amount": "DOUBLE", "CloseDate": "DATE", "_modified_at": "TIMESTAMP WITH TIME ZONE"} {
		if sfo[col] != want {
			t.Errorf("salesforce opportunities %s: %q, want %q", col, sfo[col], want)
		}
	}
	mi := types("raw/meta/ad_insights", d)
	for col, want := range map[string]string{"spend": "DOUBLE", "impressions": "BIGINT", "_day": "DATE"} {
		if mi[col] != want {
			t.Errorf("meta %s: %q, want %q", col, mi[col], want)
		}
	}
	ga := types("raw/google_ads/campaign_daily", d)
	for col, want := range map[string]string{"cost": "DOUBLE", "impressions": "BIGINT", "_day": "DATE"} {
		if ga[col] != want {
			t.Errorf("google ads %s: %q, want %q", col, ga[col], want)
		}
	}
}

func manifestRows(t testing.TB, st store.Store, ds string, d rundate.Date) (int64, error) {
	m, err := dataset.ReadManifest(t.Context(), st, dataset.Partition{Dataset: ds, Date: d})
	if err != nil {
		return 0, err
	}
	return m.Rows, nil
}

// BenchmarkIngestCRM pulls 100,000 contacts of each CRM from its local fake
// through the connector, the retry layer and the orchestrator into
// committed Parquet.
func BenchmarkIngestCRM(b *testing.B) {
	const n = 100_000
	end := time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)
	f := startFakes(b, n, end)
	d := rundatetest.Parse(b, "2024-03-31")
	for _, source := range []string{"hubspot", "salesforce"} {
		b.Run(source, func(b *testing.B) {
			cfg := f.config()
			for _, src := range cfg.Sources {
				if src.Name == source {
					src.Streams = []config.Stream{{Name: "contacts"}}
					cfg.Sources = []config.Source{src}
					break
				}
			}
			var rows int64
			for b.Loop() {
				stats, err := ingest.Run(b.Context(), testEnv(b, store.NewMem(), cfg, end.Add(36*time.Hour)), d)
				if err != nil {
					b.Fatal(err)
				}
				rows += stats[source+"/contacts.rows_written"]
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// TestDailyStreamsCarryTheirLookback: without lookback_days in the config,
// Google Ads re-reads 30 days and Meta 28.
func TestDailyStreamsCarryTheirLookback(t *testing.T) {
	f := startFakes(t, 10, time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC))
	want := map[string]int{"google_ads": 30, "meta": 28}
	for _, src := range f.config().Sources {
		n, ok := want[src.Name]
		if !ok {
			continue
		}
		streams, err := command.OpenConnectors(src, connector.Deps{Getenv: func(k string) string { return secrets[k] }, Log: zerolog.Nop(), Now: time.Now})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range streams {
			dl, ok := s.(ingest.DefaultLookback)
			if !ok || dl.DefaultLookbackDays() != n {
				t.Errorf("%s/%s: look-back default missing or wrong", src.Name, s.Name())
			}
		}
	}
}

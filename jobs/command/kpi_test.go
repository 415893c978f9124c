package command_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/segmint/segmint/jobs/features"
	"github.com/segmint/segmint/jobs/ingest"
	"github.com/segmint/segmint/jobs/unify"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/duckdbtest"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/store"
)

// TestAdAPIsFeedDailyKPIs: Google Ads campaign_daily (cost from micros,
// billed in USD) and Meta ad_insights (per ad, billed in EUR) pulled from
// their fakes through the real connectors feed kpi/daily: per day and
// campaign, impressions, clicks and spend in GBP equal DuckDB SQL over the
// raw partitions and the rates; Google Ads reports no reach (null), and
// Meta's per-ad reach is not added up (the fake's campaigns run several
// ads, so their reach is null; lib/kpi tests the single-ad case).
func TestAdAPIsFeedDailyKPIs(t *testing.T) {
	end := time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)
	f := startFakes(t, 10, end)
	cfg := f.config()
	cfg.Currency = "GBP"
	cfg.Rates = []config.Rate{{Currency: "USD", Rate: "0.79"}, {Currency: "EUR", Rate: "0.8571", From: "2024-03-29"}, {Currency: "EUR", Rate: "0.86"}}
	var ads []config.Source
	for _, src := range cfg.Sources {
		switch src.Kind {
		case "google_ads":
			src.Options["currency"] = "usd"
			src.LookbackDays = 5
			ads = append(ads, src)
		case "meta":
			src.LookbackDays = 5
			ads = append(ads, src)
		}
	}
	cfg.Sources = ads
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	st, err := store.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	env := testEnv(t, st, cfg, end.Add(36*time.Hour))
	d := rundatetest.Parse(t, "2024-03-31")
	if _, err := ingest.Run(t.Context(), env, d); err != nil {
		t.Fatal(err)
	}
	if _, err := unify.Run(t.Context(), env, d); err != nil {
		t.Fatal(err)
	}
	stats, err := features.Run(t.Context(), env, d)
	if err != nil {
		t.Fatal(err)
	}
	db := duckdbtest.Open(t)
	raw := func(ds string) string { return filepath.Join(st.Path(ds+"/x"), "..", "dt=*", "part-*.parquet") }
	daily := duckdbtest.Parts(st, dataset.Partition{Dataset: "kpi/daily", Date: d})
	q := fmt.Sprintf(`
WITH rates AS (SELECT * FROM (VALUES ('USD', 0.79, DATE '1900-01-01'), ('EUR', 0.86, DATE '1900-01-01'), ('EUR', 0.8571, DATE '2024-03-29')) r(currency, rate, from_day)),
src AS (
  SELECT _day AS day, 'paid_search' AS channel, campaign_id, impressions, clicks, CAST(NULL AS BIGINT) AS reach,
         CAST(round(cost * 1000000) AS BIGINT) AS micros, upper(currency) AS currency FROM read_parquet('%[1]s')
  UNION ALL
  SELECT _day, 'paid_social', campaign_id, impressions, clicks, reach, CAST(round(spend * 1000000) AS BIGINT), account_currency FROM read_parquet('%[2]s')
), conv AS (
  SELECT s.*, round(s.micros * CAST(r.rate AS DECIMAL(18,6)), 0) AS gbp_micros FROM src s ASOF JOIN rates r ON s.currency = r.currency AND s.day >= r.from_day
), e AS (
  SELECT day, channel, campaign_id, sum(impressions) AS impressions, sum(clicks) AS clicks,
         CASE WHEN count(*) = 1 THEN max(reach) END AS reach,
         CAST(round(sum(gbp_micros) / 1000000, 2) AS DECIMAL(18,2)) AS spend
  FROM conv GROUP BY ALL
), a AS (SELECT * FROM read_parquet('%[3]s'))
SELECT count(*) FROM e FULL OUTER JOIN a ON e.day = a.day AND e.channel = a.channel AND e.campaign_id = a.campaign_id
WHERE e.impressions IS DISTINCT FROM a.impressions OR e.clicks IS DISTINCT FROM a.clicks
   OR e.reach IS DISTINCT FROM a.reach OR e.spend IS DISTINCT FROM a.spend`,
		raw("raw/google_ads/campaign_daily"), raw("raw/meta/ad_insights"), daily)
	var n int64
	if err := db.QueryRowContext(t.Context(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d kpi/daily rows differ from the raw API rows", n)
	}
	var rows, search, social, withReach int64
	if err := db.QueryRowContext(t.Context(), fmt.Sprintf(`SELECT count(*), count(*) FILTER (WHERE channel = 'paid_search'),
  count(*) FILTER (WHERE channel = 'paid_social'), count(reach) FROM read_parquet('%s')`, daily)).Scan(&rows, &search, &social, &withReach); err != nil {
		t.Fatal(err)
	}
	if search == 0 || social == 0 || stats["kpi_daily_ad_rows"] <= rows {
		t.Fatalf("%d rows (%d search, %d social) from %d ad rows", rows, search, social, stats["kpi_daily_ad_rows"])
	}
	t.Logf("%d kpi/daily rows (%d search, %d social, %d with reach) from %d API rows equal the SQL", rows, search, social, withReach, stats["kpi_daily_ad_rows"])
}

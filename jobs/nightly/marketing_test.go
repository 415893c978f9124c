package nightly_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segmint/segmint/jobs/nightly"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/duckdbtest"
	"github.com/segmint/segmint/lib/fixture"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/runlog"
	"github.com/segmint/segmint/lib/store"
)

// touchOwners writes a CSV of field and customer_id for every raw
// touchpoint of d whose identity record has a customer in ids and whose
// field is set, and returns its path.
func touchOwners(t *testing.T, st *store.Local, d rundate.Date, ids map[string]string, field string) string {
	t.Helper()
	spec, _ := config.IdentityEntity("touchpoints")
	var b strings.Builder
	b.WriteString(field + ",customer_id\n")
	eachRawRow(t, st, dataset.Partition{Dataset: "raw/web/touchpoints", Date: d}, func(get func(string) string) {
		if id := ids[contract.RecordKey("web", "touchpoints", "touchpoints", spec, get)]; id != "" && get(field) != "" {
			fmt.Fprintf(&b, "%q,%s\n", get(field), id)
		}
	})
	path := filepath.Join(t.TempDir(), field+"_owners.csv")
	fixture.Write(t, path, b.String())
	return path
}

// ratesSQL is the config's rates table as a DuckDB relation (currency,
// rate, from_day), with the reporting currency at rate 1 since always.
func ratesSQL(cfg *config.Config) string {
	rows := []string{fmt.Sprintf("('%s', CAST(1 AS DECIMAL(18,6)), DATE '1900-01-01')", cfg.Currency)}
	for _, r := range cfg.Rates {
		from := r.From
		if from == "" {
			from = "1900-01-01"
		}
		rows = append(rows, fmt.Sprintf("('%s', CAST('%s' AS DECIMAL(18,6)), DATE '%s')", strings.ToUpper(r.Currency), r.Rate, from))
	}
	return "(SELECT * FROM (VALUES " + strings.Join(rows, ", ") + ") r(currency, rate, from_day))"
}

// TestAdKPIsEqualIndependentSQL: the ad columns of kpi/daily equal DuckDB
// SQL over the landed ad metrics export and the config's rates: spend
// converted at the rate of the row's day (an ASOF join), impressions,
// clicks, reach (only from a single row), CTR, CPA, CAC and ROAS, and the
// rows no platform reports carry none of them. (Orders, revenue and new
// customers are checked by TestDailyKPIsEqualIndependentSQL.)
func TestAdKPIsEqualIndependentSQL(t *testing.T) {
	cfg, st := runSample(t, sampleDate)
	d := rundatetest.Parse(t, sampleDate)
	db := duckdbtest.Open(t)
	export := filepath.Join(repoRoot(t), "testdata/synthetic/ad_metrics.csv")
	daily := duckdbtest.Parts(st, dataset.Partition{Dataset: "kpi/daily", Date: d})
	expected := fmt.Sprintf(`
WITH rates AS %[1]s,
ads AS (
  SELECT CAST(day AS DATE) AS day,
         CASE platform WHEN 'google_ads' THEN 'paid_search' WHEN 'meta' THEN 'paid_social' ELSE platform END AS channel,
         campaign_id, CAST(impressions AS BIGINT) AS impressions, CAST(nullif(reach, '') AS BIGINT) AS reach,
         CAST(clicks AS BIGINT) AS clicks, CAST(spend AS DECIMAL(18,2)) AS spend, upper(currency) AS currency
  FROM read_csv('%[2]s', header=true, all_varchar=true) WHERE CAST(day AS DATE) <= DATE '%[3]s'
), conv AS (
  SELECT a.*, round(a.spend * r.rate, 6) AS spend_rc FROM ads a ASOF JOIN rates r ON a.currency = r.currency AND a.day >= r.from_day
)
SELECT day, channel, campaign_id, sum(impressions) AS impressions, sum(clicks) AS clicks,
       CASE WHEN count(*) = 1 THEN max(reach) END AS reach, sum(spend_rc) AS spend_exact, count(*) AS n
FROM conv GROUP BY ALL`, ratesSQL(cfg), export, sampleDate)
	if n, m := duckdbtest.QueryInt(t, db, fmt.Sprintf("SELECT count(*) FROM (%s)", expected)),
		duckdbtest.QueryInt(t, db, fmt.Sprintf("SELECT count(*) FROM read_csv('%s', header=true, all_varchar=true) WHERE CAST(day AS DATE) <= DATE '%s'", export, sampleDate)); n < 1000 || n != m {
		t.Fatalf("%d expected rows from %d export rows (each campaign and day once, no rate missing)", n, m)
	}
	q := fmt.Sprintf(`
WITH e AS (%[1]s), a AS (SELECT * FROM read_parquet('%[2]s') WHERE impressions IS NOT NULL),
cmp AS (
  SELECT e.campaign_id IS NULL AS no_e, a.campaign_id IS NULL AS no_a,
    e.impressions AS e_impr, a.impressions AS a_impr, e.clicks AS e_clicks, a.clicks AS a_clicks,
    e.reach AS e_reach, a.reach AS a_reach, e.spend_exact, a.spend AS a_spend, a.ctr AS a_ctr,
    CAST(a.cpa * 100 AS BIGINT) AS a_cpa, CAST(a.cac * 100 AS BIGINT) AS a_cac, a.roas AS a_roas, a.revenue AS a_revenue,
    CAST(round(e.spend_exact, 2) AS DECIMAL(18,2)) AS e_spend,
    CASE WHEN e.impressions > 0 THEN CAST(e.clicks AS DOUBLE) / e.impressions END AS e_ctr,
    CASE WHEN a.orders > 0 THEN CAST((CAST(e.spend_exact * 1000000 AS HUGEINT) * 2 + a.orders * 10000) // (2 * a.orders * 10000) AS BIGINT) END AS e_cpa,
    CASE WHEN a.new_customers > 0 THEN CAST((CAST(e.spend_exact * 1000000 AS HUGEINT) * 2 + a.new_customers * 10000) // (2 * a.new_customers * 10000) AS BIGINT) END AS e_cac
  FROM e FULL OUTER JOIN a ON e.day = a.day AND e.channel = a.channel AND e.campaign_id = a.campaign_id
)
SELECT count(*) FROM cmp
WHERE no_e OR no_a OR e_impr IS DISTINCT FROM a_impr OR e_clicks IS DISTINCT FROM a_clicks
   OR e_reach IS DISTINCT FROM a_reach OR e_spend IS DISTINCT FROM a_spend
   OR (e_ctr IS NULL) <> (a_ctr IS NULL) OR abs(e_ctr - a_ctr) > 1e-12
   OR e_cpa IS DISTINCT FROM a_cpa OR e_cac IS DISTINCT FROM a_cac
   OR (a_roas IS NULL) <> (spend_exact = 0)
   -- ROAS is from the exact revenue; a.revenue is rounded to the cent.
   OR abs(a_roas - CAST(a_revenue AS DOUBLE) / CAST(spend_exact AS DOUBLE)) > 0.005 / CAST(spend_exact AS DOUBLE) + 1e-9`,
		expected, daily)
	if n := duckdbtest.QueryInt(t, db, q); n != 0 {
		t.Fatalf("%d rows' ad columns differ from the SQL", n)
	}
	// Rows no platform reports carry no ad column; rows without
	// touchpoints exist only for ad metrics.
	if n := duckdbtest.QueryInt(t, db, fmt.Sprintf(`SELECT count(*) FROM read_parquet('%s')
WHERE impressions IS NULL AND (clicks IS NOT NULL OR reach IS NOT NULL OR ctr IS NOT NULL OR spend IS NOT NULL
   OR cpa IS NOT NULL OR cac IS NOT NULL OR roas IS NOT NULL) OR touchpoints = 0 AND impressions IS NULL`, daily)); n != 0 {
		t.Fatalf("%d rows with stray ad columns", n)
	}
	var rows, adOnly, withReach, withCPA int64
	var spend string
	if err := db.QueryRowContext(t.Context(), fmt.Sprintf(`SELECT count(*), count(*) FILTER (WHERE touchpoints = 0),
  count(reach), count(cpa), CAST(sum(spend) AS VARCHAR) FROM read_parquet('%s') WHERE impressions IS NOT NULL`, daily)).
		Scan(&rows, &adOnly, &withReach, &withCPA, &spend); err != nil {
		t.Fatal(err)
	}
	if withReach == 0 || withCPA < 100 || adOnly == 0 {
		t.Fatalf("too little compared: %d rows, %d with reach, %d with a CPA, %d ads only", rows, withReach, withCPA, adOnly)
	}
	t.Logf("kpi/daily ad columns of %d rows (%d without touchpoints, %d with reach, %d with a CPA) equal the SQL; spend %s %s",
		rows, adOnly, withReach, withCPA, spend, cfg.Currency)
}

// eurExport is a small orders export of a shop that sells in EUR: the
// rate changes on 2010-07-01 (0.87 -> 0.835 in configs/local.yaml), and
// four-decimal prices times three-decimal rates need rounding to a
// millionth (0.1235 x 0.835 = 0.1031225 -> 0.103123).
const eurExport = "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n" +
	"900001,A1,MUG,3,2010-06-30 23:59:00,1.2500,99901,France\n" +
	"900001,A2,JUG,1,2010-06-30 23:59:30,0.1235,99901,France\n" +
	"900002,A2,JUG,7,2010-07-01 00:00:00,0.1235,99901,France\n" +
	"C900003,A2,JUG,-1,2010-07-02 10:00:00,0.1235,99901,France\n" +
	"900004,B1,LAMP,2,2010-11-15 12:00:00,19.9900,99902,Germany\n"

// eurConfig adds a file-drop orders source in EUR, landing in a temporary
// folder with export.
func eurConfig(t *testing.T, export string) *config.Config {
	t.Helper()
	cfg := sampleConfig(t)
	landing := t.TempDir()
	fixture.Write(t, filepath.Join(landing, "orders", "export.csv"), export)
	eu := cfg.Sources[0]
	eu.Name, eu.Landing = "eushop", landing
	eu.Streams = []config.Stream{eu.Streams[0]}
	eu.Streams[0].Pattern, eu.Streams[0].Currency = "*.csv", "EUR"
	cfg.Sources = append(cfg.Sources, eu)
	return cfg
}

// TestOrdersInAnotherCurrencyEqualSQL: orders of a EUR shop reach
// unified/orders and unified/customers in the reporting currency, each
// line converted at the rate of its own day and rounded to a millionth,
// equal to DuckDB SQL over the export and the config's rates.
func TestOrdersInAnotherCurrencyEqualSQL(t *testing.T) {
	cfg := eurConfig(t, eurExport)
	st, d := runValid(t, cfg)
	db := duckdbtest.Open(t)
	lines := fmt.Sprintf(`
WITH rates AS %[1]s,
l AS (
  SELECT Invoice AS inv, trim("Customer ID") AS cust, strptime(InvoiceDate, '%%Y-%%m-%%d %%H:%%M:%%S') AS ts,
         CAST(Quantity AS BIGINT) * CAST(Price AS DECIMAL(18,4)) AS v
  FROM read_csv('%[2]s', header=true, all_varchar=true)
)
SELECT l.*, round(l.v * r.rate, 6) AS gbp FROM l ASOF JOIN rates r ON r.currency = 'EUR' AND CAST(l.ts AS DATE) >= r.from_day`,
		ratesSQL(cfg), filepath.Join(cfg.Sources[len(cfg.Sources)-1].Landing, "orders", "export.csv"))
	orders := duckdbtest.Parts(st, dataset.Partition{Dataset: "unified/orders", Date: d})
	customers := duckdbtest.Parts(st, dataset.Partition{Dataset: "unified/customers", Date: d})
	q := fmt.Sprintf(`
WITH x AS (%[1]s),
eo AS (SELECT inv AS order_id, sum(gbp) AS value FROM x GROUP BY inv),
ao AS (SELECT order_id, value, currency FROM read_parquet('%[2]s') WHERE source = 'eushop'),
ec AS (SELECT cust, CAST(round(sum(gbp) FILTER (WHERE NOT starts_with(inv, 'C')), 2) AS DECIMAL(18,2)) AS gross,
              CAST(round(coalesce(sum(gbp) FILTER (WHERE NOT starts_with(inv, 'C')), 0) - coalesce(sum(abs(gbp)) FILTER (WHERE starts_with(inv, 'C')), 0), 2) AS DECIMAL(18,2)) AS net
       FROM x GROUP BY cust),
ac AS (SELECT customer_number AS cust, gross_revenue AS gross, net_revenue AS net, currency FROM read_parquet('%[3]s') WHERE source = 'eushop')
SELECT (SELECT count(*) FROM eo FULL OUTER JOIN ao USING (order_id) WHERE eo.value IS DISTINCT FROM ao.value OR ao.currency IS DISTINCT FROM 'GBP')
     + (SELECT count(*) FROM ec FULL OUTER JOIN ac USING (cust) WHERE ec.gross IS DISTINCT FROM ac.gross OR ec.net IS DISTINCT FROM ac.net OR ac.currency IS DISTINCT FROM 'GBP')`,
		lines, orders, customers)
	if n := duckdbtest.QueryInt(t, db, q); n != 0 {
		t.Fatalf("%d EUR orders or customers differ from the SQL", n)
	}
	var value string
	if err := db.QueryRowContext(t.Context(), fmt.Sprintf("SELECT CAST(value AS VARCHAR) FROM read_parquet('%s') WHERE order_id = '900001'", orders)).Scan(&value); err != nil {
		t.Fatal(err)
	}
	// 3 x 1.25 x 0.87 + 0.1235 x 0.87 = 3.2625 + 0.107445.
	if value != "3.369945" {
		t.Errorf("order 900001 = %s GBP, want 3.369945", value)
	}
}

// runFails runs the nightly DAG and fails the test when it succeeds, when
// partition was committed, or when its error does not name each of names.
func runFails(t *testing.T, cfg *config.Config, date, partition string, names ...string) {
	t.Helper()
	st := newLocal(t)
	err := nightly.Run(t.Context(), testEnv(t, st, cfg), rundatetest.Parse(t, date), false, &runlog.Record{})
	if err == nil {
		t.Fatal("the run succeeded")
	}
	ok, cerr := dataset.Committed(t.Context(), st, dataset.Partition{Dataset: partition, Date: rundatetest.Parse(t, date)})
	if cerr != nil || ok {
		t.Errorf("%s committed (%v) after a failed run", partition, cerr)
	}
	t.Logf("the run failed: %v", err)
	for _, want := range names {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// A line dated before its currency's first rate fails unify with an error
// that names the order and the missing rate; nothing unified is written.
func TestOrderWithoutARateFailsTheRun(t *testing.T) {
	cfg := eurConfig(t, eurExport+"900009,A1,MUG,1,2008-12-31 10:00:00,1.00,99903,France\n")
	runFails(t, cfg, sampleDate, "unified/customers", "order 900009 of eushop", "EUR on 2008-12-31", "no rate in force")
}

// An ad metrics row in a currency without a rate fails the features step
// with an error naming the campaign, the day and the currency: spend is
// never dropped or kept in the wrong currency.
func TestAdSpendWithoutARateFailsTheRun(t *testing.T) {
	cfg := sampleConfig(t)
	landing := t.TempDir()
	fixture.Write(t, filepath.Join(landing, "ad_metrics.csv"), "day,platform,campaign_id,impressions,reach,clicks,spend,currency\n"+
		"2010-12-01,google_ads,1731002001,100,,3,1.50,GBP\n"+
		"2010-12-02,google_ads,1731002099,100,,3,250,JPY\n")
	cfg.Rates = append(cfg.Rates, config.Rate{Currency: "CHF", Rate: "0.65"}) // JPY still has none
	for i, src := range cfg.Sources {
		if src.Name == "ads" {
			cfg.Sources[i].Streams = src.Streams[:1] // the clicks
			ads := src
			ads.Name, ads.Landing, ads.Streams = "ads_metrics", landing, src.Streams[1:]
			cfg.Sources = append(cfg.Sources, ads)
			break
		}
	}
	runFails(t, cfg, sampleDate, "kpi/daily", "campaign 1731002099 on 2010-12-02", "JPY", "unknown currency")
}

// TestConsentEqualsIndependentSQL: given which person each record belongs
// to (the identity map), every customer's e-mail consent, its time and
// source, the opt-out time and the latest deletion request equal DuckDB
// SQL over the raw consent events and deletion requests: an event belongs
// to the person of its customer number, else to the person whose records
// carry its e-mail (trimmed, lower case), and an opt-out to every person
// whose records carry it; the latest event wins, an opt-out over an opt-in
// at the same instant, then the smaller source. A deletion request needs
// one person.
func TestConsentEqualsIndependentSQL(t *testing.T) {
	_, st := runSample(t, sampleDate)
	d := rundatetest.Parse(t, sampleDate)
	ids := identityIDs(t, st, d)
	owners := touchOwners(t, st, d, ids, "email")
	var m strings.Builder
	m.WriteString("record_key,customer_id\n")
	for k, id := range ids {
		fmt.Fprintf(&m, "%q,%s\n", k, id)
	}
	idmap := filepath.Join(t.TempDir(), "identity.csv")
	fixture.Write(t, idmap, m.String())
	db := duckdbtest.Open(t)
	raw := func(ds string) string { return duckdbtest.Parts(st, dataset.Partition{Dataset: ds, Date: d}) }
	q := fmt.Sprintf(`
WITH idm AS (SELECT * FROM read_csv('%[1]s', header=true, all_varchar=true)),
emails AS (
  SELECT lower(trim(c.email)) AS email, i.customer_id FROM read_parquet('%[2]s') c JOIN idm i ON i.record_key = 'crm/contacts/' || c.contact_id
  UNION ALL
  SELECT lower(trim(email)), customer_id FROM read_csv('%[3]s', header=true, all_varchar=true)
), email_owner AS (
  SELECT DISTINCT email, customer_id, count(DISTINCT customer_id) OVER (PARTITION BY email) AS owners FROM emails WHERE email <> ''
), placed AS (
  SELECT coalesce(n.customer_id, e.customer_id) AS customer_id, x.*
  FROM (SELECT CAST(changed_at AS TIMESTAMP) AS at, status, coalesce(nullif(trim(source), ''), 'consent/events') AS src,
               email, customer_number FROM read_parquet('%[4]s')) x
  LEFT JOIN idm n ON n.record_key = 'retail/customer_number/' || trim(x.customer_number)
  LEFT JOIN email_owner e ON n.customer_id IS NULL AND e.email = lower(trim(x.email)) AND (e.owners = 1 OR x.status = 'opted_out')
), latest AS (
  SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY at DESC, status = 'opted_out' DESC, src) AS k
                 FROM placed WHERE customer_id IS NOT NULL) WHERE k = 1
), deletions AS (
  SELECT coalesce(n.customer_id, e.customer_id) AS customer_id, max(CAST(requested_at AS TIMESTAMP)) AS at
  FROM read_parquet('%[5]s') x
  LEFT JOIN idm n ON n.record_key = 'retail/customer_number/' || trim(x.customer_number)
  LEFT JOIN email_owner e ON n.customer_id IS NULL AND e.email = lower(trim(x.email)) AND e.owners = 1
  GROUP BY 1
), actual AS (
  SELECT DISTINCT customer_id, email_consent, CAST(consent_changed_at AS TIMESTAMP) AS changed, consent_source,
         CAST(opted_out_at AS TIMESTAMP) AS opted_out, CAST(deletion_requested_at AS TIMESTAMP) AS deletion
  FROM read_parquet('%[6]s')
)
SELECT count(*), count(*) FILTER (WHERE a.email_consent = 'denied'), count(*) FILTER (WHERE a.deletion IS NOT NULL),
       count(*) FILTER (WHERE
         a.email_consent IS DISTINCT FROM CASE l.status WHEN 'opted_in' THEN 'granted' WHEN 'opted_out' THEN 'denied' ELSE 'unknown' END
      OR a.changed IS DISTINCT FROM l.at OR a.consent_source IS DISTINCT FROM l.src
      OR a.opted_out IS DISTINCT FROM CASE WHEN l.status = 'opted_out' THEN l.at END
      OR a.deletion IS DISTINCT FROM x.at)
FROM actual a LEFT JOIN latest l USING (customer_id) LEFT JOIN deletions x USING (customer_id)`,
		idmap, raw("raw/crm/contacts"), owners, raw("raw/consent/events"), raw("raw/consent/deletion_requests"), raw("unified/customers"))
	var persons, denied, deletions, diffs int64
	if err := db.QueryRowContext(t.Context(), q).Scan(&persons, &denied, &deletions, &diffs); err != nil {
		t.Fatal(err)
	}
	if diffs != 0 {
		t.Fatalf("%d of %d customers' consent differs from the SQL", diffs, persons)
	}
	granted := duckdbtest.QueryInt(t, db, fmt.Sprintf("SELECT count(DISTINCT customer_id) FROM read_parquet('%s') WHERE email_consent = 'granted'", raw("unified/customers")))
	if denied < 20 || granted < 100 || deletions == 0 {
		t.Fatalf("too little compared: %d customers, %d granted, %d denied, %d with a deletion request", persons, granted, denied, deletions)
	}
	t.Logf("consent of %d customers equals the SQL: %d granted, %d denied, %d with a deletion request", persons, granted, denied, deletions)
}

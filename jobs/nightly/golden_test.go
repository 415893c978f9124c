package nightly_test

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/duckdbtest"
	"github.com/segmint/segmint/lib/fixture"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
)

// update rewrites the golden files from the DuckDB SQL:
//
//	go test ./jobs/nightly -run Golden -update
var update = flag.Bool("update", false, "rewrite testdata/golden from the DuckDB SQL")

// goldenMacros are DuckDB macros the golden SQL shares: cents as a
// decimal text, exactly.
const goldenMacros = `
CREATE OR REPLACE MACRO cents_text(c) AS CASE WHEN c IS NULL THEN NULL ELSE
  (CASE WHEN c < 0 THEN '-' ELSE '' END) || CAST(abs(c) // 100 AS VARCHAR) || '.' || lpad(CAST(abs(c) % 100 AS VARCHAR), 2, '0') END;
CREATE OR REPLACE MACRO money(x) AS CAST(CAST(round(x, 2) AS DECIMAL(18,2)) AS VARCHAR);`

// goldenOrderLines are the landed order lines as segmint keeps them, in
// SQL: exact duplicates once, the default config's error-level quality
// rules (invoice pattern, no negative price) applied, up to the end of D
// (%[2]s). %[1]s is the landed CSV.
const goldenOrderLines = `
src AS (SELECT DISTINCT * FROM read_csv('%[1]s', header=true, all_varchar=true)),
lines AS (
  SELECT Invoice AS inv, StockCode AS product, Country AS country, CAST(Quantity AS BIGINT) AS q,
         CAST(Price AS DECIMAL(18,4)) AS p, strptime(InvoiceDate, '%%Y-%%m-%%d %%H:%%M:%%S') AS ts,
         coalesce(trim("Customer ID"), '') AS cust, starts_with(Invoice, 'C') AS cancelled
  FROM src
  WHERE regexp_full_match(Invoice, '[CA]?[0-9]{6}') AND CAST(Price AS DECIMAL(18,4)) >= 0
    AND strptime(InvoiceDate, '%%Y-%%m-%%d %%H:%%M:%%S') < TIMESTAMP '%[2]s'
)`

// catalogSQL is a products CSV (%s) with one row per product id, as the
// catalog subquery of goldenCustomersSQL.
const catalogSQL = `(SELECT trim(product_id) AS product, trim(category) AS category FROM read_csv('%s', header=true, all_varchar=true))`

// goldenCustomersSQL is unified/customers' order columns per customer
// number, from the landed CSV and the product catalog (%[3]s, a subquery
// of product and category, one row per product). A non-cancelled line's category is its product's, or
// uncategorised when the catalog has no entry; a category's share is the
// sum of its lines' values over the customer's gross revenue (both as
// exact integers of 10^-4, so that the quotient is rounded once), empty
// without positive gross revenue.
const goldenCustomersSQL = `
WITH ` + goldenOrderLines + `,
kept AS (SELECT * FROM lines WHERE cust <> ''),
inv AS (SELECT cust, inv, cancelled, min(ts) AS ts, sum(q * p) AS v, sum(abs(q * p)) AS av FROM kept GROUP BY ALL),
per AS (
  SELECT cust,
         count(*) FILTER (WHERE NOT cancelled) AS n,
         count(*) FILTER (WHERE cancelled) AS return_orders,
         coalesce(sum(v) FILTER (WHERE NOT cancelled), 0) AS gross,
         coalesce(sum(av) FILTER (WHERE cancelled), 0) AS returns,
         min(ts) FILTER (WHERE NOT cancelled) AS first, max(ts) FILTER (WHERE NOT cancelled) AS last,
         count(*) FILTER (WHERE NOT cancelled AND ts >= TIMESTAMP '%[2]s' - INTERVAL 30 DAY) AS orders_30d,
         count(*) FILTER (WHERE NOT cancelled AND ts >= TIMESTAMP '%[2]s' - INTERVAL 90 DAY) AS orders_90d,
         count(*) FILTER (WHERE NOT cancelled AND ts >= TIMESTAMP '%[2]s' - INTERVAL 365 DAY) AS orders_365d,
         coalesce(sum(v) FILTER (WHERE NOT cancelled AND ts >= TIMESTAMP '%[2]s' - INTERVAL 30 DAY), 0) AS rev_30d,
         coalesce(sum(v) FILTER (WHERE NOT cancelled AND ts >= TIMESTAMP '%[2]s' - INTERVAL 90 DAY), 0) AS rev_90d,
         coalesce(sum(v) FILTER (WHERE NOT cancelled AND ts >= TIMESTAMP '%[2]s' - INTERVAL 365 DAY), 0) AS rev_365d
  FROM inv GROUP BY cust
),
days AS (
  SELECT *, CAST(floor(epoch(TIMESTAMP '%[2]s' - last) / 86400) AS BIGINT) AS recency_days,
            CAST(floor(epoch(TIMESTAMP '%[2]s' - first) / 86400) AS BIGINT) AS tenure_days
  FROM per
),
prods AS (SELECT cust, count(DISTINCT product) AS n FROM kept WHERE NOT cancelled AND coalesce(product, '') <> '' GROUP BY cust),
catalog AS %[3]s,
catsum AS (
  SELECT k.cust, coalesce(c.category, 'uncategorised') AS category, CAST(sum(k.q * k.p) * 10000 AS HUGEINT) AS v
  FROM kept k LEFT JOIN catalog c ON c.product = trim(k.product) WHERE NOT k.cancelled GROUP BY ALL
),
cats AS (
  SELECT cust, count(*) AS n,
         '{' || coalesce(string_agg(category || '=' || CAST(round(CAST(v AS DOUBLE) / CAST(gross AS DOUBLE), 6) AS VARCHAR), ', '
                                    ORDER BY category) FILTER (WHERE gross > 0), '') || '}' AS shares
  FROM (SELECT *, sum(v) OVER (PARTITION BY cust) AS gross FROM catsum) GROUP BY cust
),
latest AS (
  SELECT cust, country FROM (
    SELECT cust, country, row_number() OVER (PARTITION BY cust ORDER BY ts DESC, country DESC) AS k
    FROM kept WHERE coalesce(country, '') <> '') WHERE k = 1
)
SELECT d.cust AS customer_number, l.country, d.n AS orders_count, d.return_orders,
       money(d.gross) AS gross_revenue, money(d.returns) AS returns_value, money(d.gross - d.returns) AS net_revenue,
       d.recency_days, d.tenure_days,
       CASE WHEN d.n > 0 THEN cents_text(CAST((CAST(d.gross * 1000000 AS HUGEINT) * 2 + d.n * 10000) // (2 * d.n * 10000) AS BIGINT)) END AS avg_order_value,
       d.orders_30d, d.orders_90d, d.orders_365d, money(d.rev_30d) AS revenue_30d, money(d.rev_90d) AS revenue_90d,
       money(d.rev_365d) AS revenue_365d,
       CASE WHEN d.n > 1 THEN round(epoch(d.last - d.first) / 86400 / (d.n - 1), 6) END AS avg_days_between_orders,
       coalesce(pr.n, 0) AS distinct_products, coalesce(ca.n, 0) AS distinct_categories,
       coalesce(ca.shares, '{}') AS category_revenue_share,
       CASE WHEN d.n = 0 THEN 'prospect' WHEN d.tenure_days < 30 THEN 'new' WHEN d.recency_days <= 90 THEN 'active'
            WHEN d.recency_days <= 180 THEN 'dormant' ELSE 'churned' END AS lifecycle_stage
FROM days d LEFT JOIN prods pr USING (cust) LEFT JOIN cats ca USING (cust) LEFT JOIN latest l USING (cust)
ORDER BY customer_number`

// goldenDailySQL is kpi/daily per day, channel and campaign, from the raw
// touchpoints (%[3]s), the landed orders and, to know whose first order an
// order is, the persons of the identity map (%[4]s); the ad columns come
// from the landed ad metrics export (%[5]s) with spend converted into the
// reporting currency at the config's rates (%[6]s) of the row's day.
// Rows with ad metrics but no touchpoints have zero funnel counts; rows
// without ad metrics have null ad columns. CPA and CAC are the exact spend
// over orders and new customers rounded half away from zero to the cent,
// ROAS the exact revenue over the exact spend.
const goldenDailySQL = `
WITH ` + goldenOrderLines + `,
o AS (
  SELECT inv AS order_id, min(ts) AS at, sum(q * p) AS value, min(nullif(cust, '')) AS cust
  FROM lines WHERE NOT cancelled GROUP BY inv
),
ids AS (
  SELECT substr(record_key, length('retail/customer_number/') + 1) AS cust, customer_id
  FROM read_parquet('%[4]s') WHERE starts_with(record_key, 'retail/customer_number/')
),
op AS (SELECT o.*, ids.customer_id FROM o LEFT JOIN ids USING (cust)),
firsts AS (SELECT customer_id, min(at) AS first_at FROM op WHERE customer_id IS NOT NULL GROUP BY customer_id),
t AS (
  SELECT CAST(occurred_at AS TIMESTAMP) AS ts, session_id, coalesce(channel, '') AS channel,
         coalesce(campaign_id, '') AS campaign_id, event_type, order_id
  FROM read_parquet('%[3]s') WHERE CAST(occurred_at AS TIMESTAMP) < TIMESTAMP '%[2]s'
),
attributed AS (
  SELECT * FROM (
    SELECT t.*, row_number() OVER (PARTITION BY t.order_id ORDER BY ts, session_id, channel, campaign_id) AS k
    FROM t JOIN op USING (order_id) WHERE t.event_type = 'purchase'
  ) WHERE k = 1
),
activity AS (
  SELECT CAST(ts AS DATE) AS day, channel, campaign_id, count(DISTINCT session_id) AS sessions, count(*) AS touchpoints,
         count(*) FILTER (WHERE event_type = 'add_to_cart') AS add_to_cart,
         count(*) FILTER (WHERE event_type = 'checkout') AS checkouts
  FROM t GROUP BY ALL
),
conv AS (
  SELECT CAST(a.ts AS DATE) AS day, a.channel, a.campaign_id, count(*) AS orders, sum(op.value) AS revenue,
         count(*) FILTER (WHERE f.first_at = op.at) AS new_customers
  FROM attributed a JOIN op USING (order_id) LEFT JOIN firsts f USING (customer_id) GROUP BY ALL
),
funnel AS (
  SELECT x.*, coalesce(c.orders, 0) AS orders, coalesce(c.revenue, 0) AS revenue, coalesce(c.new_customers, 0) AS new_customers
  FROM activity x LEFT JOIN conv c USING (day, channel, campaign_id)
),
rates AS %[6]s,
ads_raw AS (
  SELECT CAST(day AS DATE) AS day,
         CASE platform WHEN 'google_ads' THEN 'paid_search' WHEN 'meta' THEN 'paid_social' ELSE platform END AS channel,
         campaign_id, CAST(impressions AS BIGINT) AS impressions, CAST(nullif(reach, '') AS BIGINT) AS reach,
         CAST(clicks AS BIGINT) AS clicks, CAST(spend AS DECIMAL(18,2)) AS spend, upper(currency) AS currency
  FROM read_csv('%[5]s', header=true, all_varchar=true) WHERE CAST(day AS DATE) < CAST(TIMESTAMP '%[2]s' AS DATE)
),
ads AS (
  SELECT a.day, a.channel, a.campaign_id, CAST(sum(a.impressions) AS BIGINT) AS impressions, CAST(sum(a.clicks) AS BIGINT) AS clicks,
         CASE WHEN count(*) = 1 THEN max(a.reach) END AS reach, sum(round(a.spend * r.rate, 6)) AS spend
  FROM ads_raw a ASOF JOIN rates r ON a.currency = r.currency AND a.day >= r.from_day GROUP BY ALL
),
cents AS (
  SELECT coalesce(f.day, a.day) AS day, coalesce(f.channel, a.channel) AS channel, coalesce(f.campaign_id, a.campaign_id) AS campaign_id,
         f.sessions, f.touchpoints, f.add_to_cart, f.checkouts, f.orders, f.revenue, f.new_customers,
         a.impressions, a.clicks, a.reach, a.spend, CAST(a.spend * 1000000 AS HUGEINT) AS spend_micros
  FROM funnel f FULL OUTER JOIN ads a ON f.day = a.day AND f.channel = a.channel AND f.campaign_id = a.campaign_id
)
SELECT CAST(day AS VARCHAR) AS day, channel, campaign_id, coalesce(sessions, 0) AS sessions,
       coalesce(touchpoints, 0) AS touchpoints, coalesce(add_to_cart, 0) AS add_to_cart, coalesce(checkouts, 0) AS checkouts,
       coalesce(orders, 0) AS orders, money(coalesce(revenue, 0)) AS revenue, coalesce(new_customers, 0) AS new_customers,
       impressions, clicks, reach, money(spend) AS spend,
       CAST(round(CASE WHEN impressions > 0 THEN CAST(clicks AS DOUBLE) / impressions END, 6) AS VARCHAR) AS ctr,
       cents_text(CASE WHEN orders > 0 THEN CAST((spend_micros * 2 + orders * 10000) // (2 * orders * 10000) AS BIGINT) END) AS cpa,
       cents_text(CASE WHEN new_customers > 0 THEN CAST((spend_micros * 2 + new_customers * 10000) // (2 * new_customers * 10000) AS BIGINT) END) AS cac,
       CAST(round(CASE WHEN spend > 0 THEN CAST(coalesce(revenue, 0) AS DOUBLE) / CAST(spend AS DOUBLE) END, 6) AS VARCHAR) AS roas
FROM cents
ORDER BY day, channel, campaign_id`

// goldenTable is one golden file: the SQL that makes it, the segmint
// partition it describes and the columns that key its rows.
type goldenTable struct {
	file    string
	query   string
	dataset string
	key     []string
}

// TestGoldenValues: for the bundled sample on its last day, unified/customers
// and kpi/daily equal the golden files, and so does the independent DuckDB
// SQL that wrote them, so that a drift of either side fails. Only the
// golden file's columns are compared: a new column is added by extending
// the SQL and running with -update.
func TestGoldenValues(t *testing.T) {
	cfg, st := runSample(t, sampleDate)
	d := rundatetest.Parse(t, sampleDate)
	db := openGoldenDB(t)
	orders := filepath.Join(cfg.Sources[0].Landing, "orders", "*.csv.gz")
	end := sqlEnd(d)
	touchpoints := duckdbtest.Parts(st, dataset.Partition{Dataset: "raw/web/touchpoints", Date: d})
	identityMap := duckdbtest.Parts(st, dataset.Partition{Dataset: "unified/identity_map", Date: d})
	adMetrics := filepath.Join(repoRoot(t), "testdata/synthetic/ad_metrics.csv")
	catalog := filepath.Join(repoRoot(t), "testdata/synthetic/products.csv")
	for _, g := range []goldenTable{
		{"customers.csv", fmt.Sprintf(goldenCustomersSQL, orders, end, fmt.Sprintf(catalogSQL, catalog)), "unified/customers", []string{"customer_number"}},
		{"kpi_daily.csv", fmt.Sprintf(goldenDailySQL, orders, end, touchpoints, identityMap, adMetrics, ratesSQL(cfg)), "kpi/daily", []string{"day", "channel", "campaign_id"}},
	} {
		t.Run(g.file, func(t *testing.T) {
			path := filepath.Join("testdata", "golden", g.file)
			want := queryCSV(t, db, g.query)
			if *update {
				fixture.Write(t, path, want)
			}
			golden, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := firstDiff(string(golden), want); diff != "" {
				t.Errorf("the SQL no longer gives the golden values: %s", diff)
			}
			header, err := csv.NewReader(bytes.NewReader(golden)).Read()
			if err != nil {
				t.Fatal(err)
			}
			parts := duckdbtest.Parts(st, dataset.Partition{Dataset: g.dataset, Date: d})
			got := queryCSV(t, db, actualSQL(parts, header, g.key, duckdbtest.ColumnTypes(t, db, parts)))
			if diff := firstDiff(string(golden), got); diff != "" {
				t.Errorf("segmint's %s differs from the golden values: %s", g.dataset, diff)
			}
			if rows := strings.Count(string(golden), "\n") - 1; rows < 100 {
				t.Errorf("only %d golden rows", rows)
			}
		})
	}
}

// actualSQL selects a segmint partition's columns as the golden SQL
// writes them: texts as they are, decimals as their exact text, doubles
// rounded to 6 decimals, dates as YYYY-MM-DD, maps of doubles as
// {key=value, ...} with the values rounded the same way.
func actualSQL(parts string, columns, key []string, types map[string]string) string {
	sel := make([]string, len(columns))
	for i, c := range columns {
		q := `"` + c + `"`
		if strings.HasPrefix(types[c], "MAP(") && strings.HasSuffix(types[c], "DOUBLE)") {
			sel[i] = fmt.Sprintf(`CAST(map_from_entries(list_transform(map_entries(%[1]s),
			  e -> {'key': e.key, 'value': round(e.value, 6)})) AS VARCHAR) AS %[1]s`, q)
			continue
		}
		sel[i] = fmt.Sprintf(`CASE WHEN typeof(%[1]s) = 'DOUBLE' THEN CAST(round(TRY_CAST(%[1]s AS DOUBLE), 6) AS VARCHAR)
		  ELSE CAST(%[1]s AS VARCHAR) END AS %[1]s`, q)
	}
	return fmt.Sprintf("SELECT %s FROM read_parquet('%s') ORDER BY %s", strings.Join(sel, ", "), parts, strings.Join(key, ", "))
}

// queryCSV runs q and returns its rows as CSV text with a header line;
// NULL is the empty field.
func queryCSV(t *testing.T, db *sql.DB, q string) string {
	t.Helper()
	cols, recs := queryStrings(t, db, q)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(cols)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// queryStrings runs q and returns its column names and its rows, every
// value as text; NULL is "".
func queryStrings(t *testing.T, db *sql.DB, q string) ([]string, [][]string) {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), q)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var recs [][]string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		rec := make([]string, len(cols))
		for i, v := range vals {
			rec[i] = v.String
		}
		recs = append(recs, rec)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols, recs
}

// firstDiff describes the first line where want and got differ, "" when
// they are equal.
func firstDiff(want, got string) string {
	if want == got {
		return ""
	}
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d: golden %q, got %q (%d and %d lines)", i+1, w, g, len(wl), len(gl))
		}
	}
	return "equal lines, different bytes"
}

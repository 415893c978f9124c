package nightly_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/duckdbtest"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/models/frame"
	"github.com/segmint/segmint/models/learn"
)

// openGoldenDB opens an in-memory DuckDB with the golden SQL's macros.
func openGoldenDB(t *testing.T) *sql.DB {
	t.Helper()
	db := duckdbtest.Open(t)
	if _, err := db.ExecContext(t.Context(), goldenMacros); err != nil {
		t.Fatal(err)
	}
	return db
}

// sqlRun is a nightly of the bundled sample held against DuckDB: its
// configuration, store and run date, and an in-memory DuckDB beside it.
type sqlRun struct {
	cfg  *config.Config
	st   *store.Local
	date rundate.Date
	db   *sql.DB
}

// runForSQL runs the sample nightly for date into a new local store and
// opens DuckDB.
func runForSQL(t *testing.T, date string) sqlRun {
	t.Helper()
	cfg, st := runSample(t, date)
	return sqlRun{cfg: cfg, st: st, date: rundatetest.Parse(t, date), db: duckdbtest.Open(t)}
}

// parts is the glob of the Parquet parts the run committed for dataset ds.
func (run sqlRun) parts(ds string) string {
	return duckdbtest.Parts(run.st, dataset.Partition{Dataset: ds, Date: run.date})
}

// orders is the glob of the landed order exports the run read.
func (run sqlRun) orders() string {
	return filepath.Join(run.cfg.Sources[0].Landing, "orders", "*.csv.gz")
}

// end is the end of the run date as DuckDB timestamp text.
func (run sqlRun) end() string { return sqlEnd(run.date) }

// TestDuckDBReadsOutputs: DuckDB, a reader independent of parquet-go, reads
// every committed Parquet partition of a run with the row counts of its
// manifest, and the columns carry standard logical types.
func TestDuckDBReadsOutputs(t *testing.T) {
	run := runForSQL(t, sampleDate)
	st, db := run.st, run.db
	for _, ds := range []string{"raw/retail/orders", "unified/orders", "unified/customers", "features/customers", "kpi/cohorts", "kpi/daily", "models/_decisions", "scores", "segments/rfm"} {
		p := dataset.Partition{Dataset: ds, Date: run.date}
		m, err := dataset.ReadManifest(t.Context(), st, p)
		if err != nil {
			t.Fatal(err)
		}
		glob := run.parts(ds)
		got := duckdbtest.QueryInt(t, db, fmt.Sprintf("SELECT count(*) FROM read_parquet('%s')", glob))
		if got != m.Rows {
			t.Errorf("%s: DuckDB reads %d rows, manifest says %d", p, got, m.Rows)
		}
		for _, f := range m.Files {
			if f.Format != "csv" {
				continue
			}
			path := st.Path(p.Key(f.Name))
			if n := duckdbtest.QueryInt(t, db, fmt.Sprintf("SELECT count(*) FROM read_csv('%s', header=true)", path)); n != f.Rows {
				t.Errorf("%s: DuckDB reads %d CSV rows, manifest says %d", f.Name, n, f.Rows)
			}
		}
	}
	// Hive partitioning works as downstream readers use it.
	all := filepath.Join(st.Path("unified/customers/dt=x/y"), "..", "..", "dt=*", "part-*.parquet")
	var dt string
	if err := db.QueryRowContext(t.Context(), fmt.Sprintf(
		"SELECT DISTINCT CAST(dt AS VARCHAR) FROM read_parquet('%s', hive_partitioning=true)", all)).Scan(&dt); err != nil {
		t.Fatal(err)
	}
	if dt != sampleDate {
		t.Errorf("hive partition dt = %q", dt)
	}
	// Types: money as DECIMAL(18,2), times as TIMESTAMP WITH TIME ZONE (UTC-adjusted).
	types := duckdbtest.ColumnTypes(t, db, all)
	for col, want := range map[string]string{
		"net_revenue": "DECIMAL(18,2)", "gross_revenue": "DECIMAL(18,2)", "last_order_at": "TIMESTAMP WITH TIME ZONE",
		"orders_count": "BIGINT", "customer_number": "VARCHAR",
	} {
		if types[col] != want {
			t.Errorf("column %s: DuckDB type %q, want %q", col, types[col], want)
		}
	}
}

// expectedCustomersSQL computes orders_count, net_revenue and recency_days
// per customer straight from the landed CSV export, independently of
// segmint's code: exact duplicate lines of the export removed once,
// cancellations (invoice "C...") as returns, money in DECIMAL.
const expectedCustomersSQL = `
WITH src AS (
  SELECT DISTINCT * FROM read_csv('%[1]s', header=true, all_varchar=true)
), lines AS (
  SELECT Invoice AS inv, CAST(Quantity AS BIGINT) AS q, CAST(Price AS DECIMAL(18,4)) AS p,
         strptime(InvoiceDate, '%%Y-%%m-%%d %%H:%%M:%%S') AS ts, trim("Customer ID") AS cust
  FROM src
), inv AS (
  SELECT cust, inv, min(ts) AS ts, starts_with(inv, 'C') AS cancelled,
         sum(q * p) AS v, sum(abs(q * p)) AS av
  FROM lines
  WHERE cust IS NOT NULL AND cust <> '' AND ts < TIMESTAMP '%[2]s'
  GROUP BY ALL
)
SELECT cust,
       count(*) FILTER (WHERE NOT cancelled) AS orders_count,
       CAST(round(coalesce(sum(v) FILTER (WHERE NOT cancelled), 0)
                - coalesce(sum(av) FILTER (WHERE cancelled), 0), 2) AS DECIMAL(18,2)) AS net_revenue,
       CAST(floor(epoch(TIMESTAMP '%[2]s' - max(ts) FILTER (WHERE NOT cancelled)) / 86400) AS BIGINT) AS recency_days
FROM inv GROUP BY cust`

// TestCustomersEqualIndependentSQL: unified/customers equals a DuckDB SQL
// computation over the same input, exactly, money to the cent. It runs for
// the sample's last day and for a date in the middle, where later lines of
// the export must be left out.
func TestCustomersEqualIndependentSQL(t *testing.T) {
	for _, date := range []string{sampleDate, "2010-06-30"} {
		t.Run(date, func(t *testing.T) {
			run := runForSQL(t, date)
			db := run.db
			expected := fmt.Sprintf(expectedCustomersSQL, run.orders(), run.end())
			q := fmt.Sprintf(`
WITH expected AS (%s),
actual AS (SELECT customer_number AS cust, orders_count, net_revenue, recency_days FROM read_parquet('%s'))
SELECT coalesce(e.cust, a.cust), e.orders_count, a.orders_count, CAST(e.net_revenue AS VARCHAR), CAST(a.net_revenue AS VARCHAR),
       e.recency_days, a.recency_days
FROM expected e FULL OUTER JOIN actual a ON e.cust = a.cust
WHERE e.cust IS NULL OR a.cust IS NULL
   OR e.orders_count IS DISTINCT FROM a.orders_count
   OR e.net_revenue IS DISTINCT FROM a.net_revenue
   OR e.recency_days IS DISTINCT FROM a.recency_days
ORDER BY 1 LIMIT 10`, expected, run.parts("unified/customers"))
			_, rows := queryStrings(t, db, q)
			var diffs []string
			for _, r := range rows {
				diffs = append(diffs, fmt.Sprintf("%s: orders %v/%v net %v/%v recency %v/%v", r[0], r[1], r[2], r[3], r[4], r[5], r[6]))
			}
			if len(diffs) > 0 {
				t.Fatalf("expected/actual differ:\n%s", strings.Join(diffs, "\n"))
			}
			n := duckdbtest.QueryInt(t, db, fmt.Sprintf("SELECT count(*) FROM (%s)", expected))
			if n < 100 {
				t.Fatalf("only %d customers compared", n)
			}
			t.Logf("%d customers equal between segmint and DuckDB SQL", n)
		})
	}
}

// expected360SQL computes the customer-360 order columns from the landed
// CSV, independently of segmint: windows by the order's time (its earliest
// line), average order value rounded half away from zero from exact cents,
// distinct products of non-cancelled lines, and the lifecycle stage with the
// default 30/90/180 days.
const expected360SQL = `
WITH src AS (
  SELECT DISTINCT * FROM read_csv('%[1]s', header=true, all_varchar=true)
), lines AS (
  SELECT Invoice AS inv, StockCode AS product, CAST(Quantity AS BIGINT) AS q, CAST(Price AS DECIMAL(18,4)) AS p,
         strptime(InvoiceDate, '%%Y-%%m-%%d %%H:%%M:%%S') AS ts, trim("Customer ID") AS cust
  FROM src WHERE trim("Customer ID") <> ''
), kept AS (
  SELECT * FROM lines WHERE ts < TIMESTAMP '%[2]s'
), inv AS (
  SELECT cust, inv, min(ts) AS ts, sum(q * p) AS v FROM kept WHERE NOT starts_with(inv, 'C') GROUP BY ALL
), per AS (
  SELECT cust, count(*) AS n, sum(v) AS gross, min(ts) AS first, max(ts) AS last,
         count(*) FILTER (WHERE ts >= TIMESTAMP '%[2]s' - INTERVAL 90 DAY) AS orders_90d,
         coalesce(sum(v) FILTER (WHERE ts >= TIMESTAMP '%[2]s' - INTERVAL 365 DAY), 0) AS rev_365d
  FROM inv GROUP BY cust
), prods AS (
  SELECT cust, count(DISTINCT product) AS distinct_products FROM kept WHERE NOT starts_with(inv, 'C') GROUP BY cust
), allc AS (SELECT DISTINCT cust FROM kept)
SELECT a.cust,
       CASE WHEN per.n IS NULL THEN NULL ELSE
         CAST(((CAST(per.gross * 1000000 AS HUGEINT) * 2 + per.n * 10000) // (2 * per.n * 10000)) AS BIGINT) END AS aov_cents,
       coalesce(per.orders_90d, 0) AS orders_90d,
       CAST(round(coalesce(per.rev_365d, 0), 2) AS DECIMAL(18,2)) AS revenue_365d,
       coalesce(prods.distinct_products, 0) AS distinct_products,
       CASE WHEN per.n IS NULL THEN 'prospect'
            WHEN floor(epoch(TIMESTAMP '%[2]s' - per.first) / 86400) < 30 THEN 'new'
            WHEN floor(epoch(TIMESTAMP '%[2]s' - per.last) / 86400) <= 90 THEN 'active'
            WHEN floor(epoch(TIMESTAMP '%[2]s' - per.last) / 86400) <= 180 THEN 'dormant'
            ELSE 'churned' END AS stage
FROM allc a LEFT JOIN per USING (cust) LEFT JOIN prods USING (cust)`

// TestCustomer360EqualsIndependentSQL checks the customer-360 order columns
// of every customer against DuckDB SQL over the same input.
func TestCustomer360EqualsIndependentSQL(t *testing.T) {
	run := runForSQL(t, sampleDate)
	db, parts := run.db, run.parts("unified/customers")
	q := fmt.Sprintf(`
WITH expected AS (%s),
actual AS (SELECT customer_number AS cust, CAST(avg_order_value * 100 AS BIGINT) AS aov_cents, orders_90d,
                  revenue_365d, distinct_products, lifecycle_stage AS stage FROM read_parquet('%s'))
SELECT coalesce(e.cust, a.cust), CAST(e AS VARCHAR), CAST(a AS VARCHAR)
FROM expected e FULL OUTER JOIN actual a ON e.cust = a.cust
WHERE e.cust IS NULL OR a.cust IS NULL OR e.aov_cents IS DISTINCT FROM a.aov_cents
   OR e.orders_90d <> a.orders_90d OR e.revenue_365d <> a.revenue_365d
   OR e.distinct_products <> a.distinct_products OR e.stage <> a.stage
ORDER BY 1 LIMIT 10`, fmt.Sprintf(expected360SQL, run.orders(), run.end()), parts)
	_, rows := queryStrings(t, db, q)
	var diffs []string
	for _, r := range rows {
		diffs = append(diffs, r[0]+": expected "+r[1]+" actual "+r[2])
	}
	if len(diffs) > 0 {
		t.Fatalf("customer 360 differs:\n%s", strings.Join(diffs, "\n"))
	}
	var stages string
	if err := db.QueryRowContext(t.Context(), fmt.Sprintf(
		"SELECT string_agg(stage || '=' || n, ' ' ORDER BY stage) FROM (SELECT lifecycle_stage AS stage, count(*) AS n FROM read_parquet('%s') GROUP BY 1)", parts)).Scan(&stages); err != nil {
		t.Fatal(err)
	}
	t.Logf("lifecycle stages of the sample on %s: %s", sampleDate, stages)
}

// TestCohortsEqualIndependentSQL: the repeat-purchase rate by monthly cohort
// equals DuckDB SQL over the landed CSV.
func TestCohortsEqualIndependentSQL(t *testing.T) {
	run := runForSQL(t, sampleDate)
	db, parts := run.db, run.parts("kpi/cohorts")
	q := fmt.Sprintf(`
WITH src AS (SELECT DISTINCT * FROM read_csv('%[1]s', header=true, all_varchar=true)),
inv AS (
  SELECT trim("Customer ID") AS cust, Invoice AS inv, min(strptime(InvoiceDate, '%%Y-%%m-%%d %%H:%%M:%%S')) AS ts
  FROM src WHERE trim("Customer ID") <> '' AND NOT starts_with(Invoice, 'C')
    AND strptime(InvoiceDate, '%%Y-%%m-%%d %%H:%%M:%%S') < TIMESTAMP '%[2]s'
  GROUP BY ALL
), per AS (SELECT cust, date_trunc('month', min(ts)) AS m, count(*) AS n FROM inv GROUP BY cust),
expected AS (SELECT CAST(m AS DATE) AS m, count(*) AS customers, count(*) FILTER (WHERE n > 1) AS repeaters FROM per GROUP BY m),
actual AS (SELECT cohort_month AS m, customers, repeat_customers AS repeaters FROM read_parquet('%[3]s'))
SELECT count(*) FROM expected e FULL OUTER JOIN actual a USING (m)
WHERE e.customers IS DISTINCT FROM a.customers OR e.repeaters IS DISTINCT FROM a.repeaters`, run.orders(), run.end(), parts)
	if n := duckdbtest.QueryInt(t, db, q); n != 0 {
		t.Fatalf("%d cohorts differ from the SQL", n)
	}
	if n := duckdbtest.QueryInt(t, db, fmt.Sprintf("SELECT count(*) FROM read_parquet('%s')", parts)); n < 10 {
		t.Fatalf("only %d cohorts", n)
	}
}

// TestEngagementEqualsIndependentSQL: given which person each touchpoint
// belongs to (from the identity map), the customers' first and last
// channel and campaign and their touchpoints in the last 30 and 90 days
// equal DuckDB SQL over the raw touchpoints.
func TestEngagementEqualsIndependentSQL(t *testing.T) {
	run := runForSQL(t, sampleDate)
	owners := touchOwners(t, run.st, run.date, identityIDs(t, run.st, run.date), "event_id")
	db, tp, cust := run.db, run.parts("raw/web/touchpoints"), run.parts("unified/customers")
	q := fmt.Sprintf(`
WITH ev AS (
  SELECT o.customer_id, CAST(t.occurred_at AS TIMESTAMP) AS ts, coalesce(t.channel, '') AS ch, coalesce(t.campaign_id, '') AS ca
  FROM read_parquet('%[1]s') t JOIN read_csv('%[2]s', header=true, all_varchar=true) o USING (event_id)
), ranked AS (
  SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY ts, ch, ca) AS f,
            row_number() OVER (PARTITION BY customer_id ORDER BY ts DESC, ch DESC, ca DESC) AS l FROM ev
), expected AS (
  SELECT customer_id,
         max(CASE WHEN f = 1 THEN nullif(ch, '') END) AS first_channel, max(CASE WHEN f = 1 THEN nullif(ca, '') END) AS first_campaign,
         max(CASE WHEN l = 1 THEN nullif(ch, '') END) AS last_channel, max(CASE WHEN l = 1 THEN nullif(ca, '') END) AS last_campaign,
         count(*) FILTER (WHERE ts >= TIMESTAMP '%[3]s' - INTERVAL 30 DAY) AS n30,
         count(*) FILTER (WHERE ts >= TIMESTAMP '%[3]s' - INTERVAL 90 DAY) AS n90
  FROM ranked GROUP BY customer_id
), actual AS (
  SELECT DISTINCT customer_id, first_channel, first_campaign, last_channel, last_campaign,
         touchpoints_30d AS n30, touchpoints_90d AS n90 FROM read_parquet('%[4]s')
)
SELECT count(*) FROM expected e JOIN actual a USING (customer_id)
WHERE e.first_channel IS DISTINCT FROM a.first_channel OR e.first_campaign IS DISTINCT FROM a.first_campaign
   OR e.last_channel IS DISTINCT FROM a.last_channel OR e.last_campaign IS DISTINCT FROM a.last_campaign
   OR e.n30 <> a.n30 OR e.n90 <> a.n90`, tp, owners, run.end(), cust)
	if n := duckdbtest.QueryInt(t, db, q); n != 0 {
		t.Fatalf("%d customers' engagement differs from the SQL", n)
	}
	compared := duckdbtest.QueryInt(t, db, fmt.Sprintf("SELECT count(*) FROM read_parquet('%s') WHERE last_channel IS NOT NULL", cust))
	if compared < 300 {
		t.Fatalf("only %d customers have touchpoints", compared)
	}
	t.Logf("engagement of %d customers equals the SQL", compared)
}

// TestDailyKPIsEqualIndependentSQL: kpi/daily equals DuckDB SQL over the
// raw touchpoints and the unified orders: sessions, touchpoints, carts,
// checkouts, attributed orders, revenue and new customers per day, channel
// and campaign.
func TestDailyKPIsEqualIndependentSQL(t *testing.T) {
	run := runForSQL(t, sampleDate)
	db, tp, orders, daily := run.db, run.parts("raw/web/touchpoints"), run.parts("unified/orders"), run.parts("kpi/daily")
	q := fmt.Sprintf(`
WITH t AS (
  SELECT CAST(occurred_at AS TIMESTAMP) AS ts, session_id, coalesce(channel, '') AS channel,
         coalesce(campaign_id, '') AS campaign_id, event_type, order_id
  FROM read_parquet('%[1]s') WHERE CAST(occurred_at AS TIMESTAMP) < TIMESTAMP '%[3]s'
), o AS (
  SELECT order_id, value, customer_id, CAST(ordered_at AS TIMESTAMP) AS at FROM read_parquet('%[2]s') WHERE NOT is_cancellation
), firsts AS (SELECT customer_id, min(at) AS first_at FROM o WHERE customer_id IS NOT NULL GROUP BY customer_id),
attributed AS (
  SELECT * FROM (
    SELECT t.*, row_number() OVER (PARTITION BY t.order_id ORDER BY ts, session_id, channel, campaign_id) AS k
    FROM t JOIN o USING (order_id) WHERE t.event_type = 'purchase'
  ) WHERE k = 1
), expected AS (
  SELECT CAST(ts AS DATE) AS day, channel, campaign_id,
         count(DISTINCT session_id) AS sessions, count(*) AS touchpoints,
         count(*) FILTER (WHERE event_type = 'add_to_cart') AS add_to_cart,
         count(*) FILTER (WHERE event_type = 'checkout') AS checkouts
  FROM t GROUP BY ALL
), conv AS (
  SELECT CAST(a.ts AS DATE) AS day, a.channel, a.campaign_id, count(*) AS orders,
         CAST(round(sum(o.value), 2) AS DECIMAL(18,2)) AS revenue,
         count(*) FILTER (WHERE f.first_at = o.at) AS new_customers
  FROM attributed a JOIN o USING (order_id) LEFT JOIN firsts f USING (customer_id) GROUP BY ALL
), e AS (
  SELECT x.*, coalesce(c.orders, 0) AS orders, coalesce(c.revenue, 0) AS revenue, coalesce(c.new_customers, 0) AS new_customers
  FROM expected x LEFT JOIN conv c USING (day, channel, campaign_id)
), a AS (SELECT * FROM read_parquet('%[4]s') WHERE touchpoints > 0) -- rows of ad metrics alone: TestAdKPIsEqualIndependentSQL
SELECT count(*) FROM e FULL OUTER JOIN a USING (day, channel, campaign_id)
WHERE e.sessions IS DISTINCT FROM a.sessions OR e.touchpoints IS DISTINCT FROM a.touchpoints
   OR e.add_to_cart IS DISTINCT FROM a.add_to_cart OR e.checkouts IS DISTINCT FROM a.checkouts
   OR e.orders IS DISTINCT FROM a.orders OR e.revenue IS DISTINCT FROM a.revenue
   OR e.new_customers IS DISTINCT FROM a.new_customers`, tp, orders, run.end(), daily)
	if n := duckdbtest.QueryInt(t, db, q); n != 0 {
		t.Fatalf("%d day/channel/campaign rows differ from the SQL", n)
	}
	var rows, ordersAttributed, newCustomers int64
	if err := db.QueryRowContext(t.Context(), fmt.Sprintf("SELECT count(*), sum(orders), sum(new_customers) FROM read_parquet('%s')", daily)).
		Scan(&rows, &ordersAttributed, &newCustomers); err != nil {
		t.Fatal(err)
	}
	if rows < 100 || ordersAttributed < 1000 || newCustomers < 100 {
		t.Fatalf("too little compared: %d rows, %d orders, %d new customers", rows, ordersAttributed, newCustomers)
	}
	t.Logf("kpi/daily: %d rows, %d attributed orders, %d new customers equal the SQL", rows, ordersAttributed, newCustomers)
}

// TestDuckDBReadsModelOutputs: the scores' model columns and the model
// decisions have standard types, and segmint predict's Parquet output reads
// in DuckDB with one row per input row, in input order.
func TestDuckDBReadsModelOutputs(t *testing.T) {
	run := runForSQL(t, sampleDate)
	db := run.db
	want := map[string]map[string]string{
		"scores": {"purchase_probability_90d": "DOUBLE", "purchase_probability_90d_pct": "DOUBLE", "purchase_probability_90d_version": "VARCHAR",
			"churn_probability_90d": "DOUBLE", "p_alive": "DOUBLE", "expected_purchases_90d": "DOUBLE", "clv_365d": "DOUBLE"},
		"models/_decisions": {"model": "VARCHAR", "value": "DOUBLE", "promoted": "BOOLEAN", "train_rows": "BIGINT"},
	}
	for ds, cols := range want {
		types := duckdbtest.ColumnTypes(t, db, run.parts(ds))
		for c, typ := range cols {
			if types[c] != typ {
				t.Errorf("%s.%s is %q, want %s", ds, c, types[c], typ)
			}
		}
	}
	if n := duckdbtest.QueryInt(t, db, fmt.Sprintf("SELECT count(*) FROM read_parquet('%s') WHERE purchase_probability_90d BETWEEN 0 AND 1 AND purchase_probability_90d_pct BETWEEN 0 AND 1 AND clv_365d >= 0",
		run.parts("scores"))); n < 400 {
		t.Errorf("only %d customers with model scores", n)
	}
	// Issue 11: every score of the catalogue is produced for the sample,
	// each for at least some of its eligible customers.
	for _, col := range []string{"churn_probability_90d", "purchase_probability_7d", "purchase_probability_30d", "purchase_probability_90d",
		"predicted_revenue_90d", "p_alive", "expected_purchases_90d", "clv_365d"} {
		if n := duckdbtest.QueryInt(t, db, fmt.Sprintf("SELECT count(%s) FROM read_parquet('%s')", col, run.parts("scores"))); n == 0 {
			t.Errorf("scores.%s is null for every customer", col)
		}
	}
	// Issue 14, reasons: for every customer and gradient-boosted score, the
	// base and the contributions of scores/reasons add up to the model's
	// raw score, and the scores carry the three largest as text.
	reasons := run.parts(contract.ScoreReasons)
	var groups, off int64
	var worst float64
	if err := db.QueryRow(fmt.Sprintf(`SELECT count(*), count(*) FILTER (WHERE gap > 1e-9), coalesce(max(gap), 0) FROM (
		SELECT abs(any_value(base) + sum(contribution) - any_value(raw_score)) AS gap FROM read_parquet('%s') GROUP BY customer_id, score)`, reasons)).
		Scan(&groups, &off, &worst); err != nil {
		t.Fatal(err)
	}
	explained := duckdbtest.QueryInt(t, db, fmt.Sprintf(`SELECT count(churn_probability_90d_reasons) + count(purchase_probability_7d_reasons) +
		count(purchase_probability_30d_reasons) + count(purchase_probability_90d_reasons) + count(predicted_revenue_90d_reasons) FROM read_parquet('%s')`,
		run.parts("scores")))
	if groups < 400 || off != 0 || explained != groups {
		t.Errorf("reasons: %d customer scores explained (%d texts in scores), %d not adding up to the raw score (largest gap %g)", groups, explained, off, worst)
	}
	t.Logf("reasons: %d customer scores, largest gap between base + contributions and the raw score %g", groups, worst)

	input := filepath.Join(repoRoot(t), "testdata/bank/bank.csv")
	tab, err := frame.Read(input, frame.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := learn.Train(t.Context(), tab, learn.Spec{Label: "y", Drop: []string{"duration"}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	scores, err := learn.Predict(t.Context(), res.File, tab)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "scores.parquet")
	if err := learn.WriteScores(out, tab, []string{"age", "job"}, scores); err != nil {
		t.Fatal(err)
	}
	types := duckdbtest.ColumnTypes(t, db, out)
	if types["score"] != "DOUBLE" || types["age"] != "VARCHAR" || types["job"] != "VARCHAR" {
		t.Errorf("predict output types %v", types)
	}
	ages, _ := tab.Text("age")
	rows, err := db.QueryContext(t.Context(), fmt.Sprintf("SELECT age, score FROM read_parquet('%s')", out))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var age string
		var score float64
		if err := rows.Scan(&age, &score); err != nil {
			t.Fatal(err)
		}
		if age != ages[i] || score != scores[i] {
			t.Fatalf("row %d: DuckDB reads (%s, %v), segmint wrote (%s, %v)", i, age, score, ages[i], scores[i])
		}
		i++
	}
	if i != tab.Rows {
		t.Errorf("DuckDB reads %d rows of %d", i, tab.Rows)
	}
}

package nightly_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/duckdbtest"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
)

// TestRecommendationsOfTheSample: the sample night's recommendations, read
// by DuckDB: the counts of the manifests, five products for every customer
// of unified/orders with ranks 1-5, item-item before popular, never a
// product the customer bought (computed in SQL from the raw lines and the
// orders' customer ids), never an excluded product; and the measurement's
// row in models/_decisions.
func TestRecommendationsOfTheSample(t *testing.T) {
	_, st := runSample(t, sampleDate)
	db := duckdbtest.Open(t)
	d := rundatetest.Parse(t, sampleDate)
	glob := func(ds string) string { return duckdbtest.Parts(st, dataset.Partition{Dataset: ds, Date: d}) }
	for _, ds := range []string{contract.Recommendations, contract.RecommendationEvaluation} {
		m, err := dataset.ReadManifest(t.Context(), st, dataset.Partition{Dataset: ds, Date: d})
		if err != nil {
			t.Fatal(err)
		}
		if got := duckdbtest.QueryInt(t, db, fmt.Sprintf("SELECT count(*) FROM read_parquet('%s')", glob(ds))); got != m.Rows || got == 0 {
			t.Errorf("%s: DuckDB reads %d rows, manifest says %d", ds, got, m.Rows)
		}
	}
	recs, orders, raw := glob(contract.Recommendations), glob(contract.Orders), glob("raw/retail/orders")
	customers := duckdbtest.QueryInt(t, db, fmt.Sprintf("SELECT count(DISTINCT customer_id) FROM read_parquet('%s')", orders))
	if got := duckdbtest.QueryInt(t, db, fmt.Sprintf("SELECT count(*) FROM read_parquet('%s')", recs)); got != 5*customers {
		t.Errorf("%d recommendations, want 5 for each of %d customers", got, customers)
	}
	checks := map[string]string{
		"a customer whose ranks are not 1-5": fmt.Sprintf(`SELECT count(*) FROM (SELECT customer_id FROM read_parquet('%s')
			GROUP BY 1 HAVING count(*) <> 5 OR min(rank) <> 1 OR max(rank) <> 5 OR count(DISTINCT rank) <> 5 OR count(DISTINCT product_id) <> 5)`, recs),
		"a popular row ranked above an item-item row": fmt.Sprintf(`SELECT count(*) FROM read_parquet('%[1]s') a JOIN read_parquet('%[1]s') b
			USING (customer_id) WHERE a.source = 'popular' AND b.source = 'item_item' AND a.rank < b.rank`, recs),
		"a score above the score of a better rank of the same source": fmt.Sprintf(`SELECT count(*) FROM read_parquet('%[1]s') a JOIN read_parquet('%[1]s') b
			USING (customer_id, source) WHERE a.rank < b.rank AND a.score < b.score`, recs),
		"an unknown source": fmt.Sprintf(`SELECT count(*) FROM read_parquet('%s') WHERE source NOT IN ('item_item', 'popular')`, recs),
		"a customer without orders": fmt.Sprintf(`SELECT count(*) FROM read_parquet('%s') WHERE customer_id NOT IN
			(SELECT customer_id FROM read_parquet('%s') WHERE customer_id IS NOT NULL)`, recs, orders),
		"a product the customer bought": fmt.Sprintf(`WITH bought AS (
			SELECT DISTINCT o.customer_id, trim(r.product_id) AS product_id FROM read_parquet('%s') r
			JOIN read_parquet('%s') o ON o.order_id = r.order_id AND o.customer_id IS NOT NULL
			WHERE r.quantity > 0 AND NOT starts_with(r.order_id, 'C'))
			SELECT count(*) FROM read_parquet('%s') JOIN bought USING (customer_id, product_id)`, raw, orders, recs),
		"an excluded product": fmt.Sprintf(`SELECT count(*) FROM read_parquet('%s') WHERE product_id IN ('POST', 'DOT', 'M', 'BANK CHARGES')`, recs),
	}
	for what, q := range checks {
		if n := duckdbtest.QueryInt(t, db, q); n != 0 {
			t.Errorf("%d rows with %s", n, what)
		}
	}
	if n := duckdbtest.QueryInt(t, db, fmt.Sprintf("SELECT count(*) FROM read_parquet('%s') WHERE source = 'item_item'", recs)); n == 0 {
		t.Error("no item-item recommendation")
	}
	var metric, reason string
	var value float64
	var holdout int64
	q := fmt.Sprintf("SELECT metric, value, holdout_rows, reason FROM read_parquet('%s') WHERE model = 'recommendations'", glob(contract.Decisions))
	if err := db.QueryRowContext(t.Context(), q).Scan(&metric, &value, &holdout, &reason); err != nil {
		t.Fatalf("the recommendations row of models/_decisions: %v", err)
	}
	if metric != "hit_rate_5" || value <= 0 || value > 1 || holdout == 0 || !strings.Contains(reason, "most-popular baseline") {
		t.Errorf("decision row: metric %q, value %v, holdout %d, reason %q", metric, value, holdout, reason)
	}
}

package nightly_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/duckdbtest"
	"github.com/segmint/segmint/lib/fixture"
)

// restatedCatalog writes a products CSV with an updated_at column into
// dir, from the committed catalog: products whose id ends in 3 are left
// out (their lines are uncategorised); those ending in 7 get a second,
// dated row "restated" (a dated row beats an undated one); those ending in
// 5 get a dated row "fresh" and then an older one "stale" (the newer
// wins whatever the file order); those ending in 9 get a row "future"
// dated after the run date (not in D's snapshot). It returns the number of
// rows in D's snapshot.
func restatedCatalog(t *testing.T, dir string) int {
	t.Helper()
	f, err := os.ReadFile(filepath.Join(repoRoot(t), "testdata/synthetic/products.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(f)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := [][]string{{"product_id", "name", "category", "updated_at"}}
	var later [][]string
	for _, r := range rows[1:] {
		id := r[0]
		switch id[len(id)-1] {
		case '3':
			continue
		case '7':
			later = append(later, []string{id, r[1], "restated", "2010-06-01"})
		case '5':
			out = append(out, []string{id, r[1], "fresh", "2010-06-01"})
			later = append(later, []string{id, r[1], "stale", "2010-01-01"})
			continue
		case '9':
			later = append(later, []string{id, r[1], "future", "2010-12-10"})
		}
		out = append(out, []string{id, r[1], r[2], ""})
	}
	out = append(out, later...)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(out); err != nil {
		t.Fatal(err)
	}
	fixture.Write(t, filepath.Join(dir, "products.csv"), b.String())
	n := len(out) - 1
	for _, r := range later {
		if r[2] == "future" {
			n--
		}
	}
	return n
}

// newestCatalogSQL is the catalog of a products CSV with updated_at
// (%[1]s) as of the end of D (%[2]s): rows dated after D left out, then
// per product the row with the latest updated_at, an undated row older
// than any dated one (the test data has no two rows of one product with
// equal dates, so file order never decides).
const newestCatalogSQL = `(SELECT product, category FROM (
  SELECT trim(product_id) AS product, trim(category) AS category,
         row_number() OVER (PARTITION BY trim(product_id) ORDER BY CAST(nullif(updated_at, '') AS DATE) DESC NULLS LAST) AS k
  FROM read_csv('%[1]s', header=true, all_varchar=true)
  WHERE nullif(updated_at, '') IS NULL OR CAST(updated_at AS DATE) < CAST(TIMESTAMP '%[2]s' AS DATE)
) WHERE k = 1)`

// TestCategoriesEqualIndependentSQL: with a catalog that lacks some of the
// sample's products and restates others (dated rows, an older row after a
// newer one, a row dated after D), every customer's distinct_categories
// and category_revenue_share equal the DuckDB SQL over the landed CSV and
// the catalog CSV, and the manifest's uncategorised and replaced counts
// equal the SQL's.
func TestCategoriesEqualIndependentSQL(t *testing.T) {
	cfg := sampleConfig(t)
	dir := t.TempDir()
	snapshot := restatedCatalog(t, dir)
	found := false
	for i := range cfg.Sources {
		src := &cfg.Sources[i]
		if len(src.Streams) == 1 && src.Streams[0].Entity == "products" {
			found = true
			src.Landing = dir
			st := &src.Streams[0]
			st.EventTime = "updated_at"
			st.Columns = append(st.Columns, config.Column{From: "updated_at", To: "updated_at", Type: config.TypeTimestamp,
				Format: "2006-01-02", Timezone: "UTC"})
		}
	}
	if !found {
		t.Fatal("configs/local.yaml has no products stream")
	}
	st, d := runValid(t, cfg)
	db := openGoldenDB(t)
	orders := filepath.Join(cfg.Sources[0].Landing, "orders", "*.csv.gz")
	end := sqlEnd(d)
	catalog := fmt.Sprintf(newestCatalogSQL, filepath.Join(dir, "products.csv"), end)
	cols := []string{"customer_number", "distinct_categories", "category_revenue_share"}
	want := queryCSV(t, db, fmt.Sprintf("SELECT %s FROM (%s) ORDER BY customer_number", strings.Join(cols, ", "),
		fmt.Sprintf(goldenCustomersSQL, orders, end, catalog)))
	parts := duckdbtest.Parts(st, dataset.Partition{Dataset: "unified/customers", Date: d})
	got := queryCSV(t, db, actualSQL(parts, cols, cols[:1], duckdbtest.ColumnTypes(t, db, parts)))
	if diff := firstDiff(want, got); diff != "" {
		t.Errorf("segmint's categories differ from the SQL's: %s", diff)
	}
	// The test data reaches every rule.
	for _, c := range []struct {
		category string
		present  bool
	}{{"uncategorised=", true}, {"restated=", true}, {"fresh=", true}, {"stale=", false}, {"future=", false}} {
		if n := strings.Count(want, c.category); (n > 0) != c.present {
			t.Errorf("%d customers with %s in the SQL's shares, want present = %v", n, c.category, c.present)
		}
	}

	var uncategorised int64
	if err := db.QueryRowContext(t.Context(), fmt.Sprintf(`WITH `+goldenOrderLines+`, catalog AS %[3]s
		SELECT count(*) FROM lines l LEFT JOIN catalog c ON c.product = trim(l.product) WHERE c.product IS NULL`,
		orders, end, catalog)).Scan(&uncategorised); err != nil {
		t.Fatal(err)
	}
	products := duckdbtest.QueryInt(t, db, "SELECT count(*) FROM "+catalog)
	m, err := dataset.ReadManifest(t.Context(), st, dataset.Partition{Dataset: "unified/customers", Date: d})
	if err != nil {
		t.Fatal(err)
	}
	meta, _ := m.Meta["catalog"].(map[string]any)
	for k, want := range map[string]int64{"lines_uncategorised": uncategorised, "products": products,
		"replaced_rows": int64(snapshot) - products, "ignored_rows": 0} {
		if got, ok := meta[k].(float64); !ok || int64(got) != want {
			t.Errorf("manifest meta catalog.%s = %v, want %d", k, meta[k], want)
		}
	}
	t.Logf("%d catalog rows in D's snapshot, %d products, %d uncategorised lines", snapshot, products, uncategorised)
}

package nightly_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segmint/segmint/jobs/nightly"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/fixture"
	"github.com/segmint/segmint/lib/quality"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/runlog"
)

const qualityExport = `Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country
100001,A1,good,2,2010-12-01 10:00:00,1.50,12345,France
100002,A2,bad debt,1,2010-12-01 11:00:00,-5.00,,United Kingdom
X100003,A3,odd invoice,1,2010-12-01 12:00:00,2.00,12345,France
100004,21498,RED SPOTS  WRAP,1,2010-12-01 13:00:00,3.00,12346,France
`

// TestQualityRulesQuarantineRefusedLines: lines that break an error-level
// row rule are quarantined with the rule and the value and left out of the
// unified tables; the quality report is committed.
func TestQualityRulesQuarantineRefusedLines(t *testing.T) {
	cfg := ordersAndCatalog(t)
	landing := t.TempDir()
	cfg.Sources[0].Landing = landing
	fixture.Write(t, filepath.Join(landing, "orders", "x.csv"), qualityExport)
	for i := range cfg.Quality.Datasets[0].Rules {
		r := &cfg.Quality.Datasets[0].Rules[i]
		if r.Severity == "error" {
			r.MaxFailureShare = ptrFloat(0.5) // refuse the rows, let the run go on
		}
	}
	st := newLocal(t)
	runNightly(t, testEnv(t, st, cfg), "2010-12-01", false)
	d := rundatetest.Parse(t, "2010-12-01")
	refused, _, err := dataset.ReadParquet[contract.Refused](t.Context(), st,
		dataset.Partition{Dataset: contract.QualityQuarantine("raw/retail/orders"), Date: d})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range refused {
		got = append(got, r.Rule+":"+r.Value)
	}
	if strings.Join(got, " ") != "range_unit_price:-5 pattern_order_id:X100003" {
		t.Errorf("refused %v", got)
	}
	orders, _, err := dataset.ReadParquet[struct {
		OrderID string `parquet:"order_id"`
	}](t.Context(), st, dataset.Partition{Dataset: contract.Orders, Date: d})
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != 2 {
		t.Errorf("unified orders %v, want the two good invoices", orders)
	}
	rep, err := dataset.ReadManifest(t.Context(), st, dataset.Partition{Dataset: contract.Quality("raw/retail/orders"), Date: d})
	if err != nil || rep.Meta["passed"] != true {
		t.Fatalf("quality report: %v %v", err, rep)
	}
	// The warn-level relationships rule: three of the four lines name a
	// product the catalog lacks.
	rows, _, err := dataset.ReadParquet[quality.ReportRow](t.Context(), st,
		dataset.Partition{Dataset: contract.Quality("raw/retail/orders"), Date: d})
	if err != nil {
		t.Fatal(err)
	}
	var rel *quality.ReportRow
	for i := range rows {
		if rows[i].Name == "product_in_catalog" {
			rel = &rows[i]
		}
	}
	if rel == nil || rel.Checked != 4 || rel.Failed != 3 || rel.Passed || rel.Severity != quality.SeverityWarn {
		t.Errorf("product_in_catalog report row %+v, want 3 of 4 lines failed, warn", rel)
	}
}

// ordersAndCatalog is the sample config with only the retail orders and
// the product catalog, whose quality rules refer to it.
func ordersAndCatalog(t *testing.T) *config.Config {
	t.Helper()
	cfg := sampleConfig(t)
	var keep []config.Source
	for _, src := range cfg.Sources {
		if src.Name == "retail" || src.Streams[0].Entity == "products" {
			keep = append(keep, src)
		}
	}
	cfg.Sources = keep
	if err := cfg.Validate(); err != nil || len(keep) != 2 {
		t.Fatalf("%d sources: %v", len(keep), err)
	}
	return cfg
}

// TestQualityGateStopsTheRun: an error-level rule over its threshold stops
// the run after the report and quarantine are committed and before any
// unified table is written.
func TestQualityGateStopsTheRun(t *testing.T) {
	cfg := ordersAndCatalog(t)
	landing := t.TempDir()
	cfg.Sources[0].Landing = landing
	fixture.Write(t, filepath.Join(landing, "orders", "x.csv"), qualityExport)
	st := newLocal(t)
	rec := &runlog.Record{}
	err := nightly.Run(t.Context(), testEnv(t, st, cfg), rundatetest.Parse(t, "2010-12-01"), false, rec)
	if !errors.Is(err, quality.ErrStop) {
		t.Fatalf("want the quality gate to stop the run, got %v", err)
	}
	d := rundatetest.Parse(t, "2010-12-01")
	if ok, _ := dataset.Committed(t.Context(), st, dataset.Partition{Dataset: contract.Quality("raw/retail/orders"), Date: d}); !ok {
		t.Error("the quality report of a stopped run was not committed")
	}
	for _, ds := range []string{contract.Orders, contract.Customers} {
		if ok, _ := dataset.Committed(t.Context(), st, dataset.Partition{Dataset: ds, Date: d}); ok {
			t.Errorf("%s was committed by a stopped run", ds)
		}
	}
}

func ptrFloat(f float64) *float64 { return &f }

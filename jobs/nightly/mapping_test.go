package nightly_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/fixture"
	"github.com/segmint/segmint/lib/quality"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
)

// TestOtherColumnNamesNeedOnlyConfig: the same orders exported with other
// column names, another delimiter and another date format give the same
// customers after changing the configuration only.
func TestOtherColumnNamesNeedOnlyConfig(t *testing.T) {
	standard := "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n" +
		"536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n" +
		"536366,22633,HAND WARMER,6,2010-12-01 08:28:00,1.85,17850,United Kingdom\n" +
		"C536379,D,Discount,-1,2010-12-01 09:41:00,27.50,14527,United Kingdom\n" +
		"536380,22961,JAM,24,2010-12-01 09:41:00,0.85,14527,United Kingdom\n"
	other := "order_no;sku;title;qty;placed;unit_price_gbp;client;land\n" +
		"536365;85123A;HEART;6;01/12/2010 08:26;2,55;17850;United Kingdom\n" +
		"536366;22633;HAND WARMER;6;01/12/2010 08:28;1,85;17850;United Kingdom\n" +
		"C536379;D;Discount;-1;01/12/2010 09:41;27,50;14527;United Kingdom\n" +
		"536380;22961;JAM;24;01/12/2010 09:41;0,85;14527;United Kingdom\n"
	run := func(content string, mutate func(*config.Stream)) []customerview.Customer {
		cfg := sampleConfig(t)
		cfg.Sources = cfg.Sources[:1]
		cfg.Quality = quality.Config{}
		landing := t.TempDir()
		cfg.Sources[0].Landing = landing
		mutate(&cfg.Sources[0].Streams[0])
		fixture.Write(t, filepath.Join(landing, "orders", "export.csv"), content)
		st := newLocal(t)
		runNightly(t, testEnv(t, st, cfg), "2010-12-01", false)
		cs, _, err := dataset.ReadParquet[customerview.Customer](t.Context(), st, dataset.Partition{Dataset: contract.Customers, Date: rundatetest.Parse(t, "2010-12-01")})
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}
	want := run(standard, func(*config.Stream) {})
	got := run(other, func(st *config.Stream) {
		st.Delimiter = ";"
		from := map[string]string{"order_id": "order_no", "product_id": "sku", "description": "title", "quantity": "qty",
			"ordered_at": "placed", "unit_price": "unit_price_gbp", "customer_number": "client", "country": "land"}
		for i := range st.Columns {
			st.Columns[i].From = from[st.Columns[i].To]
			switch st.Columns[i].To {
			case "ordered_at":
				st.Columns[i].Format = "02/01/2006 15:04"
			case "unit_price":
				st.Columns[i].DecimalSeparator = ","
			}
		}
	})
	if len(want) != 2 || fmt.Sprintf("%+v", summary(want)) != fmt.Sprintf("%+v", summary(got)) {
		t.Fatalf("customers differ:\nstandard %+v\nrenamed  %+v", summary(want), summary(got))
	}
}

func summary(cs []customerview.Customer) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s:%d:%d:%d", c.CustomerNumber, c.OrdersCount, c.NetRevenue, *c.RecencyDays))
	}
	return out
}

package filedrop_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/filedrop"
	"github.com/segmint/segmint/lib/store"
)

// rowsWithoutLineage renders pulled rows without the lineage columns, so
// that the same data in three formats can be compared.
func rowsWithoutLineage(res *filedrop.Result) []string {
	skip := map[int]bool{}
	for i, c := range res.Schema.Columns() {
		if strings.HasPrefix(c[0], "_") {
			skip[i] = true
		}
	}
	var out []string
	for _, r := range res.Rows {
		var b strings.Builder
		for i, v := range r {
			if !skip[i] {
				fmt.Fprintf(&b, "%v|", v)
			}
		}
		out = append(out, b.String())
	}
	return out
}

// exportRow is the Parquet export of the rows below.
type exportRow struct {
	Invoice  string    `parquet:"Invoice"`
	Qty      int64     `parquet:"Qty"`
	Price    int64     `parquet:"Price,decimal(2:18)"`
	When     time.Time `parquet:"When,timestamp(millisecond)"`
	Customer *string   `parquet:"Customer,optional"`
}

func TestSameDataInCSVJSONLinesAndParquet(t *testing.T) {
	cust := "12345"
	csv := header + "1001,2,1.50,2010-12-01 10:00:00,12345\n1002,1,3.25,2010-12-01 11:30:00,\n"
	jsonl := `{"Invoice":"1001","Qty":2,"Price":"1.50","When":"2010-12-01 10:00:00","Customer":12345}` + "\n\n" +
		`{"Invoice":"1002","Qty":1,"Price":3.25,"When":"2010-12-01 11:30:00","Customer":null,"Extra":{"a":1}}` + "\n"
	var pq bytes.Buffer
	rows := []exportRow{
		{Invoice: "1001", Qty: 2, Price: 150, When: time.Date(2010, 12, 1, 10, 0, 0, 0, time.UTC), Customer: &cust},
		{Invoice: "1002", Qty: 1, Price: 325, When: time.Date(2010, 12, 1, 11, 30, 0, 0, time.UTC)},
	}
	if err := parquet.Write(&pq, rows); err != nil {
		t.Fatal(err)
	}
	results := map[string][]string{}
	for _, format := range []string{"csv", "jsonl", "parquet"} {
		st := ordersStream()
		st.Format, st.Pattern = format, "*."+format+"*"
		content := map[string]string{"csv": csv, "jsonl": gz(t, jsonl), "parquet": pq.String()}[format]
		name := "orders/export." + format
		if format == "jsonl" {
			name += ".gz"
		}
		if format == "parquet" {
			st.Columns[3].Format = time.RFC3339 // Parquet timestamps are rendered as RFC 3339
		}
		landing := store.NewMem()
		put(t, landing, name, content)
		res, err := filedrop.Pull(t.Context(), landing, "", st, farEnd)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if len(res.Rejected) > 0 {
			t.Fatalf("%s: rejected %+v", format, res.Rejected)
		}
		results[format] = rowsWithoutLineage(res)
	}
	if fmt.Sprint(results["csv"]) != fmt.Sprint(results["jsonl"]) || fmt.Sprint(results["csv"]) != fmt.Sprint(results["parquet"]) {
		t.Fatalf("formats disagree:\ncsv     %v\njsonl   %v\nparquet %v", results["csv"], results["jsonl"], results["parquet"])
	}
	if len(results["csv"]) != 2 {
		t.Fatalf("rows %v", results["csv"])
	}
}

func TestJSONLinesQuarantine(t *testing.T) {
	st := ordersStream()
	st.Format, st.Pattern = "jsonl", "*.jsonl"
	landing := store.NewMem()
	put(t, landing, "orders/x.jsonl", strings.Join([]string{
		`{"Invoice":"1","Qty":1,"Price":"1.00","When":"2010-12-01 10:00:00"}`,
		`{"Invoice":"2","Qty":1,"Price":"1.00",`,
		`[1,2,3]`,
		`{"Qty":1,"Price":"1.00","When":"2010-12-01 10:00:00"}`,
		`{"Invoice":"5","Qty":"one","Price":"1.00","When":"2010-12-01 10:00:00"}`,
	}, "\n"))
	res, err := filedrop.Pull(t.Context(), landing, "", st, farEnd)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]string{}
	for _, r := range res.Rejected {
		got[r.Line] = r.Rule
	}
	want := map[int64]string{2: filedrop.RuleBadJSON, 3: filedrop.RuleBadJSON, 4: filedrop.RuleMissingRequired, 5: filedrop.RuleBadInt}
	if fmt.Sprint(got) != fmt.Sprint(want) || len(res.Rows) != 1 {
		t.Fatalf("rejected %v, rows %d", got, len(res.Rows))
	}
}

func TestParquetMissingColumnIsAClearError(t *testing.T) {
	var pq bytes.Buffer
	if err := parquet.Write(&pq, []struct {
		Invoice string `parquet:"Invoice"`
	}{{"1"}}); err != nil {
		t.Fatal(err)
	}
	st := ordersStream()
	st.Format, st.Pattern = "parquet", "*.parquet"
	landing := store.NewMem()
	put(t, landing, "orders/x.parquet", pq.String())
	_, err := filedrop.Pull(t.Context(), landing, "", st, farEnd)
	if err == nil || !strings.Contains(err.Error(), `"Qty"`) {
		t.Fatalf("err %v", err)
	}
}

func TestConsentAndDeletionEntitiesValidate(t *testing.T) {
	base := func(entity, at string) config.Config {
		return config.Config{Store: config.Store{Kind: "memory"}, Currency: "GBP", Sources: []config.Source{{
			Name: "crm", Kind: "filedrop", Landing: "x", Streams: []config.Stream{{
				Name: entity, Entity: config.Entity(entity), Format: "jsonl", Delimiter: ",", EventTime: at,
				Columns: []config.Column{
					{From: "email", To: "email", Type: config.TypeString},
					{From: "status", To: "status", Type: config.TypeString},
					{From: "at", To: at, Type: config.TypeTimestamp, Format: time.RFC3339, Timezone: "UTC"},
				},
			}},
		}}}
	}
	for _, c := range []struct{ entity, at string }{{"consent", "changed_at"}, {"deletion_requests", "requested_at"}} {
		cfg := base(c.entity, c.at)
		if err := cfg.Validate(); err != nil {
			t.Errorf("%s: %v", c.entity, err)
		}
		cfg.Sources[0].Streams[0].Columns = cfg.Sources[0].Streams[0].Columns[1:] // no identifier
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "identifier") {
			t.Errorf("%s without an identifier: %v", c.entity, err)
		}
	}
}

package filedrop_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/London must resolve on any machine

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/filedrop"
	"github.com/segmint/segmint/lib/store"
)

const header = "Invoice,Qty,Price,When,Customer\n"

// farEnd is an end no test row reaches.
var farEnd = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)

// ordersStream is a small orders mapping over the header above.
func ordersStream() config.Stream {
	return config.Stream{
		Name: "orders", Entity: "orders", Format: "csv", Path: "orders", Pattern: "*.csv*",
		Delimiter: ",", Currency: "GBP", EventTime: "ordered_at",
		Columns: []config.Column{
			{From: "Invoice", To: "order_id", Type: config.TypeString, Required: true},
			{From: "Qty", To: "quantity", Type: config.TypeInt, Required: true},
			{From: "Price", To: "unit_price", Type: config.TypeDecimal, Scale: config.Int(2), Required: true},
			{From: "When", To: "ordered_at", Type: config.TypeTimestamp, Format: "2006-01-02 15:04:05", Timezone: "UTC", Required: true},
			{From: "Customer", To: "customer_number", Type: config.TypeString},
		},
	}
}

const richHeader = "Invoice,Qty,Price,When,Customer,Score,Active,Day,Note\n"

// pullRich pulls one export of richStream, named name, holding richHeader
// and body, from a new store.
func pullRich(t *testing.T, name, body string) *filedrop.Result {
	t.Helper()
	s := store.NewMem()
	put(t, s, "drop/orders/"+name, richHeader+body)
	return pull(t, s, richStream(), farEnd)
}

// richRows pulls an export of richStream holding body, fails the test
// unless it yields n rows, and returns them.
func richRows(t *testing.T, n int, body string) []map[string]any {
	t.Helper()
	res := pullRich(t, "x.csv", body)
	got := rows(t, res)
	if len(got) != n {
		t.Fatalf("rows %v, want %d; rejected %+v", got, n, res.Rejected)
	}
	return got
}

// richStream adds float, bool, date and free-text columns.
func richStream() config.Stream {
	st := ordersStream()
	st.Columns = append(st.Columns,
		config.Column{From: "Score", To: "score", Type: config.TypeFloat},
		config.Column{From: "Active", To: "active", Type: config.TypeBool},
		config.Column{From: "Day", To: "day", Type: config.TypeDate, Format: "2006-01-02", Timezone: "UTC"},
		config.Column{From: "Note", To: "note", Type: config.TypeString},
	)
	return st
}

func stores(t *testing.T) map[string]store.Store {
	t.Helper()
	l, err := store.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return map[string]store.Store{"mem": store.NewMem(), "local": l}
}

func put(t *testing.T, s store.Store, key, content string) {
	t.Helper()
	if err := store.PutBytes(t.Context(), s, key, []byte(content)); err != nil {
		t.Fatal(err)
	}
}

func gz(t *testing.T, content string) string {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(content)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// rows decodes a result's rows by field name: nil, string, int64, int32, bool or float64.
func rows(t *testing.T, res *filedrop.Result) []map[string]any {
	t.Helper()
	cols := res.Schema.Columns()
	var out []map[string]any
	for _, r := range res.Rows {
		m := map[string]any{}
		for i, c := range cols {
			v := r[i]
			switch {
			case v.IsNull():
				m[c[0]] = nil
			case v.Kind() == parquet.ByteArray:
				m[c[0]] = string(v.ByteArray())
			case v.Kind() == parquet.Int64:
				m[c[0]] = v.Int64()
			case v.Kind() == parquet.Int32:
				m[c[0]] = v.Int32()
			case v.Kind() == parquet.Boolean:
				m[c[0]] = v.Boolean()
			case v.Kind() == parquet.Double:
				m[c[0]] = v.Double()
			default:
				t.Fatalf("column %s: unexpected kind %v", c[0], v.Kind())
			}
		}
		out = append(out, m)
	}
	return out
}

func pull(t *testing.T, s store.Store, st config.Stream, end time.Time) *filedrop.Result {
	t.Helper()
	res, err := filedrop.Pull(t.Context(), s, "drop", st, end)
	if err != nil {
		t.Fatalf("Pull() = %v", err)
	}
	checkCounts(t, res)
	return res
}

func checkCounts(t *testing.T, res *filedrop.Result) {
	t.Helper()
	if got := int64(len(res.Rows)+len(res.Rejected)) + res.AfterDate; got != res.Read {
		t.Errorf("Read = %d but rows %d + rejected %d + after %d = %d",
			res.Read, len(res.Rows), len(res.Rejected), res.AfterDate, got)
	}
	if res.Kept != int64(len(res.Rows)) {
		t.Errorf("Kept = %d, want %d (the rows)", res.Kept, len(res.Rows))
	}
}

func micros(s string) int64 {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UnixMicro()
}

func TestPullFormats(t *testing.T) {
	const body = "A1,2,1.50,2024-03-01 10:00:00,17850\nA2,-1,0.5,2024-03-02 11:30:00,\n"
	want := []map[string]any{
		{"order_id": "A1", "quantity": int64(2), "unit_price": int64(150), "ordered_at": micros("2024-03-01T10:00:00Z"),
			"customer_number": "17850", "_source_line": int64(2)},
		{"order_id": "A2", "quantity": int64(-1), "unit_price": int64(50), "ordered_at": micros("2024-03-02T11:30:00Z"),
			"customer_number": nil, "_source_line": int64(3)},
	}
	tests := []struct {
		name, file, content string
		delim               string
	}{
		{name: "plain", file: "x.csv", content: header + body},
		{name: "gzip", file: "x.csv.gz", content: gz(t, header+body)},
		{name: "BOM", file: "x.csv", content: "\ufeff" + header + body},
		{name: "BOM and quoted header", file: "x.csv",
			content: "\ufeff\"Invoice\",\"Qty\",\"Price\",\"When\",\"Customer\"\n" + body},
		{name: "gzip with BOM", file: "x.csv.gz", content: gz(t, "\ufeff"+header+body)},
		{name: "CRLF", file: "x.csv", content: strings.ReplaceAll(header+body, "\n", "\r\n")},
		{name: "semicolon", file: "x.csv", delim: ";", content: strings.ReplaceAll(header+body, ",", ";")},
		{name: "tab", file: "x.csv", delim: "\t", content: strings.ReplaceAll(header+body, ",", "\t")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := store.NewMem()
			put(t, s, "drop/orders/"+tt.file, tt.content)
			st := ordersStream()
			if tt.delim != "" {
				st.Delimiter = tt.delim
			}
			res := pull(t, s, st, farEnd)
			if len(res.Rejected) > 0 {
				t.Fatalf("rejected: %+v", res.Rejected)
			}
			got := rows(t, res)
			if len(got) != len(want) {
				t.Fatalf("got %d rows, want %d: %v", len(got), len(want), got)
			}
			for i := range want {
				for k, v := range want[i] {
					if got[i][k] != v {
						t.Errorf("row %d %s = %#v, want %#v", i, k, got[i][k], v)
					}
				}
				if got[i]["_source_file"] != tt.file {
					t.Errorf("row %d _source_file = %v, want %s", i, got[i]["_source_file"], tt.file)
				}
			}
			if !slices.Equal(res.Files, []string{"drop/orders/" + tt.file}) {
				t.Errorf("Files = %v", res.Files)
			}
		})
	}
}

func TestPullQuotedFields(t *testing.T) {
	got := richRows(t, 2,
		"A1,1,1.00,2024-03-01 10:00:00,1,,,,\"Mug, blue\nlarge \"\"XL\"\"\"\n"+
			"A2,1,1.00,2024-03-01 10:00:00,1,,,,plain\n")
	if n := got[0]["note"]; n != "Mug, blue\nlarge \"XL\"" {
		t.Errorf("note = %q", n)
	}
	if l := got[0]["_source_line"]; l != int64(2) {
		t.Errorf("first row line = %v, want 2", l)
	}
	if l := got[1]["_source_line"]; l != int64(4) {
		t.Errorf("row after a two-line record: line = %v, want 4", l)
	}
}

func TestPullMissingMappedColumn(t *testing.T) {
	s := store.NewMem()
	put(t, s, "drop/orders/x.csv", "Invoice,Qty,When,Customer\nA1,1,2024-03-01 10:00:00,1\n")
	_, err := filedrop.Pull(t.Context(), s, "drop", ordersStream(), farEnd)
	if err == nil {
		t.Fatal("Pull() = nil error for a header without Price")
	}
	for _, want := range []string{`"Price"`, "drop/orders/x.csv"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestPullNoFiles(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
	}{
		{"empty landing", nil},
		{"only other patterns", map[string]string{"drop/orders/readme.txt": "hi"}},
		{"only in sub-folders", map[string]string{"drop/orders/archive/x.csv": header}},
		{"only in a sibling folder", map[string]string{"drop/orders_old/x.csv": header}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := store.NewMem()
			for k, v := range tt.files {
				put(t, s, k, v)
			}
			_, err := filedrop.Pull(t.Context(), s, "drop", ordersStream(), farEnd)
			if !errors.Is(err, filedrop.ErrNoFiles) {
				t.Fatalf("Pull() = %v, want ErrNoFiles", err)
			}
		})
	}
}

func TestPullFileSelectionAndOrder(t *testing.T) {
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			// Written out of order on purpose.
			put(t, s, "drop/orders/b.csv", header+"B1,1,1,2024-03-01 10:00:00,1\nB2,1,1,2024-03-01 10:00:00,1\n")
			put(t, s, "drop/orders/c.csv.gz", gz(t, header+"C1,1,1,2024-03-01 10:00:00,1\n"))
			put(t, s, "drop/orders/a.csv", header+"A1,1,1,2024-03-01 10:00:00,1\nA2,1,1,2024-03-01 10:00:00,1\n")
			put(t, s, "drop/orders/archive/old.csv", header+"X1,1,1,2024-03-01 10:00:00,1\n")
			put(t, s, "drop/orders/notes.txt", "not a csv")
			put(t, s, "drop/orders_old/z.csv", header+"Z1,1,1,2024-03-01 10:00:00,1\n")
			res := pull(t, s, ordersStream(), farEnd)
			wantFiles := []string{"drop/orders/a.csv", "drop/orders/b.csv", "drop/orders/c.csv.gz"}
			if !slices.Equal(res.Files, wantFiles) {
				t.Errorf("Files = %v, want %v", res.Files, wantFiles)
			}
			var ids []string
			for _, r := range rows(t, res) {
				ids = append(ids, r["order_id"].(string))
			}
			if want := []string{"A1", "A2", "B1", "B2", "C1"}; !slices.Equal(ids, want) {
				t.Errorf("order ids = %v, want %v", ids, want)
			}
		})
	}
}

func TestPullTimezone(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"summer is BST", "2024-07-01 12:00:00", "2024-07-01T11:00:00Z"},
		{"winter is GMT", "2024-01-15 12:00:00", "2024-01-15T12:00:00Z"},
		{"just after the spring change", "2024-03-31 02:30:00", "2024-03-31T01:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := store.NewMem()
			put(t, s, "drop/orders/x.csv", header+"A1,1,1,"+tt.text+",1\n")
			st := ordersStream()
			st.Columns[3].Timezone = "Europe/London"
			got := rows(t, pull(t, s, st, farEnd))
			if len(got) != 1 {
				t.Fatalf("got %d rows", len(got))
			}
			if at, want := got[0]["ordered_at"], micros(tt.want); at != want {
				t.Errorf("ordered_at = %v (%v), want %v (%s)", at, time.UnixMicro(at.(int64)).UTC(), want, tt.want)
			}
		})
	}
}

func TestPullOffsetInText(t *testing.T) {
	s := store.NewMem()
	put(t, s, "drop/orders/x.csv", header+"A1,1,1,2024-07-01T12:00:00+02:00,1\n")
	st := ordersStream()
	st.Columns[3].Format = time.RFC3339
	st.Columns[3].Timezone = "Europe/London" // an explicit offset wins
	got := rows(t, pull(t, s, st, farEnd))
	if len(got) != 1 || got[0]["ordered_at"] != micros("2024-07-01T10:00:00Z") {
		t.Fatalf("rows = %v", got)
	}
}

func TestPullEventTimeCutOff(t *testing.T) {
	end := time.Date(2024, 7, 2, 0, 0, 0, 0, time.UTC)
	s := store.NewMem()
	put(t, s, "drop/orders/x.csv", header+
		"A1,1,1,2024-07-01 23:59:59,1\n"+
		"A2,1,1,2024-07-02 00:00:00,1\n"+
		"A3,1,1,2024-07-03 08:00:00,1\n"+
		"A4,1,1,2020-01-01 00:00:00,1\n")
	res := pull(t, s, ordersStream(), end)
	if res.Read != 4 || res.AfterDate != 2 || len(res.Rejected) != 0 {
		t.Errorf("Read %d AfterDate %d Rejected %d, want 4 2 0", res.Read, res.AfterDate, len(res.Rejected))
	}
	// The newest kept row, not the newest read: the rows after the date
	// are not the stream's input for it.
	if want := time.Date(2024, 7, 1, 23, 59, 59, 0, time.UTC); !res.Newest.Equal(want) {
		t.Errorf("Newest %s, want %s", res.Newest, want)
	}
	var ids []string
	for _, r := range rows(t, res) {
		ids = append(ids, r["order_id"].(string))
	}
	if want := []string{"A1", "A4"}; !slices.Equal(ids, want) {
		t.Errorf("kept %v, want %v", ids, want)
	}
}

func TestPullQuarantine(t *testing.T) {
	const good = "A1,1,1.00,2024-03-01 10:00:00,1,0.5,true,2024-03-01,n\n"
	tests := []struct {
		name, line          string
		rule, column, value string
		valueContains       bool
	}{
		{"missing required string", ",1,1.00,2024-03-01 10:00:00,1,,,,", filedrop.RuleMissingRequired, "Invoice", "", false},
		{"blank required int", "A1,  ,1.00,2024-03-01 10:00:00,1,,,,", filedrop.RuleMissingRequired, "Qty", "", false},
		{"whitespace-only required string", "   ,1,1.00,2024-03-01 10:00:00,1,,,,", filedrop.RuleMissingRequired, "Invoice", "", false},
		{"bad int", "A1,1.5,1.00,2024-03-01 10:00:00,1,,,,", filedrop.RuleBadInt, "Qty", "1.5", false},
		{"bad int trimmed", "A1, x ,1.00,2024-03-01 10:00:00,1,,,,", filedrop.RuleBadInt, "Qty", "x", false},
		{"bad decimal", "A1,1,1.0.0,2024-03-01 10:00:00,1,,,,", filedrop.RuleBadDecimal, "Price", "1.0.0", false},
		{"decimal text", "A1,1,£1.00,2024-03-01 10:00:00,1,,,,", filedrop.RuleBadDecimal, "Price", "£1.00", false},
		{"too many decimals", "A1,1,1.005,2024-03-01 10:00:00,1,,,,", filedrop.RuleBadDecimal, "Price", "1.005", false},
		{"bad timestamp", "A1,1,1.00,01/03/2024 10:00,1,,,,", filedrop.RuleBadTimestamp, "When", "01/03/2024 10:00", false},
		{"bad date", "A1,1,1.00,2024-03-01 10:00:00,1,,,2024-02-30,", filedrop.RuleBadDate, "Day", "2024-02-30", false},
		{"bad bool", "A1,1,1.00,2024-03-01 10:00:00,1,,maybe,,", filedrop.RuleBadBool, "Active", "maybe", false},
		{"bad float", "A1,1,1.00,2024-03-01 10:00:00,1,1.2.3,,,", filedrop.RuleBadFloat, "Score", "1.2.3", false},
		{"too few fields", "A1,1,1.00", filedrop.RuleFieldCount, "", "wrong number of fields", true},
		{"too many fields", "A1,1,1.00,2024-03-01 10:00:00,1,,,,,extra", filedrop.RuleFieldCount, "", "wrong number of fields", true},
		{"bare quote", "A\"1,1,1.00,2024-03-01 10:00:00,1,,,,", filedrop.RuleCSVSyntax, "", "bare", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := pullRich(t, "q.csv", good+tt.line+"\n"+good)
			if len(res.Rows) != 2 || len(res.Rejected) != 1 {
				t.Fatalf("rows %d rejected %+v, want 2 rows and 1 rejected", len(res.Rows), res.Rejected)
			}
			r := res.Rejected[0]
			if r.Rule != tt.rule || r.Line != 3 || r.Column != tt.column || r.SourceFile != "q.csv" {
				t.Errorf("rejected = %+v, want rule %s line 3 column %q file q.csv", r, tt.rule, tt.column)
			}
			if tt.valueContains {
				if !strings.Contains(r.Value, tt.value) {
					t.Errorf("value = %q, want it to contain %q", r.Value, tt.value)
				}
			} else if r.Value != tt.value {
				t.Errorf("value = %q, want %q", r.Value, tt.value)
			}
			var rec map[string]string
			if err := json.Unmarshal([]byte(r.Record), &rec); err != nil {
				t.Fatalf("record %q is not a JSON object: %v", r.Record, err)
			}
			if tt.column != "" {
				if _, ok := rec[tt.column]; !ok {
					t.Errorf("record %v lacks column %s", rec, tt.column)
				}
			}
			if got := rows(t, res); got[1]["_source_line"] != int64(4) {
				t.Errorf("row after the rejected one has line %v, want 4", got[1]["_source_line"])
			}
		})
	}
}

func TestPullValueFidelity(t *testing.T) {
	got := richRows(t, 2,
		"  A1 , 3 , 2.50 , 2024-03-01 10:00:00 ,  12345 , 1e3 , TRUE , 2024-03-01 ,  leading and trailing  \n"+
			"A2,1,1,2024-03-01 10:00:00,   ,,,,\n")
	want := map[string]any{
		"order_id":        "  A1 ",
		"quantity":        int64(3),
		"unit_price":      int64(250),
		"ordered_at":      micros("2024-03-01T10:00:00Z"),
		"customer_number": "  12345 ",
		"score":           1000.0,
		"active":          true,
		"day":             int32(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC).Unix() / 86400),
		"note":            "  leading and trailing  ",
	}
	for k, v := range want {
		if got[0][k] != v {
			t.Errorf("%s = %#v, want %#v", k, got[0][k], v)
		}
	}
	// A blank optional value is null, not an empty or blank string.
	for _, k := range []string{"customer_number", "score", "active", "day", "note"} {
		if got[1][k] != nil {
			t.Errorf("row 2 %s = %#v, want null", k, got[1][k])
		}
	}
}

func TestSchemaIsOptionalPlusLineage(t *testing.T) {
	s := filedrop.Schema(richStream())
	for _, path := range s.Columns() {
		leaf, ok := s.Lookup(path...)
		if !ok {
			t.Fatalf("no leaf %v", path)
		}
		lineage := path[0] == filedrop.ColSourceFile || path[0] == filedrop.ColSourceLine
		if leaf.Node.Optional() == lineage {
			t.Errorf("column %s optional = %v", path[0], leaf.Node.Optional())
		}
	}
	if n := len(s.Columns()); n != len(richStream().Columns)+2 {
		t.Errorf("schema has %d columns", n)
	}
}

func FuzzPull(f *testing.F) {
	for _, seed := range []string{
		richHeader + "A1,1,1.00,2024-03-01 10:00:00,1,0.5,true,2024-03-01,n\n",
		richHeader + "A1,1,1.005,2099-03-01 10:00:00,1,x,maybe,2024-02-30,\"a,\nb\"\n",
		richHeader + "A\"1,1\n,,,\n\"unterminated",
		"\ufeff" + strings.ReplaceAll(richHeader, ",", ";") + "A1;1;1;2024-03-01 10:00:00;;;;;\n",
		"Invoice\nA1\n",
		"",
	} {
		f.Add([]byte(seed))
	}
	end := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		s := store.NewMem()
		if err := store.PutBytes(t.Context(), s, "drop/orders/f.csv", data); err != nil {
			t.Fatal(err)
		}
		res, err := filedrop.Pull(t.Context(), s, "drop", richStream(), end)
		if err != nil {
			return
		}
		checkCounts(t, res)
		for _, r := range res.Rows {
			if len(r) != len(res.Schema.Columns()) {
				t.Fatalf("row of %d values for %d columns", len(r), len(res.Schema.Columns()))
			}
		}
	})
}

// WithRows hands every kept row to the function, in order, instead of
// collecting them: the same rows as a plain pull, across files, with
// rejections and the cut-off counted as before.
func TestPullWithRows(t *testing.T) {
	end := time.Date(2024, 7, 2, 0, 0, 0, 0, time.UTC)
	s := store.NewMem()
	put(t, s, "drop/orders/a.csv", header+
		"A1,1,1,2024-07-01 23:59:59,1\n"+
		"A2,x,1,2024-07-01 10:00:00,1\n"+
		"A3,1,1,2024-07-03 08:00:00,\n")
	put(t, s, "drop/orders/b.csv.gz", gz(t, header+
		"B1,2,2.50,2024-06-30 10:00:00,\n"+
		"B2,3,1,2020-01-01 00:00:00,7\n"))
	want := pull(t, s, ordersStream(), end)

	var got []parquet.Row
	res, err := filedrop.Pull(t.Context(), s, "drop", ordersStream(), end, filedrop.WithRows(func(r parquet.Row) error {
		got = append(got, r.Clone())
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 0 {
		t.Errorf("Result.Rows holds %d rows with WithRows, want none", len(res.Rows))
	}
	if len(got) != 3 || res.Kept != 3 || want.Kept != 3 {
		t.Fatalf("handed %d rows, Kept %d (plain pull %d), want 3", len(got), res.Kept, want.Kept)
	}
	for i := range got {
		if !got[i].Equal(want.Rows[i]) {
			t.Errorf("row %d: %v, want %v", i, got[i], want.Rows[i])
		}
	}
	if res.Read != want.Read || res.AfterDate != want.AfterDate || len(res.Rejected) != len(want.Rejected) || !slices.Equal(res.Files, want.Files) {
		t.Errorf("read %d after %d rejected %d files %v; plain pull %d %d %d %v",
			res.Read, res.AfterDate, len(res.Rejected), res.Files, want.Read, want.AfterDate, len(want.Rejected), want.Files)
	}

	// An error of the function ends the pull with it.
	stop := errors.New("disk full")
	calls := 0
	_, err = filedrop.Pull(t.Context(), s, "drop", ordersStream(), end, filedrop.WithRows(func(parquet.Row) error {
		calls++
		return stop
	}))
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Pull() = %v after %d calls, want %v after 1", err, calls, stop)
	}
}

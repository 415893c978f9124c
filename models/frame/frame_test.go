package frame

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

const bankLike = `"age";"job";"balance";"joined";"y"
58;"management";2143;2012-09-04;"no"
44;"technician";29;2013-03-08;"no"
33;"entrepreneur";2;2012-08-21;"yes"
47;"blue-collar";n/a;2014-02-10;"no"
33;"unknown";1;2013-01-19;""
`

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadSniffsSeparatorAndGzip(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(bankLike))
	zw.Close()
	for name, data := range map[string][]byte{"bank.csv": []byte(bankLike), "bank.csv.gz": gz.Bytes()} {
		tab, err := Read(writeFile(t, name, data), Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if tab.Rows != 5 || !slices.Equal(tab.Names, []string{"age", "job", "balance", "joined", "y"}) {
			t.Fatalf("%s: %d rows, names %v", name, tab.Rows, tab.Names)
		}
		job, _ := tab.Text("job")
		if job[2] != "entrepreneur" {
			t.Errorf("%s: quotes kept: %q", name, job[2])
		}
	}
}

func TestInferKinds(t *testing.T) {
	tab, err := ReadCSV(strings.NewReader(bankLike), 0)
	if err != nil {
		t.Fatal(err)
	}
	f, skipped, err := tab.Infer("y")
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 0 || len(f.Cols) != 4 || f.Col("y") != nil {
		t.Fatalf("columns %v skipped %v", f.Features(), skipped)
	}
	if c := f.Col("balance"); c.Kind != Numeric || !math.IsNaN(c.Num[3]) || c.Num[0] != 2143 {
		t.Errorf("balance: %+v", c)
	}
	if c := f.Col("job"); c.Kind != Categorical || len(c.Levels) != 5 || c.Levels[c.Codes[1]] != "technician" {
		t.Errorf("job: %+v", c)
	}
	if c := f.Col("joined"); c.Kind != Numeric || !c.Date || c.Num[0] != 15587 {
		t.Errorf("joined: %+v (2012-09-04 is day 15587)", c)
	}
	if err := f.Validate(); err != nil {
		t.Error(err)
	}
}

func TestInferSkipsIdentifiersAndEmptyColumns(t *testing.T) {
	var b strings.Builder
	b.WriteString("email,segment,blank,x\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "user%d@example.com,%c,,%d\n", i, 'a'+i%3, i%7)
	}
	tab, err := ReadCSV(strings.NewReader(b.String()), 0)
	if err != nil {
		t.Fatal(err)
	}
	f, skipped, err := tab.Infer()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range skipped {
		names = append(names, s.Name)
	}
	if !slices.Equal(names, []string{"email", "blank"}) || len(f.Cols) != 2 {
		t.Fatalf("skipped %v, kept %v", skipped, f.Features())
	}
	if _, _, err := tab.Infer("nope"); err == nil || !strings.Contains(err.Error(), `no column "nope"`) {
		t.Errorf("dropping an absent column: %v", err)
	}
}

func TestAlignToModelFeatures(t *testing.T) {
	train, _ := ReadCSV(strings.NewReader(bankLike), 0)
	f, _, _ := train.Infer("y")
	feats := f.Features()
	// A new table: other column order, an extra column, a level never seen.
	next, err := ReadCSV(strings.NewReader("y,extra,joined,balance,job,age\nno,1,2012-09-05,abc,pilot,30\n"), 0)
	if err != nil {
		t.Fatal(err)
	}
	g, err := next.Align(feats)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Cols) != len(feats) || g.Cols[0].Name != "age" || g.Col("age").Num[0] != 30 {
		t.Fatalf("aligned: %+v", g.Features())
	}
	if g.Col("job").Codes[0] != -1 || !math.IsNaN(g.Col("balance").Num[0]) || g.Col("joined").Num[0] != 15588 {
		t.Errorf("unseen level, bad number or date: %+v %+v %+v", g.Col("job"), g.Col("balance"), g.Col("joined"))
	}
	short, _ := ReadCSV(strings.NewReader("age,job\n1,a\n"), 0)
	if _, err := short.Align(feats); err == nil || !strings.Contains(err.Error(), `"balance"`) {
		t.Errorf("missing features: %v", err)
	}
}

func TestLabel(t *testing.T) {
	tab, _ := ReadCSV(strings.NewReader(bankLike), 0)
	y, err := tab.Label("y", "")
	if err != nil {
		t.Fatal(err)
	}
	if y[0] != 0 || y[2] != 1 || !math.IsNaN(y[4]) {
		t.Errorf("y = %v", y)
	}
	if got := Present(y); !slices.Equal(got, []int{0, 1, 2, 3}) {
		t.Errorf("present %v", got)
	}
	if _, err := tab.Label("job", ""); err == nil {
		t.Error("a many-valued label without --positive must be refused")
	}
	if y, err := tab.Label("job", "unknown"); err != nil || y[4] != 1 || y[0] != 0 {
		t.Errorf("job=unknown: %v %v", y, err)
	}
	if _, err := tab.Label("job", "pilot"); err == nil {
		t.Error("a positive value that never occurs must be refused")
	}
	floats, _ := ReadCSV(strings.NewReader("c\n0.0\n1.0\n0.0\n"), 0)
	if y, err := floats.Label("c", ""); err != nil || !slices.Equal(y, []float64{0, 1, 0}) {
		t.Errorf("a 0.0/1.0 label: %v %v", y, err)
	}
	two, _ := ReadCSV(strings.NewReader("c\nred\nblue\n"), 0)
	if _, err := two.Label("c", ""); err == nil || !strings.Contains(err.Error(), "--positive") {
		t.Errorf("ambiguous label: %v", err)
	}
	if v, err := tab.Target("balance"); err != nil || v[1] != 29 || !math.IsNaN(v[3]) {
		t.Errorf("target: %v %v", v, err)
	}
}

func TestStratifiedSplit(t *testing.T) {
	y := make([]float64, 1000)
	for i := range 100 {
		y[i*10] = 1
	}
	y[5] = math.NaN()
	train, test := StratifiedSplit(y, 0.2, 42)
	if len(train)+len(test) != 999 || len(test) != 200 {
		t.Fatalf("train %d test %d", len(train), len(test))
	}
	pos := 0
	for _, i := range test {
		pos += int(y[i])
	}
	if pos != 20 {
		t.Errorf("test has %d positives, want 20", pos)
	}
	train2, test2 := StratifiedSplit(y, 0.2, 42)
	_, test3 := StratifiedSplit(y, 0.2, 43)
	if !slices.Equal(train, train2) || !slices.Equal(test, test2) || slices.Equal(test, test3) {
		t.Error("same seed must give the same split, another seed another")
	}
	if slices.Contains(test, 5) || slices.Contains(train, 5) {
		t.Error("a missing label is in neither part")
	}
}

func TestTake(t *testing.T) {
	tab, _ := ReadCSV(strings.NewReader(bankLike), 0)
	f, _, _ := tab.Infer("y")
	g := f.Take([]int{2, 0})
	if g.Rows != 2 || g.Col("age").Num[0] != 33 || g.Col("job").Levels[g.Col("job").Codes[1]] != "management" {
		t.Errorf("take: %+v", g.Col("job"))
	}
}

func TestParquetReadsLikeCSV(t *testing.T) {
	type row struct {
		Age     int64   `parquet:"age"`
		Job     string  `parquet:"job"`
		Balance float64 `parquet:"balance,optional"`
		Joined  int32   `parquet:"joined,date"`
		Y       string  `parquet:"y"`
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[row](&buf)
	if _, err := w.Write([]row{{58, "management", 2143, 15587, "no"}, {33, "entrepreneur", 2, 15573, "yes"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	tab, err := Read(writeFile(t, "t.parquet", buf.Bytes()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, _, err := tab.Infer("y")
	if err != nil {
		t.Fatal(err)
	}
	if c := f.Col("joined"); c.Kind != Numeric || !c.Date || c.Num[0] != 15587 {
		t.Errorf("joined: %+v", c)
	}
	if c := f.Col("job"); c.Kind != Categorical || !slices.Equal(c.Levels, []string{"entrepreneur", "management"}) {
		t.Errorf("job: %+v", c)
	}
	if y, _ := tab.Label("y", ""); !slices.Equal(y, []float64{0, 1}) {
		t.Errorf("y: %v", y)
	}
}

func TestReadErrors(t *testing.T) {
	for name, data := range map[string]string{
		"empty.csv":  "",
		"header.csv": "a,b\n",
		"long.csv":   "a,b\n1,2\n3,4,5\n",
	} {
		if _, err := Read(writeFile(t, name, []byte(data)), Options{}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := Read(writeFile(t, "bad.parquet", []byte("PAR1 not really")), Options{}); err == nil {
		t.Error("a broken Parquet file must be an error")
	}
}

func TestConformRecodesLevels(t *testing.T) {
	f := &Frame{Rows: 3, Cols: []*Column{
		{Name: "x", Kind: Numeric, Num: []float64{1, 2, 3}},
		{Name: "c", Kind: Categorical, Levels: []string{"a", "b", "z"}, Codes: []int32{2, 0, -1}},
	}}
	feats := []Feature{{Name: "c", Kind: "categorical", Levels: []string{"a", "z"}}, {Name: "x", Kind: "numeric"}}
	g, err := f.Conform(feats)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g.Cols[0].Codes, []int32{1, 0, -1}) || g.Cols[1].Num[2] != 3 {
		t.Errorf("conformed %+v %+v", g.Cols[0], g.Cols[1])
	}
	f.Cols[1].Codes[1] = 1 // "b": not a level of the feature
	if g, _ := f.Conform(feats); g.Cols[0].Codes[1] != -1 {
		t.Errorf("an unknown level must become missing: %v", g.Cols[0].Codes)
	}
	if _, err := f.Conform([]Feature{{Name: "x", Kind: "categorical"}}); err == nil {
		t.Error("a kind mismatch must be an error")
	}
	if _, err := f.Conform([]Feature{{Name: "y", Kind: "numeric"}}); err == nil {
		t.Error("a missing feature must be an error")
	}
}

func TestReadForgivingHeadersAndShortRows(t *testing.T) {
	// pandas' to_csv writes an unnamed index column; exports repeat names
	// and drop trailing empty fields.
	tab, err := ReadCSV(strings.NewReader(",a,a,b\n0,1,2,3\n1,4,5\n"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tab.Names, []string{"column_1", "a", "a_2", "b"}) || tab.Rows != 2 {
		t.Fatalf("names %v, %d rows", tab.Names, tab.Rows)
	}
	if b, _ := tab.Text("b"); b[1] != "" {
		t.Errorf("a short row's missing field: %q", b[1])
	}
}

package synth

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/synthetic from the sample")

const (
	samplePath = "../../testdata/landing/retail/orders/online_retail_ii_2009_2010.sample.csv.gz"
	sampleName = "testdata/landing/retail/orders/online_retail_ii_2009_2010.sample.csv.gz"
	goldenDir  = "../../testdata/synthetic"
)

func sample(t testing.TB) []Customer {
	t.Helper()
	cs, err := LoadCustomers(t.Context(), samplePath)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func generate(t testing.TB, cs []Customer, seed uint64) *Dataset {
	t.Helper()
	d, err := Generate(Options{Customers: cs, Seed: seed, Source: sampleName})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func written(t *testing.T, d *Dataset) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	if err := d.WriteFiles(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	return readDir(t, dir)
}

func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, name := range []string{ContactsFile, TouchpointsFile, AdClicksFile, CampaignsFile, TruthFile, AdMetricsFile, ConsentFile, DeletionsFile, ManifestFile} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = b
	}
	return out
}

func TestReadCustomers(t *testing.T) {
	const head = "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n"
	tests := []struct {
		name, csv string
		want      []Customer
	}{
		{"orders, cancellation and float number", head +
			"2,A,x,1,2010-01-02 10:00:00,1.0,12345.0,France\n" +
			"1,A,x,1,2010-01-01 09:01:00,1.0,12345,France\n" +
			"1,B,x,1,2010-01-01 09:00:00,1.0,12345,France\n" +
			"C3,A,x,-1,2010-02-01 09:00:00,1.0,12345,France\n" +
			"4,A,x,1,2010-03-01 09:00:00,1.0,,France\n",
			[]Customer{{Number: "12345", Country: "France",
				FirstOrder: time.Date(2010, 1, 1, 9, 0, 0, 0, time.UTC), LastOrder: time.Date(2010, 1, 2, 10, 0, 0, 0, time.UTC),
				Orders: []Order{{"1", time.Date(2010, 1, 1, 9, 0, 0, 0, time.UTC)}, {"2", time.Date(2010, 1, 2, 10, 0, 0, 0, time.UTC)}}}}},
		{"cancellations only, country tie to the first name", head +
			"C1,A,x,-1,2010-05-01 09:00:00,1.0,20001,Spain\n" +
			"C2,A,x,-1,2010-04-01 09:00:00,1.0,20001,France\n",
			[]Customer{{Number: "20001", Country: "France",
				FirstOrder: time.Date(2010, 4, 1, 9, 0, 0, 0, time.UTC), LastOrder: time.Date(2010, 5, 1, 9, 0, 0, 0, time.UTC)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadCustomers(t.Context(), strings.NewReader(tt.csv))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d customers, want %d", len(got), len(tt.want))
			}
			for i := range got {
				g, w := got[i], tt.want[i]
				if g.Number != w.Number || g.Country != w.Country || !g.FirstOrder.Equal(w.FirstOrder) ||
					!g.LastOrder.Equal(w.LastOrder) || !slices.Equal(g.Orders, w.Orders) {
					t.Errorf("got %+v, want %+v", g, w)
				}
			}
		})
	}
	t.Run("missing column", func(t *testing.T) {
		_, err := ReadCustomers(t.Context(), strings.NewReader("Invoice,Country\n1,France\n"))
		if !errors.Is(err, errBadHeader) {
			t.Fatalf("err = %v, want errBadHeader", err)
		}
	})
	t.Run("sample", func(t *testing.T) {
		cs := sample(t)
		if len(cs) != 436 {
			t.Fatalf("sample has %d customers, want 436 (testdata/README.md)", len(cs))
		}
	})
}

func TestGenerateRejects(t *testing.T) {
	day := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		cs   []Customer
		is   error
	}{
		{"no customers", nil, ErrNoCustomers},
		{"twice", []Customer{{Number: "1", FirstOrder: day, LastOrder: day}, {Number: "1", FirstOrder: day, LastOrder: day}}, nil},
		{"no first order", []Customer{{Number: "1"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Generate(Options{Customers: tt.cs})
			if err == nil || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Fatalf("err = %v, want an error (%v)", err, tt.is)
			}
		})
	}
}

// TestCommittedFiles regenerates the committed dataset and compares bytes,
// so testdata/synthetic never drifts from the code; -update rewrites it.
func TestCommittedFiles(t *testing.T) {
	d := generate(t, sample(t), DefaultSeed)
	if *update {
		if err := d.WriteFiles(t.Context(), goldenDir); err != nil {
			t.Fatal(err)
		}
	}
	got, want := written(t, d), readDir(t, goldenDir)
	for name := range want {
		t.Run(name, func(t *testing.T) {
			if !bytes.Equal(got[name], want[name]) {
				t.Errorf("%s differs from the committed file; run go test ./testdata/synth -run TestCommittedFiles -update", name)
			}
		})
	}
	var total int
	for _, b := range want {
		total += len(b)
	}
	if total >= 3<<20 {
		t.Errorf("committed files take %d bytes, want < 3 MiB", total)
	}
}

func TestDeterminism(t *testing.T) {
	cs := sample(t)
	base := written(t, generate(t, cs, 7))
	tests := []struct {
		name string
		seed uint64
		same bool
	}{
		{"same seed", 7, true},
		{"other seed", 8, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := written(t, generate(t, cs, tt.seed))
			for _, name := range []string{ContactsFile, TouchpointsFile, AdClicksFile, TruthFile, AdMetricsFile, ConsentFile, DeletionsFile} {
				if eq := bytes.Equal(got[name], base[name]); eq != tt.same {
					t.Errorf("%s: equal = %v, want %v", name, eq, tt.same)
				}
			}
		})
	}
}

package synth

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCategorise(t *testing.T) {
	rules := CategoryRules()
	tests := []struct{ desc, want string }{
		{"PAPER CHAIN KIT 50'S CHRISTMAS ", "seasonal"}, // seasonal comes before paper and toys
		{"WHITE HANGING HEART T-LIGHT HOLDER", "candles & lights"},
		{"white hanging heart t light holder", "candles & lights"}, // case and hyphen do not matter
		{"RED SPOTTY SHOPPER BAG", "bags"},
		{"JUMBO BAG RED RETROSPOT", "bags"},
		{"BAGSHOT MAP", OtherCategory}, // whole words only: BAG is not BAGSHOT
		{"RETRO SPOT TRADITIONAL TEAPOT ", "kitchen & dining"},
		{"RED RETROSPOT WASHING UP GLOVES", "kitchen & dining"}, // a two-word keyword before GLOVES
		{"SET OF THREE VINTAGE GIFT WRAPS", OtherCategory},      // WRAPS is not WRAP
		{"RED SPOTS  WRAP ", "paper & cards"},
		{"DOORMAT TOPIARY", "home decor"},
		{"POSTAGE", "fees & postage"},
		{"Dotcomgiftshop Gift Voucher £30.00", "fees & postage"},
		{"", OtherCategory},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			if got := Categorise(rules, tt.desc); got != tt.want {
				t.Errorf("Categorise(%q) = %q, want %q", tt.desc, got, tt.want)
			}
		})
	}
}

func TestReadProducts(t *testing.T) {
	const head = "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n"
	csv := head +
		"1,21498,RED SPOTS  WRAP ,1,2010-01-01 09:00:00,1.0,12345,France\n" +
		"2,21498,RED RETROSPOT WRAP ,1,2010-01-01 09:00:00,1.0,12345,France\n" +
		"3,21498, RED SPOTS  WRAP,1,2010-01-01 09:00:00,1.0,,France\n" + // trimmed, counts for the same name
		"C4,85232b,SET/3 RUSSIAN DOLL STACKING TINS,-1,2010-01-01 09:00:00,1.0,12345,France\n" +
		"5,85232B,B NAME,1,2010-01-01 09:00:00,1.0,12345,France\n" +
		"6,85232B,A NAME,1,2010-01-01 09:00:00,1.0,12345,France\n" + // a tie: the smaller name
		"7,20879,,1,2010-01-01 09:00:00,0,,United Kingdom\n" // no description: no entry
	got, err := ReadProducts(t.Context(), strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	want := []Product{
		{"21498", "RED SPOTS  WRAP", "paper & cards"},
		{"85232B", "A NAME", OtherCategory},
		{"85232b", "SET/3 RUSSIAN DOLL STACKING TINS", "home decor"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d products %v, want %v", len(got), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("product %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestCommittedCatalog derives the catalog of the sample again and
// compares bytes with testdata/synthetic/products.csv; -update rewrites it.
func TestCommittedCatalog(t *testing.T) {
	ps, err := LoadProducts(t.Context(), samplePath)
	if err != nil {
		t.Fatal(err)
	}
	got, err := CatalogCSV(ps)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(goldenDir, CatalogFile)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the committed file; run go test ./testdata/synth -run TestCommittedCatalog -update", CatalogFile)
	}
	counts := map[string]int{}
	for _, p := range ps {
		counts[p.Category]++
	}
	if len(ps) != 3243 || counts[OtherCategory] > len(ps)/5 {
		t.Errorf("%d products, %d of them %q; want 3,243 and at most a fifth (testdata/README.md)", len(ps), counts[OtherCategory], OtherCategory)
	}
	t.Logf("%d products by category: %v", len(ps), counts)
}

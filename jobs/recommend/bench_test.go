package recommend_test

import (
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/store"
)

// fullYear is Online Retail II, 2009-12 to 2010-12, beside the repository.
const fullYear = "../../../shared/data/online-retail-ii/online_retail_ii_2009_2010.csv.gz"

// TestFullYearBeatsPopular runs ingest, unify and recommend through the
// built binary on the full year of Online Retail II for 2010-08-31: the
// recommender is fitted on the lines up to the end of 2010-08-01 and
// measured on the customers who bought from 2010-08-02 to 2010-08-31. It
// needs SEGMINT_RECS_BENCH=1 (make bench-recommend) and the data
// (SEGMINT_RECS_DATA, else ../shared/data), and fails unless item-item
// (cosine, the default) beats the most-popular baseline at hit rate 5. It
// then measures lift as the similarity on the same split, for comparison.
func TestFullYearBeatsPopular(t *testing.T) {
	if os.Getenv("SEGMINT_RECS_BENCH") == "" {
		t.Skip("runs with SEGMINT_RECS_BENCH=1 (make bench-recommend)")
	}
	data := cmp.Or(os.Getenv("SEGMINT_RECS_DATA"), fullYear)
	if _, err := os.Stat(data); err != nil {
		t.Skipf("full data set not present: %v", err)
	}
	abs, err := filepath.Abs(data)
	if err != nil {
		t.Fatal(err)
	}
	storeDir, cfgPath := benchConfig(t, abs)
	bin := filepath.Join(t.TempDir(), "segmint")
	runIn(t, "go", "build", "-o", bin, ".")
	const date = "2010-08-31"
	for _, step := range []string{"ingest", "unify"} {
		runIn(t, bin, step, "--date", date, "--config", cfgPath, "--log-level", "warn")
	}
	start := time.Now()
	runIn(t, bin, "recommend", "--date", date, "--config", cfgPath, "--log-level", "warn")
	elapsed := time.Since(start)
	cosine, n := evaluation(t, storeDir, date)
	fmt.Printf("recommend step on %s: %d recommendations, %.1f s (the segmint recommend process)\ncosine: %s\n", date, n, elapsed.Seconds(), cosine)
	if !strings.Contains(cosine, "item-item beats") {
		t.Errorf("item-item does not beat the most-popular baseline at hit rate 5: %s", cosine)
	}
	// The same with lift as the similarity, for the comparison.
	b, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	liftPath := filepath.Join(t.TempDir(), "lift.yaml")
	if err := os.WriteFile(liftPath, []byte(strings.Replace(string(b), "\nrecommendations:\n", "\nrecommendations:\n  similarity: lift\n", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	runIn(t, bin, "recommend", "--date", date, "--config", liftPath, "--log-level", "warn")
	lift, _ := evaluation(t, storeDir, date)
	fmt.Printf("lift: %s\n", lift)
	if lift == cosine {
		t.Error("the lift run wrote the cosine run's evaluation")
	}
}

// evaluation reads the committed evaluation's reason and the number of
// recommendations of date.
func evaluation(t *testing.T, storeDir, date string) (string, int) {
	st, err := store.NewLocal(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	d, err := rundate.Parse(date)
	if err != nil {
		t.Fatal(err)
	}
	rows, _, err := dataset.ReadParquet[contract.Decision](t.Context(), st, dataset.Partition{Dataset: contract.RecommendationEvaluation, Date: d})
	if err != nil {
		t.Fatal(err)
	}
	recs, _, err := dataset.ReadParquet[contract.Recommendation](t.Context(), st, dataset.Partition{Dataset: contract.Recommendations, Date: d})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Value == nil {
		t.Fatalf("evaluation rows: %+v", rows)
	}
	return rows[0].Reason, len(recs)
}

// benchConfig is configs/local.yaml with a temporary store and the data as
// the retail landing.
func benchConfig(t *testing.T, data string) (storeDir, cfgPath string) {
	cfgText, err := os.ReadFile("../../configs/local.yaml")
	if err != nil {
		t.Fatal(err)
	}
	landing, storeDir := t.TempDir(), t.TempDir()
	if err := os.MkdirAll(filepath.Join(landing, "orders"), 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(data) // a copy: the file drop does not follow symbolic links
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(landing, "orders", filepath.Base(data)), b, 0o644); err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(cfgText), "\n  path: data\n", "\n  path: "+storeDir+"\n", 1)
	text = strings.Replace(text, "landing: testdata/landing/retail", "landing: "+landing, 1)
	cfgPath = filepath.Join(t.TempDir(), "bench.yaml")
	if err := os.WriteFile(cfgPath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return storeDir, cfgPath
}

// runIn runs a command in the repository root and fails the test on error.
func runIn(t *testing.T, name string, args ...string) {
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir = "../.."
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, b)
	}
}

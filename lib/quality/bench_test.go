package quality_test

import (
	"errors"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/fixture"
	"github.com/segmint/segmint/lib/quality"
)

// retailFull is the whole Online Retail II 2009-2010 sheet, a reference
// data set outside the repository; the benchmark skips when it is absent.
const retailFull = "online-retail-ii/online_retail_ii_2009_2010.csv.gz"

// BenchmarkEvaluateOnlineRetailII evaluates the nine rules of retailYAML
// over all 525,461 rows, read as strings.
func BenchmarkEvaluateOnlineRetailII(b *testing.B) {
	recs := fixture.ReadCSV(b, fixture.Shared(b, retailFull))
	tab := &quality.Table{Header: recs[0]}
	var keys []any
	for _, rec := range recs[1:] {
		row := make([]any, len(rec))
		for i, v := range rec {
			row[i] = v
		}
		tab.Records = append(tab.Records, row)
		keys = append(keys, rec[6])
	}
	c, err := quality.Parse([]byte(retailYAML))
	if err != nil {
		b.Fatalf("parse: %v", err)
	}
	d := c.Datasets[0]
	d.Rules[7].Values = nil // countries vary in the full sheet: check them as a pattern instead
	d.Rules[7].Kind, d.Rules[7].Pattern = quality.KindPattern, `^[A-Z]`
	in := quality.Inputs{
		Now:  time.Date(2010, 12, 10, 0, 0, 0, 0, time.UTC),
		Keys: map[string]quality.KeySet{"customers.customer_id": quality.NewKeySet(keys...)},
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := quality.Evaluate(d, tab, in); err != nil && !errorsIsStop(err) {
			b.Fatalf("Evaluate: %v", err)
		}
	}
	b.ReportMetric(float64(tab.Len())*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func errorsIsStop(err error) bool { return errors.Is(err, quality.ErrStop) }

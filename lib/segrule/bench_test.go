package segrule

import (
	"math/rand/v2"
	"testing"
)

// benchRules are the rules of the brief.
var benchRules = []string{
	"lifecycle_stage in ('dormant','churned') and clv >= 500",
	"recency_days <= 30 and monetary >= percentile(monetary, 90)",
	"email_consent != 'denied' and purchase_probability is not null",
}

// customerTable is a table of testSchema's columns with n random rows.
func customerTable(n int) *Table {
	r := rand.New(rand.NewPCG(1, 2))
	stages := []string{"new", "active", "dormant", "churned"}
	consents := []string{"granted", "denied", "unknown"}
	num := func(scale float64) *Column {
		c := &Column{Type: Number, Num: make([]float64, n), Null: make([]bool, n)}
		for i := range n {
			c.Num[i], c.Null[i] = r.Float64()*scale, r.IntN(20) == 0
		}
		return c
	}
	str := func(vals []string) *Column {
		c := &Column{Type: String, Str: make([]string, n)}
		for i := range n {
			c.Str[i] = vals[r.IntN(len(vals))]
		}
		return c
	}
	return &Table{Rows: n, Cols: map[string]*Column{
		"lifecycle_stage": str(stages), "email_consent": str(consents),
		"clv": num(2000), "recency_days": num(365), "monetary": num(5000), "purchase_probability": num(1),
		"is_vip": {Type: Bool, Bool: make([]bool, n)},
	}}
}

// BenchmarkSelect selects from two million customers; SetBytes counts 8
// bytes per row of each column the rule reads.
func BenchmarkSelect(b *testing.B) {
	const n = 2_000_000
	tbl := customerTable(n)
	for _, src := range benchRules {
		r, err := Compile(src, testSchema)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(src, func(b *testing.B) {
			b.SetBytes(int64(8 * n * len(r.Columns())))
			for b.Loop() {
				if _, err := r.Select(tbl); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// TestSelectAllocationsDoNotGrowWithRows: Select allocates per call and
// per node of the rule, never per row, so ten times the rows take the same
// number of allocations.
func TestSelectAllocationsDoNotGrowWithRows(t *testing.T) {
	small, large := customerTable(20_000), customerTable(200_000)
	for _, src := range benchRules {
		r, err := Compile(src, testSchema)
		if err != nil {
			t.Fatal(err)
		}
		count := func(tbl *Table) float64 {
			return testing.AllocsPerRun(5, func() { _, _ = r.Select(tbl) })
		}
		if a, b := count(small), count(large); a != b {
			t.Errorf("%q: %v allocations for 20k rows, %v for 200k", src, a, b)
		}
	}
}

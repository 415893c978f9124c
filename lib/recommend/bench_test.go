package recommend

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkFitAndRecommend is a year of Online Retail II in size: 4,000
// customers buying from 4,000 products, about 400,000 lines, popular products
// drawn more often (a power law), some customers with hundreds of products.
func BenchmarkFitAndRecommend(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	var ps []Purchase
	for c := range 4000 {
		n := 1 + int(r.ExpFloat64()*100)
		for range n {
			p := int(4000 * r.Float64() * r.Float64())
			ps = append(ps, Purchase{Customer: fmt.Sprintf("c%d", c), Product: fmt.Sprintf("p%04d", p), At: on(r.IntN(360))})
		}
	}
	for b.Loop() {
		m := Fit(ps, on(360), Options{})
		sc := &Scratch{}
		for c := range 4000 {
			m.Recommend(fmt.Sprintf("c%d", c), 5, false, sc)
		}
	}
	b.ReportMetric(float64(len(ps)), "lines")
}

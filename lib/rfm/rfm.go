// Package rfm scores customers on recency, frequency and monetary value and
// names their RFM segment.
//
// Scores run from 1 (worst) to 5 (best) and are quintiles by rank with ties
// kept together: a customer's score is 1 + floor(5 x b / n), where n is the
// number of scored customers and b the number of them strictly worse on that
// measure (for recency, worse is more days since the last order). Equal
// values always get equal scores, and the result does not depend on input
// order. Only customers with at least one non-cancelled order are scored.
//
// Segments, checked in this order (the first that matches wins):
//
//	champions          R >= 4, F >= 4, M >= 4
//	loyal              R >= 3, F >= 4
//	potential_loyalist R >= 4, F 2-3
//	new                R >= 4, F = 1
//	at_risk            R <= 2, F >= 3
//	hibernating        R <= 2, F <= 2
//	need_attention     everything else (R = 3 with F <= 3, ...)
package rfm

import "sort"

// Segment names.
const (
	Champions         = "champions"
	Loyal             = "loyal"
	PotentialLoyalist = "potential_loyalist"
	New               = "new"
	AtRisk            = "at_risk"
	Hibernating       = "hibernating"
	NeedAttention     = "need_attention"
)

// Segments lists every segment name in rule order.
func Segments() []string {
	return []string{Champions, Loyal, PotentialLoyalist, New, AtRisk, Hibernating, NeedAttention}
}

// Input is one customer's measures.
type Input struct {
	RecencyDays int64
	Frequency   int64
	Monetary    int64 // net revenue in cents
}

// Score is one customer's scores and segment.
type Score struct {
	R, F, M int32
	Segment string
}

// ScoreAll scores every input; out[i] belongs to in[i].
func ScoreAll(in []Input) []Score {
	n := len(in)
	out := make([]Score, n)
	rec := make([]int64, n)
	freq := make([]int64, n)
	mon := make([]int64, n)
	for i, x := range in {
		rec[i] = -x.RecencyDays // fewer days is better
		freq[i] = x.Frequency
		mon[i] = x.Monetary
	}
	r, f, m := quintiles(rec), quintiles(freq), quintiles(mon)
	for i := range in {
		out[i] = Score{R: r[i], F: f[i], M: m[i], Segment: Name(r[i], f[i], m[i])}
	}
	return out
}

// quintiles scores values 1..5 where larger is better.
func quintiles(v []int64) []int32 {
	n := len(v)
	sorted := append([]int64(nil), v...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	out := make([]int32, n)
	for i, x := range v {
		below := sort.Search(n, func(k int) bool { return sorted[k] >= x })
		out[i] = int32(1 + 5*below/n)
	}
	return out
}

// Name is the segment of one score triple.
func Name(r, f, m int32) string {
	switch {
	case r >= 4 && f >= 4 && m >= 4:
		return Champions
	case r >= 3 && f >= 4:
		return Loyal
	case r >= 4 && f >= 2:
		return PotentialLoyalist
	case r >= 4 && f == 1:
		return New
	case r <= 2 && f >= 3:
		return AtRisk
	case r <= 2:
		return Hibernating
	default:
		return NeedAttention
	}
}

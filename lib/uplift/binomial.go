package uplift

import (
	"fmt"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// CountRange is an inclusive range of counts: Lo and Hi are themselves
// plausible.
type CountRange struct {
	Lo int64 `json:"lo"`
	Hi int64 `json:"hi"`
}

// Contains reports whether k is in [Lo, Hi].
func (r CountRange) Contains(k int64) bool { return r.Lo <= k && k <= r.Hi }

// BinomialRange is the equal-tailed range of a Binomial(n, share) count:
// Lo is the largest count with P(X < Lo) <= alpha/2 and Hi the smallest
// with P(X > Hi) <= alpha/2, so a count falls outside [Lo, Hi] (both
// inclusive) with probability at most alpha. Tails are exact, from gonum's
// binomial CDF (the regularised incomplete beta function), never a normal
// approximation. Use it to check a realised control group size: with
// alpha = 0.001 a correct assignment lands outside once in a thousand runs
// at most.
func BinomialRange(n int64, share, alpha float64) (CountRange, error) {
	switch {
	case n < 0:
		return CountRange{}, fmt.Errorf("n %d: %w", n, ErrInvalid)
	case !(share > 0 && share < 1):
		return CountRange{}, fmt.Errorf("share %v: %w", share, ErrInvalid)
	case !(alpha > 0 && alpha < 1):
		return CountRange{}, fmt.Errorf("alpha %v: %w", alpha, ErrInvalid)
	}
	lower := distuv.Binomial{N: float64(n), P: share}
	// P(X > k) = P(n - X < n - k) = P(Y <= n-k-1), Y ~ Binomial(n, 1-share):
	// the upper tail as a CDF, so it keeps precision where it is small.
	upper := distuv.Binomial{N: float64(n), P: 1 - share}
	lo := sort.Search(int(n)+1, func(k int) bool { return lower.CDF(float64(k)) > alpha/2 })
	hi := sort.Search(int(n)+1, func(k int) bool { return upper.CDF(float64(int(n)-k-1)) <= alpha/2 })
	return CountRange{Lo: int64(lo), Hi: int64(hi)}, nil
}

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
	if err := checkRangeInput(n, share, alpha); err != nil {
		return CountRange{}, err
	}
	return CountRange{Lo: lowerEnd(n, share, alpha/2), Hi: upperEnd(n, share, alpha/2)}, nil
}

// checkRangeInput rejects a negative n and a share or alpha outside (0, 1).
func checkRangeInput(n int64, share, alpha float64) error {
	switch {
	case n < 0:
		return fmt.Errorf("n %d: %w", n, ErrInvalid)
	case !(share > 0 && share < 1):
		return fmt.Errorf("share %v: %w", share, ErrInvalid)
	case !(alpha > 0 && alpha < 1):
		return fmt.Errorf("alpha %v: %w", alpha, ErrInvalid)
	}
	return nil
}

// lowerEnd is the largest k with P(X < k) <= tail: the smallest k with
// P(X <= k) > tail, found by bisection on the CDF.
func lowerEnd(n int64, share, tail float64) int64 {
	x := distuv.Binomial{N: float64(n), P: share}
	return int64(sort.Search(int(n)+1, func(k int) bool { return x.CDF(float64(k)) > tail }))
}

// upperEnd is the smallest k with P(X > k) <= tail. The upper tail is
// taken as a lower one, P(X > k) = P(Y <= n-k-1) with Y = n - X ~
// Binomial(n, 1-share), so it keeps its precision where it is small
// (gonum's Survival is 1 - CDF).
func upperEnd(n int64, share, tail float64) int64 {
	y := distuv.Binomial{N: float64(n), P: 1 - share}
	return int64(sort.Search(int(n)+1, func(k int) bool { return y.CDF(float64(n)-float64(k)-1) <= tail }))
}

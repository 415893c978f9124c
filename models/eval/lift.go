package eval

import "fmt"

// LiftRow is one group of a lift and gains table: the rows ranked by score,
// highest first, cut into groups of equal size (deciles for 10 groups).
type LiftRow struct {
	// Group counts from 1, the highest scores.
	Group    int     `json:"group"`
	Rows     int     `json:"rows"`
	MinScore float64 `json:"min_score"`
	MaxScore float64 `json:"max_score"`
	// Positives is the number of positive rows in the group; it is
	// fractional where tied scores straddle a group edge (see Lift).
	Positives float64 `json:"positives"`
	// Rate is Positives / Rows, Lift is Rate over the overall positive rate.
	Rate float64 `json:"rate"`
	Lift float64 `json:"lift"`
	// CumShare is the share of all rows in this and the higher groups,
	// Gains the share of all positives they hold, CumLift = Gains / CumShare.
	CumShare float64 `json:"cum_share"`
	Gains    float64 `json:"gains"`
	CumLift  float64 `json:"cum_lift"`
}

// Lift ranks the rows by score, highest first, cuts them into groups of
// equal size (the k-th group ends after floor(k x n / groups) rows) and
// reports each group's positive rate against the overall rate (lift) and the
// share of all positives captured so far (gains). y holds 0/1 labels and must
// contain at least one positive; there must be at least as many rows as
// groups.
//
// Ties: when rows with one score straddle a group edge, each side gets the
// tied rows' positives in proportion to how many of the tied rows fall on
// it, which is the average over every order of the tied rows. The table thus
// depends on the scores only, never on the order of the input rows, and a
// constant score gives every group a lift of 1.
func Lift(y, score []float64, groups int) ([]LiftRow, error) {
	if err := pair("y", y, "score", score); err != nil {
		return nil, fmt.Errorf("lift: %w", err)
	}
	pos, err := labels(y)
	if err != nil {
		return nil, fmt.Errorf("lift: %w", err)
	}
	if pos == 0 {
		return nil, fmt.Errorf("lift: no positive rows: %w", ErrSingleClass)
	}
	n := len(y)
	if groups < 1 || groups > n {
		return nil, fmt.Errorf("lift: %d groups for %d rows: %w", groups, n, ErrBins)
	}
	order := descending(score)
	return liftRows(score, order, captured(y, score, order, groups), pos), nil
}

// cut is the number of rows in the top k of groups groups of n rows.
func cut(k, n, groups int) int { return k * n / groups }

// captured[k] is the (tie-averaged) number of positives among the top
// cut(k) rows of the order.
func captured(y, score []float64, order []int, groups int) []float64 {
	n := len(y)
	captured := make([]float64, groups+1)
	k, above := 1, 0.0 // positives in whole tie groups before start
	for start := 0; start < n; {
		end, p := start, 0.0
		for end < n && score[order[end]] == score[order[start]] {
			p += y[order[end]]
			end++
		}
		for ; k <= groups && cut(k, n, groups) <= end; k++ {
			captured[k] = above + p*float64(cut(k, n, groups)-start)/float64(end-start)
		}
		above += p
		start = end
	}
	return captured
}

// liftRows makes the table's row of each group from the positives the
// top groups captured, pos of them in all.
func liftRows(score []float64, order []int, captured []float64, pos int) []LiftRow {
	n, groups := len(order), len(captured)-1
	rate := float64(pos) / float64(n)
	out := make([]LiftRow, groups)
	for g := range out {
		lo, hi := cut(g, n, groups), cut(g+1, n, groups)
		r := LiftRow{Group: g + 1, Rows: hi - lo, Positives: captured[g+1] - captured[g]}
		r.MaxScore, r.MinScore = score[order[lo]], score[order[hi-1]] // groups <= n: never empty
		r.Rate = r.Positives / float64(r.Rows)
		r.Lift = r.Rate / rate
		r.CumShare = float64(hi) / float64(n)
		r.Gains = captured[g+1] / float64(pos)
		r.CumLift = r.Gains / r.CumShare
		out[g] = r
	}
	return out
}

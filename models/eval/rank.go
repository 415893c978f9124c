package eval

import (
	"cmp"
	"fmt"
	"slices"
)

// tie is the weight of positive and negative rows sharing one score.
type tie struct {
	score    float64
	pos, neg float64
}

// descending returns row indexes by score, highest first, ties by index so
// that sums run in the same order on every call.
func descending(score []float64) []int {
	idx := make([]int, len(score))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := cmp.Compare(score[b], score[a]); c != 0 {
			return c
		}
		return a - b
	})
	return idx
}

// ties groups the rows by distinct score, highest first, summing the weight
// of positives and negatives in each group. Groups without weight are left
// out, as scikit-learn drops zero-weight rows.
func ties(y, score, w []float64) []tie {
	var out []tie
	for _, i := range descending(score) {
		if len(out) == 0 || out[len(out)-1].score != score[i] {
			out = append(out, tie{score: score[i]})
		}
		g := &out[len(out)-1]
		if y[i] == 1 {
			g.pos += weight(w, i)
		} else {
			g.neg += weight(w, i)
		}
	}
	return slices.DeleteFunc(out, func(g tie) bool { return g.pos == 0 && g.neg == 0 })
}

// rankInput checks the inputs of a ranking metric and returns the tie groups
// with the total positive and negative weight.
func rankInput(y, score, w []float64) (groups []tie, pos, neg float64, err error) {
	if err := pair("y", y, "score", score); err != nil {
		return nil, 0, 0, err
	}
	if err := bothClasses(y); err != nil {
		return nil, 0, 0, err
	}
	if err := weights(w, len(y)); err != nil {
		return nil, 0, 0, err
	}
	groups = ties(y, score, w)
	for _, g := range groups {
		pos += g.pos
		neg += g.neg
	}
	if pos == 0 || neg == 0 {
		return nil, 0, 0, fmt.Errorf("weighted positives %v, negatives %v: %w", pos, neg, ErrSingleClass)
	}
	return groups, pos, neg, nil
}

// ROCAUC is the area under the ROC curve of scores against 0/1 labels y, with
// optional weights w (nil for none): the probability that a random positive
// scores above a random negative, a tie counting one half. It walks the
// distinct scores from the highest and adds each step's trapezoid, so it
// equals scikit-learn's roc_auc_score. Both classes must be present.
func ROCAUC(y, score, w []float64) (float64, error) {
	groups, pos, neg, err := rankInput(y, score, w)
	if err != nil {
		return 0, fmt.Errorf("roc auc: %w", err)
	}
	area, tp := 0.0, 0.0
	for _, g := range groups {
		area += g.neg * (tp + g.pos/2)
		tp += g.pos
	}
	return area / (pos * neg), nil
}

// AveragePrecision is the PR AUC as scikit-learn's average_precision_score
// defines it: the sum over distinct score thresholds, highest first, of the
// gain in recall times the precision at that threshold. Rows with tied
// scores enter together. y holds 0/1 labels, w optional weights (nil for
// none). Both classes must be present.
func AveragePrecision(y, score, w []float64) (float64, error) {
	groups, pos, _, err := rankInput(y, score, w)
	if err != nil {
		return 0, fmt.Errorf("average precision: %w", err)
	}
	ap, tp, fp := 0.0, 0.0, 0.0
	for _, g := range groups {
		tp += g.pos
		fp += g.neg
		if g.pos > 0 {
			ap += (g.pos / pos) * (tp / (tp + fp))
		}
	}
	return ap, nil
}

package score

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/propensity"
	"github.com/segmint/segmint/models/frame"
	"github.com/segmint/segmint/models/learn"
	"github.com/segmint/segmint/models/registry"
)

// topReasons is how many reasons a score's text names.
const topReasons = 3

// explain takes apart the scores of column that f (version v) gave the
// customers of set: every feature's contribution goes to n.reasons, the
// three largest as text to the column's reasons. A model that is not
// gradient-boosted is left unexplained.
func (n *night) explain(f *registry.File, v, column string, set *propensity.Set) error {
	e, err := learn.Explain(f, set.X)
	if errors.Is(err, learn.ErrNotExplained) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("model %s: reasons: %w", f.Name, err)
	}
	for j, id := range set.IDs {
		i, ok := n.index[id]
		if !ok {
			continue
		}
		order := byMagnitude(e.Contrib[j])
		var text []string
		for rank, k := range order {
			val := valueText(set.X.Col(e.Features[k]), j)
			n.reasons = append(n.reasons, contract.Reason{CustomerID: id, Score: column, Version: v, Rank: int32(rank + 1),
				Feature: e.Features[k], FeatureValue: val, Contribution: e.Contrib[j][k], Base: e.Base, RawScore: e.Raw[j]})
			if rank < topReasons {
				text = append(text, fmt.Sprintf("%s=%s (%+.3f)", e.Features[k], val, e.Contrib[j][k]))
			}
		}
		s := strings.Join(text, "; ")
		*n.rows[i].ScoreReasons(column) = &s
	}
	return nil
}

// byMagnitude is the indexes of c by decreasing absolute value, ties in
// index order.
func byMagnitude(c []float64) []int {
	order := make([]int, len(c))
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(a, b int) bool { return math.Abs(c[order[a]]) > math.Abs(c[order[b]]) })
	return order
}

// valueText is row j of column c as a person reads it: a level, a number
// (whole, or to two decimals), or "missing".
func valueText(c *frame.Column, j int) string {
	switch {
	case c == nil || c.Missing(j):
		return "missing"
	case c.Kind == frame.Categorical:
		return c.Levels[c.Codes[j]]
	case c.Num[j] == math.Trunc(c.Num[j]):
		return strconv.FormatFloat(c.Num[j], 'f', 0, 64)
	}
	return strconv.FormatFloat(c.Num[j], 'f', 2, 64)
}

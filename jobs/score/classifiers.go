package score

import (
	"context"
	"fmt"
	"sort"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/featureset"
	"github.com/segmint/segmint/lib/propensity"
	"github.com/segmint/segmint/models/learn"
)

// applyClassifier scores the customers eligible for classifier k as of
// the end of d with its champion: the calibrated probability, its
// percentile among them, and the champion's version. Customers outside
// the eligibility keep null.
func (n *night) applyClassifier(ctx context.Context, k config.Classifier, orders []featureset.Order) error {
	f, v, err := champion(ctx, n.reg, k.Name)
	if err != nil || f == nil {
		return err
	}
	set := propensity.For(orders, n.d.End(), k, false)
	if set.X.Rows == 0 { // nobody is eligible tonight
		n.versions[k.Name] = v
		return nil
	}
	pred, err := learn.PredictFrame(f, set.X)
	if err != nil {
		return fmt.Errorf("model %s: %w", k.Name, err)
	}
	n.fill(k.Column, set.IDs, pred, v, k.Name)
	n.versions[k.Name] = v
	return n.explain(f, v, k.Column, set)
}

// fill writes one model's predictions, their percentiles and its version
// into the rows of the customers it scored.
func (n *night) fill(column string, ids []string, pred []float64, v string, name string) {
	pcts := percentiles(pred)
	for j, id := range ids {
		i, ok := n.index[id]
		if !ok {
			continue
		}
		p, pct, version := n.rows[i].ClassifierScore(column)
		*p, *pct, *version = &pred[j], &pcts[j], &v
		n.stats.Add("scored_"+name, 1)
	}
}

// applyValue scores every customer with an order with the value model's
// champion.
func (n *night) applyValue(ctx context.Context, orders []featureset.Order) error {
	f, v, err := champion(ctx, n.reg, config.ValueModelName)
	if err != nil || f == nil {
		return err
	}
	set := propensity.Revenue(orders, n.d.End(), config.ValueHorizonDays, false)
	if set.X.Rows == 0 {
		return nil
	}
	pred, err := learn.PredictFrame(f, set.X)
	if err != nil {
		return fmt.Errorf("model %s: %w", f.Name, err)
	}
	for i, p := range pred {
		pred[i] = max(p, 0) // a revenue is not negative; the trees can undershoot
	}
	n.fill("predicted_revenue_90d", set.IDs, pred, v, f.Name)
	n.versions[f.Name] = v
	return n.explain(f, v, "predicted_revenue_90d", set)
}

// percentiles are each value's share of the others that are lower, ties
// counted half: (below + (equal - 1) / 2) / (n - 1); 0.5 for one value.
func percentiles(v []float64) []float64 {
	n := len(v)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return v[order[a]] < v[order[b]] })
	out := make([]float64, n)
	for lo := 0; lo < n; {
		hi := lo
		for hi < n && v[order[hi]] == v[order[lo]] {
			hi++
		}
		for _, i := range order[lo:hi] {
			out[i] = pctOf(lo, hi-lo, n)
		}
		lo = hi
	}
	return out
}

// pctOf is the percentile of a value with below values lower and equal
// values equal to it (itself included), among n.
func pctOf(below, equal, n int) float64 {
	if n == 1 {
		return 0.5
	}
	return (float64(below) + float64(equal-1)/2) / float64(n-1)
}

package score

import (
	"context"
	"fmt"
	"sort"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/featureset"
	"github.com/segmint/segmint/lib/propensity"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/models/learn"
	"github.com/segmint/segmint/models/registry"
)

// applyClassifier scores the customers eligible for classifier k as of
// the end of d with its champion: the calibrated probability, its
// percentile among them, and the champion's version. Customers outside
// the eligibility keep null.
func applyClassifier(ctx context.Context, reg *registry.Registry, k config.Classifier, d rundate.Date, orders []featureset.Order,
	rows []contract.Score, index map[string]int, versions map[string]string, stats step.Stats) error {
	f, v, err := champion(ctx, reg, k.Name)
	if err != nil || f == nil {
		return err
	}
	set := propensity.For(orders, d.End(), k, false)
	if set.X.Rows == 0 { // nobody is eligible tonight
		versions[k.Name] = v
		return nil
	}
	pred, err := learn.PredictFrame(f, set.X)
	if err != nil {
		return fmt.Errorf("model %s: %w", k.Name, err)
	}
	fill(rows, index, k.Column, set.IDs, pred, v, stats, k.Name)
	versions[k.Name] = v
	return nil
}

// fill writes one model's predictions, their percentiles and its version
// into the rows of the customers it scored.
func fill(rows []contract.Score, index map[string]int, column string, ids []string, pred []float64, v string, stats step.Stats, name string) {
	pcts := percentiles(pred)
	for j, id := range ids {
		i, ok := index[id]
		if !ok {
			continue
		}
		p, pct, version := rows[i].ClassifierScore(column)
		*p, *pct, *version = &pred[j], &pcts[j], &v
		stats.Add("scored_"+name, 1)
	}
}

// applyValue scores every customer with an order with the value model's
// champion.
func applyValue(ctx context.Context, reg *registry.Registry, d rundate.Date, orders []featureset.Order,
	rows []contract.Score, index map[string]int, versions map[string]string, stats step.Stats) error {
	f, v, err := champion(ctx, reg, config.ValueModelName)
	if err != nil || f == nil {
		return err
	}
	set := propensity.Revenue(orders, d.End(), config.ValueHorizonDays, false)
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
	fill(rows, index, "predicted_revenue_90d", set.IDs, pred, v, stats, f.Name)
	versions[f.Name] = v
	return nil
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

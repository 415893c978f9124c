// Package recommend is the recommend step: every customer of
// unified/orders/dt=D gets the five products it is most likely to buy next
// and has not bought (lib/recommend: item-item cosine similarity over the
// customers' purchases, topped up by the products most customers bought
// in the last config recommendations.popular_days days), committed as
// recommendations/dt=D. The recommender is measured on a time split every
// night: fitted on the lines before D+1-evaluation_days and measured on
// the customers who bought in the rest (hit rate at 5, recall at 10)
// beside the most-popular baseline, committed as one Decision row in
// recommendations/_evaluation/dt=D, which train copies into
// models/_decisions.
//
// The purchases are the raw order lines of every orders stream (dt=D),
// exact duplicates of one export file removed as unify removes them,
// without cancellations, returns, lines without a product and the
// products of recommendations.exclude_products; each line's customer is
// the customer id unified/orders gives its order, so identity resolution
// carries over.
package recommend

import (
	"context"
	"fmt"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/recommend"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// PerCustomer is how many products each customer is recommended.
const PerCustomer = 5

// Run recommends products for d and measures the recommender.
func Run(ctx context.Context, env step.Env, d rundate.Date) (step.Stats, error) {
	in := dataset.Partition{Dataset: contract.Orders, Date: d}
	orders, om, err := step.ReadInput[customerview.Order](ctx, env, in, contract.StepUnify)
	if err != nil {
		return nil, err
	}
	lines, inputs, err := readLines(ctx, env, d)
	if err != nil {
		return nil, err
	}
	inputs = append([]*dataset.Manifest{om}, inputs...)
	cfg := env.Config.Recommendations
	purchases := Purchases(lines, orders, cfg, d)
	opts := recommend.Options{Neighbours: cfg.Neighbours, PopularDays: cfg.PopularDays, AllowRepeats: cfg.AllowRepeats, Similarity: cfg.Similarity}
	rows := Recommend(recommend.Fit(purchases, d.End(), opts), customerIDs(orders))
	out := step.Output{Partition: dataset.Partition{Dataset: contract.Recommendations, Date: d}, Job: contract.StepRecommend, Inputs: inputs}
	if _, err := step.WriteOutput(ctx, env, out, rows); err != nil {
		return nil, err
	}
	cutoff := d.AddDays(1 - cfg.EvaluationDays)
	ev := recommend.Evaluate(purchases, cutoff.Start(), d.End(), opts)
	decision := Decision(ev, cutoff, d)
	out = step.Output{Partition: dataset.Partition{Dataset: contract.RecommendationEvaluation, Date: d}, Job: contract.StepRecommend, Inputs: inputs}
	if _, err := step.WriteOutput(ctx, env, out, []contract.Decision{decision}); err != nil {
		return nil, err
	}
	env.Log.Info().Int(logging.FieldRecommended, len(rows)).Int(logging.FieldHoldoutRows, ev.Customers).
		Float64(logging.FieldHitRate5, ev.ItemItem.HitRate5).Float64(logging.FieldBaselineHitRate5, ev.Popular.HitRate5).
		Msg("recommendations committed")
	return step.Stats{"recommendations": int64(len(rows)), "evaluation_customers": int64(ev.Customers)}, nil
}

// readLines reads the raw order lines of every orders stream for d, with
// the duplicate lines of one export file removed.
func readLines(ctx context.Context, env step.Env, d rundate.Date) (*customerview.Lines, []*dataset.Manifest, error) {
	lines := customerview.NewLines()
	var inputs []*dataset.Manifest
	for _, r := range env.Config.Streams(config.OrdersStreams) {
		p := dataset.Partition{Dataset: contract.Raw(r.Source.Name, r.Stream.Name), Date: d}
		m, err := dataset.ReadManifest(ctx, env.Store, p)
		if err != nil {
			return nil, nil, step.MissingInput(err, p, contract.StepIngest)
		}
		lines.Grow(int(m.Rows))
		if err := dataset.EachRowsOf(ctx, env.Store, p, m, lines.Appender(r.Source.Name, r.Stream.Currency)); err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", p, err)
		}
		inputs = append(inputs, m)
	}
	lines.Dedup()
	return lines, inputs, nil
}

// orderKey identifies an order across sources.
type orderKey struct{ source, order string }

// Purchases are the lines that count as purchases, each with the customer
// id of its order: not removed, not cancelled, a positive quantity, a
// product that is not excluded, an order with a customer, up to the end
// of d.
func Purchases(lines *customerview.Lines, orders []customerview.Order, cfg config.Recommendations, d rundate.Date) []recommend.Purchase {
	customer := make(map[orderKey]string, len(orders))
	for _, o := range orders {
		if o.CustomerID != nil && !o.IsCancellation {
			customer[orderKey{o.Source, o.OrderID}] = *o.CustomerID
		}
	}
	var out []recommend.Purchase
	for i := range lines.Len() {
		if lines.Removed(i) {
			continue
		}
		l := lines.Line(i)
		if l.IsCancellation() || l.Quantity <= 0 || l.ProductID == "" || !l.OrderedAt.Before(d.End()) || cfg.Excluded(l.ProductID) {
			continue
		}
		if c, ok := customer[orderKey{l.Source, l.OrderID}]; ok {
			out = append(out, recommend.Purchase{Customer: c, Product: l.ProductID, At: l.OrderedAt})
		}
	}
	return out
}

// customerIDs are the distinct customer ids of the orders, in order of
// first appearance.
func customerIDs(orders []customerview.Order) []string {
	seen := map[string]bool{}
	var out []string
	for _, o := range orders {
		if o.CustomerID != nil && !seen[*o.CustomerID] {
			seen[*o.CustomerID] = true
			out = append(out, *o.CustomerID)
		}
	}
	return out
}

// Recommend is the rows of recommendations: each customer's products,
// rank 1 first.
func Recommend(m *recommend.Model, customers []string) []contract.Recommendation {
	sc := &recommend.Scratch{}
	var rows []contract.Recommendation
	for _, c := range customers {
		for _, r := range m.Recommend(c, PerCustomer, false, sc) {
			rows = append(rows, contract.Recommendation{CustomerID: c, Rank: int32(r.Rank), ProductID: r.Product, Score: r.Score, Source: r.Source})
		}
	}
	return rows
}

// ModelName is the recommender's name in models/_decisions.
const ModelName = "recommendations"

// Decision is the evaluation as a row of models/_decisions: the metric is
// item-item's hit rate at 5, the baseline's figures are in the reason.
// Nothing is promoted: the recommender has no registry version.
func Decision(ev recommend.Evaluation, cutoff, d rundate.Date) contract.Decision {
	row := contract.Decision{Model: ModelName, Metric: "hit_rate_5", TrainRows: int64(ev.TrainCustomers), HoldoutRows: int64(ev.Customers),
		WindowTo: cutoff.AddDays(-1).String(), HoldoutFrom: cutoff.String()}
	if ev.Customers == 0 {
		row.Reason = fmt.Sprintf("no customer bought a product they could be recommended from %s to %s: nothing to measure", cutoff, d)
		return row
	}
	hr := ev.ItemItem.HitRate5
	row.Trained, row.Value = true, &hr
	better := "beats"
	if ev.ItemItem.HitRate5 <= ev.Popular.HitRate5 {
		better = "does not beat"
	}
	row.Reason = fmt.Sprintf("item-item %s the most-popular baseline: hit_rate_5 %.4f vs %.4f, recall_10 %.4f vs %.4f, on the %d customers who bought from %s to %s (train: %d customers, %d products before %s)",
		better, ev.ItemItem.HitRate5, ev.Popular.HitRate5, ev.ItemItem.Recall10, ev.Popular.Recall10, ev.Customers, cutoff, d, ev.TrainCustomers, ev.TrainProducts, cutoff)
	return row
}

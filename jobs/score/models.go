package score

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/featureset"
	"github.com/segmint/segmint/lib/propensity"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/models/clv"
	"github.com/segmint/segmint/models/registry"
)

// night is what the score step's models fill: the rows of the customers
// scored tonight (index by id), the champions' versions, the step's stats
// and the reasons of the gradient-boosted scores.
type night struct {
	reg      *registry.Registry
	d        rundate.Date
	rows     []contract.Score
	index    map[string]int
	versions map[string]string
	stats    step.Stats
	reasons  []contract.Reason
}

// newNight is the score step's night of d over rows.
func newNight(reg *registry.Registry, d rundate.Date, rows []contract.Score, stats step.Stats) *night {
	n := &night{reg: reg, d: d, rows: rows, index: make(map[string]int, len(rows)), versions: map[string]string{}, stats: stats}
	for i, r := range rows {
		n.index[r.CustomerID] = i
	}
	return n
}

// applyModels fills the model columns of rows from the champions of the
// configured models and names their versions in the manifest (meta
// "models"), and returns the reasons of the gradient-boosted scores. A
// configured model without a champion leaves its columns null.
func applyModels(ctx context.Context, env step.Env, d rundate.Date, rows []contract.Score, out *step.Output, stats step.Stats) ([]contract.Reason, error) {
	models := env.Config.Models
	if models.Classifiers == nil && models.Value == nil && models.CLV == nil {
		return nil, nil
	}
	in := dataset.Partition{Dataset: contract.Orders, Date: d}
	orders, m, err := step.ReadInput[customerview.Order](ctx, env, in, contract.StepUnify)
	if err != nil {
		return nil, err
	}
	out.Inputs = append(out.Inputs, m)
	n := newNight(registry.New(env.Store, env.Log), d, rows, stats)
	po := featureset.FromUnified(orders)
	for _, k := range models.Enabled() {
		if err := n.applyClassifier(ctx, k, po); err != nil {
			return nil, err
		}
	}
	if models.Value != nil {
		if err := n.applyValue(ctx, po); err != nil {
			return nil, err
		}
	}
	if c := models.CLV; c != nil {
		if err := n.applyCLV(ctx, *c, orders); err != nil {
			return nil, err
		}
	}
	out.Meta = map[string]any{"models": n.versions}
	return n.reasons, nil
}

// applyCLV fills the lifetime-value columns from the clv champion.
func (n *night) applyCLV(ctx context.Context, c config.CLVModel, orders []customerview.Order) error {
	f, v, err := champion(ctx, n.reg, contract.CLVModel)
	if err != nil || f == nil {
		return err
	}
	var model clv.Model
	if err := json.Unmarshal(f.Model, &model); err != nil {
		return fmt.Errorf("model %s: %w", f.Name, err)
	}
	txns, _ := propensity.CLVTransactions(orders)
	customers, err := clv.Summarize(txns, n.d.Start())
	if errors.Is(err, clv.ErrNoCustomers) { // no orders tonight: nobody to score
		n.versions[f.Name] = v
		return nil
	}
	if err != nil {
		return fmt.Errorf("model %s: %w", f.Name, err)
	}
	pred, err := model.Predict(customers, propensity.CLVValueOptions(c))
	if err != nil {
		return fmt.Errorf("model %s: %w", f.Name, err)
	}
	for _, p := range pred {
		if i, ok := n.index[p.ID]; ok {
			r := &n.rows[i]
			r.PAlive, r.ExpectedPurchases90d = p.ProbabilityAlive, &p.ExpectedPurchases
			r.ExpectedOrderValue, r.CLV365d = &p.ExpectedValue, &p.CLV
			n.stats.Add("scored_"+f.Name, 1)
			if p.ProbabilityAlive == nil {
				// The model's dropout is not identified: its file says why
				// (clv.Model.PAliveNullReason).
				n.stats.Add("p_alive_null_"+f.Name, 1)
			}
		}
	}
	n.versions[f.Name] = v
	return nil
}

// champion loads a model's champion file and version; nil when it has none
// yet.
func champion(ctx context.Context, reg *registry.Registry, name string) (*registry.File, string, error) {
	p, err := reg.Champion(ctx, name)
	if errors.Is(err, registry.ErrNoChampion) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	f, err := reg.Load(ctx, name, p.Version)
	return f, p.Version, err
}

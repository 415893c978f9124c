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

// applyModels fills the model columns of rows from the champions of the
// configured models and names their versions in the manifest (meta
// "models"). A configured model without a champion leaves its columns null.
func applyModels(ctx context.Context, env step.Env, d rundate.Date, rows []contract.Score, out *step.Output, stats step.Stats) error {
	models := env.Config.Models
	if models.Classifiers == nil && models.Value == nil && models.CLV == nil {
		return nil
	}
	in := dataset.Partition{Dataset: contract.Orders, Date: d}
	orders, m, err := step.ReadInput[customerview.Order](ctx, env, in, contract.StepUnify)
	if err != nil {
		return err
	}
	out.Inputs = append(out.Inputs, m)
	reg := registry.New(env.Store, env.Log)
	index := make(map[string]int, len(rows))
	for i, r := range rows {
		index[r.CustomerID] = i
	}
	versions := map[string]string{}
	po := featureset.FromUnified(orders)
	for _, k := range models.Enabled() {
		if err := applyClassifier(ctx, reg, k, d, po, rows, index, versions, stats); err != nil {
			return err
		}
	}
	if models.Value != nil {
		if err := applyValue(ctx, reg, d, po, rows, index, versions, stats); err != nil {
			return err
		}
	}
	if c := models.CLV; c != nil {
		if err := applyCLV(ctx, reg, *c, d, orders, rows, index, versions, stats); err != nil {
			return err
		}
	}
	out.Meta = map[string]any{"models": versions}
	return nil
}

func applyCLV(ctx context.Context, reg *registry.Registry, c config.CLVModel, d rundate.Date, orders []customerview.Order,
	rows []contract.Score, index map[string]int, versions map[string]string, stats step.Stats) error {
	f, v, err := champion(ctx, reg, contract.CLVModel)
	if err != nil || f == nil {
		return err
	}
	var model clv.Model
	if err := json.Unmarshal(f.Model, &model); err != nil {
		return fmt.Errorf("model %s: %w", f.Name, err)
	}
	txns, _ := propensity.CLVTransactions(orders)
	customers, err := clv.Summarize(txns, d.Start())
	if err != nil {
		return fmt.Errorf("model %s: %w", f.Name, err)
	}
	pred, err := model.Predict(customers, propensity.CLVValueOptions(c))
	if err != nil {
		return fmt.Errorf("model %s: %w", f.Name, err)
	}
	for _, p := range pred {
		if i, ok := index[p.ID]; ok {
			rows[i].PAlive, rows[i].ExpectedPurchases90d = p.ProbabilityAlive, &p.ExpectedPurchases
			rows[i].ExpectedOrderValue, rows[i].CLV365d = &p.ExpectedValue, &p.CLV
			stats.Add("scored_"+f.Name, 1)
			if p.ProbabilityAlive == nil {
				// The model's dropout is not identified: its file says why
				// (clv.Model.PAliveNullReason).
				stats.Add("p_alive_null_"+f.Name, 1)
			}
		}
	}
	versions[f.Name] = v
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

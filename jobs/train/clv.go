package train

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/logging"
	"github.com/segmint/segmint/lib/propensity"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/models/clv"
	"github.com/segmint/segmint/models/registry"
)

// CLVKind is the kind of a lifetime-value model file: BG/NBD with
// Gamma-Gamma.
const CLVKind = "bgnbd_gamma_gamma"

func trainCLV(ctx context.Context, env step.Env, reg *registry.Registry, c config.CLVModel,
	orders []customerview.Order, d rundate.Date) (contract.Decision, error) {
	txns, negative := propensity.CLVTransactions(orders)
	calEnd := d.AddDays(-c.HoldoutDays)
	customers, err := clv.Summarize(txns, calEnd.Start())
	if err != nil {
		return skippedCLV(env, fmt.Errorf("%w: %v", errTooLittleData, err)), nil
	}
	model, err := clv.Fit(customers)
	if err != nil {
		// BG/NBD needs a+b > 1 for its expectations: a cohort with very
		// heterogeneous dropout can fit outside that, which is no model to
		// score with.
		return skippedCLV(env, fmt.Errorf("%w: the orders up to %s give no usable fit: %v", errNoUsableFit, calEnd, err)), nil
	}
	actual := holdoutPurchases(txns, calEnd.End(), d.End())
	weeks := float64(c.HoldoutDays) / clv.DaysPerPeriod
	mae, predTotal, actTotal := holdoutError(model, customers, actual, weeks)
	f, err := clvFile(c, model, firstDay(orders), calEnd, len(customers), map[string]float64{
		"holdout_mae_purchases": mae, "holdout_predicted_purchases": predTotal, "holdout_actual_purchases": actTotal,
		"bgnbd_log_likelihood": model.BGNBD.Fit.LogLikelihood, "negative_orders_left_out": float64(negative),
	})
	if err != nil {
		return contract.Decision{}, err
	}
	version, err := reg.Save(ctx, f)
	if err != nil {
		return contract.Decision{}, err
	}
	env.Log.Info().Str(logging.FieldModel, contract.CLVModel).Str(logging.FieldVersion, version).Int(logging.FieldCustomers, len(customers)).
		Float64(logging.FieldHoldoutMAEPurchases, mae).Float64(logging.FieldHoldoutPredicted, predTotal).Float64(logging.FieldHoldoutActual, actTotal).
		Msg("model trained")
	dec, err := decide(ctx, reg, contract.CLVModel, f, version, "holdout_mae_purchases", false, c.Tolerance, mae, "",
		championCLVError(customers, actual, weeks))
	if err != nil {
		return contract.Decision{}, err
	}
	return decisionRow(contract.CLVModel, f, version, dec), nil
}

// clvFile is the model file of a lifetime-value model fitted on the orders
// from the first day to the end of calibration, over customers customers.
func clvFile(c config.CLVModel, model clv.Model, from string, calEnd rundate.Date, customers int,
	metrics map[string]float64) (*registry.File, error) {
	raw, err := json.Marshal(model)
	if err != nil {
		return nil, err
	}
	params, err := json.Marshal(struct {
		HoldoutDays int              `json:"holdout_days"`
		Value       clv.ValueOptions `json:"value"`
	}{c.HoldoutDays, propensity.CLVValueOptions(c)})
	if err != nil {
		return nil, err
	}
	return &registry.File{
		Format: registry.FormatV1, Name: contract.CLVModel, Kind: CLVKind, Task: "clv",
		Window:  &registry.Window{From: from, To: calEnd.String()},
		Rows:    registry.Rows{Train: customers, Holdout: customers},
		Metrics: metrics,
		Params:  params, Model: raw,
	}, nil
}

// championCLVError scores the champion's model file on the challenger's
// holdout: its mean absolute error in purchases.
func championCLVError(customers []clv.Customer, actual map[string]int, weeks float64) func(*registry.File) (float64, error) {
	return func(cf *registry.File) (float64, error) {
		var cm clv.Model
		if err := json.Unmarshal(cf.Model, &cm); err != nil {
			return 0, fmt.Errorf("decode: %w", err)
		}
		if err := cm.Validate(); err != nil {
			return 0, err
		}
		v, _, _ := holdoutError(cm, customers, actual, weeks)
		return v, nil
	}
}

func skippedCLV(env step.Env, err error) contract.Decision {
	env.Log.Warn().Str(logging.FieldModel, contract.CLVModel).Err(err).Msg("model not trained tonight; the champion stays")
	return skipped(contract.CLVModel, err)
}

// holdoutPurchases counts each customer's distinct purchase days in
// [from, to): the repeat purchases BG/NBD predicts.
func holdoutPurchases(txns []clv.Transaction, from, to time.Time) map[string]int {
	days := map[string]map[string]bool{}
	for _, t := range txns {
		if t.Date.Before(from) || !t.Date.Before(to) {
			continue
		}
		if days[t.Customer] == nil {
			days[t.Customer] = map[string]bool{}
		}
		days[t.Customer][t.Date.Format(time.DateOnly)] = true
	}
	out := make(map[string]int, len(days))
	for c, d := range days {
		out[c] = len(d)
	}
	return out
}

// holdoutError is the mean absolute error of the expected purchases over
// weeks against the actual ones, and both totals, over the calibration
// customers.
func holdoutError(m clv.Model, customers []clv.Customer, actual map[string]int, weeks float64) (mae, pred, act float64) {
	for _, c := range customers {
		p := m.BGNBD.ExpectedPurchases(weeks, c)
		a := float64(actual[c.ID])
		mae += math.Abs(p - a)
		pred += p
		act += a
	}
	return mae / float64(len(customers)), pred, act
}

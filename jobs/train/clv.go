package train

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
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

// CLVKindSuffix ends the kind of a lifetime-value model file, after the
// purchase model's (clv.Model.Kind): bgnbd_gamma_gamma, mbgnbd_gamma_gamma
// or nbd_gamma_gamma.
const CLVKindSuffix = "_gamma_gamma"

func trainCLV(ctx context.Context, env step.Env, reg *registry.Registry, c config.CLVModel,
	orders []customerview.Order, d rundate.Date) (contract.Decision, error) {
	txns, negative := propensity.CLVTransactions(orders)
	calEnd := d.AddDays(-c.HoldoutDays)
	customers, err := clv.Summarize(txns, calEnd.Start())
	if err != nil {
		return skippedCLV(env, fmt.Errorf("%w: %v", errTooLittleData, err)), nil
	}
	fam, err := clv.FitFamily(customers)
	if err != nil {
		return skippedCLV(env, fmt.Errorf("%w: the orders up to %s give no usable fit: %v", errNoUsableFit, calEnd, err)), nil
	}
	h := newCLVHoldout(txns, customers, calEnd, d, c.HoldoutDays)
	model, metrics := chooseCLV(fam, h)
	metrics["negative_orders_left_out"] = float64(negative)
	f, err := clvFile(c, model, firstDay(orders), calEnd, len(customers), metrics)
	if err != nil {
		return contract.Decision{}, err
	}
	return saveCLV(ctx, env, reg, c, f, model, h)
}

// saveCLV saves the chosen model's file, decides on it and returns the
// decision row, whose reason also says which purchase model was chosen
// and whether it publishes P(alive).
func saveCLV(ctx context.Context, env step.Env, reg *registry.Registry, c config.CLVModel, f *registry.File,
	model clv.Model, h clvHoldout) (contract.Decision, error) {
	version, err := reg.Save(ctx, f)
	if err != nil {
		return contract.Decision{}, err
	}
	m := f.Metrics
	env.Log.Info().Str(logging.FieldModel, contract.CLVModel).Str(logging.FieldVersion, version).Str(logging.FieldKind, f.Kind).
		Int(logging.FieldCustomers, len(h.customers)).Float64(logging.FieldHoldoutMAEPurchases, m["holdout_mae_purchases"]).
		Float64(logging.FieldHoldoutPredicted, m["holdout_predicted_purchases"]).Float64(logging.FieldHoldoutActual, m["holdout_actual_purchases"]).
		Msg("model trained")
	dec, err := decide(ctx, reg, contract.CLVModel, f, version, "holdout_mae_purchases", false, c.Tolerance, m["holdout_mae_purchases"],
		clvGate(m, c.HoldoutDays), championCLVError(h))
	if err != nil {
		return contract.Decision{}, err
	}
	row := decisionRow(contract.CLVModel, f, version, dec)
	row.Reason += "; " + purchaseNote(model)
	return row, nil
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
		Format: registry.FormatV1, Name: contract.CLVModel, Kind: model.Kind() + CLVKindSuffix, Task: "clv",
		Window:  &registry.Window{From: from, To: calEnd.String()},
		Rows:    registry.Rows{Train: customers, Holdout: customers},
		Metrics: metrics,
		Params:  params, Model: raw,
	}, nil
}

// championCLVError scores the champion's model file on the challenger's
// holdout: its mean absolute error in purchases.
func championCLVError(h clvHoldout) func(*registry.File) (float64, error) {
	return func(cf *registry.File) (float64, error) {
		var cm clv.Model
		if err := json.Unmarshal(cf.Model, &cm); err != nil {
			return 0, fmt.Errorf("decode: %w", err)
		}
		if err := cm.Validate(); err != nil {
			return 0, err
		}
		v, _, _ := h.errorOf(cm.Purchases())
		return v, nil
	}
}

func skippedCLV(env step.Env, err error) contract.Decision {
	env.Log.Warn().Str(logging.FieldModel, contract.CLVModel).Err(err).Msg("model not trained tonight; the champion stays")
	return skipped(contract.CLVModel, err)
}

// clvHoldout is what a lifetime-value model is measured on: the
// calibration customers, their purchase days in the holdout and in the
// holdout-length period that ends calibration, and the holdout's length
// in weeks.
type clvHoldout struct {
	customers    []clv.Customer
	actual, last map[string]int
	weeks        float64
}

// newCLVHoldout is the holdout of a model calibrated up to calEnd
// (inclusive) for the run date d, days long.
func newCLVHoldout(txns []clv.Transaction, customers []clv.Customer, calEnd, d rundate.Date, days int) clvHoldout {
	return clvHoldout{
		customers: customers,
		actual:    holdoutPurchases(txns, calEnd.End(), d.End()),
		last:      holdoutPurchases(txns, calEnd.End().AddDate(0, 0, -days), calEnd.End()),
		weeks:     float64(days) / clv.DaysPerPeriod,
	}
}

// errorOf is the mean absolute error of pm's expected purchases over the
// holdout against the actual ones, and both totals, over the calibration
// customers.
func (h clvHoldout) errorOf(pm clv.PurchaseModel) (mae, pred, act float64) {
	for _, c := range h.customers {
		p := pm.ExpectedPurchases(h.weeks, c)
		a := float64(h.actual[c.ID])
		mae += math.Abs(p - a)
		pred += p
		act += a
	}
	return mae / float64(len(h.customers)), pred, act
}

// repeatError is the mean absolute error of the baseline that predicts
// for each customer as many purchase days in the holdout as in the
// holdout-length period that ended calibration.
func (h clvHoldout) repeatError() float64 {
	var mae float64
	for _, c := range h.customers {
		mae += math.Abs(float64(h.last[c.ID] - h.actual[c.ID]))
	}
	return mae / float64(len(h.customers))
}

// chooseCLV measures every fitted purchase model of the family on the
// holdout and keeps the one with the lowest error among NBD and the
// dropout models whose dropout is identified (the first on a tie). The
// metrics hold each model's error, log-likelihood and dropout statistic,
// the chosen one's figures and the repeat baseline's error.
func chooseCLV(fam clv.Family, h clvHoldout) (clv.Model, map[string]float64) {
	m := map[string]float64{"repeat_mae_purchases": h.repeatError()}
	var best clv.Model
	for _, c := range fam.Models() {
		mae, pred, act := h.errorOf(c.Purchases())
		m["holdout_mae_"+c.Kind()] = mae
		m["log_likelihood_"+c.Kind()] = purchaseLogLikelihood(c)
		if c.Kind() != clv.KindNBD && !c.DropoutIdentified() || best.Kind() != "" && mae >= m["holdout_mae_purchases"] {
			continue
		}
		best = c
		m["holdout_mae_purchases"], m["holdout_predicted_purchases"], m["holdout_actual_purchases"] = mae, pred, act
	}
	for _, t := range fam.Tests {
		m["dropout_lr_"+t.Model] = t.Statistic
	}
	m["dropout_identified"] = boolMetric(best.DropoutIdentified())
	return best, m
}

// purchaseLogLikelihood is the log-likelihood of the model's purchase
// model at its fit.
func purchaseLogLikelihood(m clv.Model) float64 {
	if m.BGNBD != nil {
		return m.BGNBD.Fit.LogLikelihood
	}
	return m.NBD.Fit.LogLikelihood
}

func boolMetric(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// clvGate is why a lifetime-value challenger may not be promoted whatever
// the champion scores, "" when it may: its holdout error must beat
// repeating, for each customer, the purchase days of the last
// holdout-length period of calibration.
func clvGate(m map[string]float64, days int) string {
	if m["holdout_mae_purchases"] >= m["repeat_mae_purchases"] {
		return fmt.Sprintf("holdout MAE %.4f purchases does not beat repeating the last %d days (%.4f)",
			m["holdout_mae_purchases"], days, m["repeat_mae_purchases"])
	}
	return ""
}

// purchaseNote says which purchase model the file holds and, when it
// publishes no P(alive), why.
func purchaseNote(m clv.Model) string {
	if m.DropoutIdentified() {
		return fmt.Sprintf("purchases by %s, dropout identified", m.Kind())
	}
	var why []string
	for _, t := range m.Dropout {
		why = append(why, t.Model+": "+t.Reason)
	}
	return fmt.Sprintf("purchases by %s, p_alive null (%s)", m.Kind(), strings.Join(why, "; "))
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

package features

import (
	"context"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/kpi"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// dailyKPIs commits kpi/daily/dt=d: every day up to d, rebuilt from the
// touchpoints, the ad platforms' metrics and the unified orders of d (late
// data restates past days); om is the orders' manifest.
func dailyKPIs(ctx context.Context, env step.Env, d rundate.Date, orders []customerview.Order, om *dataset.Manifest, stats step.Stats) error {
	if !contract.Written(env.Config, contract.DailyKPIs) {
		return nil
	}
	rates, err := env.Config.RatesTable()
	if err != nil {
		return err
	}
	facts := orderFacts(orders)
	touches, touchInputs, err := readTouches(ctx, env, d)
	if err != nil {
		return err
	}
	inputs := append([]*dataset.Manifest{om}, touchInputs...)
	ads, adInputs, err := readAds(ctx, env, d, rates)
	if err != nil {
		return err
	}
	inputs = append(inputs, adInputs...)
	rows, dstats := kpi.DailyKPIs(touches, facts, ads, d.End(), env.Config.Currency)
	out := step.Output{Partition: dataset.Partition{Dataset: contract.DailyKPIs, Date: d}, Job: contract.StepFeatures, Inputs: inputs,
		Meta: map[string]any{"ad_rows": len(ads), "reach_not_additive": dstats.ReachNotAdditive}}
	if _, err := step.WriteOutput(ctx, env, out, rows); err != nil {
		return err
	}
	stats.Add("kpi_daily_rows", int64(len(rows)))
	stats.Add("kpi_daily_ad_rows", int64(len(ads)))
	return nil
}

// orderFacts are the value of every order that is not a cancellation, and
// whether it is its customer's first.
func orderFacts(orders []customerview.Order) map[string]kpi.OrderFact {
	first := map[string]time.Time{} // customer -> time of the first order
	for _, o := range orders {
		if o.IsCancellation || o.CustomerID == nil {
			continue
		}
		if t, ok := first[*o.CustomerID]; !ok || o.OrderedAt.Before(t) {
			first[*o.CustomerID] = o.OrderedAt
		}
	}
	facts := map[string]kpi.OrderFact{}
	for _, o := range orders {
		if o.IsCancellation {
			continue
		}
		f := kpi.OrderFact{Value: o.Value}
		if o.CustomerID != nil && first[*o.CustomerID].Equal(o.OrderedAt) {
			f.FirstOfCustomer = true
		}
		facts[o.OrderID] = f
	}
	return facts
}

// readTouches reads the touchpoints of every file-drop touchpoint stream
// for d and returns them with the manifests read.
func readTouches(ctx context.Context, env step.Env, d rundate.Date) ([]kpi.Touch, []*dataset.Manifest, error) {
	var touches []kpi.Touch
	var inputs []*dataset.Manifest
	for _, s := range env.Config.Streams(config.FileDropsOf(config.EntityTouchpoints)) {
		p := dataset.Partition{Dataset: contract.Raw(s.Source.Name, s.Stream.Name), Date: d}
		m, err := dataset.EachRows(ctx, env.Store, p, func(sc *parquet.Schema, rows []parquet.Row) error {
			f := dataset.FieldsOf(sc)
			for _, row := range rows {
				at, ok := f.Int64(row, "occurred_at")
				if !ok {
					continue
				}
				touches = append(touches, kpi.Touch{At: time.UnixMicro(at).UTC(), SessionID: f.Text(row, "session_id"),
					Channel: f.Text(row, "channel"), Campaign: f.Text(row, "campaign_id"), EventType: f.Text(row, "event_type"),
					OrderID: f.Text(row, "order_id")})
			}
			return nil
		})
		if err != nil {
			return nil, nil, step.MissingInput(err, p, contract.StepIngest)
		}
		inputs = append(inputs, m)
	}
	return touches, inputs, nil
}

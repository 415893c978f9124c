package features

import (
	"context"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/jobs/ingest"
	"github.com/segmint/segmint/jobs/unify"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/job"
	"github.com/segmint/segmint/lib/kpi"
	"github.com/segmint/segmint/lib/unified"
)

// DailyDataset is the KPI table per day, channel and campaign.
const DailyDataset = "kpi/daily"

// touchpointStreams are the configured file-drop touchpoint streams.
func touchpointStreams(c *config.Config) [][2]string {
	var out [][2]string
	for _, src := range c.Sources {
		for _, st := range src.Streams {
			if src.Kind == "filedrop" && st.Entity == "touchpoints" {
				out = append(out, [2]string{src.Name, st.Name})
			}
		}
	}
	return out
}

// dailyKPIs commits kpi/daily/dt=d: every day up to d, rebuilt from the
// touchpoints and the unified orders of d (late data restates past days).
func dailyKPIs(ctx context.Context, env job.Env, d job.Date, stats job.Stats) error {
	streams := touchpointStreams(env.Config)
	if len(streams) == 0 {
		return nil
	}
	op := dataset.Partition{Dataset: unify.OrdersDataset, Date: d}
	orders, om, err := dataset.ReadInput[unified.Order](ctx, env, op, unify.Name)
	if err != nil {
		return err
	}
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
	inputs := []*dataset.Manifest{om}
	var touches []kpi.Touch
	for _, s := range streams {
		p := dataset.Partition{Dataset: ingest.RawDataset(s[0], s[1]), Date: d}
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
			return dataset.MissingInput(err, p, ingest.Name)
		}
		inputs = append(inputs, m)
	}
	rows := kpi.DailyKPIs(touches, facts, d.End(), env.Config.Currency)
	out := dataset.Output{Partition: dataset.Partition{Dataset: DailyDataset, Date: d}, Job: Name, Inputs: inputs}
	if _, err := dataset.WriteOutput(ctx, env, out, rows); err != nil {
		return err
	}
	stats.Add("kpi_daily_rows", int64(len(rows)))
	return nil
}

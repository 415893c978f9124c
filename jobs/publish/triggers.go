package publish

import (
	"context"
	"encoding/csv"
	"io"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/segmint/segmint/lib/audience"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/rfm"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/segrule"
	"github.com/segmint/segmint/lib/step"
)

// newTopDecileRule selects the new customers whose first order is in the
// top decile of every customer's first order.
const newTopDecileRule = "lifecycle_stage = 'new' and " + audience.FirstOrderValue + " >= percentile(" + audience.FirstOrderValue + ", 90)"

// fired is one customer a trigger fired for, and why.
type fired struct {
	customer string
	reason   string
}

// publishTriggers commits every trigger list of the night.
func publishTriggers(ctx context.Context, env step.Env, n *night, scores []contract.Score, stats step.Stats) error {
	lists := map[string]func() ([]fired, []*dataset.Manifest, error){
		contract.TriggerCartAbandoners: func() ([]fired, []*dataset.Manifest, error) { return cartAbandoners(ctx, env, n) },
		contract.TriggerCrossedAtRisk:  func() ([]fired, []*dataset.Manifest, error) { return crossedAtRisk(ctx, env, n, scores) },
		contract.TriggerNewTopDecile:   func() ([]fired, []*dataset.Manifest, error) { return newTopDecile(n) },
	}
	for _, name := range contract.Triggers() {
		fs, inputs, err := lists[name]()
		if err != nil {
			return err
		}
		rows, suppressed := n.triggerRows(name, env.Config.Segments.Triggers.Purpose, env.Config.Segments, fs)
		if err := commitTrigger(ctx, env, n, name, rows, suppressed, inputs); err != nil {
			return err
		}
		stats["trigger."+name] = int64(len(rows))
	}
	return nil
}

// triggerRows are the rows of a trigger list, one per person, suppressed
// for its purpose and without the global control group.
func (n *night) triggerRows(name, purpose string, segs config.Segments, fs []fired) ([]contract.TriggerMember, map[string]int64) {
	by := make(map[string]int, len(n.customers))
	for i, c := range n.customers {
		if _, ok := by[c.CustomerID]; !ok {
			by[c.CustomerID] = i
		}
	}
	suppressed := map[string]int64{}
	var rows []contract.TriggerMember
	seen := map[string]bool{}
	for _, f := range fs {
		i, ok := by[f.customer]
		if !ok || seen[f.customer] {
			continue
		}
		seen[f.customer] = true
		c := n.customers[i]
		if reason := n.leftOut(c.CustomerID, purpose, segs); reason != "" {
			suppressed[reason]++
			continue
		}
		rows = append(rows, contract.TriggerMember{CustomerID: c.CustomerID, Trigger: name, Purpose: purpose, Reason: f.reason,
			EmailSHA256: c.EmailSHA256, PhoneSHA256: c.PhoneSHA256})
	}
	return rows, suppressed
}

// commitTrigger commits triggers/<name>/dt=D: Parquet and CSV.
func commitTrigger(ctx context.Context, env step.Env, n *night, name string, rows []contract.TriggerMember,
	suppressed map[string]int64, inputs []*dataset.Manifest) error {
	w := dataset.NewWriter(env.Store, dataset.Partition{Dataset: contract.Trigger(name), Date: n.d}, env.RunID, contract.StepPublish, "")
	for _, m := range append(append([]*dataset.Manifest{}, n.inputs...), inputs...) {
		w.AddInput(m)
	}
	w.SetMeta("trigger", name)
	w.SetMeta("suppressed", suppressed)
	label := dataset.Label{Segment: name, Purpose: env.Config.Segments.Triggers.Purpose}
	if err := labelled(w, label, RoleTrigger, func() error { return dataset.WriteParquet(ctx, w, rows) }); err != nil {
		return err
	}
	err := addCSV(ctx, w, label, RoleTrigger, int64(len(rows)), func(out io.Writer) error {
		cw := csv.NewWriter(out)
		_ = cw.Write([]string{"customer_id", "trigger", "purpose", "reason", "email_sha256", "phone_sha256"})
		for _, r := range rows {
			_ = cw.Write([]string{r.CustomerID, r.Trigger, r.Purpose, r.Reason, deref(r.EmailSHA256), deref(r.PhoneSHA256)})
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return err
	}
	_, err = w.Commit(ctx, env.Now())
	return err
}

// newTopDecile fires for the customers newTopDecileRule selects.
func newTopDecile(n *night) ([]fired, []*dataset.Manifest, error) {
	rule, err := segrule.Compile(newTopDecileRule, audience.Schema())
	if err != nil {
		return nil, nil, err
	}
	sel, err := rule.Select(n.table)
	if err != nil {
		return nil, nil, err
	}
	var out []fired
	for i, in := range sel {
		if in {
			out = append(out, fired{customer: n.customers[i].CustomerID, reason: "new, first order in the top decile"})
		}
	}
	return out, nil, nil
}

// crossedAtRisk fires for the customers who are RFM at_risk or lifecycle
// churned tonight and were neither on the newest committed night before
// (their previous id resolved across merges); nothing on a first night.
func crossedAtRisk(ctx context.Context, env step.Env, n *night, scores []contract.Score) ([]fired, []*dataset.Manifest, error) {
	prev, inputs, err := previousRisk(ctx, env, n.d)
	if err != nil || prev == nil {
		return nil, inputs, err
	}
	now := riskOf(n.customers, scores)
	var out []fired
	for _, c := range n.customers {
		if why := now[c.CustomerID]; why != "" && !prev[c.CustomerID] {
			out = append(out, fired{customer: c.CustomerID, reason: why})
		}
	}
	return out, inputs, nil
}

// riskOf says, per customer, why they are at risk ("" when they are not).
func riskOf(customers []customerview.Customer, scores []contract.Score) map[string]string {
	out := map[string]string{}
	for _, s := range scores {
		if s.RFMSegment == rfm.AtRisk {
			out[s.CustomerID] = "rfm at_risk"
		}
	}
	for _, c := range customers {
		if c.LifecycleStage == customerview.StageChurned && out[c.CustomerID] == "" {
			out[c.CustomerID] = "lifecycle churned"
		}
	}
	return out
}

// previousRisk is who was at risk on the newest night before d that has
// both customers and scores committed, keyed by their id tonight; nil
// when there is none.
func previousRisk(ctx context.Context, env step.Env, d rundate.Date) (map[string]bool, []*dataset.Manifest, error) {
	prev, err := dataset.NewestBefore(ctx, env.Store, contract.Scores, d)
	if err != nil || prev.IsZero() {
		return nil, nil, err
	}
	customers, cm, err := dataset.ReadParquet[customerview.Customer](ctx, env.Store, dataset.Partition{Dataset: contract.Customers, Date: prev})
	if err != nil {
		return nil, nil, err
	}
	scores, sm, err := dataset.ReadParquet[contract.Score](ctx, env.Store, dataset.Partition{Dataset: contract.Scores, Date: prev})
	if err != nil {
		return nil, nil, err
	}
	merges, inputs, err := audience.ReadMerges(ctx, env.Store, prev, d)
	if err != nil {
		return nil, nil, err
	}
	out := map[string]bool{}
	for id, why := range riskOf(customers, scores) {
		if why != "" {
			out[merges.Resolve(id)] = true
		}
	}
	return out, append([]*dataset.Manifest{cm, sm}, inputs...), nil
}

// cartAbandoners fires for the customers whose latest add to cart in the
// last 24 hours of D has no order of theirs at or after it.
func cartAbandoners(ctx context.Context, env step.Env, n *night) ([]fired, []*dataset.Manifest, error) {
	carts, inputs, err := readCarts(ctx, env, n.d)
	if err != nil || len(carts) == 0 {
		return nil, inputs, err
	}
	idmap, m, err := step.ReadInput[contract.IdentityRow](ctx, env, dataset.Partition{Dataset: contract.IdentityMap, Date: n.d}, contract.StepUnify)
	if err != nil {
		return nil, nil, err
	}
	last := map[string]time.Time{}
	for _, r := range idmap {
		if at, ok := carts[r.RecordKey]; ok && at.After(last[r.CustomerID]) {
			last[r.CustomerID] = at
		}
	}
	for _, o := range n.orders {
		if o.CustomerID != nil && !o.IsCancellation && !o.OrderedAt.Before(last[*o.CustomerID]) {
			delete(last, *o.CustomerID)
		}
	}
	var out []fired
	for _, c := range n.customers {
		if at, ok := last[c.CustomerID]; ok {
			out = append(out, fired{customer: c.CustomerID, reason: "add to cart at " + at.Format(time.RFC3339)})
		}
	}
	return out, append(inputs, m), nil
}

// readCarts is the latest add_to_cart in the last 24 hours of d per
// identity record, from every raw touchpoint partition up to d.
func readCarts(ctx context.Context, env step.Env, d rundate.Date) (map[string]time.Time, []*dataset.Manifest, error) {
	carts := map[string]time.Time{}
	var inputs []*dataset.Manifest
	spec, _ := config.IdentityEntity(config.EntityTouchpoints)
	for _, r := range env.Config.Streams(config.FileDropsOf(config.EntityTouchpoints)) {
		ms, err := dataset.EachRowsUpTo(ctx, env.Store, contract.Raw(r.Source.Name, r.Stream.Name), d,
			func(s *parquet.Schema, rows []parquet.Row) error {
				addCarts(carts, r, spec, dataset.FieldsOf(s), rows, d)
				return nil
			})
		if err != nil {
			return nil, nil, err
		}
		inputs = append(inputs, ms...)
	}
	return carts, inputs, nil
}

// addCarts keeps the latest add_to_cart of the last 24 hours of d per record.
func addCarts(carts map[string]time.Time, r config.StreamRef, spec config.IdentitySpec, f dataset.Fields, rows []parquet.Row, d rundate.Date) {
	from := d.End().Add(-24 * time.Hour)
	for _, row := range rows {
		us, ok := f.Int64(row, "occurred_at")
		at := time.UnixMicro(us).UTC()
		if !ok || f.Text(row, "event_type") != "add_to_cart" || at.Before(from) || !at.Before(d.End()) {
			continue
		}
		get := func(field string) string { return f.Text(row, field) }
		key := contract.RecordKey(r.Source.Name, r.Stream.Name, r.Stream.Entity, spec, get)
		if key != "" && at.After(carts[key]) {
			carts[key] = at
		}
	}
}

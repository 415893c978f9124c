// Package measure is `segmint measure`: it compares a segment's treated
// members with its control group over a window of nights and commits the
// result as measurements/<segment>/dt=<to>.
//
// Who counts. Every person who was a member of the segment's committed
// snapshot on any night D1..D2 counts once, in the group of their first
// such night (the assignment is stable, so it is the group of every
// night), identified across identity merges up to D2.
//
// Outcomes. A person's non-cancelled orders after the end of their first
// night up to the end of D2 (unified/orders/dt=D2): converted (at least
// one order), orders per person and revenue per person (the orders' value;
// a cancellation is left out, since it may cancel an order placed before
// the person was exposed), zeros included. Treated people were exported; control
// people were held out, so the difference is the segment's effect.
//
// Statistics (lib/uplift): the conversion difference with Newcombe's
// interval, the per-person means with Welch's t, and a sample-ratio
// mismatch test of the group sizes against the configured control share
// (global share g and segment share s give g + (1-g) s), flagged below
// p = 0.001.
package measure

import (
	"context"
	"fmt"

	"github.com/segmint/segmint/lib/audience"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/money"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
)

// Metrics of a measurement, in row order.
const (
	MetricConversion = "conversion_rate"
	MetricOrders     = "orders_per_person"
	MetricRevenue    = "revenue_per_person"
)

// exposure is one person's group and first night in the window.
type exposure struct {
	first   rundate.Date
	control bool
}

// outcome is one person's orders and net revenue in their window.
type outcome struct {
	orders  int64
	revenue money.Micros
}

// Run measures segment over the nights from..to.
func Run(ctx context.Context, env step.Env, segment string, from, to rundate.Date) (step.Stats, error) {
	seg, ok := findSegment(env.Config.Segments, segment)
	if !ok {
		return nil, step.Usagef("measure: no rule segment %q in the configuration", segment)
	}
	if to.Start().Before(from.Start()) {
		return nil, step.Usagef("measure: --to %s is before --from %s", to, from)
	}
	exposed, inputs, err := readExposures(ctx, env, segment, from, to)
	if err != nil {
		return nil, err
	}
	orders, om, err := step.ReadInput[customerview.Order](ctx, env, dataset.Partition{Dataset: contract.Orders, Date: to}, contract.StepUnify)
	if err != nil {
		return nil, err
	}
	rows, srm, err := compare(exposed, outcomes(exposed, orders, to), controlShare(env.Config.Segments, seg))
	if err != nil {
		return nil, fmt.Errorf("measure %s: %w", segment, err)
	}
	for i := range rows {
		rows[i].Segment, rows[i].From, rows[i].To = segment, from.String(), to.String()
	}
	out := step.Output{Partition: dataset.Partition{Dataset: contract.Measurements(segment), Date: to}, Job: contract.CommandMeasure,
		Inputs: append(inputs, om), Meta: map[string]any{"from": from.String(), "to": to.String(), "srm": srm, "people": len(exposed)}}
	if _, err := step.WriteOutput(ctx, env, out, rows); err != nil {
		return nil, err
	}
	return statsOf(rows, srm), nil
}

// findSegment is the configured rule segment of that name.
func findSegment(s config.Segments, name string) (config.Segment, bool) {
	for _, seg := range s.Rules {
		if seg.Name == name {
			return seg, true
		}
	}
	return config.Segment{}, false
}

// controlShare is the share of a segment's members held out: the global
// control group, then the segment's own among the rest.
func controlShare(s config.Segments, seg config.Segment) float64 {
	g := s.Control.GlobalShare
	return g + (1-g)*s.ShareOf(seg)
}

// readExposures reads the segment's committed snapshots from..to: every
// member's group and first night, keyed by the id they go by on to.
func readExposures(ctx context.Context, env step.Env, segment string, from, to rundate.Date) (map[string]exposure, []*dataset.Manifest, error) {
	dates, err := dataset.CommittedDates(ctx, env.Store, contract.Segment(segment))
	if err != nil {
		return nil, nil, err
	}
	var nights []rundate.Date
	for _, d := range dates {
		if !d.Start().Before(from.Start()) && !d.Start().After(to.Start()) {
			nights = append(nights, d)
		}
	}
	if len(nights) == 0 {
		return nil, nil, fmt.Errorf("%w: segment %s has no committed snapshot from %s to %s (run segmint nightly first)", step.ErrMissingInput, segment, from, to)
	}
	// The identity events of the window are read once; each night's ids
	// are resolved by the merges of the nights after it.
	days, inputs, err := audience.ReadMergeDays(ctx, env.Store, nights[0], to)
	if err != nil {
		return nil, nil, err
	}
	exposed := map[string]exposure{}
	for _, d := range nights {
		m, err := addNight(ctx, env, segment, d, audience.After(days, d), exposed)
		if err != nil {
			return nil, nil, err
		}
		inputs = append(inputs, m)
	}
	return exposed, inputs, nil
}

// addNight adds the members of night d not seen on an earlier night.
func addNight(ctx context.Context, env step.Env, segment string, d rundate.Date, merges audience.Merges, exposed map[string]exposure) (*dataset.Manifest, error) {
	members, m, err := dataset.ReadParquet[contract.AudienceMember](ctx, env.Store, dataset.Partition{Dataset: contract.Segment(segment), Date: d})
	if err != nil {
		return nil, err
	}
	for _, mb := range members {
		id := merges.Resolve(mb.CustomerID)
		if _, seen := exposed[id]; !seen {
			exposed[id] = exposure{first: d, control: mb.Control}
		}
	}
	return m, nil
}

// outcomes are the exposed people's orders after their first night up to
// the end of to.
func outcomes(exposed map[string]exposure, orders []customerview.Order, to rundate.Date) map[string]outcome {
	out := map[string]outcome{}
	for _, o := range orders {
		if o.CustomerID == nil {
			continue
		}
		e, ok := exposed[*o.CustomerID]
		if !ok || o.OrderedAt.Before(e.first.End()) || !o.OrderedAt.Before(to.End()) {
			continue
		}
		if o.IsCancellation {
			continue // it may cancel an order placed before the person's first night
		}
		r := out[*o.CustomerID]
		r.orders++
		r.revenue += o.Value
		out[*o.CustomerID] = r
	}
	return out
}

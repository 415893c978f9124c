package measure

import (
	"sort"

	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/uplift"
)

// groups are the per-person outcomes of the treated and the control people.
type groups struct {
	converted       [2]uplift.Binary
	orders, revenue [2]uplift.Moments
}

// Group indexes.
const (
	treatedGroup = 0
	controlGroup = 1
)

// gather sorts every exposed person's outcome into their group, in id
// order (the running moments depend on the order of their values, and the
// committed figures must not change from run to run).
func gather(exposed map[string]exposure, out map[string]outcome) groups {
	ids := make([]string, 0, len(exposed))
	for id := range exposed {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var g groups
	for _, id := range ids {
		e := exposed[id]
		k := treatedGroup
		if e.control {
			k = controlGroup
		}
		o := out[id]
		g.converted[k].N++
		if o.orders > 0 {
			g.converted[k].Converted++
		}
		g.orders[k].Add(float64(o.orders))
		g.revenue[k].Add(o.revenue.Float())
	}
	return g
}

// compare computes the measurement rows and the sample-ratio check.
func compare(exposed map[string]exposure, out map[string]outcome, share float64) ([]contract.Measurement, uplift.SRMResult, error) {
	g := gather(exposed, out)
	srm, err := uplift.SampleRatio(g.converted[treatedGroup].N, g.converted[controlGroup].N, share, 0)
	if err != nil {
		return nil, srm, err
	}
	conv, err := uplift.Conversion(g.converted[treatedGroup], g.converted[controlGroup])
	if err != nil {
		return nil, srm, err
	}
	rows := []contract.Measurement{conversionRow(conv)}
	for _, m := range []struct {
		name string
		v    [2]uplift.Moments
	}{{MetricOrders, g.orders}, {MetricRevenue, g.revenue}} {
		r, err := uplift.Means(m.v[treatedGroup], m.v[controlGroup])
		if err != nil {
			return nil, srm, err
		}
		rows = append(rows, meansRow(m.name, r))
	}
	for i := range rows {
		rows[i].SRMPValue, rows[i].SRMFlag = srm.PValue, srm.Flag
	}
	return rows, srm, nil
}

// conversionRow is the conversion-rate row.
func conversionRow(c uplift.ConversionResult) contract.Measurement {
	r := contract.Measurement{Metric: MetricConversion, TreatedN: c.Treated.N, ControlN: c.Control.N,
		Treated: c.TreatedRate, Control: c.ControlRate, Diff: c.Diff.Estimate, DiffLo: c.Diff.Lo, DiffHi: c.Diff.Hi,
		PValue: c.PValue}
	if c.Relative != nil {
		r.Relative, r.RelativeLo, r.RelativeHi = &c.Relative.Estimate, &c.Relative.Lo, &c.Relative.Hi
	}
	return r
}

// meansRow is the row of a per-person mean. Its relative difference has
// no interval: dividing the difference's interval by the control mean
// would ignore that mean's own uncertainty.
func meansRow(metric string, m uplift.MeansResult) contract.Measurement {
	return contract.Measurement{Metric: metric, TreatedN: m.TreatedN, ControlN: m.ControlN,
		Treated: m.TreatedMean, Control: m.ControlMean, Diff: m.Diff.Estimate, DiffLo: m.Diff.Lo, DiffHi: m.Diff.Hi,
		PValue: m.PValue, Relative: m.Relative}
}

// statsOf are the step counts of a measurement.
func statsOf(rows []contract.Measurement, srm uplift.SRMResult) step.Stats {
	s := step.Stats{"treated": srm.Treated, "control": srm.Control}
	if srm.Flag {
		s["srm_flagged"] = 1
	}
	return s
}

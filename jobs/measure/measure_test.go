package measure_test

import (
	"math"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/jobs/measure"
	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/dataset"
	"github.com/segmint/segmint/lib/money"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/rundate/rundatetest"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/testdata/synth"
)

const segment = "win_back"

// scenario is the planted experiment of these tests: 20,000 people over
// five nights, a 10% control group, 12% of the treated and 8% of the
// control people converting after their first night.
func scenario(assignShare float64) synth.Uplift {
	var nights []time.Time
	for i := 0; i < 5; i++ {
		nights = append(nights, time.Date(2026, 3, 1+i, 0, 0, 0, 0, time.UTC))
	}
	return synth.Uplift{Seed: 7, Segment: segment, Salt: "measure-test", People: 20_000, Nights: nights,
		ControlShare: 0.10, AssignShare: assignShare, TreatedRate: 0.12, ControlRate: 0.08,
		End: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)}
}

// run commits the planted snapshots and orders and measures nights 1..5
// with orders up to the 30th.
func run(t *testing.T, u synth.Uplift) []contract.Measurement {
	t.Helper()
	share := u.ControlShare
	cfg := &config.Config{}
	cfg.Segments.Control.Salt = u.Salt
	cfg.Segments.Rules = []config.Segment{{Name: segment, Purpose: config.PurposeEmail, Rule: "true", ControlShare: &share}}
	env := step.Env{Store: store.NewMem(), Config: cfg, Log: zerolog.Nop(), RunID: "test", Now: time.Now}
	planted := u.Plant()
	for night, rows := range planted.Snapshots {
		commit(t, env, contract.Segment(segment), rundate.Of(night), rows)
	}
	to := rundate.Of(u.End.AddDate(0, 0, -1))
	commit(t, env, contract.Orders, to, planted.Orders)
	if _, err := measure.Run(t.Context(), env, segment, rundate.Of(u.Nights[0]), to); err != nil {
		t.Fatal(err)
	}
	rows, _, err := dataset.ReadParquet[contract.Measurement](t.Context(), env.Store, dataset.Partition{Dataset: contract.Measurements(segment), Date: to})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	return rows
}

func commit[T any](t *testing.T, env step.Env, name string, d rundate.Date, rows []T) {
	t.Helper()
	out := step.Output{Partition: dataset.Partition{Dataset: name, Date: d}, Job: "test"}
	if _, err := step.WriteOutput(t.Context(), env, out, rows); err != nil {
		t.Fatal(err)
	}
}

// The planted uplift lies within each 95% interval and the conversion
// interval excludes zero; the groups' sizes pass the sample-ratio check.
// Orders per converted person are 1 to 3 (mean 2) of lognormal(3.5, 0.6)
// value (mean e^3.68), so the planted differences per person are 0.04,
// 0.08 orders and 0.08 e^3.68 revenue.
func TestMeasureRecoversThePlantedUplift(t *testing.T) {
	rows := run(t, scenario(0))
	planted := map[string]float64{
		measure.MetricConversion: 0.04,
		measure.MetricOrders:     0.08,
		measure.MetricRevenue:    0.08 * math.Exp(3.5+0.6*0.6/2),
	}
	for _, r := range rows {
		want := planted[r.Metric]
		t.Logf("%s: treated %.4f (n %d) control %.4f (n %d) diff %.4f [%.4f, %.4f], planted %.4f; SRM p %.3g",
			r.Metric, r.Treated, r.TreatedN, r.Control, r.ControlN, r.Diff, r.DiffLo, r.DiffHi, want, r.SRMPValue)
		if r.DiffLo > want || want > r.DiffHi {
			t.Errorf("%s: planted %.4f outside [%.4f, %.4f]", r.Metric, want, r.DiffLo, r.DiffHi)
		}
		if r.DiffLo <= 0 {
			t.Errorf("%s: interval [%.4f, %.4f] does not exclude 0 at n=%d/%d", r.Metric, r.DiffLo, r.DiffHi, r.TreatedN, r.ControlN)
		}
		if r.SRMFlag {
			t.Errorf("%s: sample-ratio mismatch flagged (p %g) on a correct split", r.Metric, r.SRMPValue)
		}
		if r.TreatedN+r.ControlN != 20_000 {
			t.Errorf("%s: %d + %d people", r.Metric, r.TreatedN, r.ControlN)
		}
	}
}

// Assigning 12% to control where the configuration says 10% is flagged.
func TestMeasureFlagsAPlantedSampleRatioMismatch(t *testing.T) {
	for _, r := range run(t, scenario(0.12)) {
		t.Logf("%s: %d treated, %d control, SRM p %.3g", r.Metric, r.TreatedN, r.ControlN, r.SRMPValue)
		if !r.SRMFlag || r.SRMPValue >= 0.001 {
			t.Errorf("%s: a 12%% control group against a configured 10%% not flagged (p %g)", r.Metric, r.SRMPValue)
		}
	}
}

// Orders on or before a person's first night, and after the window, do not
// count; a cancellation is neither an order nor negative revenue (it may
// cancel an order placed before the person was exposed). Worked by hand:
// treated t1 (one order of 30 counted, one on its first night not), t2 (a
// cancellation of 10), t3 (an order before its first night); control c1
// (an order after the window), c2 (an order of 20).
func TestOnlyOrdersAfterTheFirstNightAndInTheWindowCount(t *testing.T) {
	share := 0.4
	cfg := &config.Config{}
	cfg.Segments.Rules = []config.Segment{{Name: segment, Purpose: config.PurposeEmail, Rule: "true", ControlShare: &share}}
	env := step.Env{Store: store.NewMem(), Config: cfg, Log: zerolog.Nop(), RunID: "test", Now: time.Now}
	d1, d2, to := rundatetest.Parse(t, "2026-03-01"), rundatetest.Parse(t, "2026-03-02"), rundatetest.Parse(t, "2026-03-30")
	member := func(id string, control bool) contract.AudienceMember {
		return contract.AudienceMember{CustomerID: id, Segment: segment, Purpose: "email", Control: control, MergedFrom: []string{}}
	}
	commit(t, env, contract.Segment(segment), d1, []contract.AudienceMember{member("t1", false), member("t2", false), member("c1", true), member("c2", true)})
	commit(t, env, contract.Segment(segment), d2, []contract.AudienceMember{member("t1", false), member("t2", false), member("t3", false), member("c1", true), member("c2", true)})
	order := func(id, cust string, at string, value int64, cancel bool) customerview.Order {
		ts, _ := time.Parse(time.RFC3339, at)
		return customerview.Order{OrderID: id, Source: "shop", CustomerID: &cust, OrderedAt: ts, IsCancellation: cancel,
			Value: money.Micros(value * 1_000_000), Currency: "GBP"}
	}
	commit(t, env, contract.Orders, to, []customerview.Order{
		order("1", "t1", "2026-03-01T10:00:00Z", 50, false), order("2", "t1", "2026-03-05T10:00:00Z", 30, false),
		order("C3", "t2", "2026-03-10T10:00:00Z", -10, true), order("4", "t3", "2026-03-02T23:00:00Z", 40, false),
		order("5", "c1", "2026-03-31T00:00:00Z", 70, false), order("6", "c2", "2026-03-10T10:00:00Z", 20, false),
	})
	if _, err := measure.Run(t.Context(), env, segment, d1, to); err != nil {
		t.Fatal(err)
	}
	rows, _, err := dataset.ReadParquet[contract.Measurement](t.Context(), env.Store, dataset.Partition{Dataset: contract.Measurements(segment), Date: to})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]float64{ // treated, control
		measure.MetricConversion: {1.0 / 3, 0.5},
		measure.MetricOrders:     {1.0 / 3, 0.5},
		measure.MetricRevenue:    {30.0 / 3, 10},
	}
	for _, r := range rows {
		w := want[r.Metric]
		if math.Abs(r.Treated-w[0]) > 1e-12 || math.Abs(r.Control-w[1]) > 1e-12 || r.TreatedN != 3 || r.ControlN != 2 {
			t.Errorf("%s: treated %v of %d, control %v of %d; want %v", r.Metric, r.Treated, r.TreatedN, r.Control, r.ControlN, w)
		}
	}
}

package propensity

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/featureset"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t.Add(12 * time.Hour)
}

func TestSnapshotFeaturesAndLabels(t *testing.T) {
	orders := []featureset.Order{
		{Customer: "a", At: day("2010-01-10"), Value: 100_000_000, Country: "France"},
		{Customer: "a", At: day("2010-03-01"), Value: 50_000_000, Country: "France"},
		{Customer: "a", At: day("2010-03-05"), Value: -20_000_000, Cancelled: true},
		{Customer: "a", At: day("2010-04-15"), Value: 70_000_000, Country: "Spain"}, // after the cutoff: label, not features
		{Customer: "b", At: day("2009-02-01"), Value: 30_000_000},
		{Customer: "b", At: day("2010-08-01"), Value: 30_000_000}, // after the horizon
		{Customer: "c", At: day("2010-04-02"), Value: 10_000_000}, // first order after the cutoff: not in the table
		{Customer: "d", At: day("2010-03-20"), Value: -5_000_000, Cancelled: true},
	}
	cutoff, _ := time.Parse(time.DateOnly, "2010-04-01")
	s := Snapshot(orders, cutoff, 90)
	if !slices.Equal(s.IDs, []string{"a", "b"}) || !slices.Equal(s.Y, []float64{1, 0}) || s.Positives() != 1 {
		t.Fatalf("ids %v labels %v", s.IDs, s.Y)
	}
	get := func(name string, i int) float64 { return s.X.Col(name).Num[i] }
	checks := []struct {
		name string
		i    int
		want float64
	}{
		{"recency_days", 0, 30}, {"tenure_days", 0, 80}, {"frequency", 0, 2}, {"monetary", 0, 130},
		{"avg_order_value", 0, 75}, {"orders_30d", 0, 0}, {"orders_90d", 0, 2}, {"revenue_90d", 0, 150},
		{"avg_days_between_orders", 0, 50}, {"return_ratio", 0, 20.0 / 150},
		{"orders_365d", 1, 0}, {"frequency", 1, 1},
	}
	for _, c := range checks {
		if got := get(c.name, c.i); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s[%s] = %v, want %v", c.name, s.IDs[c.i], got, c.want)
		}
	}
	if !math.IsNaN(get("avg_days_between_orders", 1)) {
		t.Error("one order has no gap")
	}
	country := s.X.Col("country")
	if country.Levels[country.Codes[0]] != "France" || country.Codes[1] != -1 {
		t.Errorf("country %+v", country)
	}
	if err := s.X.Validate(); err != nil {
		t.Error(err)
	}
	// For scoring there is no label window.
	if sc := Snapshot(orders, cutoff, 0); sc.Y != nil || sc.X.Rows != 2 {
		t.Errorf("scoring snapshot: %+v", sc)
	}
}

// For keeps the customers eligible for a classifier and labels by its
// target: churn is 1 where purchase is 0.
func TestForEligibilityAndTargets(t *testing.T) {
	orders := []featureset.Order{
		{Customer: "recent", At: day("2010-03-20"), Value: 10_000_000},
		{Customer: "recent", At: day("2010-04-10"), Value: 10_000_000}, // after the cutoff
		{Customer: "old", At: day("2009-11-01"), Value: 10_000_000},
		{Customer: "mid", At: day("2010-02-15"), Value: 10_000_000},
	}
	cutoff, _ := time.Parse(time.DateOnly, "2010-04-01")
	purchase := config.Classifier{Name: "p", Target: config.TargetPurchase, HorizonDays: 30, EligibleDays: 90}
	s := For(orders, cutoff, purchase, true)
	if !slices.Equal(s.IDs, []string{"mid", "recent"}) || !slices.Equal(s.Y, []float64{0, 1}) || s.X.Rows != 2 {
		t.Errorf("purchase, eligible 90 days: ids %v labels %v rows %d", s.IDs, s.Y, s.X.Rows)
	}
	churn := purchase
	churn.Target, churn.EligibleDays = config.TargetChurn, 0
	s = For(orders, cutoff, churn, true)
	if !slices.Equal(s.IDs, []string{"mid", "old", "recent"}) || !slices.Equal(s.Y, []float64{1, 1, 0}) {
		t.Errorf("churn, any customer: ids %v labels %v", s.IDs, s.Y)
	}
	if s := For(orders, cutoff, churn, false); s.Y != nil || len(s.IDs) != 3 {
		t.Errorf("scoring: %+v", s)
	}
}

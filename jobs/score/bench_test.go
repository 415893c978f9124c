package score

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/segmint/segmint/lib/config"
	"github.com/segmint/segmint/lib/contract"
	"github.com/segmint/segmint/lib/featureset"
	"github.com/segmint/segmint/lib/money"
	"github.com/segmint/segmint/lib/propensity"
	"github.com/segmint/segmint/lib/rundate"
	"github.com/segmint/segmint/lib/step"
	"github.com/segmint/segmint/lib/store"
	"github.com/segmint/segmint/models/calibrate"
	"github.com/segmint/segmint/models/learn"
	"github.com/segmint/segmint/models/registry"
)

// benchOrders are n customers' orders over a year before end (SYNTHETIC:
// one to eight orders each, lognormal values, a few countries).
func benchOrders(n int, end time.Time) []featureset.Order {
	rng := rand.New(rand.NewPCG(1, 2))
	countries := []string{"United Kingdom", "France", "Germany", "EIRE"}
	var out []featureset.Order
	for c := 0; c < n; c++ {
		id := fmt.Sprintf("cus_%08d", c)
		for k := 0; k < 1+rng.IntN(8); k++ {
			at := end.Add(-time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))
			out = append(out, featureset.Order{Customer: id, At: at, Value: money.MicrosFromFloat(20 + 200*rng.ExpFloat64()),
				Country: countries[rng.IntN(len(countries))]})
		}
	}
	return out
}

// benchChampion trains and promotes a calibrated gbdt purchase_30d on
// 5,000 synthetic customers.
func benchChampion(b *testing.B, reg *registry.Registry, k config.Classifier, end time.Time) {
	orders := benchOrders(5_000, end)
	train := propensity.For(orders, end.AddDate(0, 0, -2*k.HorizonDays), k, true)
	hold := propensity.For(orders, end.AddDate(0, 0, -k.HorizonDays), k, true)
	f, p, err := learn.FitHoldout(b.Context(), "gbdt", learn.Binary, 1, train.X, train.Y, hold.X, hold.Y)
	if err != nil {
		b.Fatal(err)
	}
	ch, err := calibrate.Choose(p, hold.Y, calibrate.Options{Input: calibrate.InputLogit})
	if err != nil {
		b.Fatal(err)
	}
	f.Name, f.Calibration = k.Name, &ch.Calibrator
	version, err := reg.Save(b.Context(), f)
	if err != nil {
		b.Fatal(err)
	}
	if err := reg.Record(b.Context(), k.Name, registry.Decision{Challenger: version, Promote: true, Reason: "bench"}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkApplyClassifier scores 5,000 and 100,000 customers with a
// calibrated gbdt champion, as the score step does for one classifier:
// features as of D, prediction, calibration, percentiles, rows filled.
func BenchmarkApplyClassifier(b *testing.B) {
	end := time.Date(2010, 12, 10, 0, 0, 0, 0, time.UTC)
	k := config.Catalogue()[2] // purchase_30d
	reg := registry.New(store.NewMem(), zerolog.Nop())
	benchChampion(b, reg, k, end)
	for _, n := range []int{5_000, 100_000} {
		orders := benchOrders(n, end)
		rows := make([]contract.Score, n)
		for i := range rows {
			rows[i].CustomerID = fmt.Sprintf("cus_%08d", i)
		}
		d := rundate.Of(end.Add(-time.Hour))
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			for b.Loop() {
				if err := newNight(reg, d, rows, step.Stats{}).applyClassifier(b.Context(), k, orders); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

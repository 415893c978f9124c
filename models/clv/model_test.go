package clv_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/segmint/segmint/models/clv"
)

func TestModelDeterministicAndRoundTrip(t *testing.T) {
	cs := publishedCustomers(t, cdnowSummaryValue)
	first, err := clv.Fit(cs)
	if err != nil {
		t.Fatal(err)
	}
	second, err := clv.Fit(cs)
	if err != nil {
		t.Fatal(err)
	}
	a, err := json.Marshal(first)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(second)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatalf("two fits on the same data differ:\n%s\n%s", a, b)
	}
	t.Logf("%s", a)

	var loaded clv.Model
	if err := json.Unmarshal(a, &loaded); err != nil {
		t.Fatal(err)
	}
	o := clv.ValueOptions{Months: 12, MonthlyDiscount: 0.01}
	before, err := first.Predict(cs, o)
	if err != nil {
		t.Fatal(err)
	}
	after, err := loaded.Predict(cs, o)
	if err != nil {
		t.Fatal(err)
	}
	for i := range before {
		if !samePrediction(before[i], after[i]) {
			t.Fatalf("customer %s: %+v before saving, %+v after", cs[i].ID, before[i], after[i])
		}
	}
	// Customer 1 (x = 2, t_x = 30.43, T = 38.86): the 1.226 purchases in
	// 39 weeks of Fader, Hardie and Lee, here over 12·4.345 = 52.14 weeks.
	p := before[0]
	if p.ID != "1" || !near(p.ExpectedPurchases, first.BGNBD.ExpectedPurchases(52.14, cs[0]), 1e-12) ||
		p.ExpectedValue != first.GammaGamma.ExpectedValue(cs[0]) || !(p.CLV > 0 && p.CLV < p.ExpectedPurchases*p.ExpectedValue) ||
		p.ProbabilityAlive == nil || !(*p.ProbabilityAlive > 0.7 && *p.ProbabilityAlive < 0.75) {
		t.Errorf("customer 1: %+v", p)
	}
}

func TestModelErrors(t *testing.T) {
	if _, err := clv.Fit([]clv.Customer{{ID: "a", T: 3}}); !errors.Is(err, clv.ErrNoRepeatBuyers) {
		t.Errorf("fit without repeat buyers: %v", err)
	}
	goodModel := func() clv.Model {
		return clv.Model{TimeUnit: clv.TimeUnitWeek,
			BGNBD:      &clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426},
			GammaGamma: clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}}
	}
	good := goodModel()
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(*clv.Model){
		"time unit":          func(m *clv.Model) { m.TimeUnit = "day" },
		"NaN r":              func(m *clv.Model) { m.BGNBD.R = math.NaN() },
		"zero b":             func(m *clv.Model) { m.BGNBD.B = 0 },
		"no purchase model":  func(m *clv.Model) { m.BGNBD = nil },
		"two purchase model": func(m *clv.Model) { m.NBD = &clv.NBD{R: 1, Alpha: 1} },
		"zero NBD alpha":     func(m *clv.Model) { m.BGNBD, m.NBD = nil, &clv.NBD{R: 1} },
		"q <= 1":             func(m *clv.Model) { m.GammaGamma.Q = 1 },
		"inf gamma":          func(m *clv.Model) { m.GammaGamma.Gamma = math.Inf(1) },
	} {
		m := goodModel()
		edit(&m)
		if m.Validate() == nil {
			t.Errorf("%s: no error", name)
		}
		if _, err := m.Predict([]clv.Customer{{ID: "a", T: 2}}, clv.ValueOptions{Months: 1}); err == nil {
			t.Errorf("%s: Predict without error", name)
		}
	}
	for name, cs := range map[string][]clv.Customer{
		"no customers":  nil,
		"NaN recency":   {{ID: "a", Frequency: 1, Recency: math.NaN(), T: 2}},
		"negative zbar": {{ID: "a", Frequency: 1, Recency: 1, T: 2, MonetaryValue: -3}},
	} {
		if _, err := good.Predict(cs, clv.ValueOptions{Months: 1}); err == nil {
			t.Errorf("predict %s: no error", name)
		}
	}
	if _, err := good.Predict([]clv.Customer{{ID: "a", T: 2}}, clv.ValueOptions{}); err == nil {
		t.Error("predict over 0 months: no error")
	}
}

// samePrediction reports whether two predictions are equal, P(alive)
// compared by value.
func samePrediction(p, q clv.Prediction) bool {
	pa, qa := p.ProbabilityAlive, q.ProbabilityAlive
	if (pa == nil) != (qa == nil) || pa != nil && *pa != *qa {
		return false
	}
	p.ProbabilityAlive, q.ProbabilityAlive = nil, nil
	return p == q
}

// TestPredictPurchaseWindow: PurchasePeriods sets the window of the
// expected purchases and leaves the value's horizon alone.
func TestPredictPurchaseWindow(t *testing.T) {
	cs := publishedCustomers(t, cdnowSummaryValue)[:50]
	m, err := clv.Fit(cs)
	if err != nil {
		t.Fatal(err)
	}
	year := clv.ValueOptions{Months: 12, MonthlyDiscount: 0.01}
	quarter := year
	quarter.PurchasePeriods = 90.0 / 7
	a, err := m.Predict(cs, year)
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Predict(cs, quarter)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		want := m.Purchases().ExpectedPurchases(90.0/7, c)
		if !near(b[i].ExpectedPurchases, want, 1e-12) || b[i].CLV != a[i].CLV || (c.Frequency > 0 && !(b[i].ExpectedPurchases < a[i].ExpectedPurchases)) {
			t.Fatalf("customer %s: 90 days %+v (want %v purchases), a year %+v", c.ID, b[i], want, a[i])
		}
	}
	quarter.PurchasePeriods = -1
	if _, err := m.Predict(cs, quarter); err == nil {
		t.Error("negative purchase window accepted")
	}
}

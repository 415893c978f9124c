package synth

import (
	"testing"
	"time"
)

// TestAdMetrics: one row per paid campaign and day, with at least the
// clicks tracked in ad_clicks, impressions above clicks, reach only where
// Meta reports it and never above impressions, spend within the cost per
// click range, in the campaign's billing currency.
func TestAdMetrics(t *testing.T) {
	for _, seed := range []uint64{DefaultSeed, 1, 2} {
		d := generate(t, sample(t), seed)
		camps := map[string]Campaign{}
		for _, c := range d.Campaigns {
			camps[c.ID] = c
		}
		type key struct {
			campaign string
			day      time.Time
		}
		tracked := map[key]int64{}
		for _, a := range d.AdClicks {
			tracked[key{a.CampaignID, a.Time.UTC().Truncate(24 * time.Hour)}]++
		}
		rows := map[key]AdMetric{}
		currencies := map[string]bool{}
		for _, m := range d.AdMetrics {
			k := key{m.CampaignID, m.Day}
			if _, dup := rows[k]; dup {
				t.Fatalf("seed %d: two rows for %v", seed, k)
			}
			rows[k] = m
			c := camps[m.CampaignID]
			lo, hi := searchCPC[0], searchCPC[1]
			if c.Platform == "meta" {
				lo, hi = socialCPC[0], socialCPC[1]
			}
			switch {
			case m.Platform != c.Platform || m.Currency != BillingCurrency(c):
				t.Errorf("seed %d %v: platform %s currency %s, campaign %+v", seed, k, m.Platform, m.Currency, c)
			case m.Clicks < tracked[k] || m.Impressions < m.Clicks:
				t.Errorf("seed %d %v: %d clicks (%d tracked), %d impressions", seed, k, m.Clicks, tracked[k], m.Impressions)
			case (m.Reach >= 0) != (m.Platform == "meta") || m.Reach > m.Impressions || m.Platform == "meta" && m.Impressions > 0 && m.Reach < 1:
				t.Errorf("seed %d %v: reach %d of %d impressions on %s", seed, k, m.Reach, m.Impressions, m.Platform)
			case m.Spend < m.Clicks*lo || m.Spend > m.Clicks*hi:
				t.Errorf("seed %d %v: spend %d cents for %d clicks", seed, k, m.Spend, m.Clicks)
			case !m.Day.Equal(m.Day.Truncate(24*time.Hour)) || m.Day.Before(d.Start.Truncate(24*time.Hour)) || !m.Day.Before(d.End):
				t.Errorf("seed %d %v: day outside the dataset's span", seed, k)
			}
			currencies[m.Currency] = true
		}
		for k, n := range tracked {
			if _, ok := rows[k]; !ok {
				t.Errorf("seed %d: %d clicks tracked for %v without a metrics row", seed, n, k)
			}
		}
		if len(currencies) != 3 || len(rows) < 1000 {
			t.Errorf("seed %d: %d rows in currencies %v", seed, len(rows), currencies)
		}
	}
}

// TestConsentEvents: every event names the person by its primary e-mail
// (case and spaces aside) or customer number, times are in the span and in
// order, the tie and the strangers are there.
func TestConsentEvents(t *testing.T) {
	d := generate(t, sample(t), DefaultSeed)
	ps := persons(d)
	var ties, strangers, optOuts int
	prev := ConsentEvent{}
	for i, e := range d.ConsentEvents {
		if e.Email == "" && e.CustomerNumber == "" {
			t.Fatalf("%s has no identifier", e.EventID)
		}
		if e.Status != "opted_in" && e.Status != "opted_out" {
			t.Fatalf("%s: status %q", e.EventID, e.Status)
		}
		if e.Time.Before(d.Start) || !e.Time.Before(d.End) || i > 0 && e.Time.Before(prev.Time) {
			t.Fatalf("%s at %s: out of span or order", e.EventID, e.Time)
		}
		if e.Status == "opted_out" {
			optOuts++
		}
		if i > 0 && e.Time.Equal(prev.Time) && e.PersonID == prev.PersonID && e.Status != prev.Status {
			ties++
		}
		prev = e
		if e.PersonID == "" {
			strangers++
			continue
		}
		p := ps[e.PersonID]
		if e.Email != "" && normEmail(e.Email) != p.Emails[0] || e.CustomerNumber != "" && e.CustomerNumber != p.CustomerNumber {
			t.Errorf("%s names %q/%q, person %s has %q/%q", e.EventID, e.Email, e.CustomerNumber, p.ID, p.Emails[0], p.CustomerNumber)
		}
	}
	if ties == 0 || strangers != StrangerConsentEvents || optOuts < 50 {
		t.Errorf("%d ties, %d strangers, %d opt-outs", ties, strangers, optOuts)
	}
	if len(d.DeletionRequests) == 0 {
		t.Error("no deletion requests")
	}
	for _, r := range d.DeletionRequests {
		if r.Email == "" && r.CustomerNumber == "" {
			t.Errorf("%s has no identifier", r.RequestID)
		}
	}
	t.Logf("%d consent events (%d opt-outs, %d ties), %d deletion requests", len(d.ConsentEvents), optOuts, ties, len(d.DeletionRequests))
}

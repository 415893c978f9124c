package kpi_test

import (
	"testing"
	"time"

	"github.com/segmint/segmint/lib/kpi"
)

var day0 = time.Date(2010, 12, 1, 0, 0, 0, 0, time.UTC)

func dayN(n int) int32 { return int32(day0.AddDate(0, 0, n).Unix() / 86400) }

func i64(v int64) *int64 { return &v }

// TestDailyAdColumns: the ad platforms' rows join the touchpoint rows of
// their day, channel and campaign; reach is never added up; the ratios
// are null where their divisor is 0; spend, CPA and CAC are rounded once
// from the exact spend.
func TestDailyAdColumns(t *testing.T) {
	at := func(n int, h int) time.Time { return day0.AddDate(0, 0, n).Add(time.Duration(h) * time.Hour) }
	touches := []kpi.Touch{
		{At: at(0, 9), SessionID: "s1", Channel: "paid_search", Campaign: "g1", EventType: "page_view"},
		{At: at(0, 9), SessionID: "s1", Channel: "paid_search", Campaign: "g1", EventType: "purchase", OrderID: "o1"},
		{At: at(0, 10), SessionID: "s2", Channel: "paid_search", Campaign: "g1", EventType: "purchase", OrderID: "o2"},
		{At: at(0, 11), SessionID: "s3", Channel: "paid_search", Campaign: "g1", EventType: "purchase", OrderID: "o3"},
		{At: at(0, 12), SessionID: "s4", Channel: "organic", EventType: "page_view"},
		{At: at(1, 9), SessionID: "s5", Channel: "paid_social", Campaign: "m1", EventType: "purchase", OrderID: "o4"},
	}
	orders := map[string]kpi.OrderFact{
		"o1": {Value: 10_000_000, FirstOfCustomer: true}, "o2": {Value: 5_000_000}, "o3": {Value: 1_000_001},
		"o4": {Value: 30_000_000, FirstOfCustomer: true},
	}
	ads := []kpi.AdDay{
		// g1 on day 0: two rows (two sources), spend 3.333333 + 6.666668.
		{Day: dayN(0), Channel: "paid_search", Campaign: "g1", Impressions: 400, Clicks: 12, Spend: 3_333_333},
		{Day: dayN(0), Channel: "paid_search", Campaign: "g1", Impressions: 100, Clicks: 3, Spend: 6_666_668},
		// m1 on day 1: two ads with reach: reach is not additive.
		{Day: dayN(1), Channel: "paid_social", Campaign: "m1", Impressions: 1000, Clicks: 10, Reach: i64(700), Spend: 15_000_000},
		{Day: dayN(1), Channel: "paid_social", Campaign: "m1", Impressions: 500, Clicks: 5, Reach: i64(400), Spend: 5_000_000},
		// m2 on day 1: one ad, no touchpoints, no impressions, no spend.
		{Day: dayN(1), Channel: "paid_social", Campaign: "m2", Reach: i64(0)},
		// After the end: left out.
		{Day: dayN(2), Channel: "paid_social", Campaign: "m1", Impressions: 9, Clicks: 9, Spend: 9},
	}
	rows, stats := kpi.DailyKPIs(touches, orders, ads, day0.AddDate(0, 0, 2), "GBP")
	if stats.ReachNotAdditive != 1 {
		t.Errorf("reach not additive on %d rows, want 1", stats.ReachNotAdditive)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4: %+v", len(rows), rows)
	}
	byKey := map[string]kpi.Daily{}
	for _, r := range rows {
		byKey[r.Channel+"/"+r.Campaign] = r
	}
	g1 := byKey["paid_search/g1"]
	// Spend 10.000001 -> 10.00; CPA 10.000001 / 3 = 3.33; CAC 10.000001 / 1 = 10.00;
	// ROAS 16.000001 / 10.000001; CTR 15 / 500.
	if *g1.Impressions != 500 || *g1.Clicks != 15 || g1.Reach != nil || *g1.Spend != 1000 || *g1.CPA != 333 || *g1.CAC != 1000 {
		t.Errorf("g1: impressions %d clicks %d reach %v spend %d cpa %d cac %d", *g1.Impressions, *g1.Clicks, g1.Reach, *g1.Spend, *g1.CPA, *g1.CAC)
	}
	if *g1.CTR != 0.03 || *g1.ROAS != 16_000_001.0/10_000_001.0 || g1.Revenue != 1600 {
		t.Errorf("g1: ctr %v roas %v revenue %d", *g1.CTR, *g1.ROAS, g1.Revenue)
	}
	m1 := byKey["paid_social/m1"]
	if m1.Reach != nil || *m1.Spend != 2000 || *m1.ROAS != 1.5 || *m1.CAC != 2000 || m1.Day != dayN(1) {
		t.Errorf("m1: reach %v spend %d roas %v cac %d", m1.Reach, *m1.Spend, *m1.ROAS, *m1.CAC)
	}
	m2 := byKey["paid_social/m2"]
	if m2.Sessions != 0 || *m2.Impressions != 0 || m2.CTR != nil || *m2.Reach != 0 || *m2.Spend != 0 || m2.ROAS != nil || m2.CPA != nil || m2.CAC != nil {
		t.Errorf("m2 (ads only, nothing delivered): %+v", m2)
	}
	organic := byKey["organic/"]
	if organic.Impressions != nil || organic.Clicks != nil || organic.Spend != nil || organic.CPA != nil || organic.ROAS != nil {
		t.Errorf("organic has ad columns: %+v", organic)
	}
}

// A single ad row with reach passes its reach through; one without
// (Google Ads) leaves it null, not 0.
func TestDailyReachPassesThrough(t *testing.T) {
	ads := []kpi.AdDay{
		{Day: dayN(0), Channel: "paid_social", Campaign: "m1", Impressions: 10, Clicks: 1, Reach: i64(7), Spend: 1},
		{Day: dayN(0), Channel: "paid_search", Campaign: "g1", Impressions: 10, Clicks: 1, Spend: 1},
	}
	rows, _ := kpi.DailyKPIs(nil, nil, ads, day0.AddDate(0, 0, 1), "GBP")
	if len(rows) != 2 || rows[0].Reach != nil || rows[1].Reach == nil || *rows[1].Reach != 7 {
		t.Fatalf("rows %+v", rows)
	}
}

package synth

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"
)

// marketingStream is the PCG stream of the ad metrics, consent events and
// deletion requests. They are drawn from their own generator after
// everything else, so adding them left the earlier files unchanged.
const marketingStream = 0x3c6ef372fe94f82b

// AdMetric is one ad platform's report for one campaign and day, as the
// platform bills it.
type AdMetric struct {
	// Day is the UTC day (midnight).
	Day time.Time
	// Platform is google_ads or meta; CampaignID the Campaign.ID.
	Platform, CampaignID string
	// Impressions and Clicks are the platform's counts. Clicks is at least
	// the number of AdClicks of the campaign that day (the platform also
	// counts clicks no cookie was tracked for).
	Impressions, Clicks int64
	// Reach is the number of people reached (Meta only); -1 when the
	// platform does not report it (Google Ads).
	Reach int64
	// Spend is in cents of Currency.
	Spend int64
	// Currency is the billing currency (see BillingCurrency).
	Currency string
}

// BillingCurrency is the currency a campaign's account is billed in:
// Meta campaigns in EUR, the Google Ads shopping campaign in USD (a US
// account), the other Google Ads campaigns in GBP. Invented, so that
// spend needs converting.
func BillingCurrency(c Campaign) string {
	switch {
	case c.Platform == "meta":
		return "EUR"
	case c.ID == "1731002003":
		return "USD"
	}
	return "GBP"
}

// Ranges the ad metrics are drawn from, per channel: click-through rate,
// cost per click (in cents of the billing currency) and, for Meta, the
// frequency (impressions per person reached).
var (
	searchCTR  = [2]float64{0.02, 0.08}
	socialCTR  = [2]float64{0.006, 0.02}
	searchCPC  = [2]int64{25, 150}
	socialCPC  = [2]int64{15, 90}
	metaFreqHi = 1.9
)

// adMetrics writes one AdMetric per paid campaign (google_ads, meta) and
// day it runs in [Start, End).
func (g *gen) adMetrics(rng *rand.Rand) {
	tracked := g.trackedClicks()
	for _, c := range g.camps {
		if c.Platform != "google_ads" && c.Platform != "meta" {
			continue
		}
		for _, dn := range g.metricDays(c, tracked) {
			n := tracked[campaignDay{c.ID, dn}]
			g.d.AdMetrics = append(g.d.AdMetrics, dayMetric(rng, c, time.Unix(dn*86400, 0).UTC(), n))
		}
	}
	sort.SliceStable(g.d.AdMetrics, func(i, j int) bool {
		a, b := g.d.AdMetrics[i], g.d.AdMetrics[j]
		if !a.Day.Equal(b.Day) {
			return a.Day.Before(b.Day)
		}
		return a.CampaignID < b.CampaignID
	})
}

// campaignDay is a campaign on a day (days since 1970-01-01).
type campaignDay struct {
	campaign string
	day      int64
}

// trackedClicks counts the tracked ad clicks of each campaign and day.
func (g *gen) trackedClicks() map[campaignDay]int64 {
	tracked := map[campaignDay]int64{}
	for _, a := range g.d.AdClicks {
		tracked[campaignDay{a.CampaignID, a.Time.Unix() / 86400}]++
	}
	return tracked
}

// metricDays are, in order, the days campaign c runs, and any day a click
// of it was tracked (a click a few seconds before a session that began on
// its first day).
func (g *gen) metricDays(c Campaign, tracked map[campaignDay]int64) []int64 {
	days := map[int64]bool{}
	for day := maxTime(c.Start, g.start); day.Before(minTime(c.End, g.end)); day = day.AddDate(0, 0, 1) {
		days[day.Unix()/86400] = true
	}
	for k := range tracked {
		if k.campaign == c.ID {
			days[k.day] = true
		}
	}
	sorted := make([]int64, 0, len(days))
	for d := range days {
		sorted = append(sorted, d)
	}
	slices.Sort(sorted)
	return sorted
}

// dayMetric draws campaign c's metrics of a day with n tracked clicks:
// some more clicks, the impressions from the platform's click-through
// rate, the spend from its cost per click and, on Meta, the reach.
func dayMetric(rng *rand.Rand, c Campaign, day time.Time, n int64) AdMetric {
	ctr, cpc := searchCTR, searchCPC
	if c.Platform == "meta" {
		ctr, cpc = socialCTR, socialCPC
	}
	m := AdMetric{Day: day, Platform: c.Platform, CampaignID: c.ID, Reach: -1, Currency: BillingCurrency(c)}
	m.Clicks = n + int64(rng.IntN(3+int(n)))
	rate := ctr[0] + rng.Float64()*(ctr[1]-ctr[0])
	m.Impressions = int64(math.Ceil(float64(m.Clicks)/rate)) + int64(rng.IntN(60))
	for range m.Clicks {
		m.Spend += cpc[0] + rng.Int64N(cpc[1]-cpc[0]+1)
	}
	if c.Platform == "meta" {
		freq := 1.05 + rng.Float64()*(metaFreqHi-1.05)
		m.Reach = int64(math.Round(float64(m.Impressions) / freq))
		if m.Reach == 0 && m.Impressions > 0 {
			m.Reach = 1
		}
	}
	return m
}

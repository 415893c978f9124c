package unify

import (
	"time"

	"github.com/segmint/segmint/lib/customerview"
	"github.com/segmint/segmint/lib/rundate"
)

// touch is one touchpoint: its identity record, time, channel and campaign.
type touch struct {
	record            string
	at                time.Time
	channel, campaign string
}

// engagementAcc gathers one person's touchpoints.
type engagementAcc struct {
	first, last touch
	n30, n90    map[string]int64
}

// addEngagement places each touchpoint of D (read once, by identity
// resolution) with its person and sets each customer's first and last
// channel and campaign and its touchpoints per channel in the last 30 and
// 90 days before the end of D. Customers of a person share its values.
func addEngagement(d rundate.Date, people *People, customers []customerview.Customer) {
	if people == nil {
		return
	}
	accs := engagementByCustomer(d, people)
	for i := range customers {
		if a := accs[customers[i].CustomerID]; a != nil {
			a.fill(&customers[i])
		}
	}
}

// engagementByCustomer accumulates the touchpoints of the people placed on
// a customer, by customer id.
func engagementByCustomer(d rundate.Date, people *People) map[string]*engagementAcc {
	accs := map[string]*engagementAcc{}
	from30, from90 := d.End().AddDate(0, 0, -30), d.End().AddDate(0, 0, -90)
	for _, t := range people.touches {
		id := people.IDs[t.record]
		if id == "" {
			continue
		}
		a := accs[id]
		if a == nil {
			a = &engagementAcc{first: t, last: t, n30: map[string]int64{}, n90: map[string]int64{}}
			accs[id] = a
		}
		a.add(t, from30, from90)
	}
	return accs
}

// fill sets the customer's engagement columns.
func (a *engagementAcc) fill(c *customerview.Customer) {
	c.FirstChannel, c.FirstCampaign = text(a.first.channel), text(a.first.campaign)
	c.LastChannel, c.LastCampaign = text(a.last.channel), text(a.last.campaign)
	c.Touchpoints30dByChannel, c.Touchpoints90dByChannel = a.n30, a.n90
	for _, n := range a.n30 {
		c.Touchpoints30d += n
	}
	for _, n := range a.n90 {
		c.Touchpoints90d += n
	}
}

// add counts one touchpoint; ties in time go to the smaller channel and
// campaign so that the result does not depend on row order.
func (a *engagementAcc) add(t touch, from30, from90 time.Time) {
	if before(t, a.first) {
		a.first = t
	}
	if before(a.last, t) {
		a.last = t
	}
	channel := t.channel
	if channel == "" {
		channel = "unknown"
	}
	if !t.at.Before(from90) {
		a.n90[channel]++
	}
	if !t.at.Before(from30) {
		a.n30[channel]++
	}
}

func before(a, b touch) bool {
	if !a.at.Equal(b.at) {
		return a.at.Before(b.at)
	}
	if a.channel != b.channel {
		return a.channel < b.channel
	}
	return a.campaign < b.campaign
}

func text(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

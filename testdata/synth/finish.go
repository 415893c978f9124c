package synth

import (
	"fmt"
	"sort"
	"strconv"
)

// finish sorts the records as the files list them and gives contacts and
// touchpoints their ids: contact ids grow with the creation time by 1-40
// (as HubSpot's do), event ids count touchpoints in time order.
func (g *gen) finish() {
	g.numberContacts()
	numberTouchpoints(g.d.Touchpoints)
	sortAdClicks(g.d.AdClicks)
}

// numberContacts sorts the contacts by creation time and gives them ids
// growing by 1-40 from 1000.
func (g *gen) numberContacts() {
	d := g.d
	sort.SliceStable(d.Contacts, func(i, j int) bool { return d.Contacts[i].CreatedAt.Before(d.Contacts[j].CreatedAt) })
	id := 1000
	for i := range d.Contacts {
		id += 1 + g.rng.IntN(40)
		d.Contacts[i].ContactID = strconv.Itoa(id)
	}
}

// numberTouchpoints sorts the touchpoints by time, then session, and gives
// them event ids in that order.
func numberTouchpoints(tps []Touchpoint) {
	sort.SliceStable(tps, func(i, j int) bool {
		a, b := tps[i], tps[j]
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		return a.SessionID < b.SessionID
	})
	for i := range tps {
		tps[i].EventID = fmt.Sprintf("ev%07d", i+1)
	}
}

// sortAdClicks sorts the ad clicks by time, then click id.
func sortAdClicks(clicks []AdClick) {
	sort.SliceStable(clicks, func(i, j int) bool {
		a, b := clicks[i], clicks[j]
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		return a.ClickID < b.ClickID
	})
}

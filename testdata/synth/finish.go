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
	d := g.d
	sort.SliceStable(d.Contacts, func(i, j int) bool { return d.Contacts[i].CreatedAt.Before(d.Contacts[j].CreatedAt) })
	id := 1000
	for i := range d.Contacts {
		id += 1 + g.rng.IntN(40)
		d.Contacts[i].ContactID = strconv.Itoa(id)
	}
	sort.SliceStable(d.Touchpoints, func(i, j int) bool {
		a, b := d.Touchpoints[i], d.Touchpoints[j]
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		return a.SessionID < b.SessionID
	})
	for i := range d.Touchpoints {
		d.Touchpoints[i].EventID = fmt.Sprintf("ev%07d", i+1)
	}
	sort.SliceStable(d.AdClicks, func(i, j int) bool {
		a, b := d.AdClicks[i], d.AdClicks[j]
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		return a.ClickID < b.ClickID
	})
}

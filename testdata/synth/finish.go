package synth

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"
)

// finish sorts the records as the files list them and gives contacts and
// touchpoints their ids: contact ids grow with the creation time by 1-40
// (as HubSpot's do), event ids count touchpoints in time order.
func (g *gen) finish() {
	g.numberContacts()
	numberTouchpoints(g.d.Touchpoints)
	chronological(g.d.AdClicks, func(c *AdClick) (time.Time, string) { return c.Time, c.ClickID })
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
	chronological(tps, func(t *Touchpoint) (time.Time, string) { return t.Time, t.SessionID })
	for i := range tps {
		tps[i].EventID = fmt.Sprintf("ev%07d", i+1)
	}
}

// chronological sorts s by time, then by id, both as key gives them for an
// element; elements equal in both keep their order.
func chronological[T any](s []T, key func(*T) (time.Time, string)) {
	slices.SortStableFunc(s, func(a, b T) int {
		ta, ia := key(&a)
		tb, ib := key(&b)
		return cmp.Or(ta.Compare(tb), cmp.Compare(ia, ib))
	})
}

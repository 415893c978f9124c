package synth

import (
	"fmt"
	"strings"
	"time"
)

// channels and their weights for a session.
func channels() ([]string, []int) {
	return []string{"organic", "paid_search", "paid_social", "email", "direct", "referral"}, []int{30, 20, 15, 10, 20, 5}
}

// sessionSpec is what one session is to be.
type sessionSpec struct {
	at       time.Time // first event (browse) or purchase time (purchase)
	order    *Order    // set for a purchase session
	device   string    // forced app device, "" for a free choice
	bridge   bool      // must log in with the primary e-mail
	loggedIn bool
}

// sessions writes the person's sessions: one purchase session per real
// order, ending with the purchase at the invoice time, and 1-6 (customers)
// or 1-4 (prospects) browsing sessions in the person's window; a family
// tablet user's first browsing session is on the tablet.
func (g *gen) sessions(p *Person) {
	w := g.windows[personIndex(p.ID)]
	if c, ok := g.customers[p.CustomerNumber]; ok {
		for i := range c.Orders {
			s := sessionSpec{at: c.Orders[i].Time, order: &c.Orders[i], bridge: i == 0 && g.bridge[p.ID]}
			s.loggedIn = s.bridge || chance(g.rng, LoggedInPurchaseRate)
			g.session(p, s)
		}
	}
	n := 1 + g.rng.IntN(6)
	if p.CustomerNumber == "" {
		n = 1 + g.rng.IntN(4)
	}
	for i := range n {
		s := sessionSpec{at: g.timeIn(w[0], w[1]), loggedIn: chance(g.rng, LoggedInBrowseRate)}
		if i == 0 {
			s.device = p.SharedDevice
		}
		g.session(p, s)
	}
	if chance(g.rng, BounceClickRate) {
		for range 1 + g.rng.IntN(2) {
			platform := pick(g.rng, []string{"google_ads", "meta"})
			at := g.timeIn(w[0], w[1])
			g.click(p, platform, g.campaign(platformChannel(platform), at), pick(g.rng, p.Cookies), at)
		}
	}
}

func platformChannel(platform string) string {
	if platform == "meta" {
		return "paid_social"
	}
	return "paid_search"
}

// campaign picks a campaign of the channel running at t ("" for unpaid).
func (g *gen) campaign(channel string, t time.Time) string {
	var ids []string
	for _, c := range g.camps {
		if c.Channel == channel && !t.Before(c.Start) && t.Before(c.End) {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		return ""
	}
	return pick(g.rng, ids)
}

// session writes the events of one session (and its ad click).
func (g *gen) session(p *Person, s sessionSpec) {
	base := g.sessionBase(p, s)
	types := g.eventTypes(s.order != nil)
	times := g.eventTimes(s, len(types))
	clickID := g.sessionClick(p, base, times[0])
	for i, typ := range types {
		t := base
		t.EventType, t.Time = typ, times[i]
		if i == 0 {
			t.ClickID = clickID
		}
		if typ == "purchase" {
			t.OrderID = s.order.Invoice
			if s.loggedIn {
				t.CustomerNumber = p.CustomerNumber
			}
		}
		g.d.Touchpoints = append(g.d.Touchpoints, t)
	}
}

// sessionBase is what the events of a session share: its id, where it
// takes place, its channel and campaign, and the e-mail of a logged-in
// session.
func (g *gen) sessionBase(p *Person, s sessionSpec) Touchpoint {
	base := Touchpoint{SessionID: g.fresh(func() string { return fmt.Sprintf("s%016x", g.rng.Uint64()) }), PersonID: p.ID, Source: "web"}
	g.placeSession(&base, p, s)
	names, weights := channels()
	base.Channel = names[pickWeighted(g.rng, weights)]
	base.CampaignID = g.campaign(base.Channel, s.at)
	if s.loggedIn {
		base.Email = g.touchEmail(p, s.bridge)
	}
	return base
}

// placeSession puts the session in the app, on its forced device or on one
// of the person's (written now and then as a blocked id), or on the web
// with one of the person's cookies.
func (g *gen) placeSession(base *Touchpoint, p *Person, s sessionSpec) {
	switch {
	case s.device != "":
		base.Source, base.DeviceID = "app", s.device
	case len(p.Devices) > 0 && chance(g.rng, AppSessionRate):
		base.Source, base.DeviceID = "app", pick(g.rng, p.Devices)
	default:
		base.CookieID = pick(g.rng, p.Cookies)
	}
	if base.Source == "app" && s.device == "" && chance(g.rng, BlockedDeviceRate) {
		base.DeviceID = pick(g.rng, []string{ZeroAdvertisingID, "unknown", "0"})
	}
}

// sessionClick writes the ad click of a paid web session, a few seconds
// before its first event at first, and returns its id ("" for a session
// of another kind).
func (g *gen) sessionClick(p *Person, base Touchpoint, first time.Time) string {
	if base.Source != "web" || (base.Channel != "paid_search" && base.Channel != "paid_social") {
		return ""
	}
	platform := map[string]string{"paid_search": "google_ads", "paid_social": "meta"}[base.Channel]
	return g.click(p, platform, base.CampaignID, base.CookieID, first.Add(-time.Duration(1+g.rng.IntN(20))*time.Second))
}

// touchEmail is the e-mail a logged-in session writes on its events.
func (g *gen) touchEmail(p *Person, bridge bool) string {
	if bridge {
		return p.Emails[0]
	}
	if chance(g.rng, TouchNullEmailRate) {
		return "null"
	}
	e := p.Emails[0]
	if len(p.Emails) > 1 && chance(g.rng, 0.3) {
		e = pick(g.rng, p.Emails[1:])
	}
	u := g.rng.Float64()
	switch {
	case u < TouchEmailCaseRate:
		return caseMess(g.rng, e)
	case u < TouchEmailCaseRate+TouchEmailSpaceRate:
		return spaceMess(g.rng, e)
	}
	return e
}

// eventTypes: a purchase session views 1-4 pages, adds 1-3 items, checks
// out and buys; a browsing session views 1-6 pages, adds to the cart in
// 25% of sessions, and a third of those reach checkout.
func (g *gen) eventTypes(purchase bool) []string {
	var out []string
	if purchase {
		for range 1 + g.rng.IntN(4) {
			out = append(out, "page_view")
		}
		for range 1 + g.rng.IntN(3) {
			out = append(out, "add_to_cart")
		}
		return append(out, "checkout", "purchase")
	}
	for range 1 + g.rng.IntN(6) {
		out = append(out, "page_view")
	}
	if chance(g.rng, 0.25) {
		out = append(out, "add_to_cart")
		if chance(g.rng, 1.0/3) {
			out = append(out, "checkout")
		}
	}
	return out
}

// eventTimes spaces n events 10-180 s apart: forward from s.at, or for a
// purchase session backward so that the last event is at the invoice time.
func (g *gen) eventTimes(s sessionSpec, n int) []time.Time {
	out := make([]time.Time, n)
	gap := func() time.Duration { return time.Duration(10+g.rng.IntN(171)) * time.Second }
	if s.order != nil {
		out[n-1] = s.order.Time.UTC()
		for i := n - 2; i >= 0; i-- {
			out[i] = out[i+1].Add(-gap())
		}
		return out
	}
	out[0] = s.at
	for i := 1; i < n; i++ {
		out[i] = out[i-1].Add(gap())
	}
	return out
}

// click writes one ad click and returns its id. Its cookie id is blocked
// with BlockedCookieRate.
func (g *gen) click(p *Person, platform, campaign, cookie string, at time.Time) string {
	id := g.fresh(func() string {
		if platform == "meta" {
			return "IwAR" + g.token(28)
		}
		return "Cj0KCQ" + g.token(26)
	})
	if chance(g.rng, BlockedCookieRate) {
		cookie = blocked(g.rng)
	}
	g.d.AdClicks = append(g.d.AdClicks, AdClick{ClickID: id, Platform: platform, CampaignID: campaign, CookieID: cookie, Time: at, PersonID: p.ID})
	return id
}

// token is n random URL-safe base64 characters.
func (g *gen) token(n int) string {
	const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	var b strings.Builder
	for range n {
		b.WriteByte(abc[g.rng.IntN(len(abc))])
	}
	return b.String()
}

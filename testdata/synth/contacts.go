package synth

import (
	"strings"
	"time"
)

// window is when a person is active: for a customer from 1-60 days before
// the first order to 0-45 days after the last (within the span); for a
// prospect 14-200 days somewhere in the span.
func (g *gen) window(p Person) [2]time.Time {
	dayN := func(lo, hi int) time.Duration { return time.Duration(lo+g.rng.IntN(hi-lo+1)) * 24 * time.Hour }
	if c, ok := g.customers[p.CustomerNumber]; ok {
		from := c.FirstOrder.Add(-dayN(1, 60))
		to := c.LastOrder.Add(dayN(0, 45))
		return [2]time.Time{maxTime(from, g.start), minTime(to, g.end)}
	}
	from := g.timeIn(g.start, g.end.Add(-14*24*time.Hour))
	return [2]time.Time{from, minTime(from.Add(dayN(14, 200)), g.end)}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// contacts writes the person's 1-2 CRM contacts.
func (g *gen) contacts(p *Person) {
	plan := planFor(p.Country)
	withNumber := g.crmNumbered(p)
	first := g.firstContact(p, plan, withNumber)
	g.d.Contacts = append(g.d.Contacts, first)
	if !chance(g.rng, DuplicateContactRate) {
		return
	}
	g.d.Contacts = append(g.d.Contacts, g.duplicateContact(p, plan, first, withNumber))
}

// crmNumbered draws whether the person's contacts carry the customer
// number: always when the customer has no orders, else at CRMNumberRate. A
// customer whose contacts do not carry it joins the bridge persons.
func (g *gen) crmNumbered(p *Person) bool {
	c, hasOrders := g.customers[p.CustomerNumber]
	hasOrders = hasOrders && len(c.Orders) > 0
	withNumber := p.CustomerNumber != "" && (!hasOrders || chance(g.rng, CRMNumberRate))
	if p.CustomerNumber != "" && !withNumber {
		g.bridge[p.ID] = true
	}
	return withNumber
}

// firstContact is the person's contact, made within 30 days of the start
// of the person's window (its index in Persons is recovered from the id).
func (g *gen) firstContact(p *Person, plan phonePlan, withNumber bool) Contact {
	w := g.windows[personIndex(p.ID)]
	first := Contact{
		PersonID: p.ID, Country: p.Country,
		FirstName: g.nameMess(p.FirstName, false), LastName: g.nameMess(p.LastName, true),
		LifecycleStage: g.stage(*p),
	}
	if g.bridge[p.ID] {
		first.Email = g.emailMess(p.Emails[0])
	} else {
		first.Email = g.crmEmail(p.Emails[0])
	}
	first.Phone = g.crmPhone(plan, p.Phone)
	if withNumber {
		first.CustomerNumber = g.numberMess(p.CustomerNumber)
	}
	first.CreatedAt = g.msTime(w[0], minTime(w[0].Add(30*24*time.Hour), w[1]))
	first.UpdatedAt = g.msTime(first.CreatedAt, g.end)
	return first
}

// duplicateContact is a second contact of the person, made after the
// first: other name and stage messes, and either the same phone in another
// format with another e-mail or the same e-mail with the phone as given.
func (g *gen) duplicateContact(p *Person, plan phonePlan, first Contact, withNumber bool) Contact {
	dup := first
	dup.FirstName, dup.LastName = g.nameMess(p.FirstName, false), g.nameMess(p.LastName, true)
	dup.LifecycleStage = g.stage(*p)
	if p.Phone != "" && chance(g.rng, 0.4) {
		g.samePhoneOtherEmail(&dup, p, plan)
	} else {
		g.sameEmailGivenPhone(&dup, p, plan)
	}
	if withNumber && chance(g.rng, 0.5) {
		dup.CustomerNumber = g.numberMess(p.CustomerNumber)
	} else {
		dup.CustomerNumber = ""
	}
	dup.CreatedAt = g.msTime(first.CreatedAt, g.end)
	dup.UpdatedAt = g.msTime(dup.CreatedAt, g.end)
	return dup
}

// samePhoneOtherEmail gives the duplicate contact dup the person's phone
// in another format and another e-mail: the person's last, or a new one
// the person then has too.
func (g *gen) samePhoneOtherEmail(dup *Contact, p *Person, plan phonePlan) {
	dup.Phone = formatPhone(plan, strings.TrimPrefix(p.Phone, "+"+plan.cc), g.rng.IntN(PhoneFormats))
	dup.Email = g.crmEmail(p.Emails[len(p.Emails)-1])
	if len(p.Emails) == 1 {
		dup.Email = g.crmEmail(g.unique(asciiFold(p.FirstName)+asciiFold(p.LastName), pick(g.rng, freeMailDomains())))
		p.Emails = append(p.Emails, strings.TrimSpace(strings.ToLower(dup.Email)))
	}
}

// sameEmailGivenPhone gives the duplicate contact dup the person's first
// e-mail in another case (and now and then with spaces), and the phone as
// the form gave it.
func (g *gen) sameEmailGivenPhone(dup *Contact, p *Person, plan phonePlan) {
	dup.Email = caseMess(g.rng, p.Emails[0])
	if chance(g.rng, EmailSpaceRate) {
		dup.Email = spaceMess(g.rng, dup.Email)
	}
	dup.Phone = g.crmPhone(plan, p.Phone)
}

// personIndex turns "P00042" into 41.
func personIndex(id string) int {
	n := 0
	for _, c := range id[1:] {
		n = n*10 + int(c-'0')
	}
	return n - 1
}

// crmEmail writes e as a CRM form or import would: a test address, a
// blocked value, or e with case and space mess.
func (g *gen) crmEmail(e string) string {
	u := g.rng.Float64()
	switch {
	case u < TestAddressRate:
		t := pick(g.rng, TestAddresses())
		if chance(g.rng, 0.3) {
			t = strings.ToUpper(t)
		}
		return t
	case u < TestAddressRate+BlockedEmailRate:
		return blocked(g.rng)
	}
	return g.emailMess(e)
}

// emailMess applies EmailCaseRate and EmailSpaceRate.
func (g *gen) emailMess(e string) string {
	if chance(g.rng, EmailCaseRate) {
		e = caseMess(g.rng, e)
	}
	if chance(g.rng, EmailSpaceRate) {
		e = spaceMess(g.rng, e)
	}
	return e
}

// crmPhone writes the phone in a random format, or a blocked value when
// the person has none.
func (g *gen) crmPhone(plan phonePlan, phone string) string {
	if phone == "" {
		return blocked(g.rng)
	}
	return formatPhone(plan, strings.TrimPrefix(phone, "+"+plan.cc), g.rng.IntN(PhoneFormats))
}

func (g *gen) numberMess(n string) string {
	if chance(g.rng, FloatNumberRate) {
		return n + ".0"
	}
	return n
}

// nameMess writes a name as typed: 8% upper-case (last names) or lower-case
// (first names), 3% with a trailing space, 3% left empty.
func (g *gen) nameMess(name string, last bool) string {
	u := g.rng.Float64()
	switch {
	case u < 0.08 && last:
		return strings.ToUpper(name)
	case u < 0.08:
		return strings.ToLower(name)
	case u < 0.11:
		return name + " "
	case u < 0.14:
		return ""
	}
	return name
}

// stage is a HubSpot lifecycle stage: "customer" for customers (stale with
// StaleLifecycleRate), a pre-sale stage for prospects.
func (g *gen) stage(p Person) string {
	if p.CustomerNumber != "" && !chance(g.rng, StaleLifecycleRate) {
		return "customer"
	}
	if p.CustomerNumber != "" {
		return pick(g.rng, []string{"lead", "salesqualifiedlead", "opportunity"})
	}
	stages := []string{"subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity"}
	return stages[pickWeighted(g.rng, []int{30, 35, 15, 10, 10})]
}

// msTime is a time in [a, b) with millisecond precision, as HubSpot
// reports createdate and lastmodifieddate.
func (g *gen) msTime(a, b time.Time) time.Time {
	ms := int64(b.Sub(a) / time.Millisecond)
	if ms <= 0 {
		return a
	}
	return a.Add(time.Duration(g.rng.Int64N(ms)) * time.Millisecond)
}

// callCentre puts CallCentrePhone, in random formats, on the first contact
// of CallCentreContacts distinct persons: those without a phone first.
func (g *gen) callCentre() {
	first := map[string]int{}
	for i, c := range g.d.Contacts {
		if _, ok := first[c.PersonID]; !ok {
			first[c.PersonID] = i
		}
	}
	var without, with []int
	for _, j := range g.rng.Perm(len(g.d.Persons)) {
		if g.d.Persons[j].Phone == "" {
			without = append(without, j)
		} else {
			with = append(with, j)
		}
	}
	order := append(without, with...)
	plan := callCentrePlan()
	for _, j := range order[:min(CallCentreContacts, len(order))] {
		g.d.Contacts[first[g.d.Persons[j].ID]].Phone = formatPhone(plan, callCentreNSN, g.rng.IntN(PhoneFormats))
	}
}

package synth

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"
)

// Rates of the consent events and deletion requests, per person unless
// said otherwise.
const (
	// ConsentRate is the share of persons with an e-mail opt-in (at sign-up
	// or checkout).
	ConsentRate = 0.60
	// OptOutRate is the share of opted-in persons who opt out later, and
	// ResubscribeRate the share of those who opt in again after that.
	OptOutRate      = 0.20
	ResubscribeRate = 0.25
	// ConsentTieRate is the share of opted-in persons with an opt-in and an
	// opt-out at the same second from two sources (a preference-centre save
	// racing a customer-service change), so that the tie rule matters.
	ConsentTieRate = 0.03
	// ServiceOptOutRate is the share of customers (with orders) who opt out
	// through customer service, identified by customer number only, with no
	// earlier opt-in.
	ServiceOptOutRate = 0.05
	// StrangerConsentEvents is how many opt-outs name an e-mail no person
	// has (a subscriber from before the shop's data): they match nobody.
	StrangerConsentEvents = 5
	// DeletionRequestRate is the share of persons who ask to be erased.
	DeletionRequestRate = 0.01
)

// ConsentEvent is one change of a person's e-mail marketing consent, as a
// consent-management export writes it.
type ConsentEvent struct {
	// EventID is "ce" and six digits, in time order.
	EventID string
	// Time is UTC, whole seconds.
	Time time.Time
	// Status is opted_in or opted_out.
	Status string
	// Source is where the change was made: signup_form, checkout,
	// unsubscribe_link, preference_centre or customer_service.
	Source string
	// Email is the person's primary e-mail (sometimes in other case or
	// with spaces) or ""; CustomerNumber the real customer number or "".
	// At least one is set.
	Email, CustomerNumber string
	// PersonID is the ground truth ("" for a stranger); not written.
	PersonID string
}

// DeletionRequest is one request to erase a person's data.
type DeletionRequest struct {
	// RequestID is "dr" and four digits, in time order.
	RequestID string
	// Time is UTC, whole seconds.
	Time time.Time
	// Email and CustomerNumber identify the person (at least one is set).
	Email, CustomerNumber string
	// PersonID is the ground truth; not written.
	PersonID string
}

// consent writes the consent events and deletion requests of every person.
func (g *gen) consent(rng *rand.Rand) {
	last := g.end.Add(-time.Second)
	for i := range g.d.Persons {
		g.personConsent(rng, &g.d.Persons[i], g.windows[i], last)
	}
	for i := range StrangerConsentEvents {
		g.d.ConsentEvents = append(g.d.ConsentEvents, ConsentEvent{Time: timeBetween(rng, g.start, last), Status: "opted_out",
			Source: "unsubscribe_link", Email: fmt.Sprintf("former.subscriber%d@post.example", i+1)})
	}
	g.numberConsent()
}

// personConsent writes the consent events and deletion request of one
// person, active in the window w, up to last: a subscription, an opt-out
// through customer service (customers only), a deletion request.
func (g *gen) personConsent(rng *rand.Rand, p *Person, w [2]time.Time, last time.Time) {
	if chance(rng, ConsentRate) {
		g.subscription(rng, p, w, last)
	}
	if p.CustomerNumber != "" && chance(rng, ServiceOptOutRate) {
		e := ConsentEvent{Time: timeBetween(rng, w[0], last), Status: "opted_out", Source: "customer_service",
			CustomerNumber: p.CustomerNumber, PersonID: p.ID}
		g.d.ConsentEvents = append(g.d.ConsentEvents, e)
	}
	if chance(rng, DeletionRequestRate) {
		r := DeletionRequest{Time: timeBetween(rng, w[0], last), PersonID: p.ID}
		r.Email, r.CustomerNumber = g.consentIDs(rng, p, "")
		g.d.DeletionRequests = append(g.d.DeletionRequests, r)
	}
}

// subscription writes the consent events of a person who subscribes within
// the window w: opted in, then maybe opted out (and maybe back in), or else
// maybe opted in and out at one time.
func (g *gen) subscription(rng *rand.Rand, p *Person, w [2]time.Time, last time.Time) {
	ev := func(at time.Time, status, source string) {
		e := ConsentEvent{Time: at, Status: status, Source: source, PersonID: p.ID}
		e.Email, e.CustomerNumber = g.consentIDs(rng, p, source)
		g.d.ConsentEvents = append(g.d.ConsentEvents, e)
	}
	at := timeBetween(rng, w[0], w[1])
	ev(at, "opted_in", pick(rng, []string{"signup_form", "checkout"}))
	if chance(rng, OptOutRate) && at.Add(time.Hour).Before(last) {
		out := timeBetween(rng, at.Add(time.Hour), minTime(w[1].AddDate(0, 0, 60), last))
		ev(out, "opted_out", "unsubscribe_link")
		if chance(rng, ResubscribeRate) && out.Add(time.Hour).Before(last) {
			ev(timeBetween(rng, out.Add(time.Hour), last), "opted_in", "preference_centre")
		}
	} else if chance(rng, ConsentTieRate/(1-OptOutRate)) && at.Add(time.Hour).Before(last) {
		tie := timeBetween(rng, at.Add(time.Hour), last)
		ev(tie, "opted_in", "preference_centre")
		ev(tie, "opted_out", "customer_service")
	}
}

// numberConsent orders the consent events and the deletion requests by
// time and numbers them.
func (g *gen) numberConsent() {
	sort.SliceStable(g.d.ConsentEvents, func(i, j int) bool { return g.d.ConsentEvents[i].Time.Before(g.d.ConsentEvents[j].Time) })
	for i := range g.d.ConsentEvents {
		g.d.ConsentEvents[i].EventID = fmt.Sprintf("ce%06d", i+1)
	}
	sort.SliceStable(g.d.DeletionRequests, func(i, j int) bool { return g.d.DeletionRequests[i].Time.Before(g.d.DeletionRequests[j].Time) })
	for i := range g.d.DeletionRequests {
		g.d.DeletionRequests[i].RequestID = fmt.Sprintf("dr%04d", i+1)
	}
}

// consentIDs picks the identifiers an event carries: a prospect's e-mail;
// a customer's e-mail (40%), customer number (30%) or both (30%). The
// e-mail is the primary one, in other case 20% and with spaces 5% of the
// time. Customer service always notes the customer number.
func (g *gen) consentIDs(rng *rand.Rand, p *Person, source string) (email, number string) {
	useEmail, useNumber := true, false
	if p.CustomerNumber != "" {
		switch u := rng.Float64(); {
		case source == "customer_service":
			useNumber = true
		case u < 0.3:
			useEmail, useNumber = false, true
		case u < 0.6:
			useNumber = true
		}
	}
	if useNumber {
		number = p.CustomerNumber
	}
	if useEmail {
		email = p.Emails[0]
		switch u := rng.Float64(); {
		case u < 0.20:
			email = caseMess(rng, email)
		case u < 0.25:
			email = spaceMess(rng, email)
		}
	}
	return email, number
}

// timeBetween returns a time in [a, b) in whole seconds (a when b <= a).
func timeBetween(rng *rand.Rand, a, b time.Time) time.Time {
	s := int64(b.Sub(a) / time.Second)
	if s <= 0 {
		return a
	}
	return a.Add(time.Duration(rng.Int64N(s)) * time.Second)
}
